"""City monitoring devices: detections merged by place and time into one open machine
report, idempotent per (device, external id), registered by agency administrators."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone
from PIL import Image

from aduan.accounts.permissions import Role
from aduan.agencies.models import Category
from aduan.audit.models import AuditLog
from aduan.core.errors import PermissionDenied, ValidationFailed
from aduan.intake.devices import (
    DeviceInactive,
    device_create,
    device_deactivate,
    device_observation_receive,
    haversine_metres,
)
from aduan.intake.models import Device, DeviceObservation
from aduan.intake.selectors_backoffice import report_origin
from aduan.notifications.models import Outbox
from aduan.reports.attachments import AttachmentUpload
from aduan.reports.models import Event, Report
from aduan.reports.services.transition import report_transition
from aduan.reports.workflow import Action, Status
from tests.factories import member

pytestmark = pytest.mark.django_db

# Simpang Lima, Semarang; one degree of latitude is about 111.32 km.
LAT, LNG = -6.990000, 110.423000
METRES_30_NORTH = LAT + 30 / 111_320
METRES_500_NORTH = LAT + 500 / 111_320


@pytest.fixture
def rubbish(directory):
    return Category.objects.create(name="Sampah tidak terangkut", slug="sampah", default_tier="no_field_check")


@pytest.fixture
def camera(directory, rubbish):
    return Device.objects.create(identity="cctv-simpang-lima-01", name="CCTV Simpang Lima Utara",
                                 agency=directory.semarang, latitude=LAT, longitude=LNG)


@pytest.fixture
def other_camera(directory, rubbish):
    return Device.objects.create(identity="cctv-simpang-lima-02", name="CCTV Simpang Lima Selatan",
                                 agency=directory.dishub_semarang)


def detect(device, external_id, *, hours_ago=1.0, lat=LAT, lng=LNG, category="sampah", **extra):
    return device_observation_receive(
        device=device, external_id=external_id, observed_at=timezone.now() - timedelta(hours=hours_ago),
        category=category, latitude=lat, longitude=lng, confidence=extra.pop("confidence", 0.87),
        payload={"external_id": external_id}, **extra,
    )


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 90, 90)).save(out, format="JPEG")
    return out.getvalue()


def test_haversine_matches_a_known_distance():
    # One minute of arc along a meridian is one nautical mile (1852 m) to within 0.5 %.
    assert haversine_metres(0, 0, 1 / 60, 0) == pytest.approx(1852, rel=0.005)
    assert haversine_metres(LAT, LNG, METRES_30_NORTH, LNG) == pytest.approx(30, abs=0.5)


def test_first_detection_opens_a_machine_report(camera):
    observation, created_report, created = detect(camera, "evt-1")
    assert created_report and created and not observation.merged
    report = observation.report
    assert report.device_identity == "cctv-simpang-lima-01"
    assert report.channel == "api" and report.status == Status.SUBMITTED
    assert report.category.slug == "sampah"
    assert report.title == "Terdeteksi: Sampah tidak terangkut (CCTV Simpang Lima Utara)"
    assert "Tingkat keyakinan: 87%." in report.body
    assert "WIB" in report.body  # the detection's time in the local time zone
    assert (float(report.latitude), float(report.longitude)) == (LAT, LNG)
    submit_event = Event.objects.get(report=report, action="submit")
    assert submit_event.data["device"] == "cctv-simpang-lima-01"
    assert not Outbox.objects.filter(template="report_submitted").exists()  # a device has no reporter address


def test_two_detections_30_metres_and_an_hour_apart_make_one_report(camera):
    first, _, _ = detect(camera, "evt-1", hours_ago=2)
    events, outbox = Event.objects.count(), Outbox.objects.count()
    second, created_report, created = detect(camera, "evt-2", hours_ago=1, lat=METRES_30_NORTH)
    assert created and not created_report and second.merged
    assert second.report_id == first.report_id
    assert Report.objects.count() == 1
    # Merging floods nobody: no event, no notification.
    assert (Event.objects.count(), Outbox.objects.count()) == (events, outbox)
    assert DeviceObservation.objects.filter(report=first.report).count() == 2


def test_detections_500_metres_apart_make_two_reports(camera):
    first, _, _ = detect(camera, "evt-1", hours_ago=2)
    second, created_report, _ = detect(camera, "evt-2", hours_ago=1, lat=METRES_500_NORTH)
    assert created_report and second.report_id != first.report_id
    assert Report.objects.filter(device_identity=camera.identity).count() == 2


def test_detections_four_days_apart_make_two_reports(camera):
    first, _, _ = detect(camera, "evt-1", hours_ago=4 * 24 + 1)
    second, created_report, _ = detect(camera, "evt-2", hours_ago=1)
    assert created_report and second.report_id != first.report_id


def test_window_counts_from_the_latest_detection_of_the_report(camera):
    detect(camera, "evt-1", hours_ago=100)
    detect(camera, "evt-2", hours_ago=50)  # more than 72 h after evt-1: a second report
    third, created_report, _ = detect(camera, "evt-3", hours_ago=1)  # 49 h after evt-2
    assert not created_report
    assert third.report_id == DeviceObservation.objects.get(external_id="evt-2").report_id


def test_a_different_category_makes_two_reports(camera, directory):
    first, _, _ = detect(camera, "evt-1", hours_ago=2)
    second, created_report, _ = detect(camera, "evt-2", hours_ago=1, category="jalan")
    assert created_report and second.report_id != first.report_id


def test_same_external_id_twice_is_one_observation(camera):
    first = detect(camera, "evt-1")
    again = detect(camera, "evt-1", hours_ago=0.5, lat=METRES_500_NORTH)  # a resend, whatever it says now
    assert (again.created, again.created_report) == (False, False)
    assert again.observation.pk == first.observation.pk
    assert DeviceObservation.objects.count() == 1 and Report.objects.count() == 1


def test_a_closed_report_is_not_merged_into(camera, national_admin):
    first, _, _ = detect(camera, "evt-1", hours_ago=2)
    report_transition(report=first.report, action=Action.ARCHIVE, actor=national_admin,
                      expected_status=Status.SUBMITTED, reason="unclear")
    second, created_report, _ = detect(camera, "evt-2", hours_ago=1)
    assert created_report and second.report_id != first.report_id


def test_detections_of_another_device_at_the_same_place_are_merged(camera, other_camera):
    first, _, _ = detect(camera, "evt-1", hours_ago=2)
    second, created_report, _ = detect(other_camera, "evt-1", hours_ago=1, lat=METRES_30_NORTH)
    assert not created_report and second.report_id == first.report_id


def test_a_citizen_report_at_the_same_place_is_not_merged_into(camera, directory, rubbish):
    from tests.factories import submit

    submit(category="sampah", latitude=LAT, longitude=LNG)
    _, created_report, _ = detect(camera, "evt-1")
    assert created_report


def test_the_device_position_is_used_when_the_detection_has_none(camera):
    observation, _, _ = detect(camera, "evt-1", lat=None, lng=None)
    assert (float(observation.report.latitude), float(observation.report.longitude)) == (LAT, LNG)


def test_without_any_position_nothing_is_stored(other_camera):
    with pytest.raises(ValidationFailed) as caught:
        detect(other_camera, "evt-1", lat=None, lng=None)
    assert "latitude" in caught.value.field_errors
    assert DeviceObservation.objects.count() == 0 and Report.objects.count() == 0


@pytest.mark.parametrize(("overrides", "field"), [
    ({"category": "tidak-ada"}, "category"),
    ({"confidence": 1.5}, "confidence"),
    ({"hours_ago": -1}, "observed_at"),  # an hour in the future
    ({"lat": 91}, "latitude"),
    ({"image": AttachmentUpload(name="deteksi.jpg", content=b"bukan gambar")}, "image"),
])
def test_bad_detections_store_nothing(camera, overrides, field):
    with pytest.raises(ValidationFailed) as caught:
        detect(camera, "evt-bad", **overrides)
    assert field in caught.value.field_errors
    assert DeviceObservation.objects.count() == 0 and Report.objects.count() == 0


def test_the_image_of_a_new_report_is_attached(camera):
    observation, _, _ = detect(camera, "evt-1", image=AttachmentUpload(name="deteksi.jpg", content=jpeg_bytes()))
    attachment = observation.report.attachments.get()
    assert attachment.content_type == "image/jpeg"


def test_an_inactive_device_is_refused(camera):
    camera.is_active = False
    camera.save()
    with pytest.raises(DeviceInactive):
        detect(camera, "evt-1")
    assert DeviceObservation.objects.count() == 0


def test_origin_line_counts_the_detections(camera, national_admin):
    first, _, _ = detect(camera, "evt-1", hours_ago=2)
    detect(camera, "evt-2", hours_ago=1)
    origin = report_origin(report=first.report)
    assert origin == {"kind": "device", "identity": camera.identity, "device": camera.name, "detections": 2}
    html = render_to_string("backoffice/_report_origin.html", {"origin": origin})
    assert "Laporan mesin: CCTV Simpang Lima Utara — 2 deteksi" in html


def test_origin_line_on_the_report_page_only_in_scope(camera, directory, national_admin, client):
    from django.test import Client

    from tests.backoffice.test_work_support import sign_in_verified

    first, _, _ = detect(camera, "evt-1")
    url = f"/petugas/laporan/{first.report_id}/"
    page = sign_in_verified(Client(), national_admin).get(url)
    assert "Laporan mesin: CCTV Simpang Lima Utara — 1 deteksi" in page.content.decode()
    outsider = member(Role.LIAISON_OFFICER, directory.kemensos)
    assert sign_in_verified(Client(), outsider).get(url).status_code == 404


# --- Registry ----------------------------------------------------------------------------

def test_agency_admin_registers_a_device_for_its_unit_and_it_is_audited(directory, agency_admin):
    admin = agency_admin(directory.semarang)
    device = device_create(actor=admin, agency=directory.dishub_semarang, identity="sensor-banjir-01",
                           name="Sensor banjir Kali Semarang", kind=Device.Kind.SENSOR, latitude="-6,97", longitude="110.42")
    assert (device.agency, str(device.latitude)) == (directory.dishub_semarang, "-6.970000")
    assert AuditLog.objects.filter(action="device_create", actor=admin, object_id=str(device.pk)).exists()


def test_agency_admin_cannot_register_for_another_agency(directory, agency_admin):
    with pytest.raises(PermissionDenied):
        device_create(actor=agency_admin(directory.semarang), agency=directory.jateng, identity="cctv-x-01", name="X")
    assert Device.objects.count() == 0


@pytest.mark.parametrize(("identity", "name", "field"), [
    ("a b", "Kamera", "identity"),
    ("x", "Kamera", "identity"),
    ("cctv-ok-01", "", "name"),
])
def test_bad_device_registrations_are_refused(directory, agency_admin, identity, name, field):
    with pytest.raises(ValidationFailed) as caught:
        device_create(actor=agency_admin(directory.semarang), agency=directory.semarang, identity=identity, name=name)
    assert field in caught.value.field_errors


def test_a_device_identity_is_unique(camera, directory, agency_admin):
    with pytest.raises(ValidationFailed) as caught:
        device_create(actor=agency_admin(directory.semarang), agency=directory.semarang, identity=camera.identity, name="Y")
    assert "identity" in caught.value.field_errors


def test_deactivating_twice_changes_nothing_the_second_time(camera, directory, agency_admin):
    admin = agency_admin(directory.semarang)
    device_deactivate(actor=admin, device=camera)
    device_deactivate(actor=admin, device=camera)
    camera.refresh_from_db()
    assert camera.is_active is False
    assert AuditLog.objects.filter(action="device_deactivate").count() == 1


# --- Concurrency (PostgreSQL: real row locks) ---------------------------------------------

@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_devices_detecting_at_once_open_one_report(directory):
    rubbish = Category.objects.create(name="Sampah tidak terangkut", slug="sampah")
    devices = [Device.objects.create(identity=f"cctv-serentak-{n}", name=f"CCTV {n}", agency=directory.semarang)
               for n in (1, 2)]
    barrier = threading.Barrier(2)
    errors = []

    def run(device):
        try:
            barrier.wait()
            detect(device, "evt-1", category=rubbish.slug)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(d,)) for d in devices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Report.objects.count() == 1
    assert DeviceObservation.objects.filter(merged=True).count() == 1
