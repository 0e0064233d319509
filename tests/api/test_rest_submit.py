"""POST /api/v1/reports/: JSON and multipart submission through report_submit, who the
reporter is for each credential, Idempotency-Key through the real endpoint, error bodies,
and rate limits with Retry-After."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from aduan.api.models import IdempotencyRecord
from aduan.notifications.models import Outbox
from aduan.reports.models import Attachment, Channel, Event, Report
from aduan.reports.workflow import Status

from .test_rest_support import (  # noqa: F401  (fixtures)
    API,
    REPORT,
    _fresh_rate_limits,
    bearer,
    body,
    citizen_token_for,
    error_of,
    issue_key,
    key_headers,
    png_bytes,
    post,
)

pytestmark = pytest.mark.django_db
URL = f"{API}/reports/"


def test_guest_submits_json_and_gets_reference_and_token_once(client, directory):
    response = post(client, URL, REPORT)
    assert response.status_code == 201, response.content
    data = body(response)
    report = Report.objects.get()
    assert data["reference"] == report.reference
    assert data["status"] == Status.SUBMITTED and data["attachments"] == 0
    assert report.channel == Channel.API and report.reporter is None
    assert report.reporter_name == "Budi Pelapor" and report.reporter_email == "budi@example.test"
    # The tracking token is returned once and only its hash is stored.
    assert data["tracking_token"] and data["tracking_token"] not in report.token_hash
    # The same write path as the web: the submit event and the confirmation in the outbox.
    assert Event.objects.filter(report=report, action="submit").count() == 1
    assert Outbox.objects.filter(template="report_submitted", recipient="budi@example.test").count() == 1
    assert report.verify_due_at is not None


def test_agency_key_submits_for_the_citizen_in_the_payload_never_as_its_service_account(client, directory, national_admin):
    raw = issue_key(national_admin, directory.semarang)
    response = post(client, URL, REPORT, **key_headers(raw))
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.reporter is None
    assert report.reporter_name == "Budi Pelapor"
    event = Event.objects.get(report=report, action="submit")
    assert event.actor is None


def test_signed_in_citizen_submits_as_the_own_account(client, directory, citizen):
    token = citizen_token_for(citizen.email)
    response = post(client, URL, {k: v for k, v in REPORT.items() if not k.startswith("reporter_")}, **bearer(token))
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.reporter == citizen
    assert report.reporter_email == citizen.email


def test_multipart_submit_with_a_real_png_stores_the_cleaned_image(client, directory):
    photo = SimpleUploadedFile("lubang.png", png_bytes(), content_type="image/png")
    response = client.post(URL, data={**REPORT, "category": "jalan", "region_code": "33.74", "is_anonymous": "true",
                                      "attachments": [photo]})
    assert response.status_code == 201, response.content
    assert body(response)["attachments"] == 1
    report = Report.objects.get()
    assert report.is_anonymous and report.category == directory.road and report.region_id == "33.74"
    attachment = Attachment.objects.get(report=report)
    assert attachment.content_type == "image/png" and attachment.original_name == "lubang.png"
    assert attachment.file.read().startswith(b"\x89PNG")


def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_stored(client, directory):
    fake = SimpleUploadedFile("foto.png", b"%PDF-1.4 bukan gambar" + b"0" * 100, content_type="image/png")
    response = client.post(URL, data={**REPORT, "attachments": [fake]})
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid" and "attachments" in error["fields"]
    assert not Report.objects.exists() and not Attachment.objects.exists()


def test_bad_input_gets_every_field_error_and_changes_nothing(client, directory):
    response = post(client, URL, {"title": "", "body": "x", "incident_date": "kemarin", "latitude": 200})
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert {"title", "incident_date", "latitude"} <= set(error["fields"])
    assert not Report.objects.exists()


def test_domain_rules_answer_with_the_services_field_errors(client, directory):
    response = post(client, URL, {**REPORT, "category": "tidak-ada", "region_code": "99.99", "incident_date": "2999-01-01"})
    assert response.status_code == 400
    assert {"category", "region_code", "incident_date"} <= set(error_of(response)["fields"])
    assert not Report.objects.exists()


def test_unknown_suggested_agency_is_a_field_error(client, directory):
    response = post(client, URL, {**REPORT, "suggested_agency": "tidak-ada"})
    assert response.status_code == 400
    assert "suggested_agency" in error_of(response)["fields"]


def test_malformed_json_and_unsupported_media_type_get_the_error_body(client, directory):
    response = client.post(URL, data="{bukan json", content_type="application/json")
    assert response.status_code == 400 and error_of(response)["code"] == "malformed_request"
    response = client.post(URL, data="<laporan/>", content_type="application/xml")
    assert response.status_code == 415 and error_of(response)["code"] == "unsupported_media_type"


def test_unknown_key_is_401_with_the_error_body(client, directory):
    response = post(client, URL, REPORT, HTTP_X_API_KEY="adn_tidakada_rahasia")
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"
    assert response["WWW-Authenticate"]
    assert not Report.objects.exists()


# --- Idempotency-Key through the real endpoint ------------------------------------------------

def test_replaying_the_same_post_with_the_same_idempotency_key_10_times_creates_one_report(client, directory, national_admin):
    raw = issue_key(national_admin, directory.semarang)
    responses = [post(client, URL, REPORT, HTTP_IDEMPOTENCY_KEY="lapor-0001", **key_headers(raw)) for _ in range(10)]
    assert Report.objects.count() == 1
    assert Event.objects.filter(action="submit").count() == 1
    assert Outbox.objects.filter(template="report_submitted").count() == 1
    first = responses[0]
    assert first.status_code == 201 and not first.has_header("Idempotent-Replayed")
    for again in responses[1:]:
        assert again.status_code == 201
        assert again.content == first.content  # same reference, same token
        assert again["Idempotent-Replayed"] == "true"


def test_replaying_a_multipart_submission_creates_one_report_with_one_attachment(client, directory):
    for _ in range(3):
        photo = SimpleUploadedFile("foto.png", png_bytes(), content_type="image/png")
        response = client.post(URL, data={**REPORT, "attachments": [photo]}, HTTP_IDEMPOTENCY_KEY="unggah-1")
        assert response.status_code == 201
    assert Report.objects.count() == 1 and Attachment.objects.count() == 1


def test_the_same_key_for_a_different_request_is_422_and_creates_nothing_more(client, directory):
    assert post(client, URL, REPORT, HTTP_IDEMPOTENCY_KEY="k-1").status_code == 201
    response = post(client, URL, {**REPORT, "title": "Judul lain"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 422
    assert error_of(response)["code"] == "idempotency_key_reused"
    assert Report.objects.count() == 1


def test_two_clients_using_the_same_key_do_not_collide(client, directory, national_admin):
    semarang = issue_key(national_admin, directory.semarang)
    jateng = issue_key(national_admin, directory.jateng)
    assert post(client, URL, REPORT, HTTP_IDEMPOTENCY_KEY="k-1", **key_headers(semarang)).status_code == 201
    assert post(client, URL, REPORT, HTTP_IDEMPOTENCY_KEY="k-1", **key_headers(jateng)).status_code == 201
    assert Report.objects.count() == 2


def test_a_refused_submission_is_replayed_as_refused(client, directory):
    first = post(client, URL, {**REPORT, "title": ""}, HTTP_IDEMPOTENCY_KEY="k-2")
    again = post(client, URL, {**REPORT, "title": ""}, HTTP_IDEMPOTENCY_KEY="k-2")
    assert first.status_code == again.status_code == 400
    assert again["Idempotent-Replayed"] == "true"
    assert not Report.objects.exists()


def test_an_invalid_idempotency_key_is_400(client, directory):
    response = post(client, URL, REPORT, HTTP_IDEMPOTENCY_KEY="x" * 300)
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_idempotency_key"
    assert not Report.objects.exists()


# --- Rate limits -----------------------------------------------------------------------------

def _rates(**rates):
    framework = dict(settings.REST_FRAMEWORK)
    framework["DEFAULT_THROTTLE_RATES"] = {**framework["DEFAULT_THROTTLE_RATES"], **rates}
    return override_settings(REST_FRAMEWORK=framework)


def test_submitting_too_fast_is_429_with_retry_after_and_the_error_body(client, directory):
    with _rates(submit="2/min"):
        assert post(client, URL, REPORT).status_code == 201
        assert post(client, URL, REPORT).status_code == 201
        response = post(client, URL, REPORT)
    assert response.status_code == 429
    assert error_of(response)["code"] == "rate_limited"
    assert 0 < int(response["Retry-After"]) <= 60
    assert Report.objects.count() == 2


def test_a_throttled_request_is_not_remembered_under_its_idempotency_key(client, directory):
    with _rates(submit="1/min"):
        assert post(client, URL, REPORT, HTTP_IDEMPOTENCY_KEY="a").status_code == 201
        assert post(client, URL, REPORT, HTTP_IDEMPOTENCY_KEY="b").status_code == 429
    assert not IdempotencyRecord.objects.filter(key="b").exists()
    # Once the window has passed (a fresh counter), the retry with the same key goes through.
    cache.clear()
    with _rates(submit="1/min"):
        assert post(client, URL, REPORT, HTTP_IDEMPOTENCY_KEY="b").status_code == 201
    assert Report.objects.count() == 2


def test_reads_are_limited_per_key_with_retry_after(client, directory, national_admin):
    raw = issue_key(national_admin, directory.semarang)
    with _rates(api_key="3/min"):
        statuses = [client.get(f"{API}/inbox/", **key_headers(raw)).status_code for _ in range(4)]
        other = issue_key(national_admin, directory.jateng)
        assert client.get(f"{API}/inbox/", **key_headers(other)).status_code == 200  # its own bucket
    assert statuses == [200, 200, 200, 429]
