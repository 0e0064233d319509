"""Outbox rows on channels "whatsapp" and "telegram" are sent through the WhatsApp Cloud API
and the Telegram Bot API. Both are off-machine: a local fake server answers as documented
(tests/intake/chat_support.py) and records what was posted."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from aduan.notifications.models import Outbox
from aduan.notifications.services import BASE_BACKOFF_SECONDS, outbox_enqueue, outbox_send_due
from aduan.notifications.telegram import TelegramSendError, send_telegram
from aduan.notifications.whatsapp import WhatsAppSendError, send_whatsapp
from tests.intake.chat_support import ACCESS_TOKEN, BOT_TOKEN, PHONE_NUMBER_ID, chat_settings, fake_api  # noqa: F401

pytestmark = pytest.mark.django_db

PHONE = "+6281234567001"
CHAT = "5550001"
TRACK = "http://127.0.0.1:8000/lacak/?ref=2611-ABCD-EFGH&token=t0k3n"


@pytest.fixture(autouse=True)
def _configured(chat_settings):
    return chat_settings


def submitted(channel: str, recipient: str, key: str = "s1") -> Outbox:
    return outbox_enqueue(channel=channel, recipient=recipient, template="report_submitted",
                          payload={"reference": "2611-ABCD-EFGH", "title": "Jalan rusak", "track_url": TRACK,
                                   "late_filing_warning": False}, dedupe_key=key)


def reply(channel: str, recipient: str, text: str, key: str = "r1") -> Outbox:
    return outbox_enqueue(channel=channel, recipient=recipient, template="channel_reply",
                          payload={"text": text, "reference": ""}, dedupe_key=key)


# --- WhatsApp ------------------------------------------------------------------------------------

def test_whatsapp_confirmation_posts_the_documented_json_with_the_bearer_token(fake_api):
    submitted("whatsapp", PHONE)
    assert outbox_send_due() == {"sent": 1, "retry": 0, "failed": 0}
    (call,) = fake_api.sent("/messages")
    assert call["path"] == f"/v21.0/{PHONE_NUMBER_ID}/messages"
    assert call["headers"]["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert call["headers"]["Content-Type"] == "application/json"
    assert call["json"] == {"messaging_product": "whatsapp", "to": "6281234567001", "type": "text",
                            "text": {"body": f"Laporan Anda diterima. Nomor: 2611-ABCD-EFGH.\nPantau laporan Anda: {TRACK}"}}
    assert Outbox.objects.get().state == Outbox.State.SENT


def test_whatsapp_reply_sends_the_rows_text_unchanged(fake_api):
    reply("whatsapp", PHONE, "Pilih kategori, balas dengan angka:\n1. Administrasi kependudukan\n0. Lewati/tidak tahu")
    outbox_send_due()
    assert fake_api.sent("/messages")[0]["json"]["text"]["body"].endswith("0. Lewati/tidak tahu")


@pytest.mark.parametrize("status, body", [
    (400, {"error": {"message": "(#131047) Re-engagement message", "type": "OAuthException", "code": 131047,
                     "error_data": {"messaging_product": "whatsapp", "details": "Message failed to send because more than "
                                    "24 hours have passed since the customer last replied to this number."},
                     "error_subcode": 2494010, "fbtrace_id": "Az8or2yhqkZfEZ-_4Qn_Bam"}}),
    (500, {"error": {"message": "An unknown error occurred", "type": "OAuthException", "code": 1}}),
])
def test_whatsapp_error_raises_and_the_row_is_retried_without_the_text_in_the_error(fake_api, status, body):
    fake_api.send_error = (status, body)
    row = reply("whatsapp", PHONE, "Rahasia warga: rumah nomor 7")
    with pytest.raises(WhatsAppSendError, match=f"HTTP {status}: code {body['error']['code']}"):
        send_whatsapp(row)
    assert outbox_send_due() == {"sent": 0, "retry": 1, "failed": 0}
    row.refresh_from_db()
    assert row.state == Outbox.State.PENDING and row.attempts == 1
    assert (row.next_attempt_at - timezone.now()).total_seconds() > BASE_BACKOFF_SECONDS - 5
    assert row.last_error.startswith("WhatsAppSendError: HTTP") and "Rahasia" not in row.last_error


def test_whatsapp_without_credentials_is_a_configuration_error(settings):
    settings.WHATSAPP_ACCESS_TOKEN = ""
    with pytest.raises(ImproperlyConfigured):
        send_whatsapp(reply("whatsapp", PHONE, "Halo"))


def test_whatsapp_unreachable_api_raises(settings):
    settings.WHATSAPP_GRAPH_URL = "http://127.0.0.1:9/v21.0"  # discard port: connection refused
    reply("whatsapp", PHONE, "Halo")
    assert outbox_send_due()["retry"] == 1


# --- Telegram --------------------------------------------------------------------------------------

def test_telegram_confirmation_calls_send_message_with_the_chat_id_and_plain_text(fake_api):
    submitted("telegram", CHAT)
    assert outbox_send_due() == {"sent": 1, "retry": 0, "failed": 0}
    (call,) = fake_api.sent("/sendMessage")
    assert call["path"] == f"/bot{BOT_TOKEN}/sendMessage"
    assert call["json"]["chat_id"] == CHAT
    assert call["json"]["text"] == f"Laporan Anda diterima. Nomor: 2611-ABCD-EFGH.\nPantau laporan Anda: {TRACK}"
    assert "parse_mode" not in call["json"]


@pytest.mark.parametrize("status, description", [
    (403, "Forbidden: bot was blocked by the user"),
    (400, "Bad Request: chat not found"),
    (500, "Internal Server Error"),
])
def test_telegram_error_raises_and_the_row_is_retried(fake_api, status, description):
    fake_api.send_error = (status, {"ok": False, "error_code": status, "description": description})
    row = reply("telegram", CHAT, "Rahasia warga: rumah nomor 7")
    with pytest.raises(TelegramSendError):
        send_telegram(row)
    assert outbox_send_due()["retry"] == 1
    row.refresh_from_db()
    assert row.state == Outbox.State.PENDING and row.last_error.startswith("TelegramSendError:")
    assert "Rahasia" not in row.last_error and BOT_TOKEN not in row.last_error


def test_telegram_needs_a_token_and_a_numeric_chat_id(settings):
    with pytest.raises(ValueError):
        send_telegram(reply("telegram", "+6281234567001", "Halo", key="r-phone"))
    settings.TELEGRAM_BOT_TOKEN = ""
    with pytest.raises(ImproperlyConfigured):
        send_telegram(reply("telegram", CHAT, "Halo", key="r-token"))


def test_neither_the_text_nor_the_bot_token_reach_the_logs(fake_api, caplog):
    reply("telegram", CHAT, "Rahasia warga: rumah nomor 7", key="t1")
    reply("whatsapp", PHONE, "Rahasia warga: rumah nomor 8", key="w1")
    with caplog.at_level(logging.DEBUG):
        assert outbox_send_due()["sent"] == 2
    assert len(fake_api.requests) == 2
    assert "Rahasia" not in caplog.text
    assert BOT_TOKEN not in caplog.text and BOT_TOKEN.split(":")[1] not in caplog.text
    assert ACCESS_TOKEN not in caplog.text
