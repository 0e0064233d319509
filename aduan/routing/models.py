"""Routing data (issue #6). Layer 2: reads the directory (agencies, regions), never reports.

``RoutingRule`` is the rules engine's data (rule of the house 7: officials edit it in the
back office, no deploy): category × region subtree × asset owner → either a fixed agency,
or "whoever handles this category under the government of the report's region at
``region_level``", resolved through the agency tree, coverage and AgencyCategory by
``rules.py``. Every change is written to the audit log with the field values before and
after, which is the rule's version history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency, Category
from aduan.core.models import TimeStampedModel
from aduan.regions.models import Region


class AssetOwner(models.TextChoices):
    """Who owns the public asset the report is about. Roads (UU 38/2004 Pasal 14–16 as
    amended by UU 2/2022): jalan nasional → the central government (Kementerian PUPR and
    its BBPJN/BPJN), jalan provinsi → the province, jalan kabupaten/kota → the regency or
    city, jalan desa → administered by the regency (Pasal 16). Jalan tol is a national road
    (Pasal 1 angka 7), so it counts as national."""

    ANY = "", _("Tidak ditentukan")
    NATIONAL = "national", _("Negara/pusat (mis. jalan nasional, jalan tol)")
    PROVINCIAL = "provincial", _("Provinsi (mis. jalan provinsi)")
    REGENCY = "regency", _("Kabupaten/kota (mis. jalan kabupaten, jalan kota)")
    VILLAGE = "village", _("Desa (mis. jalan desa)")


class AuthorityLevel(models.IntegerChoices):
    """The level of government at which authority sits; 1–4 are Region levels."""

    NATIONAL = 0, _("Nasional (kementerian/lembaga dan kantor vertikalnya)")
    PROVINCE = 1, _("Provinsi")
    REGENCY = 2, _("Kabupaten/kota")
    DISTRICT = 3, _("Kecamatan")
    VILLAGE = 4, _("Desa/kelurahan")


class RoutingRule(TimeStampedModel):
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("Kosong = semua kategori. Berlaku juga untuk subkategorinya."),
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("Kosong = seluruh Indonesia. Berlaku untuk wilayah ini dan wilayah di bawahnya."),
    )
    asset_owner = models.CharField(max_length=12, choices=AssetOwner.choices, blank=True, default="")
    region_level = models.PositiveSmallIntegerField(
        choices=AuthorityLevel.choices, null=True, blank=True,
        help_text=_("Tingkat pemerintahan yang berwenang; kosong bila tujuan adalah instansi tetap."),
    )
    target_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("Instansi tujuan tetap; kosong = dicari menurut tingkat pemerintahan."),
    )
    fallback_to_government = models.BooleanField(
        default=True,
        help_text=_("Bila tidak ada unit yang menangani kategori ini, serahkan ke pemerintah daerah itu sendiri "
                    "(admin koordinator) untuk disposisi internal."),
    )
    priority = models.SmallIntegerField(default=0, help_text=_("Penentu bila dua aturan sama spesifiknya: lebih besar menang."))
    is_active = models.BooleanField(default=True, db_index=True)
    note = models.TextField(blank=True, help_text=_("Dasar aturan, mis. pasal peraturan."))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-is_active", "-priority", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_agency__isnull=False) | Q(region_level__isnull=False),
                name="routing_rule_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category_id or '*'} · {self.region_id or '*'} · {self.asset_owner or '*'}"
