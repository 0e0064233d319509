"""Reports, their dispositions, their append-only timeline and their attachments.

``Report.status`` is written only by ``report_transition`` (services/transition.py): the
model refuses a save that changes the status outside it, and a test scans the code for
any other assignment.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency, Category, ResolutionTier
from aduan.regions.models import Region

from .workflow import ArchiveReason, Maladministration, Status

_status_write_allowed = contextvars.ContextVar("report_status_write_allowed", default=False)


@contextmanager
def status_write_allowed():
    """Used by report_transition (and report creation) only."""
    token = _status_write_allowed.set(True)
    try:
        yield
    finally:
        _status_write_allowed.reset(token)


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Pengaduan")
    ASPIRATION = "aspiration", _("Aspirasi")
    INFORMATION_REQUEST = "information_request", _("Permintaan informasi")


class Channel(models.TextChoices):
    WEB = "web", _("Situs web")
    API = "api", _("Aplikasi seluler / API")
    OPEN311 = "open311", _("Open311")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Surel")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")
    CALL_CENTRE = "call_centre", _("Pusat panggilan")
    PAPER = "paper", _("Kotak pengaduan / surat")
    ADMIN = "admin", _("Dicatat petugas")


class Report(models.Model):
    reference = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)
    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.COMPLAINT)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.WEB)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True)

    title = models.CharField(max_length=200)
    body = models.TextField()
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="reports")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="reports")
    address = models.CharField(max_length=300, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    incident_date = models.DateField()

    # Privacy flags: independent; may be raised by a verifier, never lowered by anyone.
    is_anonymous = models.BooleanField(default=False)
    is_confidential = models.BooleanField(default=False)

    # Reporter identity. Only selectors in selectors.py read these for officials, and audit it.
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="reports")
    reporter_name = models.CharField(max_length=150, blank=True)
    reporter_email = models.EmailField(blank=True)
    reporter_phone = models.CharField(max_length=20, blank=True)
    # Where the reporter is answered on the channel they used when that is neither the phone
    # nor the e-mail above: a Telegram chat id. Read only by notify.py.
    reply_address = models.CharField(max_length=100, blank=True)

    # Who brought the report in, when it was not the reporter: the call-centre or paper-box
    # operator who entered it, or the monitoring device (CCTV analytics, sensor) that saw it.
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", help_text=_("Operator yang mencatat laporan atas nama pelapor."))
    device_identity = models.CharField(max_length=100, blank=True, db_index=True,
                                       help_text=_("Laporan mesin: identitas perangkat pemantau (CCTV, sensor)."))

    # Emergencies (issue #6): recognised at submission; the citizen is told to call 112 at
    # once and the report goes to the agency with authority flagged urgent.
    is_urgent = models.BooleanField(default=False, db_index=True)
    emergency_kind = models.CharField(max_length=20, blank=True,
                                      help_text=_("fire, accident, medical, crime, disaster"))
    # What routing suggested at submission (issue #6): the top suggestions with their
    # probabilities and the terms behind them, the combined confidence, the model version,
    # and whether the report was disposed automatically. Shown to the verifier.
    routing = models.JSONField(default=dict, blank=True)

    # Routing.
    suggested_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                         help_text=_("Instansi tujuan yang dipilih pelapor (opsional)."))
    coordinator = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="coordinated_reports",
                                    help_text=_("Admin koordinator yang memverifikasi; kosong = admin nasional."))
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_reports",
                               help_text=_("Instansi yang sedang menangani."))
    resolution_tier = models.CharField(max_length=20, choices=ResolutionTier.choices, blank=True)

    # Outcome.
    archive_reason = models.CharField(max_length=20, choices=ArchiveReason.choices, blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    maladministration = models.CharField(max_length=32, choices=Maladministration.choices, blank=True)
    late_filing_warning = models.BooleanField(default=False, help_text=_("Diajukan lebih dari 30 hari setelah pelayanan."))
    support_count = models.PositiveIntegerField(default=0)

    # Clock (all deadlines are stored, UTC; see sla.py).
    submitted_at = models.DateTimeField(db_index=True)
    verify_due_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    last_agency_follow_up_at = models.DateTimeField(null=True, blank=True)
    autoclose_at = models.DateTimeField(null=True, blank=True, db_index=True)
    clock_paused_at = models.DateTimeField(null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(default=0)
    ombudsman_due_at = models.DateTimeField(null=True, blank=True)
    ombudsman_referred_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # Breaches and escalation (sla.py).
    breached_verify_at = models.DateTimeField(null=True, blank=True)
    breached_first_response_at = models.DateTimeField(null=True, blank=True)
    breached_resolution_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    next_escalation_at = models.DateTimeField(null=True, blank=True)

    updated_at = models.DateTimeField(auto_now=True, db_index=True)  # the duplicate index catches up by it

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "verify_due_at"]),
            models.Index(fields=["status", "resolution_due_at"]),
            models.Index(fields=["agency", "status"]),
            # Open311 ``service_code`` + date window; the plain date window uses submitted_at's
            # own index once the planner has statistics (see aduan/core/tasks.py).
            models.Index(fields=["category", "submitted_at"], name="report_category_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5), name="report_rating_1_5"),
            models.CheckConstraint(condition=~models.Q(duplicate_of=models.F("id")), name="report_not_duplicate_of_itself"),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        if self.pk is None:
            if self.status != Status.SUBMITTED and not _status_write_allowed.get():
                raise RuntimeError("a new report starts as submitted")
        else:
            stored = type(self).objects.filter(pk=self.pk).values("status", "is_anonymous", "is_confidential").first()
            if stored is not None:
                if stored["status"] != self.status and not _status_write_allowed.get():
                    raise RuntimeError("Report.status is changed only by report_transition()")
                # Privacy flags only go up (DOMAIN-RULES §7.2): no code path may lower one.
                if (stored["is_anonymous"] and not self.is_anonymous) or (stored["is_confidential"] and not self.is_confidential):
                    raise RuntimeError("privacy flags are never lowered")
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.ARCHIVED, Status.CLOSED)


class Disposition(models.Model):
    """One assignment of a report to an agency. Forwarding ends one and starts another."""

    class EndReason(models.TextChoices):
        NOT_AUTHORITY = "not_authority", _("Bukan wewenang")
        CLOSED = "closed", _("Laporan selesai")
        REDISPOSED = "redisposed", _("Diteruskan ulang")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="dispositions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="dispositions")
    disposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    disposed_at = models.DateTimeField()
    note = models.TextField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    not_authority_reason = models.TextField(blank=True)
    suggested_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["disposed_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.agency_id}"


class Event(models.Model):
    """Append-only timeline entry (Riwayat). The public timeline is the public subset."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=32)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_kind = models.CharField(max_length=10)  # official / reporter / system
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               help_text=_("Instansi atas nama siapa tindakan dilakukan."))
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    is_public = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("events are append-only")

    def __str__(self) -> str:
        return f"{self.report_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{instance.report.submitted_at:%Y/%m}/{instance.report.reference}/{instance.sha256[:16]}.{instance.extension}"


class Attachment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class Support(models.Model):
    """A citizen's "dukungan" for a report (also counted when a duplicate is linked)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    via_duplicate = models.OneToOneField(Report, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="uniq_support_per_user")]


class ReportLink(models.Model):
    """Two reports an official found to be about related problems (issue #6): not the same
    report (that is "duplicate of", ``Report.duplicate_of``), but worth seeing together — a
    broken drain and the flooded road it causes, reported to two agencies. One row per pair,
    stored with the lower id first, so a pair cannot be linked twice in either order."""

    class Kind(models.TextChoices):
        RELATED = "related", _("Terkait")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="links_out")
    other = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.RELATED)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "other", "kind"], name="uniq_report_link"),
            models.CheckConstraint(condition=models.Q(report__lt=models.F("other")), name="report_link_ordered_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} ~ {self.other_id}"
