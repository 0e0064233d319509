"""Contract tests for the SMS webhooks, from the gateways' documented payload shapes."""

from __future__ import annotations

import json
import logging
import time

import pytest

from aduan.dispatch.signing import signature_headers
from aduan.intake.models import InboundMessage
from aduan.notifications.models import Outbox
from aduan.reports.models import Report

from .support import GENERIC_URL, PHONE, SECRET, TWILIO_TOKEN, post_generic, post_twilio, twilio_fields

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _secrets(settings):
    settings.INTAKE_SMS_SECRET = SECRET
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN


# --- generic signed webhook ---------------------------------------------------------------

def test_generic_webhook_creates_a_report_from_free_text(client):
    response = post_generic(client, {"id": "gw-1", "from": "081234567001", "to": "1708", "text": "Lampu jalan mati di gang 3"})
    assert response.status_code == 200
    assert response.json()["state"] == "report_created"
    report = Report.objects.get()
    assert (report.channel, report.kind, report.reporter_phone) == ("sms", "complaint", PHONE)
    assert report.body == "Lampu jalan mati di gang 3"
    message = InboundMessage.objects.get()
    assert message.payload["text"] == "Lampu jalan mati di gang 3"
    assert json.loads(message.raw_body)["from"] == "081234567001"  # as delivered, before normalising
    assert message.report == report


def test_generic_webhook_accepts_form_posts(client):
    from urllib.parse import urlencode

    body = urlencode({"id": "gw-form", "from": PHONE, "text": "Sampah menumpuk"}).encode()
    response = client.post(GENERIC_URL, data=body, content_type="application/x-www-form-urlencoded",
                           headers=signature_headers(secret=SECRET, body=body))
    assert response.status_code == 200
    assert Report.objects.get().body == "Sampah menumpuk"


def test_same_webhook_ten_times_makes_one_report_and_one_confirmation(client):
    for _ in range(10):
        assert post_generic(client, {"id": "gw-dup", "from": PHONE, "text": "Jembatan retak"}).status_code == 200
    assert Report.objects.count() == 1
    assert InboundMessage.objects.count() == 1
    confirmations = Outbox.objects.filter(channel="sms")
    assert confirmations.count() == 1
    row = confirmations.get()
    assert (row.template, row.recipient) == ("report_submitted", PHONE)
    assert row.payload["reference"] == Report.objects.get().reference


@pytest.mark.parametrize("headers", [
    {},
    {"X-Aduan-Timestamp": str(int(time.time())), "X-Aduan-Signature": "sha256=" + "0" * 64},
    "wrong-secret",
    "stale",
])
def test_forged_generic_call_is_403_and_stores_nothing_but_a_security_line(client, caplog, headers):
    fields = {"id": "gw-forged", "from": PHONE, "text": "Rahasia warga"}
    body = json.dumps(fields).encode()
    if headers == "wrong-secret":
        headers = signature_headers(secret="bukan-rahasia", body=body)
    elif headers == "stale":
        headers = signature_headers(secret=SECRET, body=body, now=time.time() - 301)
    with caplog.at_level(logging.WARNING, logger="aduan.security"):
        response = post_generic(client, fields, headers=headers)
    assert response.status_code == 403
    assert InboundMessage.objects.count() == 0 and Report.objects.count() == 0 and Outbox.objects.count() == 0
    lines = [r for r in caplog.records if r.name == "aduan.security"]
    assert len(lines) == 1
    assert "Rahasia" not in lines[0].getMessage()


def test_generic_webhook_is_503_without_a_secret(client, settings):
    settings.INTAKE_SMS_SECRET = ""
    assert post_generic(client, {"id": "x", "from": PHONE, "text": "t"}).status_code == 503
    assert InboundMessage.objects.count() == 0


def test_concatenated_parts_out_of_order_make_one_report_with_joined_text(client):
    parts = {1: "Jalan di Desa Miroto rusak parah ", 2: "sejak banjir bulan lalu, ", 3: "mohon segera diperbaiki."}
    for number in (3, 1, 2):
        fields = {"id": f"gw-part-{number}", "from": PHONE, "text": parts[number],
                  "concat_ref": "42", "concat_part": number, "concat_total": 3}
        assert post_generic(client, fields).status_code == 200
        if number != 2:
            assert Report.objects.count() == 0
    report = Report.objects.get()
    assert report.body == "Jalan di Desa Miroto rusak parah sejak banjir bulan lalu, mohon segera diperbaiki."
    head = InboundMessage.objects.get(part_number__isnull=True)
    assert head.state == "report_created" and head.report == report
    assert list(InboundMessage.objects.filter(part_number__isnull=False).values_list("state", flat=True)) == ["part"] * 3
    # A late retry of one part changes nothing.
    post_generic(client, {"id": "gw-part-1", "from": PHONE, "text": parts[1],
                          "concat_ref": "42", "concat_part": 1, "concat_total": 3})
    assert Report.objects.count() == 1 and InboundMessage.objects.count() == 4


def test_reused_udh_reference_starts_a_new_group(client):
    for batch in ("a", "b"):
        for number, text in ((1, f"Pesan {batch} bagian satu "), (2, "dan bagian dua")):
            post_generic(client, {"id": f"gw-{batch}-{number}", "from": PHONE, "text": text,
                                  "concat_ref": "7", "concat_part": number, "concat_total": 2})
    assert sorted(Report.objects.values_list("body", flat=True)) == [
        "Pesan a bagian satu dan bagian dua", "Pesan b bagian satu dan bagian dua"]


def test_malformed_json_is_kept_for_an_operator(client):
    body = b"{not json"
    response = client.post(GENERIC_URL, data=body, content_type="application/json",
                           headers=signature_headers(secret=SECRET, body=body))
    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.state == "needs_operator"
    assert message.raw_body == "{not json"
    assert "JSON" in message.reason


# --- Twilio -------------------------------------------------------------------------------

def test_twilio_form_post_creates_a_report_and_answers_empty_twiml(client):
    response = post_twilio(client, twilio_fields(MessageSid="SM1", SmsSid="SM1", Body="Pungli di kelurahan", NumSegments="2"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert b"<Response/>" in response.content
    report = Report.objects.get()
    assert (report.channel, report.reporter_phone, report.body) == ("sms", PHONE, "Pungli di kelurahan")
    message = InboundMessage.objects.get()
    assert (message.gateway, message.external_id, message.recipient) == ("twilio", "twilio:SM1", "+621708")
    assert message.payload["NumSegments"] == "2"
    assert Outbox.objects.filter(channel="sms", template="report_submitted").count() == 1


def test_twilio_retries_are_harmless(client):
    for _ in range(3):
        post_twilio(client, twilio_fields(MessageSid="SM2"))
    assert Report.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_twilio_media_is_recorded_as_attachment_metadata(client):
    post_twilio(client, twilio_fields(MessageSid="MM3", NumMedia="1", MediaUrl0="https://api.twilio.com/m/ME1",
                                      MediaContentType0="image/jpeg"))
    assert InboundMessage.objects.get().attachments == [{"url": "https://api.twilio.com/m/ME1", "content_type": "image/jpeg"}]


def test_forged_twilio_post_is_403_and_stores_nothing(client, caplog):
    with caplog.at_level(logging.WARNING, logger="aduan.security"):
        response = post_twilio(client, twilio_fields(MessageSid="SM4"), token="0" * 32)
    assert response.status_code == 403
    assert InboundMessage.objects.count() == 0 and Report.objects.count() == 0
    assert [r.name for r in caplog.records].count("aduan.security") == 1


def test_twilio_is_503_without_a_token(client, settings):
    settings.TWILIO_AUTH_TOKEN = ""
    assert post_twilio(client, twilio_fields()).status_code == 503
