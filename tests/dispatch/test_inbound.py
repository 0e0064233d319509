"""Status updates from agency systems (POST /dispatch/v1/updates/ with the agency key):
mapped onto the one transition service, idempotent by (key, update id), and a report outside
the key's agency answers exactly like a missing one."""

from __future__ import annotations

import json

import pytest

from aduan.api.keys import api_key_revoke
from aduan.audit.models import AuditLog
from aduan.dispatch.models import InboundUpdate
from aduan.reports.models import Disposition, Event, Report
from aduan.reports.workflow import Action, Status

from ..reports.helpers import report_in
from .support import agency_key

pytestmark = pytest.mark.django_db
URL = "/dispatch/v1/updates/"


@pytest.fixture
def dishub_key(directory, national_admin):
    return agency_key(national_admin, directory.dishub_semarang)


def post(client, key: str | None, payload, **headers):
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Api-Key {key}"
    body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
    return client.post(URL, body, content_type="application/json", **headers)


@pytest.mark.parametrize("status, extra, action, new_status", [
    ("in_progress", {}, Action.START_FOLLOW_UP, Status.IN_PROGRESS),
    ("responded", {}, Action.RESPOND, Status.RESPONDED),
    ("closed", {}, Action.RESPOND, Status.RESPONDED),
    ("CLOSED", {}, Action.RESPOND, Status.RESPONDED),
    ("clarification", {}, Action.REQUEST_CLARIFICATION, Status.AWAITING_REPORTER),
    ("not_authority", {"suggested_agency": "dpu-binmar-cipka-jateng"}, Action.NOT_AUTHORITY, Status.RETURNED),
])
def test_each_status_becomes_its_transition_acting_as_the_key(client, directory, national_admin, dishub_key,
                                                              status, extra, action, new_status):
    report, _ = report_in(Status.DISPOSED, directory, national_admin)
    payload = {"update_id": "u-1", "report": report.reference, "status": status, "description": "Keterangan instansi.", **extra}
    response = post(client, dishub_key.raw, payload)
    assert response.status_code == 200, response.content
    report.refresh_from_db()
    assert report.status == new_status
    event = Event.objects.get(report=report, action=action)
    assert event.actor == dishub_key.api_key.service_user and event.note == "Keterangan instansi." and event.is_public
    assert AuditLog.objects.filter(action=f"report_{action}", object_id=str(report.pk)).exists()
    if action == Action.NOT_AUTHORITY:
        assert Disposition.objects.get(report=report).suggested_agency == directory.dpu_jateng
    row = InboundUpdate.objects.get()
    assert (row.outcome, row.event, row.report, row.payload) == ("applied", event, report, payload)


def test_a_receipt_status_changes_nothing(client, directory, national_admin, dishub_key):
    report, _ = report_in(Status.DISPOSED, directory, national_admin)
    before = Event.objects.filter(report=report).count()
    response = post(client, dishub_key.raw, {"update_id": "u-1", "report": report.reference, "status": "open"})
    assert response.status_code == 200 and response.json()["outcome"] == "ignored"
    assert Event.objects.filter(report=report).count() == before


def test_another_agencys_report_answers_exactly_like_a_missing_one(client, directory, national_admin):
    report, _ = report_in(Status.DISPOSED, directory, national_admin)  # disposed to Dishub Semarang
    before = Event.objects.filter(report=report).count()
    kemensos = agency_key(national_admin, directory.kemensos).raw
    theirs = post(client, kemensos, {"update_id": "k-1", "report": report.reference, "status": "responded",
                                     "description": "Bukan milik kami."})
    missing = post(client, kemensos, {"update_id": "k-2", "report": "2611-XXXX-XXXX", "status": "responded",
                                      "description": "Bukan milik kami."})
    assert theirs.status_code == missing.status_code == 404
    strip = lambda body: {k: v for k, v in body.items() if k != "update_id"}  # noqa: E731
    assert strip(theirs.json()) == strip(missing.json())
    assert Report.objects.get(pk=report.pk).status == Status.DISPOSED
    assert Event.objects.filter(report=report).count() == before


def test_a_replay_with_other_content_is_refused_and_changes_nothing(client, directory, national_admin, dishub_key):
    report, _ = report_in(Status.DISPOSED, directory, national_admin)
    first = {"update_id": "u-1", "report": report.reference, "status": "in_progress", "description": "Dijadwalkan."}
    assert post(client, dishub_key.raw, first).status_code == 200
    other = {**first, "status": "responded", "description": "Selesai."}
    response = post(client, dishub_key.raw, other)
    assert response.status_code == 422 and response.json()["error"]["code"] == "update_id_reused"
    assert Report.objects.get(pk=report.pk).status == Status.IN_PROGRESS
    assert InboundUpdate.objects.get().payload == first


def test_two_keys_may_use_the_same_update_id(client, directory, national_admin, dishub_key):
    report, _ = report_in(Status.DISPOSED, directory, national_admin)
    city_key = agency_key(national_admin, directory.semarang).raw  # the parent's key covers its units
    assert post(client, dishub_key.raw, {"update_id": "1", "report": report.reference, "status": "in_progress"}).status_code == 200
    response = post(client, city_key, {"update_id": "1", "report": report.reference, "status": "responded",
                                       "description": "Selesai."})
    assert response.status_code == 200 and Report.objects.get(pk=report.pk).status == Status.RESPONDED


def test_a_rejected_update_is_kept_and_a_corrected_resend_is_applied(client, directory, national_admin, dishub_key):
    report, _ = report_in(Status.DISPOSED, directory, national_admin)
    wrong = {"update_id": "u-9", "report": report.reference, "status": "responded"}  # a response needs its text
    response = post(client, dishub_key.raw, wrong)
    assert response.status_code == 400 and "note" in response.json()["error"]["fields"]
    row = InboundUpdate.objects.get()
    assert (row.outcome, row.response_status, row.report) == ("rejected", 400, report)
    fixed = {**wrong, "description": "Sudah diperbaiki."}
    assert post(client, dishub_key.raw, fixed).status_code == 200
    assert Event.objects.filter(report=report, action=Action.RESPOND).count() == 1
    assert InboundUpdate.objects.get().outcome == "applied"


@pytest.mark.parametrize("payload, status, code", [
    ({"update_id": "u-1", "status": "siap"}, 400, "invalid"),
    ({"update_id": "u-1", "status": "not_authority", "description": "Provinsi."}, 400, "invalid"),
    ({"update_id": "u-1", "status": "in_progress"}, 409, "invalid_transition"),
])
def test_updates_the_report_cannot_take_get_a_clear_error_and_change_nothing(
        client, directory, national_admin, dishub_key, payload, status, code):
    report, _ = report_in(Status.IN_PROGRESS, directory, national_admin)
    response = post(client, dishub_key.raw, {**payload, "report": report.reference})
    assert response.status_code == status and response.json()["error"]["code"] == code
    assert response.json()["update_id"] == "u-1"
    assert Report.objects.get(pk=report.pk).status == Status.IN_PROGRESS
    assert not Event.objects.filter(report=report, action__in=[Action.NOT_AUTHORITY, Action.RESPOND]).exists()


@pytest.mark.parametrize("body, fields", [
    ({"report": "2611-XXXX-XXXX", "status": "in_progress"}, {"update_id"}),
    ({"update_id": "x" * 101, "status": "in_progress"}, {"update_id", "report"}),
    ([1, 2], None),
    ("{bukan json", None),
])
def test_malformed_requests_get_400_and_nothing_is_stored(client, directory, dishub_key, body, fields):
    response = post(client, dishub_key.raw, body)
    assert response.status_code == 400
    if fields is not None:
        assert set(response.json()["error"]["fields"]) == fields
    assert not InboundUpdate.objects.exists()


def test_unknown_revoked_or_missing_keys_get_401(client, directory, national_admin, dishub_key):
    report, _ = report_in(Status.DISPOSED, directory, national_admin)
    payload = {"update_id": "u-1", "report": report.reference, "status": "in_progress"}
    assert post(client, None, payload).status_code == 401
    assert post(client, "adn_salah_kunci", payload).status_code == 401
    api_key_revoke(actor=national_admin, api_key=dishub_key.api_key)
    response = post(client, dishub_key.raw, payload)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Api-Key"
    assert client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {dishub_key.raw}").status_code == 405
    assert Report.objects.get(pk=report.pk).status == Status.DISPOSED
