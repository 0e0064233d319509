"""Citizen sign-in by one-time code: issue the code and write its message to the outbox in
one transaction (the code goes out on the channel the citizen named)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.accounts.login_codes import identifier_normalise, login_code_issue, login_code_verify
from aduan.accounts.models import User
from aduan.audit.services import audit_log
from aduan.core.errors import ValidationFailed
from aduan.notifications.services import outbox_enqueue


def citizen_login_code_send(*, raw_identifier: str, now: datetime) -> str:
    """Returns the normalised identifier to remember in the session."""
    kind, identifier = identifier_normalise(raw_identifier)
    with transaction.atomic():
        code = login_code_issue(identifier=identifier, now=now)
        outbox_enqueue(
            channel="email" if kind == "email" else "sms", recipient=identifier, template="login_code",
            payload={"code": code}, dedupe_key=f"login:{identifier}:{now.isoformat()}",
        )
    return identifier


def citizen_login_code_verify(*, identifier: str, code: str, now: datetime) -> User:
    user = login_code_verify(identifier=identifier, code=code, now=now)
    if user.memberships.filter(is_active=True).exists():
        # Officials always sign in with password + second factor.
        raise ValidationFailed(field_errors={"code": [_("Akun petugas masuk melalui halaman petugas.")]})
    return user


def citizen_notify_channels(user) -> list[tuple[str, str]]:
    """The channels this citizen can choose: e-mail and phone channels only when the account
    has that address (a phone is on an account only after a sign-in code reached it)."""
    choices = [(User.NotifyChannel.DEFAULT.value, User.NotifyChannel.DEFAULT.label)]
    if user.email:
        choices.append((User.NotifyChannel.EMAIL.value, User.NotifyChannel.EMAIL.label))
    if user.phone:
        choices += [(User.NotifyChannel.SMS.value, User.NotifyChannel.SMS.label),
                    (User.NotifyChannel.WHATSAPP.value, User.NotifyChannel.WHATSAPP.label)]
    return choices


def citizen_notify_channel_set(*, user, channel: str) -> None:
    """Where progress on the citizen's reports is sent (reports/notify.py reads it)."""
    if channel not in {value for value, _label in citizen_notify_channels(user)}:
        raise ValidationFailed(field_errors={"notify_channel": [_("Pilihan kanal ini tidak tersedia untuk akun Anda.")]})
    user.notify_channel = channel
    user.save(update_fields=["notify_channel"])
    audit_log(actor=user, action="citizen_notify_channel_set", obj=user, data={"channel": channel})
