"""Which report changes write deliveries, to whom, in the same transaction — and what the
agency is told (no reporter identity for anonymous reports)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from aduan.audit.models import AuditLog
from aduan.dispatch.models import Delivery, DeliveryRoute, Method
from aduan.dispatch.payloads import delivery_payload
from aduan.dispatch.services import delivery_route_for, delivery_route_save
from aduan.reports.actors import ReporterToken
from aduan.reports.models import Event
from aduan.reports.services.transition import report_transition
from aduan.reports.workflow import Action, Status

from ..factories import submit
from ..reports.helpers import report_in, run
from .support import webhook_route

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/tidak-dipakai"


def test_an_agency_without_a_route_works_in_aduan_and_gets_no_delivery(directory, national_admin):
    report, _ = report_in(Status.DISPOSED, directory, national_admin)
    assert not Delivery.objects.filter(report=report).exists()


def test_a_route_set_to_none_gets_no_delivery(directory, national_admin):
    delivery_route_save(actor=national_admin, agency=directory.dishub_semarang, category=None, method=Method.NONE)
    report, _ = report_in(Status.DISPOSED, directory, national_admin)
    assert not Delivery.objects.filter(report=report).exists()


def test_the_delivery_row_is_written_in_the_transaction_of_the_disposition(directory, national_admin):
    webhook_route(national_admin, directory.dishub_semarang, URL)
    report, _ = submit(now=timezone.now())
    with pytest.raises(RuntimeError), transaction.atomic():
        report_transition(report=report, action=Action.VERIFY_DISPOSE, actor=national_admin,
                          expected_status=Status.SUBMITTED, agency=directory.dishub_semarang.pk)
        assert Delivery.objects.filter(report=report).count() == 1
        raise RuntimeError("the change fails after the delivery was written")
    assert not Event.objects.filter(report=report, action=Action.VERIFY_DISPOSE).exists()
    assert not Delivery.objects.filter(report=report).exists()


def test_the_most_specific_route_wins(directory, national_admin):
    semarang, dishub = directory.semarang, directory.dishub_semarang
    city, _ = delivery_route_save(actor=national_admin, agency=semarang, category=None, method=Method.EMAIL,
                                  email_to="pengaduan@semarangkota.go.id", applies_to_units=True)
    assert delivery_route_for(agency=dishub, category_id=None) == city
    road, _ = delivery_route_save(actor=national_admin, agency=dishub, category=directory.road, method=Method.WEBHOOK,
                                  endpoint_url=URL)
    assert delivery_route_for(agency=dishub, category_id=directory.road.pk) == road
    assert delivery_route_for(agency=dishub, category_id=directory.adminduk.pk) == city
    delivery_route_save(actor=national_admin, agency=dishub, category=None, method=Method.NONE)
    assert delivery_route_for(agency=dishub, category_id=directory.adminduk.pk) is None  # the unit opts out
    assert delivery_route_for(agency=dishub, category_id=directory.road.pk) == road
    # A parent's route that does not apply to its units is the parent's alone.
    DeliveryRoute.objects.filter(pk=city.pk).update(applies_to_units=False)
    DeliveryRoute.objects.filter(agency=dishub, category__isnull=True).delete()
    assert delivery_route_for(agency=dishub, category_id=None) is None
    assert delivery_route_for(agency=semarang, category_id=None) == city


def test_later_public_steps_become_updates_and_internal_ones_do_not(directory, national_admin, liaison_officer):
    webhook_route(national_admin, directory.dishub_semarang, URL)
    report, token = report_in(Status.DISPOSED, directory, national_admin)
    officer = liaison_officer(directory.dishub_semarang)
    run(report, Action.START_FOLLOW_UP, officer, directory)
    run(report, Action.RAISE_PRIVACY, national_admin, directory)  # internal: not sent
    run(report, Action.RESPOND, officer, directory)
    run(report, Action.REPORTER_REPLY, ReporterToken(report.pk), directory)
    kinds = list(Delivery.objects.filter(report=report).order_by("id").values_list("kind", "event__action"))
    assert kinds == [("report", "verify_dispose"), ("update", "start_follow_up"), ("update", "respond"),
                     ("update", "reporter_reply")]
    assert set(Delivery.objects.values_list("agency", flat=True)) == {directory.dishub_semarang.pk}


def test_not_our_authority_tells_the_returning_agency_and_the_new_agency_gets_the_report(
        directory, national_admin, liaison_officer):
    webhook_route(national_admin, directory.dishub_semarang, URL)
    webhook_route(national_admin, directory.dpu_jateng, URL + "/dpu")
    report, _ = report_in(Status.DISPOSED, directory, national_admin)
    run(report, Action.NOT_AUTHORITY, liaison_officer(directory.dishub_semarang), directory)
    run(report, Action.VERIFY_DISPOSE, national_admin, directory, agency=directory.dpu_jateng.pk)
    rows = list(Delivery.objects.filter(report=report).order_by("id").values_list("agency__slug", "kind", "event__action"))
    assert rows == [
        ("dishub-kota-semarang", "report", "verify_dispose"),
        ("dishub-kota-semarang", "update", "not_authority"),
        ("dpu-binmar-cipka-jateng", "report", "verify_dispose"),
    ]


def test_updates_can_be_switched_off(directory, national_admin, liaison_officer):
    webhook_route(national_admin, directory.dishub_semarang, URL, send_updates=False)
    report, _ = report_in(Status.DISPOSED, directory, national_admin)
    run(report, Action.START_FOLLOW_UP, liaison_officer(directory.dishub_semarang), directory)
    assert list(Delivery.objects.values_list("kind", flat=True)) == ["report"]


def test_an_anonymous_report_reaches_the_agency_without_its_reporter(directory, national_admin):
    webhook_route(national_admin, directory.dishub_semarang, URL)
    report, _ = report_in(Status.DISPOSED, directory, national_admin, is_anonymous=True,
                          reporter_name="Nama Rahasia", reporter_email="rahasia@example.test", reporter_phone="+6281111111111")
    body = delivery_payload(Delivery.objects.get(report=report))
    assert body["report"]["reporter"] is None and body["report"]["is_anonymous"] is True
    text = repr(body)
    for secret in ("Nama Rahasia", "rahasia@example.test", "6281111111111"):
        assert secret not in text
    assert not AuditLog.objects.filter(action="reporter_identity_dispatched").exists()


def test_a_named_reporter_is_shown_to_the_agency_and_the_disclosure_is_audited(directory, national_admin):
    webhook_route(national_admin, directory.dishub_semarang, URL)
    report, _ = report_in(Status.DISPOSED, directory, national_admin)
    delivery = Delivery.objects.get(report=report)
    body = delivery_payload(delivery)
    assert body["report"]["reporter"] == {"name": "Warga Uji", "email": "warga@example.test", "phone": ""}
    audit = AuditLog.objects.get(action="reporter_identity_dispatched")
    assert audit.object_id == str(report.pk) and audit.data["delivery"] == delivery.pk


def test_privacy_raised_before_sending_holds_for_the_delivery(directory, national_admin):
    webhook_route(national_admin, directory.dishub_semarang, URL)
    report, _ = report_in(Status.DISPOSED, directory, national_admin)
    run(report, Action.RAISE_PRIVACY, national_admin, directory, anonymous=True)
    body = delivery_payload(Delivery.objects.get(report=report, kind=Delivery.Kind.REPORT))
    assert body["report"]["reporter"] is None and "warga@example.test" not in repr(body)


def test_the_same_event_never_writes_two_deliveries(directory, national_admin):
    from aduan.dispatch.services import deliveries_enqueue_for_event

    webhook_route(national_admin, directory.dishub_semarang, URL)
    report, _ = report_in(Status.DISPOSED, directory, national_admin)
    event = Event.objects.get(report=report, action=Action.VERIFY_DISPOSE)
    deliveries_enqueue_for_event(report, event)
    assert Delivery.objects.filter(report=report).count() == 1
