"""Issuing, revoking and checking agency API keys.

A key looks like ``adn_<prefix>_<secret>``. The prefix finds the row; the secret is
compared by its SHA-256 hash in constant time. ``last_used_at`` is written at most once a
minute per key so a busy integration does not turn every read into a write.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.accounts.permissions import Role
from aduan.accounts.policies import user_has_perm
from aduan.accounts.services import membership_grant
from aduan.agencies.models import Agency
from aduan.audit.services import audit_log
from aduan.core.errors import PermissionDenied, ValidationFailed

from .models import ApiKey

KEY_PREFIX = "adn"
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
LAST_USED_RESOLUTION = timedelta(minutes=1)
# The role an agency system acts with: everything a liaison officer may do, on the agency
# and its units; never reporter identity of anonymous reports, never verification.
SERVICE_ROLE = Role.LIAISON_OFFICER


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    raw: str  # shown once


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_issue(*, actor, agency: Agency, name: str) -> IssuedKey:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(field_errors={"name": [_("Nama kunci wajib diisi.")]})
    if len(name) > 100:
        raise ValidationFailed(field_errors={"name": [_("Nama paling panjang 100 karakter.")]})
    if not user_has_perm(actor, "membership_manage", agency):
        raise PermissionDenied()
    prefix = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        user = User(username=f"api-{prefix}", full_name=f"{agency.name} — {name}")
        user.set_unusable_password()
        user.save()
        membership_grant(actor=actor, user=user, role=SERVICE_ROLE, agency=agency, include_descendants=True)
        key = ApiKey.objects.create(agency=agency, name=name, prefix=prefix, secret_hash=_hash(secret),
                                    service_user=user, created_by=actor if getattr(actor, "pk", None) else None)
        audit_log(actor=actor, action="api_key_issue", obj=key, data={"agency": agency.pk, "prefix": prefix})
    return IssuedKey(api_key=key, raw=f"{KEY_PREFIX}_{prefix}_{secret}")


def api_key_revoke(*, actor, api_key: ApiKey, now: datetime | None = None) -> ApiKey:
    if not user_has_perm(actor, "membership_manage", api_key.agency):
        raise PermissionDenied()
    if api_key.revoked_at is None:
        with transaction.atomic():
            api_key.revoked_at = now or timezone.now()
            api_key.save(update_fields=["revoked_at"])
            User.objects.filter(pk=api_key.service_user_id).update(is_active=False)
            audit_log(actor=actor, action="api_key_revoke", obj=api_key, data={"prefix": api_key.prefix})
    return api_key


def api_key_authenticate(raw: str, *, now: datetime | None = None) -> ApiKey | None:
    """The active key for ``raw``, or None (unknown, malformed, wrong secret or revoked)."""
    parts = (raw or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    key = ApiKey.objects.select_related("service_user", "agency").filter(prefix=parts[1]).first()
    if key is None or key.revoked_at is not None or not key.service_user.is_active:
        return None
    if not hmac.compare_digest(key.secret_hash, _hash(parts[2])):
        return None
    now = now or timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
