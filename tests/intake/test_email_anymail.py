"""Provider inbound webhooks through django-anymail, with Mailgun's documented "forward"
route payloads: the fully parsed form (``body-plain``, ``message-headers``, ``attachment-N``
files) and raw MIME (``body-mime``, on the ``…/inbound_mime/`` URL), signed with the
webhook signing key (HMAC-SHA256 of timestamp + token) and behind anymail's basic auth."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aduan.intake.models import InboundMessage
from aduan.notifications.models import Outbox
from aduan.reports.models import Attachment, Event, Report

from .mail_samples import CITIZEN, CITIZEN_NAME, MAILBOX, plain, png_bytes, reply

pytestmark = pytest.mark.django_db

BASIC = "anymail-uji:rahasia-webhook"
SIGNING_KEY = "key-uji-0123456789abcdef"
PARSED_URL = "/intake/email/anymail/mailgun/inbound/"
MIME_URL = "/intake/email/anymail/mailgun/inbound_mime/"


@pytest.fixture(autouse=True)
def _anymail(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": BASIC, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


def auth(credentials: str = BASIC) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


def signed(fields: dict, *, key: str = SIGNING_KEY) -> dict:
    timestamp, token = str(int(time.time())), hashlib.sha256(json.dumps(sorted(fields)).encode()).hexdigest()[:50]
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {**fields, "timestamp": timestamp, "token": token, "signature": signature}


def mailgun_parsed(*, message_id="<mg-parsed-1@mail.contoh.id>", recipient=MAILBOX, attachment: bytes | None = None) -> dict:
    headers = [
        ["Return-Path", f"<{CITIZEN}>"], ["From", f"{CITIZEN_NAME} <{CITIZEN}>"], ["To", MAILBOX],
        ["Subject", "Halte bus rusak di Jl. Pahlawan"], ["Date", "Mon, 30 Nov 2026 13:00:00 +0700"],
        ["Message-Id", message_id], ["Mime-Version", "1.0"],
    ]
    fields = {
        "recipient": recipient, "sender": CITIZEN, "from": f"{CITIZEN_NAME} <{CITIZEN}>",
        "subject": "Halte bus rusak di Jl. Pahlawan",
        "body-plain": "Atap halte bus di depan kantor pos bocor dan kursinya patah.\n",
        "stripped-text": "Atap halte bus di depan kantor pos bocor dan kursinya patah.",
        "body-html": "<p>Atap halte bus di depan kantor pos bocor dan kursinya patah.</p>",
        "message-headers": json.dumps(headers),
    }
    if attachment is not None:
        fields["attachment-count"] = "1"
        fields["attachment-1"] = SimpleUploadedFile("halte.png", attachment, content_type="image/png")
    return signed(fields)


def mailgun_mime(raw: bytes, *, recipient=MAILBOX) -> dict:
    return signed({"recipient": recipient, "sender": CITIZEN, "body-mime": raw.decode()})


def test_mailgun_parsed_form_becomes_a_report_with_its_photo(client):
    response = client.post(PARSED_URL, mailgun_parsed(attachment=png_bytes(30)), **auth())
    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert (message.channel, message.gateway, message.external_id) == ("email", "mailgun", "<mg-parsed-1@mail.contoh.id>")
    assert message.recipient == MAILBOX
    report = message.report
    assert report.title == "Halte bus rusak di Jl. Pahlawan"
    assert report.body == "Atap halte bus di depan kantor pos bocor dan kursinya patah."
    assert (report.reporter_email, report.reporter_name) == (CITIZEN, CITIZEN_NAME)
    assert list(Attachment.objects.filter(report=report).values_list("original_name", flat=True)) == ["halte.png"]
    assert Outbox.objects.get(template="report_submitted").recipient == CITIZEN


def test_same_webhook_ten_times_makes_one_report_and_one_confirmation(client):
    raw = plain(mid="<sepuluh-kali@mail.contoh.id>")
    for _ in range(10):
        assert client.post(MIME_URL, mailgun_mime(raw), **auth()).status_code == 200
    assert InboundMessage.objects.count() == 1
    assert Report.objects.count() == 1
    assert Outbox.objects.filter(template="report_submitted").count() == 1


def test_reply_sent_to_the_per_report_address_threads_by_the_envelope_recipient(client, settings):
    settings.ADUAN_EMAIL_REPLY_ADDRESS = "lapor+{reference}@aduan.example.go.id"
    client.post(MIME_URL, mailgun_mime(plain()), **auth())
    report = Report.objects.get()
    envelope = "lapor+" + report.reference.replace("-", "").lower() + "@aduan.example.go.id"
    # The citizen Bcc'd the report's address: the To header is someone else's, only the envelope knows.
    raw = reply(reference=report.reference, text="Tambahan dari surel kedua.", subject="Info tambahan", to="teman@contoh.id")
    assert client.post(MIME_URL, mailgun_mime(raw, recipient=envelope), **auth()).status_code == 200
    assert Event.objects.get(report=report, action="add_information").note == "Tambahan dari surel kedua."


@pytest.mark.parametrize("credentials", ["anymail-uji:salah", "orang:lain", None])
def test_wrong_or_missing_basic_auth_is_rejected_and_stores_nothing(client, credentials):
    headers = auth(credentials) if credentials else {}
    response = client.post(MIME_URL, mailgun_mime(plain()), **headers)
    assert response.status_code == 400
    assert InboundMessage.objects.count() == 0 and Report.objects.count() == 0


def test_wrong_mailgun_signature_is_rejected_and_stores_nothing(client):
    response = client.post(MIME_URL, signed({"recipient": MAILBOX, "body-mime": plain().decode()}, key="kunci-lain"), **auth())
    assert response.status_code == 400
    assert InboundMessage.objects.count() == 0


def test_webhook_is_503_without_a_secret(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "", "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    assert client.post(MIME_URL, mailgun_mime(plain())).status_code == 503
    assert InboundMessage.objects.count() == 0


def test_tracking_webhooks_are_not_mounted(client):
    assert client.post("/intake/email/anymail/mailgun/tracking/", {}, **auth()).status_code == 404
