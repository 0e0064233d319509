"""Time limits and calendars: data the national administrator edits, defaults from law.

Defaults (DOMAIN-RULES §1 and §7):
- verification and disposition within 3 working days of submission (SP4N-LAPOR!);
- first agency follow-up within 5 working days of disposition (SP4N-LAPOR!);
- resolution by tier: ringan 2, normatif 5, tanpa pemeriksaan lapangan 14,
  dengan pemeriksaan lapangan 60 working days (KemenPANRB / SIPPN);
- closes automatically 10 working days after the last agency follow-up with no reply
  from the reporter or an administrator (SP4N-LAPOR!);
- referred to the Ombudsman when unresolved 60 days after submission
  (Perpres 76/2013; KemenPANRB 2016: "60 hari … diambil alih Ombudsman");
- a complaint filed more than 30 days after the service gets a warning, not a refusal
  (UU 25/2009 Pasal 42; Perpres 76/2013).
"""

from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency, ResolutionTier
from aduan.regions.models import Region


class TimeLimits(models.Model):
    """One row with no agency holds the national defaults; an agency row overrides them
    for that agency and its units (empty fields inherit)."""

    agency = models.OneToOneField(Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="time_limits")
    verify_days = models.PositiveSmallIntegerField(null=True, blank=True)
    first_response_days = models.PositiveSmallIntegerField(null=True, blank=True)
    tier_light_days = models.PositiveSmallIntegerField(null=True, blank=True)
    tier_normative_days = models.PositiveSmallIntegerField(null=True, blank=True)
    tier_no_field_check_days = models.PositiveSmallIntegerField(null=True, blank=True)
    tier_field_check_days = models.PositiveSmallIntegerField(null=True, blank=True)
    autoclose_days = models.PositiveSmallIntegerField(null=True, blank=True)
    ombudsman_calendar_days = models.PositiveSmallIntegerField(null=True, blank=True)
    late_filing_calendar_days = models.PositiveSmallIntegerField(null=True, blank=True)
    escalation_step_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Hari kerja sebelum eskalasi naik satu tingkat lagi."),
    )

    class Meta:
        verbose_name_plural = "time limits"
        constraints = [
            # NULLs are distinct in a unique index, so index COALESCE(agency, 0): one national row only.
            models.UniqueConstraint(Coalesce("agency", Value(0)), name="one_time_limits_per_scope"),
        ]

    def __str__(self) -> str:
        return f"Batas waktu: {self.agency or 'nasional'}"


# Statutory defaults used when no row says otherwise.
DEFAULT_LIMITS = {
    "verify_days": 3,
    "first_response_days": 5,
    "tier_light_days": 2,
    "tier_normative_days": 5,
    "tier_no_field_check_days": 14,
    "tier_field_check_days": 60,
    "autoclose_days": 10,
    "ombudsman_calendar_days": 60,
    "late_filing_calendar_days": 30,
    # [I] no source gives the pace of escalation; one verification period per level.
    "escalation_step_days": 3,
}

TIER_FIELD = {
    ResolutionTier.LIGHT: "tier_light_days",
    ResolutionTier.NORMATIVE: "tier_normative_days",
    ResolutionTier.NO_FIELD_CHECK: "tier_no_field_check_days",
    ResolutionTier.FIELD_CHECK: "tier_field_check_days",
}


class CalendarDay(models.Model):
    """A day off (cuti bersama, regional holiday) or a declared working day that overrides
    the national calendar. National holidays come from the ``holidays`` package."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Hari libur / cuti bersama")
        WORKING = "working", _("Hari kerja (pembatalan libur)")

    date = models.DateField(db_index=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.HOLIDAY)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text=_("Kosong = nasional. Diisi provinsi atau kabupaten/kota untuk libur daerah."),
    )

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["date", "region", "kind"], name="uniq_calendar_day")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        from .deadlines import calendar_cache_clear

        calendar_cache_clear()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        from .deadlines import calendar_cache_clear

        calendar_cache_clear()
        return result
