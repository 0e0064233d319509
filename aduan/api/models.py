"""API keys for agencies' own systems, and stored responses for ``Idempotency-Key``.

An API key belongs to one agency and acts through a service account that holds the
liaison-officer role on that agency and its units, so every permission check is the same
``user_has_perm`` the back office uses (DESIGN.md rule 3). Only a SHA-256 hash of the key's
secret is stored; the key is shown once when issued.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency


class ApiKey(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="api_keys")
    name = models.CharField(_("nama"), max_length=100, help_text=_("Misalnya: Aplikasi pengaduan Dinas PU"))
    prefix = models.CharField(max_length=12, unique=True)  # public part, shown in lists and logs
    secret_hash = models.CharField(max_length=64)
    service_user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_key")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The first response to a POST carrying ``Idempotency-Key``, replayed for repeats.

    ``scope`` names who sent it (api key, account or address) so two clients' keys never
    collide; ``fingerprint`` is a hash of the request, so reusing a key for a different
    request is refused instead of silently answered with the old response."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress"
        DONE = "done"

    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="uniq_idempotency_scope_key")]


class CitizenToken(models.Model):
    """A citizen's bearer token for the mobile apps, issued after a one-time sign-in code.

    Only the SHA-256 of the token is stored (the token has 256 random bits, so the hash is
    looked up directly); signing out deletes the row. Officials never hold one: they act
    through the back office (password + second factor) or their agency's API key."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"token {self.pk} · {self.user_id}"
