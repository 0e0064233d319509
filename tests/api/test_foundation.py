"""API foundations: agency keys (hashed, scoped, revocable, last-used), the one error body,
Idempotency-Key semantics, and rate limits with Retry-After."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.http import JsonResponse
from django.test import RequestFactory
from django.utils import timezone

from aduan.accounts.policies import user_has_perm
from aduan.api.idempotency import idempotent, request_fingerprint
from aduan.api.keys import api_key_authenticate, api_key_issue, api_key_revoke
from aduan.api.models import ApiKey, IdempotencyRecord
from aduan.core.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def test_issued_key_is_stored_hashed_and_acts_for_its_agency_and_units_only(directory, national_admin):
    issued = api_key_issue(actor=national_admin, agency=directory.semarang, name="Aplikasi Lapor Semarang")
    key = ApiKey.objects.get()
    assert issued.raw.startswith(f"adn_{key.prefix}_")
    secret = issued.raw.split("_", 2)[2]
    assert secret not in key.secret_hash and len(key.secret_hash) == 64
    assert api_key_authenticate(issued.raw) == key
    user = key.service_user
    assert not user.has_usable_password()
    assert user_has_perm(user, "report_respond", directory.semarang)
    assert user_has_perm(user, "report_respond", directory.dishub_semarang)  # a unit of the city
    assert not user_has_perm(user, "report_respond", directory.kemensos)
    assert not user_has_perm(user, "report_verify", directory.semarang)


def test_wrong_secret_unknown_prefix_and_revoked_keys_are_refused(directory, national_admin):
    issued = api_key_issue(actor=national_admin, agency=directory.semarang, name="A")
    prefix = issued.api_key.prefix
    assert api_key_authenticate(f"adn_{prefix}_salah") is None
    assert api_key_authenticate("adn_tidakada_rahasia") is None
    assert api_key_authenticate("bukan-kunci") is None
    api_key_revoke(actor=national_admin, api_key=issued.api_key)
    assert api_key_authenticate(issued.raw) is None


def test_last_used_is_recorded_at_most_once_a_minute(directory, national_admin):
    issued = api_key_issue(actor=national_admin, agency=directory.semarang, name="A")
    t0 = timezone.now()
    api_key_authenticate(issued.raw, now=t0)
    api_key_authenticate(issued.raw, now=t0 + timedelta(seconds=30))
    assert ApiKey.objects.get().last_used_at == t0
    api_key_authenticate(issued.raw, now=t0 + timedelta(minutes=2))
    assert ApiKey.objects.get().last_used_at == t0 + timedelta(minutes=2)


def test_only_those_who_manage_an_agency_issue_its_keys(directory, liaison_officer):
    with pytest.raises(PermissionDenied):
        api_key_issue(actor=liaison_officer(directory.semarang), agency=directory.semarang, name="A")
    assert not ApiKey.objects.exists()


def test_a_key_needs_a_name(directory, national_admin):
    with pytest.raises(ValidationFailed):
        api_key_issue(actor=national_admin, agency=directory.semarang, name=" ")


def _post(body: bytes, key: str | None = "k-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return RequestFactory().post("/x", data=body, content_type="application/json", **headers)


def test_same_key_same_request_runs_once_and_replays(db):
    calls = []

    def handler():
        calls.append(1)
        return JsonResponse({"n": len(calls)}, status=201)

    first = idempotent(_post(b'{"a":1}'), scope="s", handler=handler)
    for _ in range(9):
        again = idempotent(_post(b'{"a":1}'), scope="s", handler=handler)
        assert again.status_code == 201 and again.content == first.content
        assert again["Idempotent-Replayed"] == "true"
    assert len(calls) == 1


def test_same_key_different_request_is_refused_and_scopes_do_not_collide(db):
    ok = lambda: JsonResponse({}, status=201)  # noqa: E731
    idempotent(_post(b'{"a":1}'), scope="s", handler=ok)
    assert idempotent(_post(b'{"a":2}'), scope="s", handler=ok).status_code == 422
    assert idempotent(_post(b'{"a":2}'), scope="other", handler=ok).status_code == 201


def test_a_request_still_running_gets_409_and_a_5xx_is_not_kept(db):
    IdempotencyRecord.objects.create(scope="s", key="k-1", fingerprint=request_fingerprint(_post(b"{}")))
    busy = idempotent(_post(b"{}"), scope="s", handler=lambda: JsonResponse({}))
    assert busy.status_code == 409
    calls = []

    def failing():
        calls.append(1)
        return JsonResponse({}, status=503 if len(calls) == 1 else 201)

    assert idempotent(_post(b"{}", key="k-2"), scope="s", handler=failing).status_code == 503
    assert idempotent(_post(b"{}", key="k-2"), scope="s", handler=failing).status_code == 201
    assert len(calls) == 2


def test_bad_idempotency_key_is_refused(db):
    assert idempotent(_post(b"{}", key=" "), scope="s", handler=lambda: JsonResponse({})).status_code == 400


def test_schema_is_served(client, db):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    cache.clear()
