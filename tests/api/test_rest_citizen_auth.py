"""Citizens' sign-in for the mobile apps: one-time code → bearer token (stored hashed,
90 days) → sign out. Officials never get a citizen token."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.accounts.models import User
from aduan.accounts.permissions import Role
from aduan.api.models import CitizenToken, IdempotencyRecord
from aduan.api.v1.citizen_auth import TOKEN_LIFETIME, citizen_token_authenticate
from aduan.notifications.models import Outbox
from tests.factories import member

from .test_rest_support import (  # noqa: F401  (fixtures)
    API,
    _fresh_rate_limits,
    bearer,
    body,
    citizen_token_for,
    error_of,
    issue_key,
    key_headers,
    post,
)

pytestmark = pytest.mark.django_db


def _code_sent_to(identifier: str) -> str:
    return Outbox.objects.filter(template="login_code", recipient=identifier).latest("pk").payload["code"]


def test_code_then_token_then_sign_out(client, db):
    response = post(client, f"{API}/auth/code/", {"identifier": "Siti@Example.test"})
    assert response.status_code == 202
    assert body(response) == {"identifier": "siti@example.test", "expires_in": 600}
    code = _code_sent_to("siti@example.test")

    response = post(client, f"{API}/auth/token/", {"identifier": "siti@example.test", "code": code})
    assert response.status_code == 201
    data = body(response)
    assert data["token_type"] == "Bearer" and data["token"].startswith("ctz_")
    stored = CitizenToken.objects.get()
    assert stored.token_hash == hashlib.sha256(data["token"].encode()).hexdigest()
    assert data["token"] not in stored.token_hash
    assert stored.expires_at - stored.created_at == TOKEN_LIFETIME
    user = stored.user
    assert user.email == "siti@example.test" and not user.has_usable_password()

    me = client.get(f"{API}/me/reports/", **bearer(data["token"]))
    assert me.status_code == 200 and body(me)["results"] == []

    assert client.delete(f"{API}/auth/token/", **bearer(data["token"])).status_code == 204
    assert not CitizenToken.objects.exists()
    after = client.get(f"{API}/me/reports/", **bearer(data["token"]))
    assert after.status_code == 401
    assert error_of(after)["code"] == "authentication_failed"


def test_a_phone_number_signs_in_the_account_that_owns_it(client, citizen):
    post(client, f"{API}/auth/code/", {"identifier": "0812-3456-7890"})
    code = _code_sent_to("+6281234567890")
    response = post(client, f"{API}/auth/token/", {"identifier": "081234567890", "code": code})
    assert response.status_code == 201
    assert CitizenToken.objects.get().user == citizen
    assert User.objects.count() == 1


def test_a_wrong_code_is_a_field_error_and_issues_nothing(client, db):
    post(client, f"{API}/auth/code/", {"identifier": "siti@example.test"})
    code = _code_sent_to("siti@example.test")
    wrong = "000000" if code != "000000" else "111111"
    response = post(client, f"{API}/auth/token/", {"identifier": "siti@example.test", "code": wrong})
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"code"}
    assert not CitizenToken.objects.exists()


def test_an_invalid_identifier_is_a_field_error(client, db):
    response = post(client, f"{API}/auth/code/", {"identifier": "bukan-alamat"})
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"identifier"}
    assert not Outbox.objects.exists()


def test_asking_for_too_many_codes_is_429_with_retry_after(client, db):
    for _ in range(3):
        assert post(client, f"{API}/auth/code/", {"identifier": "siti@example.test"}).status_code == 202
    response = post(client, f"{API}/auth/code/", {"identifier": "siti@example.test"})
    assert response.status_code == 429
    assert error_of(response)["code"] == "rate_limited"
    assert int(response["Retry-After"]) == 900
    assert Outbox.objects.filter(template="login_code").count() == 3


def test_an_official_account_gets_no_citizen_token(client, directory):
    official = member(Role.LIAISON_OFFICER, directory.semarang, username="petugas")
    official.email = "petugas@example.test"
    official.save()
    post(client, f"{API}/auth/code/", {"identifier": "petugas@example.test"})
    response = post(client, f"{API}/auth/token/", {"identifier": "petugas@example.test",
                                                   "code": _code_sent_to("petugas@example.test")})
    assert response.status_code == 400
    assert "code" in error_of(response)["fields"]
    assert not CitizenToken.objects.exists()


def test_a_token_stops_working_when_its_owner_becomes_an_official(client, directory, citizen):
    token = citizen_token_for(citizen.email)
    assert client.get(f"{API}/me/reports/", **bearer(token)).status_code == 200
    member(Role.LIAISON_OFFICER, directory.semarang, username=citizen.username)
    assert client.get(f"{API}/me/reports/", **bearer(token)).status_code == 401


def test_an_expired_token_is_refused(client, citizen):
    token = citizen_token_for(citizen.email)
    CitizenToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(f"{API}/me/reports/", **bearer(token))
    assert response.status_code == 401
    assert response["WWW-Authenticate"]


def test_last_use_is_recorded_at_most_once_a_minute(citizen):
    token = citizen_token_for(citizen.email)
    t0 = timezone.now()
    citizen_token_authenticate(token, now=t0)
    citizen_token_authenticate(token, now=t0 + timedelta(seconds=30))
    assert CitizenToken.objects.get().last_used_at == t0
    citizen_token_authenticate(token, now=t0 + timedelta(minutes=2))
    assert CitizenToken.objects.get().last_used_at == t0 + timedelta(minutes=2)


def test_signing_out_needs_a_citizen_token(client, directory, national_admin):
    response = client.delete(f"{API}/auth/token/")
    assert response.status_code == 401 and error_of(response)["code"] == "not_authenticated"
    response = client.delete(f"{API}/auth/token/", **key_headers(issue_key(national_admin, directory.semarang)))
    assert response.status_code == 403 and error_of(response)["code"] == "permission_denied"


def test_a_garbage_bearer_token_is_401(client, db):
    response = client.get(f"{API}/me/reports/", HTTP_AUTHORIZATION="Bearer ctz_palsu")
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"


def test_a_replayed_sign_in_never_stores_or_repeats_the_token(client, db):
    post(client, f"{API}/auth/code/", {"identifier": "siti@example.test"})
    data = {"identifier": "siti@example.test", "code": _code_sent_to("siti@example.test")}
    first = post(client, f"{API}/auth/token/", data, HTTP_IDEMPOTENCY_KEY="masuk-1")
    again = post(client, f"{API}/auth/token/", data, HTTP_IDEMPOTENCY_KEY="masuk-1")
    token = body(first)["token"]
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and body(again)["token"] is None
    assert CitizenToken.objects.count() == 1
    assert token.encode() not in bytes(IdempotencyRecord.objects.get(key="masuk-1").body)
