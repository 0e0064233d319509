"""The loopback round trip of issue #4: an agency system on 127.0.0.1 receives a signed
webhook, verifies it, answers 500 twice then 200 → exactly one delivery, recorded as sent
after the retries; it then posts a status update back → exactly one event, and the same
update again → still one event."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.dispatch.models import Delivery
from aduan.dispatch.services import BASE_BACKOFF_SECONDS, delivery_send_due
from aduan.dispatch.signing import signature_verify
from aduan.reports.models import Event, Report
from aduan.reports.workflow import Action, Status

from ..reports.helpers import report_in
from .support import AgencySystem, agency_key, webhook_route

pytestmark = pytest.mark.django_db


def test_signed_webhook_is_retried_until_accepted_and_the_agency_update_becomes_one_event(
        client, directory, national_admin):
    dishub = directory.dishub_semarang
    verified, answers = [], iter([500, 500, 200])
    secret_box = {}

    def agency_system(request):
        verified.append(signature_verify(secret=secret_box["secret"], body=request.body,
                                         timestamp=request.headers.get("x-aduan-timestamp"),
                                         signature=request.headers.get("x-aduan-signature")))
        return next(answers), "application/json", b"{}"

    with AgencySystem(agency_system) as system:
        _route, secret_box["secret"] = webhook_route(national_admin, dishub, f"{system.url}/aduan/webhook")
        now = timezone.now()
        report, _ = report_in(Status.DISPOSED, directory, national_admin, now=now)
        # The transition only wrote the row; nothing was sent yet.
        assert system.received == []
        delivery = Delivery.objects.get(report=report)
        assert (delivery.kind, delivery.state, delivery.agency) == (Delivery.Kind.REPORT, Delivery.State.PENDING, dishub)

        assert delivery_send_due(now=now)["retry"] == 1  # 500
        assert delivery_send_due(now=now + timedelta(seconds=BASE_BACKOFF_SECONDS - 1)) == \
            {"sent": 0, "retry": 0, "failed": 0, "deferred": 0}  # not due yet
        second = now + timedelta(seconds=BASE_BACKOFF_SECONDS)
        assert delivery_send_due(now=second)["retry"] == 1  # 500 again
        third = second + timedelta(seconds=2 * BASE_BACKOFF_SECONDS)
        assert delivery_send_due(now=third)["sent"] == 1  # 200
        assert delivery_send_due(now=third + timedelta(days=1))["sent"] == 0

    assert verified == [True, True, True]
    assert len(system.received) == 3
    delivery = Delivery.objects.get(report=report)  # exactly one delivery
    assert (delivery.state, delivery.attempts, delivery.sent_at, delivery.last_error) == (Delivery.State.SENT, 3, third, "")
    assert delivery.last_response_code == 200
    request = system.received[-1]
    assert request.method == "POST" and request.path == "/aduan/webhook"
    assert request.headers["content-type"].startswith("application/json")
    assert request.headers["x-aduan-delivery"] == str(delivery.pk)
    body = json.loads(request.body)
    assert body["type"] == "report.disposed" and body["agency"] == dishub.slug
    assert body["report"]["reference"] == report.reference and body["report"]["status"] == Status.DISPOSED
    assert body["report"]["body"] == report.body
    assert body["event"]["action"] == Action.VERIFY_DISPOSE
    assert body["updates_url"].endswith("/dispatch/v1/updates/")

    # The agency system answers back with its key.
    key = agency_key(national_admin, dishub).raw
    update = {"update_id": "dishub-2026-0001", "report": report.reference, "status": "in_progress",
              "description": "Tim sudah dijadwalkan ke lokasi."}
    first = client.post("/dispatch/v1/updates/", json.dumps(update), content_type="application/json",
                        HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert first.status_code == 200, first.content
    assert first.json()["outcome"] == "applied" and first.json()["status"] == Status.IN_PROGRESS
    assert Report.objects.get(pk=report.pk).status == Status.IN_PROGRESS
    events = Event.objects.filter(report=report, action=Action.START_FOLLOW_UP)
    assert events.count() == 1
    event = events.get()
    assert event.note == "Tim sudah dijadwalkan ke lokasi." and event.agency == dishub and event.actor_kind == "official"
    assert first.json()["event_id"] == str(event.pk)

    again = client.post("/dispatch/v1/updates/", json.dumps(update), content_type="application/json",
                        HTTP_X_API_KEY=key)
    assert again.status_code == 200 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Event.objects.filter(report=report, action=Action.START_FOLLOW_UP).count() == 1
    # The agency's own step is not sent back to the agency's system.
    assert Delivery.objects.filter(report=report).count() == 1
