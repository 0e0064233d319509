"""The outbox: every notification or delivery is a row written in the same transaction as
the change that caused it, then sent at least once by a worker (rule of the house 5).
Delivery state is kept apart from the report's workflow state."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Outbox(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        SENDING = "sending", _("Sedang dikirim")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal")
        # An official's e-mail kept for their daily digest (never claimed by the worker);
        # "digested" once it went out inside a digest e-mail.
        HELD = "held", _("Menunggu ringkasan harian")
        DIGESTED = "digested", _("Terkirim dalam ringkasan")

    created_at = models.DateTimeField(auto_now_add=True)
    channel = models.CharField(max_length=20, help_text=_("email, sms, whatsapp, telegram, internal, …"))
    recipient = models.CharField(max_length=254, blank=True)
    template = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    # Idempotency: the same cause never produces two rows.
    dedupe_key = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.template} → {self.channel} ({self.state})"


class NotificationTemplate(models.Model):
    """An official's override of one shipped message (message_defaults.DEFAULTS) in one
    language. No row means the default is used; deleting the row resets it."""

    key = models.CharField(max_length=64)
    variant = models.CharField(max_length=10)  # subject | body | short
    language = models.CharField(max_length=8)  # id | en
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["key", "variant", "language"]
        constraints = [
            models.UniqueConstraint(fields=["key", "variant", "language"], name="notifications_unique_template"),
        ]

    def __str__(self) -> str:
        return f"{self.key}.{self.variant} [{self.language}]"
