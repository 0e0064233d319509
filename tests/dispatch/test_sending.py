"""Sending: exponential backoff, the dead letter after MAX_ATTEMPTS, updates waiting for their
report, e-mail through Django's backend, rows released from a dead worker, the periodic tasks."""

from __future__ import annotations

import json
import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.dispatch.models import Delivery
from aduan.dispatch.services import (
    BASE_BACKOFF_SECONDS, MAX_ATTEMPTS, MAX_BACKOFF, delivery_release_stuck, delivery_route_save, delivery_send_due,
)
from aduan.reports.workflow import Action, Status

from ..reports.helpers import report_in, run
from .support import AgencySystem, webhook_route

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_delivery_that_keeps_failing_backs_off_and_becomes_a_dead_letter(directory, national_admin):
    with AgencySystem(lambda request: (500, "text/plain", b"rusak")) as system:
        webhook_route(national_admin, directory.dishub_semarang, system.url)
        now = timezone.now()
        report, _ = report_in(Status.DISPOSED, directory, national_admin, now=now)
        gaps = []
        for _attempt in range(MAX_ATTEMPTS):
            delivery = Delivery.objects.get(report=report)
            now = max(now, delivery.next_attempt_at)
            delivery_send_due(now=now)
            delivery.refresh_from_db()
            if delivery.state == Delivery.State.PENDING:
                gaps.append((delivery.next_attempt_at - now).total_seconds())
        assert delivery_send_due(now=now + timedelta(days=30)) == {"sent": 0, "retry": 0, "failed": 0, "deferred": 0}
    expected = [min(BASE_BACKOFF_SECONDS * 2 ** n, MAX_BACKOFF.total_seconds()) for n in range(MAX_ATTEMPTS - 1)]
    assert gaps == expected
    delivery = Delivery.objects.get(report=report)
    assert (delivery.state, delivery.attempts, delivery.last_response_code) == (Delivery.State.FAILED, MAX_ATTEMPTS, 500)
    assert delivery.last_error == "DeliveryError: HTTP 500"
    assert len(system.received) == MAX_ATTEMPTS
    assert report.status == Status.DISPOSED  # the workflow never waited on any of it


def test_an_unreachable_system_is_retried_with_the_reason_recorded(directory, national_admin):
    webhook_route(national_admin, directory.dishub_semarang, f"http://127.0.0.1:{_free_port()}/webhook")
    now = timezone.now()
    report, _ = report_in(Status.DISPOSED, directory, national_admin, now=now)
    assert delivery_send_due(now=now)["retry"] == 1
    delivery = Delivery.objects.get(report=report)
    assert delivery.state == Delivery.State.PENDING and "tidak tersambung" in delivery.last_error
    assert delivery.last_response_code is None


def test_a_redirect_is_a_failure_not_a_new_destination(directory, national_admin):
    with AgencySystem(lambda request: (307, "text/plain", b"")) as system:
        webhook_route(national_admin, directory.dishub_semarang, system.url)
        now = timezone.now()
        report_in(Status.DISPOSED, directory, national_admin, now=now)
        assert delivery_send_due(now=now)["retry"] == 1
    assert len(system.received) == 1 and Delivery.objects.get().last_response_code == 307


def test_an_update_waits_for_its_report_without_using_attempts(directory, national_admin, liaison_officer):
    answers = iter([500, 200, 200])
    with AgencySystem(lambda request: (next(answers), "application/json", b"{}")) as system:
        webhook_route(national_admin, directory.dishub_semarang, system.url)
        now = timezone.now()
        report, _ = report_in(Status.DISPOSED, directory, national_admin, now=now)
        run(report, Action.START_FOLLOW_UP, liaison_officer(directory.dishub_semarang), directory, now=now)
        assert delivery_send_due(now=now) == {"sent": 0, "retry": 1, "failed": 0, "deferred": 1}
        update = Delivery.objects.get(report=report, kind=Delivery.Kind.UPDATE)
        assert (update.state, update.attempts) == (Delivery.State.PENDING, 0)
        assert delivery_send_due(now=now + timedelta(seconds=BASE_BACKOFF_SECONDS))["sent"] == 2
    types = [json.loads(r.body)["type"] for r in system.received]
    assert types == ["report.disposed", "report.disposed", "report.updated"]
    update_body = json.loads(system.received[-1].body)
    assert update_body["event"]["action"] == Action.START_FOLLOW_UP
    assert update_body["report"] == {"reference": report.reference, "status": Status.IN_PROGRESS,
                                     "status_label": "Sedang ditindaklanjuti", "agency": "dishub-kota-semarang"}


def test_email_delivery_through_the_django_backend(directory, national_admin, liaison_officer, mailoutbox):
    delivery_route_save(actor=national_admin, agency=directory.dishub_semarang, category=None, method="email",
                        email_to="pengaduan@dishub.semarangkota.go.id, kepala@dishub.semarangkota.go.id")
    now = timezone.now()
    named, _ = report_in(Status.DISPOSED, directory, national_admin, now=now, category="jalan", address="Jl. Pemuda 1")
    anonymous, _ = report_in(Status.DISPOSED, directory, national_admin, now=now, is_anonymous=True,
                             reporter_name="Nama Rahasia", reporter_email="rahasia@example.test")
    run(named, Action.RESPOND, liaison_officer(directory.dishub_semarang), directory, now=now, note="Lubang sudah ditambal & rata.")
    mailoutbox.clear()
    assert delivery_send_due(now=now)["sent"] == 3
    by_ref = {}
    for message in mailoutbox:
        by_ref.setdefault(message.extra_headers["X-Aduan-Report"], []).append(message)
    first, update = by_ref[named.reference]
    assert first.to == ["pengaduan@dishub.semarangkota.go.id", "kepala@dishub.semarangkota.go.id"]
    assert named.reference in first.subject and "Dinas Perhubungan Kota Semarang" in first.subject
    assert named.title in first.body and named.body in first.body and "Jl. Pemuda 1" in first.body
    assert "Warga Uji <warga@example.test>" in first.body
    assert f"/petugas/laporan/{named.pk}/" in first.body
    assert "Lubang sudah ditambal & rata." in update.body and "&amp;" not in update.body
    (anon,) = by_ref[anonymous.reference]
    assert "Nama Rahasia" not in anon.body and "rahasia@example.test" not in anon.body and "anonim" in anon.body


def test_rows_left_sending_by_a_dead_worker_go_back_to_the_queue(directory, national_admin):
    webhook_route(national_admin, directory.dishub_semarang, "http://127.0.0.1:9/")
    now = timezone.now()
    report_in(Status.DISPOSED, directory, national_admin, now=now)
    Delivery.objects.update(state=Delivery.State.SENDING, next_attempt_at=now - timedelta(minutes=16))
    assert delivery_release_stuck(now=now) == 1
    assert Delivery.objects.get().state == Delivery.State.PENDING


def test_periodic_tasks_are_registered_and_run_their_services(directory, national_admin):
    from huey.contrib.djhuey import HUEY

    from aduan.dispatch.tasks import delivery_send_due_task, open311_updates_pull_task

    names = {t.name for t in HUEY._registry.periodic_tasks}
    assert {"delivery_send_due_task", "open311_updates_pull_task"} <= names
    assert delivery_send_due_task.call_local() == {"sent": 0, "retry": 0, "failed": 0, "deferred": 0}
    assert open311_updates_pull_task.call_local() == {"routes": 0, "errors": 0}
