"""Outbox rows on channel "sms" are sent through ADUAN_SMS_BACKEND: the locmem backend in
tests, and Twilio REST with only its HTTP transport faked (Twilio's servers are off-machine)."""

import functools
import json
import logging
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from twilio.http import HttpClient
from twilio.http.response import Response

from aduan.notifications import sms
from aduan.notifications.models import Outbox
from aduan.notifications.services import BASE_BACKOFF_SECONDS, outbox_enqueue, outbox_send_due
from aduan.notifications.sms_text import GSM7_BASIC, GSM7_EXTENDED

pytestmark = pytest.mark.django_db

PHONE = "+6281234567001"


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def gsm7_ok(segment: str) -> bool:
    return len(segment) <= 160 and all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in segment)


def submitted(key="s1", track_url="http://127.0.0.1:8000/lacak/?ref=2611-ABCD-EFGH&token=t0k3n"):
    return outbox_enqueue(channel="sms", recipient=PHONE, template="report_submitted",
                          payload={"reference": "2611-ABCD-EFGH", "title": "Jalan “rusak” — parah 🚧",
                                   "track_url": track_url, "late_filing_warning": False},
                          dedupe_key=key)


def test_report_submitted_goes_to_the_reporter_gsm7_safe_with_the_tracking_link():
    submitted()
    assert outbox_send_due() == {"sent": 1, "retry": 0, "failed": 0}
    (msg,) = sms.outbox
    assert msg.to == PHONE
    assert len(msg.segments) == 1 and all(gsm7_ok(s) for s in msg.segments)
    assert "2611-ABCD-EFGH" in msg.text and "token=t0k3n" in msg.text
    assert Outbox.objects.get().state == Outbox.State.SENT


def test_the_tracking_link_is_dropped_when_it_would_need_a_second_segment():
    submitted(track_url="http://127.0.0.1:8000/lacak/?token=" + "x" * 150)
    outbox_send_due()
    (msg,) = sms.outbox
    assert len(msg.segments) == 1 and "2611-ABCD-EFGH" in msg.text and "xxxx" not in msg.text


def test_report_event_carries_reference_status_and_agency_unescaped():
    outbox_enqueue(channel="sms", recipient=PHONE, template="report_event",
                   payload={"reference": "2611-ABCD-EFGH", "status_label": "Ditindaklanjuti",
                            "agency": "Dinas PU & Penataan Ruang – Kota Bandung", "title": "x", "note": "catatan"},
                   dedupe_key="e1")
    outbox_send_due()
    (msg,) = sms.outbox
    assert msg.text == "Laporan 2611-ABCD-EFGH: Ditindaklanjuti. Instansi: Dinas PU & Penataan Ruang - Kota Bandung."
    assert all(gsm7_ok(s) for s in msg.segments)


def test_a_long_intake_reply_is_split_into_gsm7_segments():
    text = "Informasi tambahan untuk laporan 2611-ABCD-EFGH sudah kami terima — terima kasih. " * 4
    outbox_enqueue(channel="sms", recipient=PHONE, template="channel_reply",
                   payload={"text": text, "segments": [], "reference": "2611-ABCD-EFGH", "gateway": "generic"},
                   dedupe_key="r1")
    outbox_send_due()
    (msg,) = sms.outbox
    assert len(msg.segments) > 1
    assert all(gsm7_ok(s) and len(s) <= 153 for s in msg.segments)
    assert "—" not in msg.text


def test_the_console_backend_logs_length_but_never_the_text(caplog):
    submitted()
    with override_settings(ADUAN_SMS_BACKEND="console"), caplog.at_level(logging.INFO, logger="aduan.sms"):
        assert outbox_send_due()["sent"] == 1
    logged = " ".join(r.getMessage() for r in caplog.records if r.name == "aduan.sms")
    assert "1 segment" in logged and "7001" in logged
    assert "2611-ABCD-EFGH" not in logged and "t0k3n" not in logged and PHONE not in logged


class FakeTwilioHttp(HttpClient):
    """Twilio's HTTP transport only: the real Client builds and parses the REST calls."""

    def __init__(self, status=201):
        super().__init__(logging.getLogger("test.twilio"), is_async=False)
        self.status, self.calls = status, []

    def request(self, method, uri, params=None, data=None, headers=None, auth=None, timeout=None,
                allow_redirects=False):
        self.calls.append({"method": method, "uri": uri, "data": dict(data or {}), "auth": auth})
        if self.status >= 400:
            return Response(self.status, json.dumps({"code": 20500, "message": "Internal Server Error",
                                                     "status": self.status}))
        return Response(self.status, json.dumps({"sid": "SM" + "0" * 32, "to": data["To"], "from": data["From"],
                                                 "body": data["Body"], "status": "queued"}))


TWILIO = dict(ADUAN_SMS_BACKEND="twilio", TWILIO_ACCOUNT_SID="AC" + "1" * 32, TWILIO_AUTH_TOKEN="tok",
              TWILIO_FROM_NUMBER="+15005550006")


def use_fake_twilio(monkeypatch, fake):
    import twilio.rest

    monkeypatch.setattr(twilio.rest, "Client", functools.partial(twilio.rest.Client, http_client=fake))


def test_twilio_backend_posts_each_segment_to_the_messages_api(monkeypatch):
    fake = FakeTwilioHttp()
    use_fake_twilio(monkeypatch, fake)
    submitted()
    with override_settings(**TWILIO):
        assert outbox_send_due() == {"sent": 1, "retry": 0, "failed": 0}
    (call,) = fake.calls
    assert call["method"] == "POST" and call["uri"].endswith(f"/Accounts/{TWILIO['TWILIO_ACCOUNT_SID']}/Messages.json")
    assert call["data"]["To"] == PHONE and call["data"]["From"] == "+15005550006"
    assert gsm7_ok(call["data"]["Body"]) and "2611-ABCD-EFGH" in call["data"]["Body"]


def test_a_twilio_failure_keeps_the_row_for_a_retry_with_backoff(monkeypatch):
    fake = FakeTwilioHttp(status=500)
    use_fake_twilio(monkeypatch, fake)
    row = submitted()
    before = timezone.now()
    with override_settings(**TWILIO):
        assert outbox_send_due() == {"sent": 0, "retry": 1, "failed": 0}
        row.refresh_from_db()
        assert row.state == Outbox.State.PENDING and row.attempts == 1
        assert "TwilioRestException" in row.last_error
        assert row.next_attempt_at >= before + timedelta(seconds=BASE_BACKOFF_SECONDS)
        assert outbox_send_due() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet
        fake.status = 201
        Outbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        assert outbox_send_due() == {"sent": 1, "retry": 0, "failed": 0}
    row.refresh_from_db()
    assert row.state == Outbox.State.SENT and row.attempts == 2


def test_twilio_without_credentials_is_retried_not_lost():
    submitted()
    with override_settings(ADUAN_SMS_BACKEND="twilio", TWILIO_ACCOUNT_SID="", TWILIO_FROM_NUMBER=""):
        assert outbox_send_due() == {"sent": 0, "retry": 1, "failed": 0}
    assert "ImproperlyConfigured" in Outbox.objects.get().last_error
