"""Citizens' bearer tokens for the mobile apps (issue #4; decision 0004).

Sign-in is the same one-time code as the web (``aduan.accounts.login_codes``): the app asks
for a code to an e-mail address or phone number, then trades identifier + code for a token.

- The token is ``ctz_`` + 256 random bits; only its SHA-256 is stored (``CitizenToken``), so
  a copy of the database signs nobody in. It lives ``TOKEN_LIFETIME`` (90 days); signing out
  deletes it.
- Accounts with an official membership are refused, at issue and at every use: officials act
  through the back office (password + TOTP) or through their agency's API key, never through
  a token that skipped the second factor.
- ``last_used_at`` is written at most once a minute, as for API keys.

Header: ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from aduan.accounts.login_codes import identifier_normalise, login_code_issue, login_code_verify
from aduan.accounts.models import User
from aduan.core.errors import ValidationFailed
from aduan.notifications.services import outbox_enqueue

from ..models import CitizenToken

TOKEN_PREFIX = "ctz_"
TOKEN_LIFETIME = timedelta(days=90)
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedCitizenToken:
    token: CitizenToken
    raw: str  # shown once


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _is_official(user: User) -> bool:
    return user.memberships.filter(is_active=True).exists()


def citizen_code_send(*, identifier: str, now: datetime) -> str:
    """Issue a sign-in code and write its message to the outbox in one transaction.
    Returns the normalised identifier (the app sends it back with the code)."""
    kind, normalised = identifier_normalise(identifier)
    with transaction.atomic():
        code = login_code_issue(identifier=normalised, now=now)
        outbox_enqueue(
            channel="email" if kind == "email" else "sms", recipient=normalised, template="login_code",
            payload={"code": code}, dedupe_key=f"login:{normalised}:{now.isoformat()}",
        )
    return normalised


def citizen_token_issue(*, identifier: str, code: str, now: datetime) -> IssuedCitizenToken:
    _kind, normalised = identifier_normalise(identifier)
    user = login_code_verify(identifier=normalised, code=code, now=now)
    if _is_official(user):
        raise ValidationFailed(field_errors={"code": [_("Akun petugas masuk melalui halaman petugas.")]})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = CitizenToken.objects.create(user=user, token_hash=_hash(raw), created_at=now, expires_at=now + TOKEN_LIFETIME)
    return IssuedCitizenToken(token=token, raw=raw)


def citizen_token_revoke(*, token: CitizenToken) -> None:
    CitizenToken.objects.filter(pk=token.pk).delete()


def citizen_token_authenticate(raw: str, *, now: datetime | None = None) -> CitizenToken | None:
    """The live token for ``raw``, or None (unknown, expired, inactive or official account)."""
    raw = (raw or "").strip()
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    now = now or timezone.now()
    token = CitizenToken.objects.select_related("user").filter(token_hash=_hash(raw), expires_at__gt=now).first()
    if token is None or not token.user.is_active or _is_official(token.user):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        CitizenToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def citizen_tokens_prune(*, now: datetime | None = None) -> int:
    deleted, _per_model = CitizenToken.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


class CitizenTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith(self.keyword + " "):
            return None
        token = citizen_token_authenticate(header[len(self.keyword) + 1:])
        if token is None:
            raise exceptions.AuthenticationFailed(_("Token tidak dikenal, sudah kedaluwarsa, atau sudah keluar."))
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class CitizenTokenScheme(OpenApiAuthenticationExtension):
    target_class = CitizenTokenAuthentication
    name = "citizenToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "Token warga dari POST /api/v1/auth/token/ (berlaku 90 hari)."}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "aduan.api.v1.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "X-Api-Key",
                "description": "Kunci API instansi (juga diterima sebagai `Authorization: Api-Key <kunci>`)."}


class IsCitizen(permissions.BasePermission):
    """Signed in with a citizen token (no token: 401; an API key: 403)."""

    message = gettext_lazy("Hanya untuk warga yang masuk dengan token warga.")

    def has_permission(self, request, view):
        return isinstance(request.auth, CitizenToken)
