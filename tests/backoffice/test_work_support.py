"""Helpers shared by the back-office work tests (no tests here)."""

from __future__ import annotations

import re

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "kata-sandi-uji-123"


def sign_in_verified(client, user):
    """force_login plus an OTP-verified session (a confirmed TOTP device in the session)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="uji", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def action_forms_in(html: str) -> set[str]:
    return set(re.findall(r'<input type="hidden" name="action" value="([a-z_]+)">', html))


def test_module_has_helpers_only():
    assert PASSWORD
