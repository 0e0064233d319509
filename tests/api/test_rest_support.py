"""Helpers and fixtures shared by the REST API tests (import them; no tests here but one)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from aduan.accounts.login_codes import login_code_issue
from aduan.api.keys import api_key_issue
from aduan.api.v1.citizen_auth import citizen_token_issue

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Throttle counters live in the cache; one test's requests must not throttle the next."""
    cache.clear()
    yield
    cache.clear()


def body(response) -> dict:
    return json.loads(response.content)


def error_of(response) -> dict:
    """The one error body: exactly code, message and fields."""
    data = body(response)
    assert set(data) == {"error"}, data
    assert set(data["error"]) == {"code", "message", "fields"}, data
    assert data["error"]["message"]
    return data["error"]


def post(client: Client, url: str, data: dict | None = None, **headers):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json", **headers)


def key_headers(raw: str) -> dict:
    return {"HTTP_X_API_KEY": raw}


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def issue_key(national_admin, agency, name: str = "Sistem uji") -> str:
    return api_key_issue(actor=national_admin, agency=agency, name=name).raw


def citizen_token_for(identifier: str, now: datetime | None = None) -> str:
    """A citizen token through the real code path (code issued, then verified)."""
    now = now or datetime.now(UTC)
    code = login_code_issue(identifier=identifier, now=now - timedelta(seconds=1))
    return citizen_token_issue(identifier=identifier, code=code, now=now).raw


def png_bytes(size=(40, 30), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def sign_in_verified(client: Client, user) -> Client:
    """force_login plus a second factor passed (a confirmed TOTP device in the session)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="uji", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


REPORT = {
    "title": "Lampu jalan mati di Jalan Pemuda",
    "body": "Sudah seminggu lampu jalan mati, rawan kecelakaan pada malam hari.",
    "incident_date": "2026-11-20",
    "reporter_name": "Budi Pelapor",
    "reporter_email": "budi@example.test",
}


def test_module_has_helpers_only():
    assert API == "/api/v1"
