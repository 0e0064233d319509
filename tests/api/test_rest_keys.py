"""API key management under /api/v1/agencies/{slug}/keys/: for officials who manage the
agency, signed in with the second factor; never for a key's service account or a citizen."""

from __future__ import annotations

import pytest
from django.test import Client

from aduan.api.keys import api_key_authenticate
from aduan.api.models import ApiKey, IdempotencyRecord
from aduan.audit.models import AuditLog

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
    sign_in_verified,
)

pytestmark = pytest.mark.django_db
KEYS = f"{API}/agencies/pemkot-semarang/keys/"


def test_an_agency_admin_issues_lists_and_revokes_keys(client, directory, agency_admin):
    admin = agency_admin(directory.semarang)
    sign_in_verified(client, admin)
    response = post(client, KEYS, {"name": "Aplikasi Lapor Semarang"})
    assert response.status_code == 201, response.content
    issued = body(response)
    key = ApiKey.objects.get()
    assert issued["key"].startswith(f"adn_{key.prefix}_") and issued["prefix"] == key.prefix
    assert issued["revoked_at"] is None and issued["last_used_at"] is None
    assert api_key_authenticate(issued["key"]) == key
    assert key.created_by == admin and key.agency == directory.semarang

    listing = body(client.get(KEYS))
    assert [row["prefix"] for row in listing["results"]] == [key.prefix]
    assert set(listing["results"][0]) == {"prefix", "name", "created_at", "last_used_at", "revoked_at"}
    assert listing["results"][0]["last_used_at"] is not None  # the authenticate above
    assert issued["key"].split("_", 2)[2] not in str(listing)

    revoked = client.delete(f"{KEYS}{key.prefix}/")
    assert revoked.status_code == 200 and body(revoked)["revoked_at"] is not None
    assert api_key_authenticate(issued["key"]) is None
    assert set(AuditLog.objects.values_list("action", flat=True)) >= {"api_key_issue", "api_key_revoke"}


def test_a_key_cannot_manage_keys_even_its_own_agencys(client, directory, national_admin):
    raw = issue_key(national_admin, directory.semarang)
    for response in (client.get(KEYS, **key_headers(raw)), post(client, KEYS, {"name": "Lagi"}, **key_headers(raw)),
                     client.delete(f"{KEYS}{raw.split('_')[1]}/", **key_headers(raw))):
        assert response.status_code == 403 and error_of(response)["code"] == "permission_denied"
    assert ApiKey.objects.count() == 1 and ApiKey.objects.get().revoked_at is None


def test_a_citizen_token_cannot_manage_keys(client, directory, citizen):
    response = client.get(KEYS, **bearer(citizen_token_for(citizen.email)))
    assert response.status_code == 403


def test_a_session_without_the_second_factor_is_not_signed_in(client, directory, agency_admin):
    client.force_login(agency_admin(directory.semarang))
    response = client.get(KEYS)
    assert response.status_code == 401 and error_of(response)["code"] == "not_authenticated"


def test_officials_who_do_not_manage_the_agency_get_403(client, directory, agency_admin, liaison_officer):
    sign_in_verified(client, liaison_officer(directory.semarang))
    assert client.get(KEYS).status_code == 403
    assert post(client, KEYS, {"name": "A"}).status_code == 403
    other = Client()
    sign_in_verified(other, agency_admin(directory.jateng))
    assert other.get(KEYS).status_code == 403
    assert not ApiKey.objects.exists()


def test_unknown_agency_or_key_is_404_and_a_nameless_key_is_400(client, directory, agency_admin):
    sign_in_verified(client, agency_admin(directory.semarang))
    assert client.get(f"{API}/agencies/tidak-ada/keys/").status_code == 404
    assert client.delete(f"{KEYS}tidakada/").status_code == 404
    response = post(client, KEYS, {"name": "  "})
    assert response.status_code == 400 and set(error_of(response)["fields"]) == {"name"}


def test_unsafe_methods_need_the_csrf_token(directory, agency_admin):
    client = Client(enforce_csrf_checks=True)
    sign_in_verified(client, agency_admin(directory.semarang))
    response = post(client, KEYS, {"name": "A"})
    assert response.status_code == 403
    assert not ApiKey.objects.exists()


def test_a_replayed_issue_makes_one_key_and_never_stores_the_secret(client, directory, agency_admin):
    sign_in_verified(client, agency_admin(directory.semarang))
    first = post(client, KEYS, {"name": "Aplikasi"}, HTTP_IDEMPOTENCY_KEY="kunci-1")
    again = post(client, KEYS, {"name": "Aplikasi"}, HTTP_IDEMPOTENCY_KEY="kunci-1")
    assert first.status_code == again.status_code == 201
    assert body(again)["key"] is None and body(again)["prefix"] == body(first)["prefix"]
    assert again["Idempotent-Replayed"] == "true"
    assert ApiKey.objects.count() == 1
    secret = body(first)["key"].split("_", 2)[2]
    assert secret.encode() not in bytes(IdempotencyRecord.objects.get(key="kunci-1").body)
