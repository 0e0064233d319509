"""``POST /api/v1/devices/{identity}/observations/``: a monitoring device's detection, sent
by the agency system with the agency's API key."""

from __future__ import annotations

import base64
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from aduan.agencies.models import Category
from aduan.intake.models import Device, DeviceObservation
from aduan.reports.models import Event, Report

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
LAT, LNG = -6.990000, 110.423000


@pytest.fixture
def setup(directory, national_admin):
    Category.objects.create(name="Sampah tidak terangkut", slug="sampah")
    devices = {
        "semarang": Device.objects.create(identity="cctv-smg-01", name="CCTV Simpang Lima", agency=directory.semarang),
        "unit": Device.objects.create(identity="cctv-dishub-01", name="CCTV Tugu Muda", agency=directory.dishub_semarang),
        "jateng": Device.objects.create(identity="cctv-jateng-01", name="CCTV Gubernuran", agency=directory.jateng),
    }
    keys = {"semarang": issue_key(national_admin, directory.semarang, "Analitik CCTV"),
            "jateng": issue_key(national_admin, directory.jateng, "Analitik CCTV provinsi")}
    return devices, keys


def detection(**overrides) -> dict:
    data = {
        "external_id": "evt-000123", "observed_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "category": "sampah", "latitude": LAT, "longitude": LNG, "confidence": 0.87,
        "description": "Tumpukan sampah di trotoar lebih dari 2 jam",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not ...}


def url(identity: str) -> str:
    return f"{API}/devices/{identity}/observations/"


def send(client, identity, raw_key, data, **headers):
    return post(client, url(identity), data, **key_headers(raw_key), **headers)


def test_a_detection_makes_a_machine_report(client, setup):
    _, keys = setup
    response = send(client, "cctv-smg-01", keys["semarang"], detection())
    assert response.status_code == 201, response.content
    data = body(response)
    assert set(data) == {"observation_id", "reference", "merged"} and data["merged"] is False
    report = Report.objects.get(reference=data["reference"])
    assert (report.device_identity, report.channel) == ("cctv-smg-01", "api")
    assert Event.objects.get(report=report, action="submit").data["device"] == "cctv-smg-01"
    observation = DeviceObservation.objects.get(pk=data["observation_id"])
    assert observation.payload["description"] == "Tumpukan sampah di trotoar lebih dari 2 jam"
    assert observation.confidence == 0.87


def test_a_repeat_of_the_same_external_id_answers_200_with_the_first_answer(client, setup):
    _, keys = setup
    first = send(client, "cctv-smg-01", keys["semarang"], detection())
    again = send(client, "cctv-smg-01", keys["semarang"], detection(latitude=-6.5))
    assert (first.status_code, again.status_code) == (201, 200)
    assert body(again) == body(first)
    assert DeviceObservation.objects.count() == 1 and Report.objects.count() == 1


def test_a_nearby_detection_is_merged(client, setup):
    _, keys = setup
    first = body(send(client, "cctv-smg-01", keys["semarang"], detection()))
    second = send(client, "cctv-dishub-01", keys["semarang"], detection(external_id="evt-9", latitude=LAT + 0.0002))
    assert second.status_code == 201
    assert body(second)["merged"] is True and body(second)["reference"] == first["reference"]
    assert Report.objects.count() == 1


def test_a_unit_device_is_reachable_with_the_parent_agency_key(client, setup):
    _, keys = setup
    assert send(client, "cctv-dishub-01", keys["semarang"], detection()).status_code == 201


@pytest.mark.parametrize(("identity", "key"), [
    ("tidak-ada-01", "semarang"),
    ("cctv-jateng-01", "semarang"),  # another agency's device
    ("cctv-smg-01", "jateng"),  # the province does not reach the city's devices
])
def test_a_device_outside_the_key_is_404_like_a_missing_one(client, setup, identity, key):
    _, keys = setup
    response = send(client, identity, keys[key], detection())
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert DeviceObservation.objects.count() == 0


def test_an_inactive_device_is_403(client, setup):
    devices, keys = setup
    Device.objects.filter(pk=devices["semarang"].pk).update(is_active=False)
    response = send(client, "cctv-smg-01", keys["semarang"], detection())
    assert response.status_code == 403
    assert error_of(response)["code"] == "device_inactive"


def test_without_a_key_401_and_with_a_wrong_key_401(client, setup):
    no_key = post(client, url("cctv-smg-01"), detection())
    wrong = send(client, "cctv-smg-01", "adn_abcdefgh_salah", detection())
    assert (no_key.status_code, wrong.status_code) == (401, 401)
    assert error_of(no_key)["code"] == "not_authenticated"
    assert error_of(wrong)["code"] == "authentication_failed"
    assert DeviceObservation.objects.count() == 0


def test_a_citizen_token_is_403(client, setup, citizen):
    response = post(client, url("cctv-smg-01"), detection(), **bearer(citizen_token_for(citizen.email)))
    assert response.status_code == 403


@pytest.mark.parametrize(("overrides", "field"), [
    ({"external_id": ...}, "external_id"),
    ({"observed_at": "kemarin"}, "observed_at"),
    ({"category": ...}, "category"),
    ({"category": "tidak-ada"}, "category"),
    ({"confidence": 2}, "confidence"),
    ({"latitude": 100}, "latitude"),
    ({"observed_at": (timezone.now() + timedelta(days=2)).isoformat()}, "observed_at"),
    ({"image_base64": "@@bukan base64@@"}, "image_base64"),
    ({"image_base64": base64.b64encode(b"%PDF-1.4 bukan gambar").decode()}, "image_base64"),
])
def test_bad_input_is_400_with_the_field_and_stores_nothing(client, setup, overrides, field):
    _, keys = setup
    response = send(client, "cctv-smg-01", keys["semarang"], detection(**overrides))
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert error["code"] == "invalid" and field in error["fields"]
    assert DeviceObservation.objects.count() == 0 and Report.objects.count() == 0


def test_errors_follow_accept_language(client, setup):
    _, keys = setup
    response = send(client, "cctv-smg-01", keys["semarang"], detection(category="tidak-ada"), HTTP_ACCEPT_LANGUAGE="en")
    assert error_of(response)["fields"]["category"] == ["Unknown category."]
    response = send(client, "cctv-smg-01", keys["semarang"], detection(category="tidak-ada"), HTTP_ACCEPT_LANGUAGE="id")
    assert error_of(response)["fields"]["category"] == ["Kategori tidak dikenal."]


def test_the_report_text_is_indonesian_whatever_the_caller_language(client, setup):
    _, keys = setup
    response = send(client, "cctv-smg-01", keys["semarang"], detection(), HTTP_ACCEPT_LANGUAGE="en")
    report = Report.objects.get(reference=body(response)["reference"])
    assert report.title.startswith("Terdeteksi: Sampah tidak terangkut")


def test_an_image_becomes_the_report_attachment(client, setup):
    _, keys = setup
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 10)).save(out, format="PNG")
    response = send(client, "cctv-smg-01", keys["semarang"], detection(image_base64=base64.b64encode(out.getvalue()).decode()))
    assert response.status_code == 201
    report = Report.objects.get(reference=body(response)["reference"])
    assert report.attachments.get().content_type == "image/png"
    observation = DeviceObservation.objects.get()
    assert "image_base64" not in observation.payload and observation.payload["image"]["size"] == len(out.getvalue())


def test_idempotency_key_replays_the_first_answer(client, setup):
    _, keys = setup
    data = detection()
    first = send(client, "cctv-smg-01", keys["semarang"], data, HTTP_IDEMPOTENCY_KEY="kirim-1")
    again = send(client, "cctv-smg-01", keys["semarang"], data, HTTP_IDEMPOTENCY_KEY="kirim-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert DeviceObservation.objects.count() == 1


def test_the_operation_is_in_the_openapi_document(client):
    document = client.get(f"{API}/schema/?format=json").json()
    operation = document["paths"]["/api/v1/devices/{identity}/observations/"]["post"]
    assert operation["operationId"] == "device_observation_create"
    assert {"201", "200", "400", "401", "403", "404"} <= set(operation["responses"])
