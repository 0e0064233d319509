"""The agency directory: one tree of ministries, non-ministerial agencies, BUMN/BPJS,
provincial / regency / city governments and their units, which regions each covers,
which categories each handles there, and its service targets. All of it is data edited
by the national administrator (rule of the house 7)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from aduan.core.models import TimeStampedModel
from aduan.regions.models import Region


class ResolutionTier(models.TextChoices):
    """KemenPANRB tiers (DOMAIN-RULES §1.2): ringan 2, normatif 5, tanpa pemeriksaan lapangan 14,
    dengan pemeriksaan lapangan 60 working days. The day counts themselves are data (TimeLimits)."""

    LIGHT = "light", _("Ringan")
    NORMATIVE = "normative", _("Normatif")
    NO_FIELD_CHECK = "no_field_check", _("Tanpa pemeriksaan lapangan")
    FIELD_CHECK = "field_check", _("Dengan pemeriksaan lapangan")


class Agency(TimeStampedModel):
    class Kind(models.TextChoices):
        COORDINATOR = "coordinator", _("Pengelola nasional SP4N-LAPOR!")
        MINISTRY = "ministry", _("Kementerian")
        NON_MINISTERIAL = "non_ministerial", _("Lembaga (LPNK/LNS)")
        STATE_ENTERPRISE = "state_enterprise", _("BUMN/BUMD")
        SOCIAL_SECURITY = "social_security", _("BPJS")
        PROVINCE = "province", _("Pemerintah Provinsi")
        REGENCY = "regency", _("Pemerintah Kabupaten")
        CITY = "city", _("Pemerintah Kota")
        UNIT = "unit", _("Unit kerja (dinas, direktorat, kanwil, kantor cabang)")

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, blank=True)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # Materialised path of ids ("/1/7/23/") so a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    seat_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("Wilayah kedudukan; menentukan zona waktu dan hari libur daerah."),
    )
    aliases = models.JSONField(default=list, blank=True, help_text=_("Nama lain yang dipakai warga atau sistem lama."))
    is_active = models.BooleanField(default=True)
    accepts_reports = models.BooleanField(default=True)
    # Service targets (working days). Empty = inherit from the parent, then the national defaults.
    first_response_days = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    def clean(self):
        node = self.parent
        while node is not None:
            if self.pk and node.pk == self.pk:
                raise ValidationError({"parent": _("Induk tidak boleh berada di bawah instansi ini sendiri.")})
            node = node.parent

    def save(self, *args, **kwargs):
        if self.pk is None:
            super().save(*args, **kwargs)
            kwargs = {k: v for k, v in kwargs.items() if k not in ("force_insert",)}
        old_path = self.path
        self.path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "path"}
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Moving an agency moves its subtree: one prefix rewrite, no per-row saves.
            Agency.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(Value(self.path), Substr("path", len(old_path) + 1))
            )

    def is_descendant_of(self, other: "Agency") -> bool:
        return self.path.startswith(other.path)

    def ancestors(self) -> list["Agency"]:
        ids = [int(p) for p in self.path.strip("/").split("/") if p][:-1]
        by_id = {a.pk: a for a in Agency.objects.filter(pk__in=ids)}
        return [by_id[i] for i in reversed(ids) if i in by_id]

    @property
    def timezone(self) -> str:
        return self.seat_region.timezone if self.seat_region_id else "Asia/Jakarta"


class AgencyCoverage(models.Model):
    """An agency has authority over a region and everything below it."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="coverage")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "region"], name="uniq_agency_coverage")]

    def __str__(self) -> str:
        return f"{self.agency} → {self.region_id}"


class Category(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    description = models.TextField(blank=True, help_text=_("Penjelasan dalam bahasa sederhana untuk warga."))
    default_tier = models.CharField(max_length=20, choices=ResolutionTier.choices, default=ResolutionTier.NORMATIVE)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class AgencyCategory(models.Model):
    """Who handles what, where: agency × category (× region, empty = all its coverage),
    with the resolution tier that agency applies to it."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="categories")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="handlers")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    tier = models.CharField(max_length=20, choices=ResolutionTier.choices, blank=True)
    resolution_days = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Kosongkan untuk memakai jenjang."))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "category", "region"], name="uniq_agency_category_region"),
            # NULLs are distinct in a unique index: the "all of its coverage" row needs its own.
            models.UniqueConstraint(fields=["agency", "category"], condition=Q(region__isnull=True),
                                    name="uniq_agency_category_everywhere"),
        ]
        verbose_name_plural = "agency categories"

    def __str__(self) -> str:
        return f"{self.agency} · {self.category}"
