"""Privacy through Open311 (rules of the house 3 and 4): what is not public is absent and a
lookup of it is the same 404 as a missing id; reporter identity never appears, anonymous or
not; every text is redacted; the status history holds public events only."""

from __future__ import annotations

import pytest
from django.utils import timezone

from aduan.reports.actors import ReporterToken
from aduan.reports.workflow import Action, Status

from ..reports.helpers import run
from .test_open311_helpers import (  # noqa: F401  (fixtures)
    BASE,
    _clean_throttle_cache,
    admin,
    get_json,
    publish,
)

pytestmark = pytest.mark.django_db

ENDPOINTS = ["requests", "servicerequestupdates"]


def all_output(client, reference: str) -> bytes:
    """Every public Open311 document that could mention a request, in both formats."""
    out = b""
    for fmt in ("json", "xml"):
        for path in ENDPOINTS:
            out += client.get(f"{BASE}/{path}.{fmt}", {"extensions": "true"}).content
        out += client.get(f"{BASE}/requests/{reference}.{fmt}", {"extensions": "true"}).content
        out += client.get(f"{BASE}/requests.{fmt}", {"service_request_id": reference, "extensions": "true"}).content
        out += client.get(f"{BASE}/tokens/{reference}.{fmt}").content
    return out


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.POSTPONED, Status.ARCHIVED])
def test_reports_not_published_are_absent_and_404_like_missing(client, directory, admin, status):
    report = publish(directory, admin, status=status)
    assert get_json(client, "requests") == []
    assert get_json(client, "requests", service_request_id=report.reference) == []
    for fmt in ("json", "xml"):
        hidden = client.get(f"{BASE}/requests/{report.reference}.{fmt}")
        missing = client.get(f"{BASE}/requests/2611-K7QX-M9P3.{fmt}")
        assert hidden.status_code == missing.status_code == 404 and hidden.content == missing.content
        assert client.get(f"{BASE}/tokens/{report.reference}.{fmt}").content == client.get(
            f"{BASE}/tokens/2611-K7QX-M9P3.{fmt}").content
    assert get_json(client, "servicerequestupdates") == []


def test_confidential_reports_are_absent_everywhere(client, directory, admin):
    report = publish(directory, admin, status=Status.RESPONDED, is_confidential=True, title="Pungli di loket KTP")
    output = all_output(client, report.reference)
    assert report.reference.encode() not in output
    assert b"Pungli" not in output
    # Raised later by a verifier: gone from the public feeds from then on.
    shown = publish(directory, admin, status=Status.IN_PROGRESS)
    assert [r["service_request_id"] for r in get_json(client, "requests")] == [shown.reference]
    run(shown, Action.RAISE_PRIVACY, admin, directory, now=timezone.now())
    assert get_json(client, "requests") == []
    assert client.get(f"{BASE}/requests/{shown.reference}.json").status_code == 404


@pytest.mark.parametrize("anonymous", [True, False])
def test_reporter_identity_never_appears_anonymous_or_not(client, directory, admin, citizen, anonymous):
    report = publish(directory, admin, status=Status.RESPONDED, reporter=citizen, is_anonymous=anonymous,
                     reporter_name="Siti Warga", reporter_email="siti@example.test", reporter_phone="081234567890")
    run(report, Action.REPORTER_REPLY, citizen, directory, now=timezone.now(), note="Belum selesai.")
    output = all_output(client, report.reference)
    assert report.reference.encode() in output
    for personal in (b"Siti", b"siti@example.test", b"81234567890", b"warga"):
        assert personal not in output, personal
    (row,) = get_json(client, "requests", extensions="true")
    assert not {"reporter_name", "email", "phone", "first_name", "last_name", "account_id", "reporter"} & set(row)
    assert not {"reporter", "reporter_name"} & set(row["extended_attributes"])


def test_every_text_is_redacted(client, directory, admin):
    secret = "hubungi 0812-3456-7890 atau budi@example.test, NIK 3374010101900001"
    report = publish(directory, admin, status=Status.IN_PROGRESS, title=f"Jalan rusak {secret}"[:200],
                     body=f"Jalan rusak. {secret}", address=f"Gang Mawar, {secret}")
    run(report, Action.RESPOND, admin, directory, now=timezone.now(),
        note=f"Sudah diperbaiki, {secret}")
    output = all_output(client, report.reference)
    for leaked in (b"3456", b"budi@example.test", b"3374010101900001"):
        assert leaked not in output, leaked
    assert "[disamarkan]".encode() in output
    (row,) = get_json(client, "requests", extensions="true")
    assert "[disamarkan]" in row["description"] and "[disamarkan]" in row["address"]
    assert "[disamarkan]" in row["status_notes"] and "[disamarkan]" in row["extended_attributes"]["title"]


def test_history_holds_public_events_only(client, directory, admin):
    report = publish(directory, admin, status=Status.POSTPONED)  # postponing is internal
    run(report, Action.VERIFY_DISPOSE, admin, directory, now=timezone.now(), internal_note="Catatan internal verifikator")
    run(report, Action.INTERVENE, admin, directory, now=timezone.now(), note="Eskalasi internal")
    (row,) = get_json(client, "requests", extensions="true")
    assert [n["type"] for n in row["notes"]] == ["submit", "verify_dispose"]
    output = all_output(client, report.reference)
    for internal in (b"Menunggu kelengkapan", b"Catatan internal", b"Eskalasi internal", b"postpone", b"intervene"):
        assert internal not in output, internal
    assert [u["external_status_code"] for u in get_json(client, "servicerequestupdates")] == ["disposed"]


def test_reporter_steps_show_as_the_reporters_not_by_name(client, directory, admin):
    report = publish(directory, admin, status=Status.CLOSED)
    run(report, Action.RATE, ReporterToken(report.pk), directory, now=timezone.now(), rating=4)
    (row,) = get_json(client, "requests", extensions="true")
    assert row["notes"][-1]["type"] == "rate"
    assert "Warga Uji" not in str(row)


def test_jurisdiction_narrows_requests_to_an_agency_subtree_or_region(client, directory, admin):
    semarang = publish(directory, admin, region_code="33.74.01")
    ids = lambda j: [r["service_request_id"] for r in get_json(client, "requests", jurisdiction_id=j)]  # noqa: E731
    assert ids("pemkot-semarang") == ids("dishub-kota-semarang") == [semarang.reference]
    assert ids("pemprov-jateng") == []  # not Semarang's parent: a different agency tree
    assert ids("33") == ids("33.74") == ids("33.74.01") == [semarang.reference]
    assert ids("33.74.01.1001") == ids("51") == []
