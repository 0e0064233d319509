"""``InboundMessage``: every payload a channel delivers, stored raw before it is parsed
(rule of the house 5, "nothing is lost").

The unique key (channel, external_id) makes a retried or duplicated webhook harmless: the
second delivery finds the first row and creates nothing. A message that cannot be parsed
keeps its row with ``state = needs_operator`` and a ``reason``: that is the operator queue.

Concatenated SMS that a gateway delivers part by part are kept as one row per part
(``part_of`` = the group key, ``part_number``/``part_total``) plus one *head* row
(``part_number`` empty) that waits until every part is in, then carries the joined text
and goes through parsing like any other message.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InboundMessage(models.Model):
    class State(models.TextChoices):
        RECEIVED = "received", _("Diterima")
        WAITING_PARTS = "waiting_parts", _("Menunggu bagian SMS lainnya")
        PART = "part", _("Bagian dari SMS bersambung")
        PARSED = "parsed", _("Terbaca")
        REPORT_CREATED = "report_created", _("Menjadi laporan")
        COMMAND_ANSWERED = "command_answered", _("Perintah dijawab")
        NEEDS_OPERATOR = "needs_operator", _("Perlu ditangani operator")
        CONVERSING = "conversing", _("Percakapan terpandu berjalan")
        IGNORED = "ignored", _("Diabaikan (balasan otomatis / pantulan)")
        DISMISSED = "dismissed", _("Ditutup operator")

    channel = models.CharField(max_length=20, help_text=_("sms, email, whatsapp, telegram, …"))
    gateway = models.CharField(max_length=20, blank=True, help_text=_("twilio, generic, gammu, …"))
    external_id = models.CharField(max_length=200)
    sender = models.CharField(max_length=254, blank=True)
    recipient = models.CharField(max_length=254, blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    raw_body = models.TextField(blank=True, help_text=_("The body exactly as delivered, when it is text."))
    payload = models.JSONField(default=dict, blank=True, help_text=_("The delivered fields (form, JSON or environment)."))
    attachments = models.JSONField(default=list, blank=True, help_text=_("Metadata of attached media."))
    text = models.TextField(blank=True, help_text=_("The message text (joined, for concatenated SMS)."))
    part_of = models.CharField(max_length=200, blank=True, db_index=True)
    part_number = models.PositiveSmallIntegerField(null=True, blank=True)
    part_total = models.PositiveSmallIntegerField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.RECEIVED, db_index=True)
    reason = models.TextField(blank=True)
    report = models.ForeignKey("reports.Report", null=True, blank=True, on_delete=models.PROTECT, related_name="inbound_messages")
    handled_at = models.DateTimeField(null=True, blank=True)
    # The operator who resolved it from the queue (made a report of it, or closed it with a note).
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    operator_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="intake_unique_channel_external_id"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.external_id} ({self.state})"


class Conversation(models.Model):
    """A guided chat (WhatsApp, Telegram) collecting what a report still lacks, one open
    conversation per (channel, sender). ``data`` holds what was collected so far (texts,
    location, category, attachment message ids); ``step`` names the question last asked."""

    channel = models.CharField(max_length=20)
    sender = models.CharField(max_length=254)
    reply_address = models.CharField(max_length=100, blank=True)
    step = models.CharField(max_length=30, default="start")
    data = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=8, default="id")
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    report = models.ForeignKey("reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "sender"], condition=Q(closed_at__isnull=True),
                                    name="intake_one_open_conversation"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} conversation ({self.step})"


class Device(models.Model):
    """A monitoring device (CCTV analytics, sensor) allowed to send machine-generated reports
    through the API. It belongs to the agency that operates it; its API key is that agency's."""

    class Kind(models.TextChoices):
        CCTV = "cctv", _("CCTV (analitik video)")
        SENSOR = "sensor", _("Sensor")
        OTHER = "other", _("Lainnya")

    identity = models.CharField(_("identitas perangkat"), max_length=100, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CCTV)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="devices")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["identity"]

    def __str__(self) -> str:
        return f"{self.name} ({self.identity})"


class DeviceObservation(models.Model):
    """One detection a device sent. Detections of the same thing at the same place within
    the merge window share one report instead of flooding the agency."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="observations")
    external_id = models.CharField(max_length=200)
    observed_at = models.DateTimeField(db_index=True)
    received_at = models.DateTimeField(default=timezone.now)
    category = models.CharField(max_length=80, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    report = models.ForeignKey("reports.Report", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    merged = models.BooleanField(default=False, help_text=_("Digabung ke laporan yang sudah ada."))

    class Meta:
        ordering = ["-observed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["device", "external_id"], name="intake_unique_device_observation"),
        ]
