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

from django.db import models
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

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="intake_unique_channel_external_id"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.external_id} ({self.state})"
