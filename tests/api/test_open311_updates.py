"""POST servicerequestupdates (FixMyStreet extension): an agency's own system reports its
progress. Open311 hands it to the dispatch app's one inbound-update path, so each update is
one ``report_transition`` acting as the key's service account, idempotent by (key,
update_id) whichever door it came through; another agency's reports answer exactly like
missing ones."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.utils import timezone

from aduan.dispatch.models import InboundUpdate
from aduan.reports.models import Event, Report
from aduan.reports.workflow import Action, Status

from ..reports.helpers import run
from .test_open311_helpers import (  # noqa: F401  (fixtures)
    BASE,
    _clean_throttle_cache,
    admin,
    assert_schema,
    errors_of,
    get_json,
    jateng_key,
    parse_xml,
    publish,
    semarang_key,
)

pytestmark = pytest.mark.django_db


def post_update(client, key, report_or_id, fmt="json", **fields):
    data = {"service_request_id": getattr(report_or_id, "reference", report_or_id), "update_id": "UPD-1",
            "status": "IN_PROGRESS", "description": "Petugas sudah meninjau lokasi.",
            "updated_datetime": "2026-11-28T10:00:00+07:00", "first_name": "Petugas", "email": "petugas@example.test"}
    if key is not None:
        data["api_key"] = key
    data.update(fields)
    headers = {k: v for k, v in data.items() if k.startswith("HTTP_")}
    body = {k: v for k, v in data.items() if v is not None and not k.startswith("HTTP_")}
    return client.post(f"{BASE}/servicerequestupdates.{fmt}", urlencode(body),
                       content_type="application/x-www-form-urlencoded", **headers)


def events(report) -> list[tuple[str, bool]]:
    return list(Event.objects.filter(report=report).order_by("id").values_list("action", "is_public"))


def test_in_progress_starts_follow_up_as_the_keys_service_account(client, directory, admin, semarang_key):
    report = publish(directory, admin)
    response = post_update(client, semarang_key, report)
    assert response.status_code == 200, response.content
    data = response.json()
    assert_schema("service_request_update_created", data)
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS
    event = Event.objects.get(report=report, action=Action.START_FOLLOW_UP)
    assert data == [{"update_id": str(event.pk)}]
    assert event.actor.api_key.agency == directory.semarang
    assert event.note == "Petugas sudah meninjau lokasi." and event.is_public
    stored = InboundUpdate.objects.get()
    assert (stored.update_id, stored.event_id, stored.outcome) == ("UPD-1", event.pk, "applied")
    # The citizen fields FixMyStreet sends along are not kept.
    assert set(stored.payload) == {"update_id", "report", "status", "description", "updated_datetime"}


def test_fixed_gives_the_agencys_follow_up_and_answers_in_xml(client, directory, admin, semarang_key):
    report = publish(directory, admin, status=Status.IN_PROGRESS)
    response = post_update(client, semarang_key, report, fmt="xml", status="FIXED", update_id="UPD-9",
                           description="Jalan sudah ditambal pada 28 November.")
    assert response.status_code == 200, response.content
    root = parse_xml(response, "service_request_updates")
    assert [(c.tag, [g.tag for g in c]) for c in root] == [("request_update", ["update_id"])]
    report.refresh_from_db()
    assert report.status == Status.RESPONDED
    respond = Event.objects.get(report=report, action=Action.RESPOND)
    assert root[0].findtext("update_id") == str(respond.pk)
    # The public feeds show the follow-up, never the internal note.
    feed = get_json(client, "servicerequestupdates", schema="service_request_updates")
    assert [u["description"] for u in feed][-1] == "Jalan sudah ditambal pada 28 November."
    assert not any("update_id" in u["description"] for u in feed)
    (row,) = get_json(client, "requests", extensions="true")
    assert row["status_notes"] == "Jalan sudah ditambal pada 28 November."
    assert "internal_note" not in [n["type"] for n in row["notes"]]


@pytest.mark.parametrize("status", ["closed", "CLOSED", "fixed", "NO_FURTHER_ACTION"])
def test_closing_statuses_are_the_follow_up_never_a_close(client, directory, admin, semarang_key, status):
    report = publish(directory, admin)
    assert post_update(client, semarang_key, report, status=status, update_id=f"U-{status}").status_code == 200
    report.refresh_from_db()
    assert report.status == Status.RESPONDED  # the reporter may still dispute; closes after 10 working days


def test_a_repeated_update_id_answers_the_same_and_writes_nothing(client, directory, admin, semarang_key):
    report = publish(directory, admin, status=Status.IN_PROGRESS)
    first = post_update(client, semarang_key, report, status="FIXED", description="Sudah diperbaiki.")
    before = events(report)
    for _ in range(4):
        again = post_update(client, semarang_key, report, status="FIXED", description="Sudah diperbaiki.")
        assert again.status_code == 200 and again.content == first.content
    xml = post_update(client, semarang_key, report, fmt="xml", status="FIXED", description="Sudah diperbaiki.")
    assert parse_xml(xml)[0].findtext("update_id") == first.json()[0]["update_id"]
    # The same update id with other content is refused, not applied a second time.
    other = post_update(client, semarang_key, report, status="FIXED", description="Teks lain pada kiriman ulang")
    assert other.status_code == 400 and errors_of(other, "json")[0][0] == 422
    assert events(report) == before
    # A new update id is a new update: a second follow-up is allowed from RESPONDED.
    assert post_update(client, semarang_key, report, status="FIXED", update_id="UPD-2", description="Tambahan.").status_code == 200
    assert len(events(report)) == len(before) + 1


def test_idempotency_key_is_honoured_as_well(client, directory, admin, semarang_key):
    report = publish(directory, admin)
    responses = [post_update(client, semarang_key, report, HTTP_IDEMPOTENCY_KEY="upd-key-1") for _ in range(3)]
    assert len({r.content for r in responses}) == 1
    assert responses[2]["Idempotent-Replayed"] == "true"
    assert Event.objects.filter(report=report, action=Action.START_FOLLOW_UP).count() == 1


def test_not_our_authority_names_the_agency_with_authority(client, directory, admin, semarang_key):
    report = publish(directory, admin)
    response = post_update(client, semarang_key, report, status="NOT_COUNCILS_RESPONSIBILITY",
                           description="Jalan provinsi: kewenangan DPU provinsi.", suggested_agency="dpu-binmar-cipka-jateng")
    assert response.status_code == 200, response.content
    report.refresh_from_db()
    assert report.status == Status.RETURNED and report.agency is None
    missing = publish(directory, admin)
    response = post_update(client, semarang_key, missing, status="NOT_COUNCILS_RESPONSIBILITY", description="Bukan kami.",
                           update_id="UPD-2")
    assert response.status_code == 400
    assert errors_of(response, "json")[0][1].startswith("suggested_agency: ")


# --- Scope: another agency's report is the same 404 as a missing one --------------------

@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_another_agencys_report_is_404_identical_to_missing(client, directory, admin, jateng_key, fmt):
    report = publish(directory, admin)  # disposed to Dishub Kota Semarang
    theirs = post_update(client, jateng_key, report, fmt=fmt)
    missing = post_update(client, jateng_key, "2611-K7QX-M9P3", fmt=fmt)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    assert errors_of(theirs, fmt) == [(404, "Data tidak ditemukan.")]
    assert Report.objects.get(pk=report.pk).status == Status.DISPOSED
    assert [a for a, _ in events(report)] == ["submit", "verify_dispose"]


def test_a_report_the_agency_once_held_is_404_once_it_is_anothers(client, directory, admin, semarang_key):
    report = publish(directory, admin)
    run(report, Action.NOT_AUTHORITY, admin, directory, now=timezone.now())
    run(report, Action.VERIFY_DISPOSE, admin, directory, now=timezone.now(), agency=directory.dpu_jateng.pk)
    response = post_update(client, semarang_key, report)
    assert response.status_code == 404
    assert response.content == post_update(client, semarang_key, "2611-K7QX-M9P3").content
    assert Report.objects.get(pk=report.pk).status == Status.DISPOSED


def test_an_unverified_report_is_404_to_an_agency(client, directory, admin, semarang_key):
    report = publish(directory, admin, status=Status.SUBMITTED)
    assert post_update(client, semarang_key, report).status_code == 404


def test_a_confidential_report_can_be_worked_but_never_appears_in_public_feeds(client, directory, admin, semarang_key):
    report = publish(directory, admin, is_confidential=True)
    assert post_update(client, semarang_key, report).status_code == 200
    assert get_json(client, "servicerequestupdates") == []
    assert get_json(client, "requests") == []


# --- Errors ------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_or_invalid_api_key_is_403(client, directory, admin, fmt):
    report = publish(directory, admin)
    for key in (None, "adn_salah_kunci"):
        response = post_update(client, key, report, fmt=fmt)
        assert response.status_code == 403
        assert errors_of(response, fmt)[0][0] == 403
    assert Report.objects.get(pk=report.pk).status == Status.DISPOSED


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("fields, param", [
    ({"service_request_id": ""}, "service_request_id"),
    ({"update_id": None}, "update_id"),
    ({"update_id": "x" * 101}, "update_id"),
    ({"status": None}, "status"),
    ({"status": "SELESAI"}, "status"),
    ({"status": "DUPLICATE"}, "status"),
    ({"status": "REOPEN"}, "status"),
    ({"updated_datetime": "28/11/2026"}, "updated_datetime"),
    ({"status": "FIXED", "description": ""}, "description"),
])
def test_bad_updates_are_400_naming_the_parameter_and_change_nothing(client, directory, admin, semarang_key, fmt, fields, param):
    report = publish(directory, admin)
    response = post_update(client, semarang_key, report, fmt=fmt, **fields)
    assert response.status_code == 400, response.content
    assert any(code == 400 and d.startswith(f"{param}: ") for code, d in errors_of(response, fmt))
    assert [a for a, _ in events(report)] == ["submit", "verify_dispose"]


def test_an_update_the_workflow_does_not_allow_now_is_400_with_code_409(client, directory, admin, semarang_key):
    report = publish(directory, admin, status=Status.IN_PROGRESS)
    response = post_update(client, semarang_key, report, status="IN_PROGRESS")
    assert response.status_code == 400
    assert errors_of(response, "json")[0][0] == 409
    assert len(events(report)) == 3


def test_open_changes_nothing_and_answers_with_the_clients_update_id(client, directory, admin, semarang_key):
    report = publish(directory, admin)
    response = post_update(client, semarang_key, report, status="OPEN", update_id="ACK-1")
    assert response.status_code == 200 and response.json() == [{"update_id": "ACK-1"}]
    assert [a for a, _ in events(report)] == ["submit", "verify_dispose"]


def test_one_update_id_is_one_update_whichever_door_it_comes_through(client, directory, admin, semarang_key):
    report = publish(directory, admin)
    first = post_update(client, semarang_key, report)
    assert first.status_code == 200
    again = client.post("/dispatch/v1/updates/", {
        "update_id": "UPD-1", "report": report.reference, "status": "IN_PROGRESS",
        "description": "Petugas sudah meninjau lokasi.", "updated_datetime": "2026-11-28T10:00:00+07:00",
    }, content_type="application/json", HTTP_AUTHORIZATION=f"Api-Key {semarang_key}")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json()["event_id"] == first.json()[0]["update_id"]
    assert Event.objects.filter(report=report, action=Action.START_FOLLOW_UP).count() == 1


def test_unknown_jurisdiction_on_post_is_404(client, directory, admin, semarang_key):
    report = publish(directory, admin)
    assert post_update(client, semarang_key, report, jurisdiction_id="tidak-ada").status_code == 404
