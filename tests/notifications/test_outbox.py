"""The outbox delivers at least once over real SMTP on loopback, retries with backoff,
and gives up into the operator's queue after MAX_ATTEMPTS."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings
from django.utils import timezone

from aduan.notifications.models import Outbox
from aduan.notifications.services import MAX_ATTEMPTS, outbox_enqueue, outbox_release_stuck, outbox_send_due

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp_server():
    handler = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                               EMAIL_HOST="127.0.0.1", EMAIL_PORT=port):
            yield handler
    finally:
        controller.stop()


def enqueue(key="k1", recipient="warga@example.test"):
    return outbox_enqueue(channel="email", recipient=recipient, template="report_submitted",
                          payload={"reference": "2611-ABCD-EFGH", "title": "Jalan rusak", "track_url": "http://x/lacak/1",
                                   "late_filing_warning": False},
                          dedupe_key=key)


def test_submission_confirmation_reaches_a_real_smtp_server(smtp_server, directory):
    from tests.factories import submit

    report, token = submit(reporter_email="penerima@example.test")
    assert outbox_send_due() == {"sent": 1, "retry": 0, "failed": 0}
    (rcpts, content), = smtp_server.messages
    assert rcpts == ["penerima@example.test"]
    assert report.reference in content and token in content
    row = Outbox.objects.get()
    assert row.state == Outbox.State.SENT and row.attempts == 1 and row.sent_at


def test_enqueue_is_idempotent():
    enqueue()
    enqueue()
    assert Outbox.objects.count() == 1


@override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=1)
def test_failed_send_is_retried_with_backoff_then_marked_failed():
    row = enqueue()
    assert outbox_send_due() == {"sent": 0, "retry": 1, "failed": 0}
    row.refresh_from_db()
    assert row.state == Outbox.State.PENDING and row.attempts == 1 and "Error" in row.last_error
    first_delay = row.next_attempt_at - timezone.now()
    assert timedelta(seconds=20) < first_delay <= timedelta(seconds=31)
    # Not due yet: nothing is attempted.
    assert outbox_send_due() == {"sent": 0, "retry": 0, "failed": 0}
    for attempt in range(2, MAX_ATTEMPTS + 1):
        Outbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        outbox_send_due()
        row.refresh_from_db()
        assert row.attempts == attempt
    assert row.state == Outbox.State.FAILED


def test_unknown_channel_is_kept_for_an_operator():
    outbox_enqueue(channel="faks", recipient="x", template="report_event", payload={}, dedupe_key="faks")
    for _ in range(MAX_ATTEMPTS):
        Outbox.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        outbox_send_due()
    row = Outbox.objects.get()
    assert row.state == Outbox.State.FAILED and "no sender" in row.last_error


def test_rows_left_sending_by_a_dead_worker_are_released():
    row = enqueue()
    Outbox.objects.filter(pk=row.pk).update(state=Outbox.State.SENDING, next_attempt_at=timezone.now() - timedelta(minutes=20))
    assert outbox_release_stuck() == 1
    row.refresh_from_db()
    assert row.state == Outbox.State.PENDING
    fresh = enqueue("k2")
    Outbox.objects.filter(pk=fresh.pk).update(state=Outbox.State.SENDING, next_attempt_at=timezone.now())
    assert outbox_release_stuck() == 0
