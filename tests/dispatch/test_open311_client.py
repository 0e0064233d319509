"""Aduan's Open311 client against a small fake Open311 server on 127.0.0.1: it posts the
report (GeoReport v2, form-encoded, api_key), keeps the returned service_request_id (or
resolves a token), and pulls servicerequestupdates back into events, once each."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aduan.audit.models import AuditLog
from aduan.dispatch.inbound import PULL_OVERLAP, open311_updates_pull, open311_updates_pull_all
from aduan.dispatch.methods.open311_client import w3c
from aduan.dispatch.models import Delivery, DeliveryRoute, InboundUpdate
from aduan.dispatch.services import delivery_route_save, delivery_send_due
from aduan.reports.actors import ReporterToken
from aduan.reports.models import Event, Report
from aduan.reports.workflow import Action, Status

from ..reports.helpers import report_in, run
from .support import AgencySystem, agency_key

pytestmark = pytest.mark.django_db
JSON = "application/json; charset=utf-8"
XML = "text/xml; charset=utf-8"


class FakeOpen311:
    """Answers like a GeoReport v2 server with the FixMyStreet updates extension."""

    def __init__(self, fmt="json", created=None, token_answer=None, updates=(), status=200):
        self.fmt, self.status = fmt, status
        self.created = created if created is not None else [{"service_request_id": "SR-1001", "service_notice": "Diterima"}]
        self.token_answer = token_answer
        self.updates = list(updates)

    def body(self, records, root, item):
        if self.fmt == "json":
            return JSON, json.dumps(records).encode()
        parts = "".join(f"<{item}>" + "".join(f"<{k}>{v}</{k}>" for k, v in r.items()) + f"</{item}>" for r in records)
        return XML, f'<?xml version="1.0" encoding="utf-8"?>\n<{root}>{parts}</{root}>'.encode()

    def __call__(self, request):
        if self.status != 200:
            kind, body = self.body([{"code": self.status, "description": "api_key tidak valid"}], "errors", "error")
            return self.status, kind, body
        if request.path.endswith(f"/requests.{self.fmt}") and request.method == "POST":
            kind, body = self.body(self.created, "service_requests", "request")
        elif "/tokens/" in request.path:
            kind, body = self.body(self.token_answer or [], "service_requests", "request")
        elif request.path.endswith(f"/servicerequestupdates.{self.fmt}"):
            kind, body = self.body(self.updates, "service_requests_updates", "request_update")
        else:
            return 404, JSON, b"[]"
        return 200, kind, body


def w3c_up(value):
    return w3c(value.replace(microsecond=0) + timedelta(seconds=1) if value.microsecond else value)


def open311_route(admin, agency, url, key, fmt="json", **extra):
    route, _ = delivery_route_save(actor=admin, agency=agency, category=None, method="open311", endpoint_url=url + "/open311/v2/",
                                   open311_api_key="kunci-dari-instansi", open311_jurisdiction_id="semarangkota.go.id",
                                   open311_format=fmt, updates_key=key, **extra)
    return route


def update(uid, srid, status, description, minutes=1, **extra):
    at = (timezone.now() - timedelta(minutes=minutes)).replace(microsecond=0)
    return {"update_id": uid, "service_request_id": srid, "status": status, "description": description,
            "updated_datetime": at.isoformat(), **extra}


def test_the_report_is_posted_and_the_agencys_updates_come_back_once(directory, national_admin):
    dishub = directory.dishub_semarang
    key = agency_key(national_admin, dishub).api_key
    fake = FakeOpen311()
    with AgencySystem(fake) as system:
        route = open311_route(national_admin, dishub, system.url, key)
        now = timezone.now()
        report, _ = report_in(Status.DISPOSED, directory, national_admin, now=now, category="jalan",
                              address="Jl. Pemuda 1", latitude="-6.981000", longitude="110.410000")
        assert delivery_send_due(now=now)["sent"] == 1
        (posted,) = system.received
        form = {k: v[0] for k, v in posted.form.items()}
        assert posted.method == "POST" and posted.path == "/open311/v2/requests.json"
        assert posted.headers["content-type"].startswith("application/x-www-form-urlencoded")
        assert form["api_key"] == "kunci-dari-instansi" and form["jurisdiction_id"] == "semarangkota.go.id"
        assert form["service_code"] == "jalan"
        assert (Decimal(form["lat"]), Decimal(form["long"])) == (Decimal("-6.981"), Decimal("110.41"))
        assert form["address_string"] == "Jl. Pemuda 1"
        assert form["description"].startswith(report.title + "\n\n" + report.body)
        assert form["description"].endswith(f"— Aduan {report.reference}") and len(form["description"]) <= 4000
        assert (form["email"], form["first_name"], form["last_name"]) == ("warga@example.test", "Warga", "Uji")
        assert not any(k.startswith("attribute[") for k in form)
        assert AuditLog.objects.filter(action="reporter_identity_dispatched", object_id=str(report.pk)).count() == 1
        delivery = Delivery.objects.get(report=report)
        assert (delivery.state, delivery.external_id) == (Delivery.State.SENT, "SR-1001")

        fake.updates = [
            update("u-1", "SR-1001", "IN_PROGRESS", "Petugas menuju lokasi.", minutes=3),
            update("u-2", "SR-1001", "FIXED", "Lubang sudah ditambal.", minutes=2),
            update("u-3", "SR-9999", "FIXED", "Laporan sistem lain.", minutes=1),
        ]
        counts = open311_updates_pull(route=route, now=now + timedelta(minutes=5))
        assert counts == {"applied": 2, "ignored": 0, "rejected": 0, "replayed": 0, "unknown": 1}
        pulled = system.received[-1]
        assert pulled.method == "GET" and pulled.path == "/open311/v2/servicerequestupdates.json"
        assert pulled.query["api_key"] == ["kunci-dari-instansi"]
        assert pulled.query["jurisdiction_id"] == ["semarangkota.go.id"]
        assert pulled.query["end_date"] == [w3c_up(now + timedelta(minutes=5))]  # whole seconds, rounded up
        assert pulled.query["start_date"][0].endswith("Z")

        report.refresh_from_db()
        assert report.status == Status.RESPONDED
        steps = list(Event.objects.filter(report=report, action__in=[Action.START_FOLLOW_UP, Action.RESPOND])
                     .order_by("id").values_list("action", "note", "actor"))
        assert steps == [(Action.START_FOLLOW_UP, "Petugas menuju lokasi.", key.service_user_id),
                         (Action.RESPOND, "Lubang sudah ditambal.", key.service_user_id)]

        # The next pull re-reads a little of the last window: nothing happens twice.
        later = now + timedelta(minutes=10)
        assert open311_updates_pull(route=route, now=later)["replayed"] == 2
        assert system.received[-1].query["start_date"] == [
            w3c(now + timedelta(minutes=5) - PULL_OVERLAP)]
        assert Event.objects.filter(report=report, action=Action.RESPOND).count() == 1
        assert DeliveryRoute.objects.get(pk=route.pk).updates_pulled_until == later
        assert InboundUpdate.objects.filter(source=f"route:{route.pk}").count() == 2

        # Later steps are not pushed to an Open311 system (GeoReport v2 has no such call).
        run(report, Action.REPORTER_REPLY, ReporterToken(report.pk), directory, now=later)
        assert Delivery.objects.filter(report=report).count() == 1


def test_xml_a_token_and_an_anonymous_report(directory, national_admin):
    dishub = directory.dishub_semarang
    key = agency_key(national_admin, dishub).api_key
    fake = FakeOpen311(fmt="xml", created=[{"token": "T-77"}], token_answer=[])
    with AgencySystem(fake) as system:
        route = open311_route(national_admin, dishub, system.url, key, fmt="xml")
        now = timezone.now()
        report, _ = report_in(Status.DISPOSED, directory, national_admin, now=now, category="jalan", is_anonymous=True,
                              reporter_name="Nama Rahasia", reporter_email="rahasia@example.test")
        assert delivery_send_due(now=now)["sent"] == 1
        form = {k: v[0] for k, v in system.received[0].form.items()}
        assert system.received[0].path == "/open311/v2/requests.xml"
        assert form["attribute[anonymous]"] == "true"
        assert not {"email", "first_name", "last_name", "phone"} & set(form)
        assert "rahasia" not in system.received[0].body.decode().lower()
        assert system.received[1].path == "/open311/v2/tokens/T-77.xml"  # not ready yet
        delivery = Delivery.objects.get(report=report)
        assert (delivery.external_id, delivery.external_token) == ("", "T-77")

        fake.token_answer = [{"service_request_id": "SR-2002", "token": "T-77"}]
        fake.updates = [update("9001", "SR-2002", "open", "Diterima."),
                        update("9002", "SR-2002", "closed", "Sudah ditangani.")]
        assert open311_updates_pull_all(now=now + timedelta(minutes=5)) == {
            "routes": 1, "errors": 0, "applied": 1, "ignored": 1, "rejected": 0, "replayed": 0, "unknown": 0}
    assert Delivery.objects.get(pk=delivery.pk).external_id == "SR-2002"
    assert Report.objects.get(pk=report.pk).status == Status.RESPONDED
    assert DeliveryRoute.objects.get(pk=route.pk).updates_pulled_until == now + timedelta(minutes=5)


def test_an_error_answer_is_kept_with_the_servers_words_and_retried(directory, national_admin):
    dishub = directory.dishub_semarang
    key = agency_key(national_admin, dishub).api_key
    with AgencySystem(FakeOpen311(status=403)) as system:
        open311_route(national_admin, dishub, system.url, key)
        now = timezone.now()
        report, _ = report_in(Status.DISPOSED, directory, national_admin, now=now, category="jalan")
        assert delivery_send_due(now=now)["retry"] == 1
    delivery = Delivery.objects.get(report=report)
    assert delivery.state == Delivery.State.PENDING and delivery.last_response_code == 403
    assert "Open311 HTTP 403" in delivery.last_error and "api_key tidak valid" in delivery.last_error


def test_an_update_the_report_cannot_take_is_kept_for_operators(directory, national_admin):
    dishub = directory.dishub_semarang
    key = agency_key(national_admin, dishub).api_key
    fake = FakeOpen311(updates=[update("u-5", "SR-1001", "NOT_COUNCILS_RESPONSIBILITY", "Bukan kami.")])
    with AgencySystem(fake) as system:
        route = open311_route(national_admin, dishub, system.url, key)
        now = timezone.now()
        report_in(Status.DISPOSED, directory, national_admin, now=now, category="jalan")
        delivery_send_due(now=now)
        assert open311_updates_pull(route=route, now=now + timedelta(minutes=1))["rejected"] == 1
    row = InboundUpdate.objects.get()
    assert (row.outcome, row.response_status) == ("rejected", 400)
    assert "suggested_agency" in row.response_body["error"]["fields"]
