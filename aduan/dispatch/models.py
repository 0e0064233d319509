"""Delivery of reports to agencies' own systems, and their status updates back (issue #4).

- ``DeliveryRoute``: per agency (optionally per category, optionally for its units too) the
  delivery method chosen by data (rule of the house 7) and its settings.
- ``Delivery``: one thing to send, written in the same transaction as the report change that
  caused it (rule 5) and sent by a worker with retry and backoff. Its state is delivery
  state, kept apart from the report's workflow state (STYLE.md §6).
- ``InboundUpdate``: one status update received from an agency system, stored raw with the
  answer given, unique per (source, update id) so a replay is answered from the row and
  never creates a second event.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency, Category
from aduan.api.models import ApiKey
from aduan.reports.models import Event, Report


class Method(models.TextChoices):
    NONE = "none", _("Tidak dikirim (dikerjakan di Aduan)")
    WEBHOOK = "webhook", _("Webhook bertanda tangan (JSON)")
    OPEN311 = "open311", _("Open311 GeoReport v2")
    EMAIL = "email", _("Surel")


class Open311Format(models.TextChoices):
    JSON = "json", "JSON"
    XML = "xml", "XML"


class DeliveryRoute(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="delivery_routes")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 help_text=_("Kosong = semua kategori."))
    applies_to_units = models.BooleanField(default=False, help_text=_("Juga untuk unit kerja di bawah instansi ini."))
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.NONE)
    endpoint_url = models.URLField(max_length=500, blank=True,
                                   help_text=_("Alamat webhook, atau alamat dasar Open311 (…/open311/v2/)."))
    # The HMAC key must be readable to sign with, so it is stored as is and never shown again.
    secret = models.CharField(max_length=128, blank=True)
    email_to = models.CharField(max_length=500, blank=True, help_text=_("Satu atau beberapa alamat, dipisah koma."))
    open311_api_key = models.CharField(max_length=255, blank=True)
    open311_jurisdiction_id = models.CharField(max_length=100, blank=True)
    open311_service_code = models.CharField(max_length=100, blank=True, help_text=_("Kosong = slug kategori laporan."))
    open311_format = models.CharField(max_length=4, choices=Open311Format.choices, default=Open311Format.JSON)
    updates_key = models.ForeignKey(
        ApiKey, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("Kunci API instansi yang dipakai untuk mencatat pembaruan yang ditarik dari Open311."),
    )
    send_updates = models.BooleanField(default=True, help_text=_("Kirim juga perkembangan laporan setelah disposisi."))
    is_active = models.BooleanField(default=True)
    updates_pulled_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency__path", "category__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "category"], name="uniq_delivery_route_agency_category"),
            # NULLs are distinct in a unique index: the "all categories" row needs its own.
            models.UniqueConstraint(fields=["agency"], condition=Q(category__isnull=True), name="uniq_delivery_route_agency_all"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} · {self.category or '*'} → {self.method}"


class Delivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        SENDING = "sending", _("Sedang dikirim")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal (perlu tindakan)")

    class Kind(models.TextChoices):
        REPORT = "report", _("Laporan didisposisikan")
        UPDATE = "update", _("Perkembangan laporan")

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="deliveries")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="deliveries")
    route = models.ForeignKey(DeliveryRoute, on_delete=models.PROTECT, related_name="deliveries")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    method = models.CharField(max_length=10, choices=Method.choices)  # as chosen when written
    # Idempotency: the same cause never produces two rows.
    dedupe_key = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # What the agency system calls the report (Open311 service_request_id, or a token until it has one).
    external_id = models.CharField(max_length=100, blank=True)
    external_token = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["route", "external_id"]),
            models.Index(fields=["report", "agency", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.report_id} → {self.agency_id} ({self.state})"


class InboundUpdate(models.Model):
    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Dicatat sebagai riwayat")
        IGNORED = "ignored", _("Tidak mengubah apa pun")
        REJECTED = "rejected", _("Ditolak")

    source = models.CharField(max_length=40)  # "key:<api key id>" or "route:<route id>"
    update_id = models.CharField(max_length=100)
    api_key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    route = models.ForeignKey(DeliveryRoute, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)
    fingerprint = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(default=dict)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["source", "update_id"], name="uniq_inbound_update_source_id")]

    def __str__(self) -> str:
        return f"{self.source}/{self.update_id} ({self.outcome})"
