"""One-time sign-in codes for citizens: e-mail or phone, verified by a 6-digit code.

- A code lives 10 minutes and allows 5 guesses; a new code replaces the old ones.
- At most 3 codes per identifier per 15 minutes, so the channel cannot be used to flood
  somebody's phone or inbox.
- Only a salted hash of the code is stored; comparison is constant-time.
- A verified identifier signs in the account that owns it, or creates one.
Sending the code is the caller's job (it needs the outbox, a layer above).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from aduan.core.errors import DomainError, ValidationFailed

from .models import LoginCode, User

CODE_LIFETIME = timedelta(minutes=10)
MAX_GUESSES = 5
MAX_CODES_PER_WINDOW = 3
WINDOW = timedelta(minutes=15)


class TooManyCodes(DomainError):
    code = "rate_limited"
    http_status = 429


def identifier_normalise(raw: str) -> tuple[str, str]:
    """('email' | 'phone', normalised value) or ValidationFailed."""
    value = (raw or "").strip()
    if "@" in value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValidationFailed(field_errors={"identifier": [_("Alamat surel tidak valid.")]}) from None
        return "email", value.lower()
    digits = re.sub(r"[\s().-]", "", value).lstrip("+")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    if not digits.isdigit() or not 9 <= len(digits) <= 15:
        raise ValidationFailed(field_errors={"identifier": [_("Masukkan alamat surel atau nomor telepon yang valid.")]})
    return "phone", "+" + digits


def _hash(identifier: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{identifier}:{code}".encode(), hashlib.sha256).hexdigest()


def login_code_issue(*, identifier: str, now: datetime) -> str:
    """Create a code for a normalised identifier and return it (to be sent, never stored)."""
    recent = LoginCode.objects.filter(identifier=identifier, created_at__gt=now - WINDOW).count()
    if recent >= MAX_CODES_PER_WINDOW:
        raise TooManyCodes(_("Terlalu banyak permintaan kode. Coba lagi dalam 15 menit."))
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        LoginCode.objects.filter(identifier=identifier, used_at__isnull=True).update(used_at=now)
        LoginCode.objects.create(identifier=identifier, code_hash=_hash(identifier, code), created_at=now,
                                 expires_at=now + CODE_LIFETIME)
    return code


def login_code_verify(*, identifier: str, code: str, now: datetime) -> User:
    wrong = ValidationFailed(field_errors={"code": [_("Kode salah atau sudah kedaluwarsa. Minta kode baru bila perlu.")]})
    matched = False
    with transaction.atomic():
        row = (LoginCode.objects.select_for_update()
               .filter(identifier=identifier, used_at__isnull=True, expires_at__gt=now).order_by("-created_at").first())
        if row is not None and row.attempts < MAX_GUESSES:
            matched = hmac.compare_digest(row.code_hash, _hash(identifier, (code or "").strip()))
            if matched:
                row.used_at = now
                row.save(update_fields=["used_at"])
            else:
                # Counted in the committed transaction: raising inside it would undo the count.
                row.attempts += 1
                row.save(update_fields=["attempts"])
    if not matched:
        raise wrong
    field = "email" if "@" in identifier else "phone"
    lookup = {"email__iexact": identifier} if field == "email" else {"phone": identifier}
    user = User.objects.filter(**lookup).order_by("pk").first()
    if user is None:
        user = User(username=f"warga-{secrets.token_hex(6)}", **{field: identifier})
        user.set_unusable_password()
        user.save()
    return user
