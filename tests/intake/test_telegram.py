"""Telegram bot channel (webhook mode): the secret-token check, Update payloads as the Bot API
documents them, the guided conversation ending in a report answered in the same chat,
commands, duplicates and order. The Bot API is off-machine: a local fake answers getFile
and the file download (chat_support.fake_api)."""

from __future__ import annotations

import logging
import time

import pytest
from django.utils import timezone

from aduan.intake.models import Conversation, InboundMessage
from aduan.notifications.models import Outbox
from aduan.notifications.services import outbox_send_due
from aduan.reports.models import Report

from .chat_support import (
    BOT_TOKEN, PDF_BYTES, TG_SECRET, TG_USER, chat_settings, fake_api,  # noqa: F401
    jpeg_bytes, post_tg, tg_document, tg_photo, tg_update,
)

pytestmark = pytest.mark.django_db

NOW = int(time.time()) - 600
CHAT = str(TG_USER)


@pytest.fixture(autouse=True)
def _configured(chat_settings):
    return chat_settings


def stored(update_id: int) -> InboundMessage:
    return InboundMessage.objects.get(channel="telegram", external_id=str(update_id))


def reply_to(message: InboundMessage) -> Outbox:
    return Outbox.objects.get(dedupe_key=f"inbound:{message.pk}:reply")


# --- secret token -------------------------------------------------------------------------------

@pytest.mark.parametrize("secret", [None, "", "salah", TG_SECRET + "x"])
def test_a_call_without_the_secret_token_is_403_and_stores_nothing(client, caplog, secret):
    with caplog.at_level(logging.WARNING, logger="aduan.security"):
        response = post_tg(client, tg_update(700001, text="Rahasia warga"), secret=secret)
    assert response.status_code == 403
    assert (InboundMessage.objects.count(), Conversation.objects.count(), Outbox.objects.count()) == (0, 0, 0)
    lines = [r for r in caplog.records if r.name == "aduan.security"]
    assert len(lines) == 1 and "gateway=telegram" in lines[0].getMessage()
    assert "Rahasia" not in caplog.text


def test_channel_without_a_secret_answers_503(client, settings):
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    assert post_tg(client, tg_update(700002, text="Halo"), secret="").status_code == 503
    assert InboundMessage.objects.count() == 0


def test_only_post_is_accepted(client):
    assert client.get("/intake/telegram/").status_code == 405


# --- Update contract ------------------------------------------------------------------------------

def test_start_gets_the_welcome_in_the_same_chat_and_opens_nothing(client):
    response = post_tg(client, tg_update(700010, text="/start", date=NOW))
    assert response.status_code == 200
    message = stored(700010)
    assert (message.sender, message.payload["chat_id"], message.gateway) == (CHAT, TG_USER, "bot_api")
    reply = reply_to(message)
    assert (reply.channel, reply.recipient) == ("telegram", CHAT)
    assert reply.payload["text"].startswith("Selamat datang di layanan pengaduan Aduan.")
    assert Conversation.objects.count() == 0


def test_text_update_is_stored_as_delivered_and_starts_the_conversation(client):
    post_tg(client, tg_update(700020, text="Jalan berlubang di depan pasar", date=NOW))
    message = stored(700020)
    assert message.text == "Jalan berlubang di depan pasar"
    assert message.payload["message"]["from"]["id"] == TG_USER
    assert message.received_at == timezone.datetime.fromtimestamp(NOW, tz=timezone.get_current_timezone())
    conversation = Conversation.objects.get()
    assert (conversation.channel, conversation.sender, conversation.reply_address) == ("telegram", CHAT, CHAT)
    assert "Kirim lokasi" in reply_to(message).payload["text"]


def test_photo_update_keeps_the_largest_size_and_the_caption(client, fake_api):
    post_tg(client, tg_update(700030, photo=tg_photo("AgACfoto1"), caption="Sampah dibuang di sungai", date=NOW))
    conversation = Conversation.objects.get()
    assert [m["media_id"] for m in conversation.data["media"]] == ["AgACfoto1"]
    assert [t for _o, t in conversation.data["texts"]] == ["Sampah dibuang di sungai"]
    assert fake_api.requests == []


def test_document_update_keeps_its_name(client):
    post_tg(client, tg_update(700040, document=tg_document("BQACdok1"), date=NOW))
    media = Conversation.objects.get().data["media"]
    assert (media[0]["media_id"], media[0]["kind"], media[0]["filename"]) == ("BQACdok1", "document", "surat-kelurahan.pdf")
    assert "Ceritakan singkat masalahnya" in reply_to(stored(700040)).payload["text"]


def test_location_update_keeps_the_point(client):
    post_tg(client, tg_update(700050, location={"latitude": -6.966667, "longitude": 110.416664}, date=NOW))
    location = Conversation.objects.get().data["location"]
    assert (location["lat"], location["lng"]) == (-6.966667, 110.416664)


def test_edited_messages_and_group_chats_are_kept_and_ignored(client):
    post_tg(client, tg_update(700060, text="Teks yang diedit", key="edited_message", date=NOW))
    group = {"id": -1001234567890, "title": "Warga RT 05", "type": "supergroup"}
    post_tg(client, tg_update(700061, text="Pesan di grup", chat=group, date=NOW))
    assert stored(700060).state == "ignored" and stored(700061).state == "ignored"
    assert stored(700061).payload["chat_id"] == -1001234567890
    assert Outbox.objects.count() == 0 and Conversation.objects.count() == 0


def test_voice_note_gets_a_polite_answer(client):
    voice = {"duration": 3, "mime_type": "audio/ogg", "file_id": "AwACsuara", "file_unique_id": "AgADsuara", "file_size": 5000}
    post_tg(client, tg_update(700070, voice=voice, date=NOW))
    assert "belum dapat kami terima" in reply_to(stored(700070)).payload["text"]


# --- the whole guided conversation ------------------------------------------------------------

def test_whole_conversation_ends_in_a_report_answered_in_the_same_chat(client, directory, fake_api, caplog):
    caplog.set_level(logging.DEBUG)
    # Settings keep httpx at WARNING; open it up here to prove the token filter works on its own.
    caplog.set_level(logging.DEBUG, logger="httpx")
    caplog.set_level(logging.DEBUG, logger="telegram")
    fake_api.files["AgACfoto9"] = (jpeg_bytes(), "image/jpeg")
    fake_api.files["BQACdok9"] = (PDF_BYTES, "application/pdf")
    post_tg(client, tg_update(700100, photo=tg_photo("AgACfoto9"), caption="Lampu lalu lintas Simpang Lima mati", date=NOW))
    post_tg(client, tg_update(700101, document=tg_document("BQACdok9"), date=NOW + 5))
    post_tg(client, tg_update(700102, location={"latitude": -6.990402, "longitude": 110.422918}, date=NOW + 20))
    asked = reply_to(stored(700102)).payload["text"]
    assert "2. Infrastruktur jalan" in asked
    contact = {"phone_number": "6281234567099", "first_name": "Sari", "user_id": TG_USER}
    post_tg(client, tg_update(700103, contact=contact, date=NOW + 25))
    assert "Nomor telepon Anda dicatat." in reply_to(stored(700103)).payload["text"]
    post_tg(client, tg_update(700104, text="infrastruktur", date=NOW + 40))  # a unique start of a listed name

    report = Report.objects.get()
    assert (report.channel, report.reply_address, report.reporter_name) == ("telegram", CHAT, "Sari Penguji")
    assert report.reporter_phone == "+6281234567099"
    assert report.body == "Lampu lalu lintas Simpang Lima mati"
    assert report.category == directory.road
    assert (str(report.latitude), str(report.longitude)) == ("-6.990402", "110.422918")
    assert sorted(a.extension for a in report.attachments.all()) == ["jpg", "pdf"]
    bot_calls = [r["path"] for r in fake_api.requests]
    assert bot_calls == [f"/bot{BOT_TOKEN}/getFile", f"/file/bot{BOT_TOKEN}/documents/AgACfoto9",
                         f"/bot{BOT_TOKEN}/getFile", f"/file/bot{BOT_TOKEN}/documents/BQACdok9"]
    assert stored(700104).report == report

    confirmation = Outbox.objects.get(template="report_submitted")
    assert (confirmation.channel, confirmation.recipient) == ("telegram", CHAT)
    # The SMS grammar answers in the chat: the report is found by the chat it came from.
    post_tg(client, tg_update(700110, text=f"/cek {report.reference}", date=NOW + 100))
    assert reply_to(stored(700110)).payload["text"] == f"Laporan {report.reference}: Menunggu verifikasi."

    assert outbox_send_due()["sent"] == Outbox.objects.count()
    sent = fake_api.sent("/sendMessage")
    assert {r["json"]["chat_id"] for r in sent} == {CHAT}
    assert any(report.reference in r["json"]["text"] and "/lacak/?ref=" in r["json"]["text"] for r in sent)
    # httpx logs request URLs, and Bot API URLs carry the token: it never reaches the logs.
    assert "/file/bot<token>/" in caplog.text
    assert BOT_TOKEN.split(":")[1] not in caplog.text and "Lampu lalu lintas" not in caplog.text


def test_batal_command_cancels_the_draft(client, directory):
    post_tg(client, tg_update(700200, text="Trotoar rusak", date=NOW))
    post_tg(client, tg_update(700201, text="/batal", date=NOW + 5))
    assert "Laporan dibatalkan" in reply_to(stored(700201)).payload["text"]
    assert Conversation.objects.get().step == "cancelled"
    post_tg(client, tg_update(700202, text="/batal", date=NOW + 9))
    assert reply_to(stored(700202)).payload["text"].startswith("Tidak ada laporan yang sedang dibuat.")
    assert Report.objects.count() == 0


def test_the_same_update_ten_times_makes_one_report_and_one_confirmation(client, directory):
    updates = [tg_update(700300, text="Jembatan retak", date=NOW),
               tg_update(700301, location={"latitude": -6.97, "longitude": 110.41}, date=NOW + 10),
               tg_update(700302, text="2", date=NOW + 20)]
    for update in updates:
        for _ in range(10):
            assert post_tg(client, update).status_code == 200
    assert Report.objects.count() == 1 and InboundMessage.objects.count() == 3
    assert Outbox.objects.filter(template="report_submitted").count() == 1
    assert Outbox.objects.filter(template="channel_reply").count() == 2


def test_updates_are_ordered_by_update_id_not_by_arrival(client, directory):
    # Same second on the clock; update_id says the location was sent after the description.
    post_tg(client, tg_update(700401, location={"latitude": -6.97, "longitude": 110.41}, date=NOW))
    post_tg(client, tg_update(700400, text="Pohon tumbang menutup jalan", date=NOW))
    conversation = Conversation.objects.get()
    assert [t for _o, t in conversation.data["texts"]] == ["Pohon tumbang menutup jalan"]
    assert conversation.step == "ask_category"
    post_tg(client, tg_update(700402, text="9", date=NOW + 9))
    assert "Pilihan tidak dikenali." in reply_to(stored(700402)).payload["text"]
    post_tg(client, tg_update(700403, text="1", date=NOW + 10))
    assert Report.objects.get().category == directory.adminduk


def test_slash_commands_map_onto_the_conversation(client):
    post_tg(client, tg_update(700500, text="/lapor@aduan_uji_bot Got mampet di gang 4", date=NOW))
    assert [t for _o, t in Conversation.objects.get().data["texts"]] == ["Got mampet di gang 4"]
    post_tg(client, tg_update(700501, text="/apaini", date=NOW + 1))
    text = reply_to(stored(700501)).payload["text"]
    assert text.startswith("Selamat datang") and "Kirim lokasi" in text  # the welcome, then the pending question
