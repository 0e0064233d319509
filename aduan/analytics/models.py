"""Transparency and planning data (issue #7).

- ``ReportFact``: one row per report, the figures statistics need, derived from the report's
  stored events, dispositions and deadlines by ``facts.report_fact`` and refreshed by a
  periodic job (``facts_refresh``). Never edited by hand.
- ``StatRollup``: counts per month × scope (nation, region, agency) × dimension × key,
  rebuilt from ``ReportFact`` for the months that changed; the public statistics pages read
  only these, so they stay fast on tens of millions of reports.
- ``BudgetLine``: an agency's published budget by sector (APBD planning evidence).
- ``Alert`` / ``AlertReport``: early warnings of a category or term rising in a region.
- ``AnalyticsState``: watermarks of the periodic jobs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency, Category
from aduan.regions.models import Region
from aduan.reports.models import Report


class ReportFact(models.Model):
    report = models.OneToOneField(Report, primary_key=True, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(db_index=True, help_text="First day of the submission month (Asia/Jakarta).")
    submitted_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=24)
    channel = models.CharField(max_length=16)
    status = models.CharField(max_length=20)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sector = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               help_text="Top-level category of the report's category.")
    province_code = models.CharField(max_length=13, blank=True, db_index=True)
    regency_code = models.CharField(max_length=13, blank=True, db_index=True)
    district_code = models.CharField(max_length=13, blank=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               help_text="The agency holding the report, or the last one that held it.")
    is_public = models.BooleanField(default=False, help_text="Published and not confidential.")
    is_duplicate = models.BooleanField(default=False)
    is_verified = models.BooleanField(default=False, help_text="Disposed to an agency at least once.")
    forwarded = models.BooleanField(default=False, help_text="Re-disposed to another agency after 'not our authority'.")
    reopened = models.BooleanField(default=False, help_text="Disputed by the reporter after a follow-up.")
    is_open = models.BooleanField(default=True)
    verify_hours = models.FloatField(null=True, blank=True)
    first_response_hours = models.FloatField(null=True, blank=True)
    resolution_hours = models.FloatField(null=True, blank=True)
    first_response_due = models.BooleanField(default=False, help_text="Answered, or unanswered past the deadline.")
    first_response_on_time = models.BooleanField(default=False)
    resolution_due = models.BooleanField(default=False, help_text="Closed, or open past the resolution deadline.")
    resolved_on_time = models.BooleanField(default=False)
    overdue_open = models.BooleanField(default=False)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    support_count = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["regency_code", "month"], name="fact_regency_month_idx"),
            models.Index(fields=["agency", "month"], name="fact_agency_month_idx"),
            models.Index(fields=["sector", "month"], name="fact_sector_month_idx"),
        ]


class StatRollup(models.Model):
    """``scope``: ``""`` the nation, ``r:<code>`` a province or regency/city, ``a:<id>`` an agency.
    ``dimension`` / ``key``: e.g. ``kind``/``complaint``, ``region``/``33.74``, ``total``/``reports``,
    ``t_verify``/``26`` (a duration histogram bucket, see ``rollups.BUCKETS``)."""

    month = models.DateField()
    scope = models.CharField(max_length=24)
    dimension = models.CharField(max_length=16)
    key = models.CharField(max_length=40)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "dimension", "month", "key"], name="rollup_cell_unique"),
        ]
        indexes = [models.Index(fields=["month", "dimension"], name="rollup_month_dim_idx")]


class AnalyticsState(models.Model):
    name = models.CharField(max_length=40, primary_key=True)
    value = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)


class BudgetLine(models.Model):
    """One sector line of an agency's published budget (APBD/APBN summary) for a year."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField()
    sector = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year", "sector"], name="budget_line_unique")]
        ordering = ["agency", "year", "sector"]


class Alert(models.Model):
    class Subject(models.TextChoices):
        CATEGORY = "category", _("Kategori")
        TERM = "term", _("Kata")

    class State(models.TextChoices):
        OPEN = "open", _("Terbuka")
        ACKNOWLEDGED = "acknowledged", _("Sudah ditangani")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=10, choices=Subject.choices)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    term = models.CharField(max_length=60, blank=True)
    window_start = models.DateField()
    window_end = models.DateField()
    observed = models.PositiveIntegerField()
    expected = models.FloatField()
    threshold = models.FloatField()
    p_value = models.FloatField()
    method = models.CharField(max_length=40)
    state = models.CharField(max_length=14, choices=State.choices, default=State.OPEN)
    agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    reports = models.ManyToManyField(Report, through="AlertReport", related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        # Two partial constraints: a NULL category would make one constraint over both kinds
        # useless on PostgreSQL (NULLs are distinct there), letting two workers race in
        # duplicate term alerts.
        constraints = [
            models.UniqueConstraint(fields=["region", "category", "window_end"], condition=models.Q(subject="category"),
                                    name="alert_category_unique"),
            models.UniqueConstraint(fields=["region", "term", "window_end"], condition=models.Q(subject="term"),
                                    name="alert_term_unique"),
        ]


class AlertReport(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE)
    report = models.ForeignKey(Report, on_delete=models.CASCADE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "report"], name="alert_report_unique")]
