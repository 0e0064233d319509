"""The reporter through the API: track by reference + token (in the body), own reports with
cursor pagination, and the reporter actions by token owner or tracking token."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aduan.reports.models import Event
from aduan.reports.workflow import Action, Status
from tests.factories import submit
from tests.reports.helpers import MON, report_in

from .test_rest_support import (  # noqa: F401  (fixtures)
    API,
    _fresh_rate_limits,
    bearer,
    body,
    citizen_token_for,
    error_of,
    post,
)

pytestmark = pytest.mark.django_db


def _actions_url(reference: str) -> str:
    return f"{API}/reports/{reference}/actions/"


# --- Track -----------------------------------------------------------------------------------

def test_track_with_reference_and_token_shows_the_reporters_view(client, directory, national_admin):
    report, token = report_in(Status.RESPONDED, directory, national_admin, is_confidential=True,
                              body="Nomor saya 081234567890, mohon dihubungi.")
    response = post(client, f"{API}/reports/track/", {"reference": report.reference.lower(), "token": token})
    assert response.status_code == 200
    data = body(response)
    assert data["reference"] == report.reference
    assert data["body"] == "Nomor saya 081234567890, mohon dihubungi."  # the own text, not redacted
    assert data["is_confidential"] and not data["is_public"]
    assert set(data["actions"]) == {Action.REPORTER_REPLY, Action.CONFIRM, Action.DISPUTE}
    assert [e["action"] for e in data["timeline"]][:2] == ["submit", "verify_dispose"]


def test_a_wrong_token_looks_exactly_like_a_missing_report(client, directory, national_admin):
    report, _token = report_in(Status.SUBMITTED, directory, national_admin)
    wrong = post(client, f"{API}/reports/track/", {"reference": report.reference, "token": "salah"})
    missing = post(client, f"{API}/reports/track/", {"reference": "2611-0000-0000", "token": "salah"})
    assert wrong.status_code == missing.status_code == 404
    assert wrong.content == missing.content


def test_track_needs_both_fields(client, db):
    response = post(client, f"{API}/reports/track/", {"reference": "2611-K7QX-M9P3"})
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"token"}


# --- My reports ------------------------------------------------------------------------------

def test_my_reports_are_the_own_ones_newest_first_in_cursor_pages(client, directory, citizen):
    mine = [submit(actor=citizen, now=MON + timedelta(hours=i))[0] for i in range(5)]
    submit(now=MON)  # somebody else's
    token = citizen_token_for(citizen.email)
    seen, url = [], f"{API}/me/reports/?limit=2"
    pages = 0
    while url:
        response = client.get(url, **bearer(token))
        assert response.status_code == 200
        data = body(response)
        seen += [row["reference"] for row in data["results"]]
        url = data["next"]
        pages += 1
    assert pages == 3
    assert seen == [r.reference for r in reversed(mine)]


def test_a_tampered_cursor_or_limit_is_400(client, citizen):
    token = citizen_token_for(citizen.email)
    response = client.get(f"{API}/me/reports/?cursor=bukan-kursor", **bearer(token))
    assert response.status_code == 400 and set(error_of(response)["fields"]) == {"cursor"}
    response = client.get(f"{API}/me/reports/?limit=0", **bearer(token))
    assert response.status_code == 400 and set(error_of(response)["fields"]) == {"limit"}


def test_my_report_detail_is_only_for_the_owner(client, directory, citizen, national_admin):
    report, _ = report_in(Status.DISPOSED, directory, national_admin, reporter=citizen)
    other, _ = report_in(Status.DISPOSED, directory, national_admin)
    token = citizen_token_for(citizen.email)
    response = client.get(f"{API}/me/reports/{report.reference}/", **bearer(token))
    assert response.status_code == 200 and body(response)["reference"] == report.reference
    assert client.get(f"{API}/me/reports/{other.reference}/", **bearer(token)).status_code == 404
    assert client.get(f"{API}/me/reports/{report.reference}/").status_code == 401


# --- Reporter actions ------------------------------------------------------------------------

def test_the_token_owner_replies_to_a_response(client, directory, citizen, national_admin):
    report, _ = report_in(Status.RESPONDED, directory, national_admin, reporter=citizen)
    token = citizen_token_for(citizen.email)
    response = post(client, _actions_url(report.reference), {
        "action": "reporter_reply", "expected_status": "responded", "note": "Lampu masih mati."}, **bearer(token))
    assert response.status_code == 200, response.content
    data = body(response)
    assert data["status"] == Status.IN_PROGRESS
    assert data["actions"] == [Action.ADD_INFORMATION]
    event = Event.objects.filter(report=report).latest("pk")
    assert event.action == "reporter_reply" and event.actor == citizen and event.actor_kind == "reporter"


def test_a_guest_confirms_and_rates_with_the_tracking_token(client, directory, national_admin):
    report, token = report_in(Status.RESPONDED, directory, national_admin)
    response = post(client, _actions_url(report.reference), {
        "action": "confirm", "expected_status": "responded", "rating": 5, "token": token})
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.status == Status.CLOSED and report.rating == 5


def test_a_stale_expected_status_is_409_and_changes_nothing(client, directory, national_admin):
    report, token = report_in(Status.RESPONDED, directory, national_admin)
    before = Event.objects.count()
    response = post(client, _actions_url(report.reference), {
        "action": "dispute", "expected_status": "in_progress", "note": "Tidak benar.", "token": token})
    assert response.status_code == 409 and error_of(response)["code"] == "stale_state"
    assert Event.objects.count() == before


def test_an_action_the_status_does_not_allow_is_409(client, directory, national_admin):
    report, token = report_in(Status.IN_PROGRESS, directory, national_admin)
    response = post(client, _actions_url(report.reference), {
        "action": "confirm", "expected_status": "in_progress", "token": token})
    assert response.status_code == 409 and error_of(response)["code"] == "invalid_transition"


def test_a_reporter_cannot_take_an_officials_action(client, directory, national_admin):
    report, token = report_in(Status.DISPOSED, directory, national_admin)
    response = post(client, _actions_url(report.reference), {
        "action": "respond", "expected_status": "disposed", "note": "Selesai.", "token": token})
    assert response.status_code == 400 and set(error_of(response)["fields"]) == {"action"}
    report.refresh_from_db()
    assert report.status == Status.DISPOSED


def test_missing_note_and_bad_rating_are_field_errors(client, directory, national_admin):
    report, token = report_in(Status.RESPONDED, directory, national_admin)
    response = post(client, _actions_url(report.reference), {
        "action": "reporter_reply", "expected_status": "responded", "token": token})
    assert response.status_code == 400 and set(error_of(response)["fields"]) == {"note"}
    response = post(client, _actions_url(report.reference), {
        "action": "confirm", "expected_status": "responded", "rating": 9, "token": token})
    assert response.status_code == 400 and set(error_of(response)["fields"]) == {"rating"}


def test_nobody_else_can_act_as_the_reporter(client, directory, citizen, national_admin):
    report, _token = report_in(Status.RESPONDED, directory, national_admin)  # a guest's report
    token = citizen_token_for(citizen.email)
    data = {"action": "confirm", "expected_status": "responded"}
    by_other_citizen = post(client, _actions_url(report.reference), data, **bearer(token))
    with_wrong_token = post(client, _actions_url(report.reference), {**data, "token": "salah"})
    missing = post(client, _actions_url("2611-0000-0000"), {**data, "token": "salah"})
    assert by_other_citizen.status_code == with_wrong_token.status_code == missing.status_code == 404
    assert by_other_citizen.content == with_wrong_token.content == missing.content
    report.refresh_from_db()
    assert report.status == Status.RESPONDED


def test_the_reporter_adds_information_while_the_agency_works(client, directory, citizen, national_admin):
    report, _ = report_in(Status.IN_PROGRESS, directory, national_admin, reporter=citizen)
    token = citizen_token_for(citizen.email)
    response = post(client, _actions_url(report.reference), {
        "action": "add_information", "expected_status": "in_progress", "note": "Foto menyusul."}, **bearer(token))
    assert response.status_code == 200 and body(response)["status"] == Status.IN_PROGRESS
    assert Event.objects.filter(report=report, action="add_information", is_public=False).count() == 1
