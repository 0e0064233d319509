"""WhatsApp Business (Cloud API) channel: the webhook contract from Meta's documented payload
shapes, the guided conversation ending in a report, commands, duplicates and order.

Meta's Graph API is off-machine: a local fake (chat_support.fake_api) answers the media
lookups and downloads as documented."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from aduan.intake.models import Conversation, InboundMessage
from aduan.notifications.models import Outbox
from aduan.notifications.services import outbox_send_due
from aduan.reports.models import Report

from .chat_support import (
    PDF_BYTES, VERIFY_TOKEN, WA_FROM, WA_NAME, WA_OTHER, WA_PHONE, WA_URL, chat_settings, fake_api,  # noqa: F401
    jpeg_bytes, post_wa, wa_document, wa_image, wa_location, wa_sign, wa_status, wa_text, wa_webhook,
)

pytestmark = pytest.mark.django_db

T0 = int(time.time()) - 3600


def reply_to(message: InboundMessage) -> str:
    return Outbox.objects.get(dedupe_key=f"inbound:{message.pk}:reply").payload["text"]


def stored(wamid: str) -> InboundMessage:
    return InboundMessage.objects.get(channel="whatsapp", external_id=wamid)


@pytest.fixture(autouse=True)
def _configured(chat_settings):
    return chat_settings


# --- verification handshake -------------------------------------------------------------------

def test_handshake_echoes_the_challenge_as_plain_text(client):
    response = client.get(WA_URL, {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": VERIFY_TOKEN})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"1158201444"


@pytest.mark.parametrize("params", [
    {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": "salah"},
    {"hub.mode": "unsubscribe", "hub.challenge": "1158201444", "hub.verify_token": VERIFY_TOKEN},
    {"hub.challenge": "1158201444"},
])
def test_handshake_with_a_wrong_token_or_mode_is_refused(client, params):
    response = client.get(WA_URL, params)
    assert response.status_code == 403
    assert b"1158201444" not in response.content


def test_channel_without_secrets_answers_503(client, settings):
    settings.WHATSAPP_VERIFY_TOKEN = ""
    settings.WHATSAPP_APP_SECRET = ""
    assert client.get(WA_URL, {"hub.mode": "subscribe", "hub.challenge": "1", "hub.verify_token": ""}).status_code == 503
    assert post_wa(client, wa_webhook(wa_text("Jalan rusak", "wamid.UJI503", T0)), secret="").status_code == 503
    assert InboundMessage.objects.count() == 0


# --- signature ------------------------------------------------------------------------------------

@pytest.mark.parametrize("forgery", ["missing", "wrong-secret", "tampered", "not-hex"])
def test_forged_call_is_403_stores_nothing_and_logs_one_security_line(client, caplog, forgery):
    payload = wa_webhook(wa_text("Rahasia warga di gang buntu", "wamid.UJIPALSU", T0))
    body = json.dumps(payload).encode()
    signature = {"missing": "", "wrong-secret": wa_sign(body, "bukan-rahasia"),
                 "tampered": wa_sign(body.replace(b"gang", b"gank")), "not-hex": "sha256=zz"}[forgery]
    with caplog.at_level(logging.WARNING, logger="aduan.security"):
        response = post_wa(client, payload, signature=signature)
    assert response.status_code == 403
    counts = [m.objects.count() for m in (InboundMessage, Conversation, Report, Outbox)]
    assert counts == [0, 0, 0, 0]
    lines = [r for r in caplog.records if r.name == "aduan.security"]
    assert len(lines) == 1 and "gateway=whatsapp" in lines[0].getMessage()
    assert "Rahasia" not in caplog.text and WA_FROM not in caplog.text


def test_the_signature_covers_the_raw_body_as_delivered(client):
    # Meta signs the exact bytes (with its own spacing and escaping); re-serialising would break it.
    body = b'{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"value":{"messaging_product":"whatsapp",' \
           b'"metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},' \
           b'"contacts":[{"profile":{"name":"Budi"},"wa_id":"6281234567001"}],"messages":[{"from":"6281234567001",' \
           b'"id":"wamid.UJIRAW","timestamp":"' + str(T0).encode() + \
           b'","text":{"body":"Lampu jalan \\u00e9 mati"},"type":"text"}]},' \
           b'"field":"messages"}]}]}'
    response = client.post(WA_URL, data=body, content_type="application/json",
                           headers={"X-Hub-Signature-256": wa_sign(body)})
    assert response.status_code == 200
    message = stored("wamid.UJIRAW")
    assert message.text == "Lampu jalan é mati"
    assert message.raw_body == body.decode()


# --- payload contract: documented message types → what is stored and asked ------------------

def test_text_message_is_stored_raw_and_starts_the_guided_conversation(client):
    response = post_wa(client, wa_webhook(wa_text("Jalan berlubang besar di depan SD Negeri 3", "wamid.UJI001", T0)))
    assert response.status_code == 200
    message = stored("wamid.UJI001")
    assert (message.sender, message.gateway, message.state) == (WA_FROM, "cloud_api", "conversing")
    assert message.received_at == timezone.datetime.fromtimestamp(T0, tz=timezone.get_current_timezone())
    assert message.payload["message"]["text"]["body"] == "Jalan berlubang besar di depan SD Negeri 3"
    assert message.payload["contact"]["profile"]["name"] == WA_NAME
    assert message.payload["metadata"]["phone_number_id"] == "106540352242922"
    assert message.recipient == "15550783881"
    conversation = Conversation.objects.get(channel="whatsapp", sender=WA_PHONE)
    assert conversation.step == "ask_location" and conversation.closed_at is None
    reply = Outbox.objects.get(dedupe_key=f"inbound:{message.pk}:reply")
    assert (reply.channel, reply.recipient, reply.template) == ("whatsapp", WA_PHONE, "channel_reply")
    assert "Kirim lokasi (📎 → Lokasi) atau ketik alamat/kelurahan" in reply.payload["text"]
    assert Report.objects.count() == 0


def test_image_without_caption_is_kept_as_a_media_id_and_the_description_is_asked(client, fake_api):
    post_wa(client, wa_webhook(wa_image("1013859600285441", "wamid.UJI002", T0)))
    message = stored("wamid.UJI002")
    assert message.attachments == [{"media_id": "1013859600285441", "kind": "image", "mime_type": "image/jpeg", "filename": ""}]
    conversation = Conversation.objects.get()
    assert [m["media_id"] for m in conversation.data["media"]] == ["1013859600285441"]
    assert conversation.step == "ask_description"
    text = reply_to(message)
    assert "Lampiran diterima." in text and "Ceritakan singkat masalahnya" in text
    assert fake_api.requests == []  # nothing is downloaded before the report is built


def test_image_caption_is_the_description(client):
    post_wa(client, wa_webhook(wa_image("1013859600285442", "wamid.UJI003", T0, caption="Sampah menumpuk di pasar")))
    conversation = Conversation.objects.get()
    assert [t for _o, t in conversation.data["texts"]] == ["Sampah menumpuk di pasar"]
    assert conversation.step == "ask_location"
    assert stored("wamid.UJI003").text == "Sampah menumpuk di pasar"


def test_document_keeps_its_file_name_and_mime_type(client):
    post_wa(client, wa_webhook(wa_document("2413859600285443", "wamid.UJI004", T0, caption="Surat pengantar")))
    media = Conversation.objects.get().data["media"]
    assert media == [{"media_id": "2413859600285443", "kind": "document", "filename": "surat-kelurahan.pdf",
                      "mime": "application/pdf", "order": float(T0)}]


def test_location_first_keeps_the_point_and_its_place_and_asks_for_the_description(client):
    post_wa(client, wa_webhook(wa_location("wamid.UJI005", T0)))
    conversation = Conversation.objects.get()
    assert conversation.data["location"] == {"lat": -6.981234, "lng": 110.409876,
                                             "place": "Simpang Lima, Jl. Pahlawan, Semarang", "order": float(T0)}
    assert conversation.step == "ask_description"


def test_delivery_receipts_are_acknowledged_and_not_stored(client):
    response = post_wa(client, wa_webhook(statuses=[wa_status("wamid.KELUAR1", T0), wa_status("wamid.KELUAR1", T0 + 1, "read")]))
    assert response.status_code == 200
    assert InboundMessage.objects.count() == 0 and Outbox.objects.count() == 0


def test_a_batch_stores_each_message_with_its_own_sender_and_profile(client):
    contacts = [{"profile": {"name": WA_NAME}, "wa_id": WA_FROM}, {"profile": {"name": "Ani Penguji"}, "wa_id": WA_OTHER}]
    post_wa(client, wa_webhook(wa_text("Banjir di RT 02", "wamid.UJIB1", T0),
                               wa_text("Pohon tumbang", "wamid.UJIB2", T0, sender=WA_OTHER), contacts=contacts))
    first, second = stored("wamid.UJIB1"), stored("wamid.UJIB2")
    assert (first.sender, first.payload["contact"]["profile"]["name"]) == (WA_FROM, WA_NAME)
    assert (second.sender, second.payload["contact"]["profile"]["name"]) == (WA_OTHER, "Ani Penguji")
    assert first.raw_body == "" and second.raw_body == ""  # the batch is not copied onto every row
    assert Conversation.objects.filter(closed_at__isnull=True).count() == 2


def test_signed_body_that_is_not_json_goes_to_the_operator_queue(client):
    body = b"bukan json"
    response = client.post(WA_URL, data=body, content_type="application/json", headers={"X-Hub-Signature-256": wa_sign(body)})
    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert (message.state, message.raw_body) == ("needs_operator", "bukan json")


def test_sticker_gets_a_polite_answer_and_starts_nothing(client):
    sticker = {"from": WA_FROM, "id": "wamid.UJISTK", "timestamp": str(T0), "type": "sticker",
               "sticker": {"mime_type": "image/webp", "sha256": "x", "id": "9913859600285449", "animated": False}}
    post_wa(client, wa_webhook(sticker))
    assert "belum dapat kami terima" in reply_to(stored("wamid.UJISTK"))
    assert Conversation.objects.count() == 0


def test_reaction_is_ignored_without_an_answer(client):
    reaction = {"from": WA_FROM, "id": "wamid.UJIRCT", "timestamp": str(T0), "type": "reaction",
                "reaction": {"message_id": "wamid.KELUAR1", "emoji": "👍"}}
    post_wa(client, wa_webhook(reaction))
    assert stored("wamid.UJIRCT").state == "ignored"
    assert Outbox.objects.count() == 0


# --- the whole guided conversation ------------------------------------------------------------

def test_whole_conversation_ends_in_a_report_with_location_category_photo_and_a_whatsapp_confirmation(
        client, directory, fake_api):
    photo = jpeg_bytes()
    fake_api.files["1013859600285441"] = (photo, "image/jpeg")
    fake_api.files["2413859600285443"] = (PDF_BYTES, "application/pdf")

    caption = "Jalan berlubang besar di depan SD Negeri 3 sejak seminggu"
    post_wa(client, wa_webhook(wa_image("1013859600285441", "wamid.C1", T0, caption=caption)))
    post_wa(client, wa_webhook(wa_location("wamid.C2", T0 + 30)))
    asked = reply_to(stored("wamid.C2"))
    assert asked.startswith("Pilih kategori, balas dengan angka:")
    assert "1. Administrasi kependudukan" in asked and "2. Infrastruktur jalan" in asked and "0. Lewati/tidak tahu" in asked
    post_wa(client, wa_webhook(wa_document("2413859600285443", "wamid.C3", T0 + 40)))
    assert Report.objects.count() == 0
    post_wa(client, wa_webhook(wa_text("2", "wamid.C4", T0 + 60)))

    report = Report.objects.get()
    assert (report.channel, report.kind) == ("whatsapp", "complaint")
    assert Conversation.objects.get().report == report  # the chat that collected it is linked
    assert (report.reporter_phone, report.reporter_name) == (WA_PHONE, WA_NAME)
    assert report.body == "Jalan berlubang besar di depan SD Negeri 3 sejak seminggu"
    assert report.title == "Jalan berlubang besar di depan SD Negeri 3 ..."
    assert report.category == directory.road
    assert (str(report.latitude), str(report.longitude)) == ("-6.981234", "110.409876")
    assert report.address == "Simpang Lima, Jl. Pahlawan, Semarang"
    assert report.incident_date == timezone.localdate()
    assert sorted(a.extension for a in report.attachments.all()) == ["jpg", "pdf"]
    downloads = [r["path"] for r in fake_api.requests if r["method"] == "GET"]
    assert downloads == ["/v21.0/1013859600285441", "/whatsapp-media/1013859600285441",
                         "/v21.0/2413859600285443", "/whatsapp-media/2413859600285443"]
    assert all(r["headers"]["Authorization"] == "Bearer uji-access-token" for r in fake_api.requests)

    final = stored("wamid.C4")
    assert (final.state, final.report) == ("report_created", report)
    conversation = Conversation.objects.get()
    assert conversation.step == "done" and conversation.closed_at is not None
    confirmation = Outbox.objects.get(template="report_submitted")
    assert (confirmation.channel, confirmation.recipient) == ("whatsapp", WA_PHONE)
    assert confirmation.payload["reference"] == report.reference
    assert not Outbox.objects.filter(dedupe_key=f"inbound:{final.pk}:reply").exists()

    # The worker sends it through the Cloud API: the reference and the tracking link, to the number without "+".
    assert outbox_send_due()["sent"] == Outbox.objects.count()
    sent = fake_api.sent(f"/{'106540352242922'}/messages")
    confirmation_json = sent[-1]["json"]
    assert confirmation_json["to"] == WA_FROM and confirmation_json["type"] == "text"
    assert report.reference in confirmation_json["text"]["body"] and "/lacak/?ref=" in confirmation_json["text"]["body"]


def test_a_typed_address_and_skipping_the_category(client, directory):
    post_wa(client, wa_webhook(wa_text("Lampu penerangan jalan mati", "wamid.A1", T0)))
    post_wa(client, wa_webhook(wa_text("Jl. Pemuda No. 12, Kelurahan Sekayu", "wamid.A2", T0 + 20)))
    post_wa(client, wa_webhook(wa_text("0", "wamid.A3", T0 + 40)))
    report = Report.objects.get()
    assert report.address == "Jl. Pemuda No. 12, Kelurahan Sekayu"
    assert report.latitude is None and report.category is None


def test_batal_cancels_the_draft_and_the_next_message_starts_afresh(client, directory):
    post_wa(client, wa_webhook(wa_text("Trotoar rusak", "wamid.X1", T0)))
    post_wa(client, wa_webhook(wa_text("batal", "wamid.X2", T0 + 10)))
    assert "Laporan dibatalkan" in reply_to(stored("wamid.X2"))
    cancelled = Conversation.objects.get()
    assert cancelled.step == "cancelled" and cancelled.closed_at is not None
    post_wa(client, wa_webhook(wa_text("Saluran air tersumbat", "wamid.X3", T0 + 20)))
    fresh = Conversation.objects.get(closed_at__isnull=True)
    assert [t for _o, t in fresh.data["texts"]] == ["Saluran air tersumbat"]
    assert Report.objects.count() == 0


def test_cek_on_whatsapp_answers_the_status_only_to_the_reporters_number(client, directory):
    for n, text in enumerate(["Jalan berlubang", "Jl. Pandanaran 5", "2"]):
        post_wa(client, wa_webhook(wa_text(text, f"wamid.K{n}", T0 + n)))
    report = Report.objects.get()
    post_wa(client, wa_webhook(wa_text(f"CEK {report.reference}", "wamid.K9", T0 + 100)))
    message = stored("wamid.K9")
    assert message.state == "command_answered"
    assert reply_to(message) == f"Laporan {report.reference}: Menunggu verifikasi."
    post_wa(client, wa_webhook(wa_text(f"cek {report.reference}", "wamid.K10", T0 + 100, sender=WA_OTHER),
                               contacts=[{"profile": {"name": "Ani"}, "wa_id": WA_OTHER}]))
    assert reply_to(stored("wamid.K10")) == (
        f"Laporan {report.reference} tidak ditemukan untuk nomor Anda. Periksa kembali nomor laporan.")


def test_the_same_webhooks_delivered_ten_times_make_one_report_and_one_confirmation(client, directory):
    deliveries = [wa_webhook(wa_text("Jembatan retak di Kali Garang", "wamid.D1", T0)),
                  wa_webhook(wa_location("wamid.D2", T0 + 30)),
                  wa_webhook(wa_text("2", "wamid.D3", T0 + 60))]
    for payload in deliveries:
        for _ in range(10):
            assert post_wa(client, payload).status_code == 200
    for _ in range(10):  # Meta retrying the whole sequence later
        for payload in deliveries:
            post_wa(client, payload)
    assert Report.objects.count() == 1
    assert InboundMessage.objects.count() == 3
    assert Outbox.objects.filter(template="report_submitted").count() == 1
    assert Outbox.objects.filter(template="channel_reply").count() == 2  # the two questions, once each
    assert Conversation.objects.count() == 1


def test_out_of_order_texts_are_joined_in_the_order_they_were_sent(client, directory):
    # The citizen typed two lines before any answer came; Meta delivered the second first.
    post_wa(client, wa_webhook(wa_text("Air keruh dan berbau sejak kemarin", "wamid.O2", T0 + 5)))
    post_wa(client, wa_webhook(wa_text("Pipa PDAM bocor di Jl. Kartini", "wamid.O1", T0)))
    conversation = Conversation.objects.get()
    # The older line was sent before the location question existed: description, not an address.
    assert [t for _o, t in conversation.data["texts"]] == ["Pipa PDAM bocor di Jl. Kartini", "Air keruh dan berbau sejak kemarin"]
    assert "address" not in conversation.data and conversation.step == "ask_location"
    post_wa(client, wa_webhook(wa_location("wamid.O3", T0 + 30)))
    post_wa(client, wa_webhook(wa_text("2", "wamid.O4", T0 + 50)))
    report = Report.objects.get()
    assert report.title == "Pipa PDAM bocor di Jl. Kartini"
    assert report.body == "Pipa PDAM bocor di Jl. Kartini\nAir keruh dan berbau sejak kemarin"


def test_an_older_answer_delivered_late_never_overwrites_the_newer_one(client, directory):
    post_wa(client, wa_webhook(wa_text("Lampu penerangan jalan mati", "wamid.N1", T0)))
    # Asked for the location, the citizen typed an address and corrected it a moment later;
    # the correction arrived first.
    post_wa(client, wa_webhook(wa_text("Jl. Pemuda 150", "wamid.N3", T0 + 12)))
    post_wa(client, wa_webhook(wa_text("Jl. Pemuda 15", "wamid.N2", T0 + 10)))
    conversation = Conversation.objects.get()
    assert conversation.data["address"]["text"] == "Jl. Pemuda 150"
    late_reply = reply_to(stored("wamid.N2"))
    assert "Pilihan tidak dikenali" not in late_reply  # not misread as an answer to the category question
    assert late_reply.startswith("Pilih kategori")
    post_wa(client, wa_webhook(wa_text("Infrastruktur jalan", "wamid.N4", T0 + 30)))
    report = Report.objects.get()
    assert (report.address, report.category.slug) == ("Jl. Pemuda 150", "jalan")


def test_a_late_older_location_never_overwrites_the_newer_one(client, directory):
    post_wa(client, wa_webhook(wa_text("Lampu lalu lintas mati", "wamid.L1", T0)))
    post_wa(client, wa_webhook(wa_location("wamid.L3", T0 + 20, lat=-6.99, lng=110.42, name="Tugu Muda", address="")))
    post_wa(client, wa_webhook(wa_location("wamid.L2", T0 + 10, lat=-7.5, lng=110.0, name="Salah", address="")))
    post_wa(client, wa_webhook(wa_text("2", "wamid.L4", T0 + 40)))
    report = Report.objects.get()
    assert (str(report.latitude), str(report.longitude), report.address) == ("-6.990000", "110.420000", "Tugu Muda")


def test_a_photo_of_the_same_burst_delivered_after_the_report_is_added_to_it(client, directory, fake_api):
    fake_api.files["7713859600285447"] = (jpeg_bytes(), "image/jpeg")
    post_wa(client, wa_webhook(wa_text("Tiang listrik miring", "wamid.P1", T0)))
    post_wa(client, wa_webhook(wa_text("Jl. Gajahmada 20", "wamid.P2", T0 + 20)))
    post_wa(client, wa_webhook(wa_text("2", "wamid.P4", T0 + 40)))
    report = Report.objects.get()
    post_wa(client, wa_webhook(wa_image("7713859600285447", "wamid.P3", T0 + 30)))  # sent before "2", delivered after
    assert Report.objects.count() == 1
    late = stored("wamid.P3")
    assert (late.state, late.report) == ("command_answered", report)
    assert report.attachments.count() == 1
    assert report.events.filter(action="add_information").exists()
    assert Conversation.objects.filter(closed_at__isnull=True).count() == 0


def test_an_idle_conversation_is_closed_after_24_hours_and_the_next_message_starts_afresh(client, directory):
    post_wa(client, wa_webhook(wa_text("Jalan rusak", "wamid.I1", T0)))
    Conversation.objects.update(updated_at=timezone.now() - timedelta(hours=25))
    post_wa(client, wa_webhook(wa_text("Sampah tidak diangkut", "wamid.I2", int(time.time()))))
    old, new = Conversation.objects.order_by("id")
    assert (old.step, old.closed_at is not None) == ("expired", True)
    assert [t for _o, t in new.data["texts"]] == ["Sampah tidak diangkut"] and new.step == "ask_location"


# --- Concurrency (PostgreSQL: real row locks) ---------------------------------------------------

def _at_once(*payloads) -> list:
    barrier = threading.Barrier(len(payloads))
    errors, statuses = [], []

    def run(payload):
        try:
            barrier.wait()
            statuses.append(post_wa(Client(), payload).status_code)
        except Exception as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(p,)) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return statuses


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_messages_of_one_sender_handled_at_once_share_one_conversation(directory, chat_settings):
    assert _at_once(wa_webhook(wa_text("Got mampet", "wamid.S1", T0)),
                    wa_webhook(wa_text("di gang 4 dekat masjid", "wamid.S2", T0 + 1))) == [200, 200]
    conversation = Conversation.objects.get()
    assert [t for _o, t in conversation.data["texts"]][0] == "Got mampet"
    assert len(conversation.data["messages"]) == 2
    assert Outbox.objects.filter(template="channel_reply").count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_the_final_answer_delivered_twice_at_once_makes_one_report(directory, chat_settings):
    post_wa(Client(), wa_webhook(wa_text("Jembatan retak", "wamid.R1", T0)))
    post_wa(Client(), wa_webhook(wa_location("wamid.R2", T0 + 10)))
    final = wa_webhook(wa_text("2", "wamid.R3", T0 + 20))
    assert _at_once(final, final, final) == [200, 200, 200]
    assert Report.objects.count() == 1
    assert Outbox.objects.filter(template="report_submitted").count() == 1
