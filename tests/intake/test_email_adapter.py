"""The e-mail adapter through the intake service: a raw RFC 5322 message is stored, parsed
and acted on (a report, information added to one, or nothing for machine mail)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from aduan.core.refs import _check_symbol
from aduan.intake.adapters.email import html_to_text, reply_strip
from aduan.intake.email_inbound import email_receive_raw
from aduan.intake.models import InboundMessage
from aduan.notifications.models import Outbox
from aduan.reports.models import Attachment, Event, Report

from .mail_samples import (
    CITIZEN, CITIZEN_NAME, STRANGER, b64, eml, html_only, plain, png_bytes, reply,
    with_attachments,
)

pytestmark = pytest.mark.django_db


def receive(raw: bytes, **kwargs) -> InboundMessage:
    return email_receive_raw(raw, gateway="imap", **kwargs)


def reply_row(message: InboundMessage) -> Outbox:
    return Outbox.objects.get(dedupe_key=f"inbound:{message.pk}:reply")


@pytest.fixture
def report() -> Report:
    message = receive(plain())
    assert message.state == "report_created", message.reason
    return message.report


def test_plain_mail_becomes_a_complaint_from_its_sender(report):
    assert report.channel == "email" and report.kind == "complaint"
    assert report.title == "Lampu jalan padam di Jl. Melati"
    assert report.body == "Lampu jalan di depan rumah nomor 12 padam sejak tiga hari.\nMohon segera diperbaiki."
    assert (report.reporter_email, report.reporter_name) == (CITIZEN, CITIZEN_NAME)
    confirmation = Outbox.objects.get(template="report_submitted")
    assert (confirmation.channel, confirmation.recipient) == ("email", CITIZEN)
    assert confirmation.payload["reference"] == report.reference


def test_raw_message_is_kept_whole_and_keyed_by_its_message_id():
    raw = plain(mid="<kunci-1@mail.contoh.id>")
    message = receive(raw)
    assert message.external_id == "<kunci-1@mail.contoh.id>"
    assert message.raw_body.encode() == raw
    assert message.payload["subject"] == "Lampu jalan padam di Jl. Melati"
    assert message.payload["message_id"] == "<kunci-1@mail.contoh.id>"
    assert message.payload["from"] == CITIZEN and message.sender == CITIZEN


def test_the_same_mail_twice_makes_one_report_and_one_confirmation():
    raw = plain()
    first, second = receive(raw), receive(raw)
    assert first.pk == second.pk
    assert Report.objects.count() == 1
    assert Outbox.objects.filter(template="report_submitted").count() == 1


def test_html_only_mail_is_read_as_text_without_markup_or_scripts():
    report = receive(html_only()).report
    assert report.body == "Sampah di Pasar Kembang menumpuk & berbau.\nSudah dua minggu tidak diangkut.\nTerima kasih."
    assert "<" not in report.body and "alert" not in report.body and "color" not in report.body


def test_encoded_word_subject_and_display_name_are_decoded():
    report = receive(eml("encoded_subject.eml")).report
    assert report.title == "Jalan berlubang — bahaya bagi pemotor"
    assert report.reporter_name == "Dewi Lestari Uji"
    assert report.body == "Lubang di Jl. Anggrek dekat SD Negeri 4 sudah selebar satu meter – kemarin ada pemotor jatuh."


def test_eight_bit_latin1_mail_is_stored_losslessly_and_decoded_by_its_charset():
    raw = eml("latin1_8bit.eml")
    message = receive(raw)
    assert message.payload["raw_encoding"] == "latin-1"
    assert message.raw_body.encode("latin-1") == raw
    assert message.report.body == "Saluran di depan café Bu Ani tersumbat, air meluap ke jalan."


def test_photo_and_pdf_are_attached_and_the_signature_logo_is_not():
    report = receive(with_attachments()).report
    files = {a.original_name: a.content_type for a in Attachment.objects.filter(report=report)}
    stored = report.inbound_messages.get().attachments
    assert [(a["name"], a["content_type"]) for a in stored] == [
        ("trotoar.png", "image/png"), ("surat pengantar RT – 03.pdf", "application/pdf")]
    assert files == {"trotoar.png": "image/png", "surat pengantar RT – 03.pdf": "application/pdf"}
    assert report.body == "Trotoar di Jl. Kenanga ambles. Foto dan surat RT terlampir."


def test_a_refused_attachment_is_dropped_and_named_in_the_report_not_fatal():
    exe = (
        "--mix-1\n"
        'Content-Type: application/octet-stream; name="setup.exe"\n'
        'Content-Disposition: attachment; filename="setup.exe"\n'
        "Content-Transfer-Encoding: base64\n\n"
        f"{b64(b'MZ' + bytes(200))}\n"
    )
    message = receive(with_attachments(extra_parts=exe))
    assert message.state == "report_created", message.reason
    report = message.report
    assert Attachment.objects.filter(report=report).count() == 2
    assert "Lampiran yang tidak dapat disimpan:" in report.body
    assert "setup.exe" in report.body


def test_photo_without_extension_gets_the_one_its_bytes_show():
    part = (
        "--mix-1\n"
        "Content-Type: image/png\n"
        'Content-Disposition: attachment; filename="foto_jalan"\n'
        "Content-Transfer-Encoding: base64\n\n"
        f"{b64(png_bytes(32, (10, 200, 10)))}\n"
    )
    report = receive(with_attachments(extra_parts=part)).report
    assert "foto_jalan.png" in set(Attachment.objects.filter(report=report).values_list("original_name", flat=True))


def test_reply_with_reference_in_subject_adds_only_the_new_text(report):
    message = receive(reply(reference=report.reference, text="Sekarang kabelnya juga menjuntai ke jalan."))
    assert message.state == "command_answered" and message.report == report
    event = Event.objects.get(report=report, action="add_information")
    assert event.note == "Sekarang kabelnya juga menjuntai ke jalan."
    assert event.actor_kind == "reporter"
    answer = reply_row(message)
    assert (answer.channel, answer.recipient, answer.template) == ("email", CITIZEN, "channel_reply")
    assert answer.payload["reference"] == report.reference
    assert answer.payload["in_reply_to"] == message.payload["message_id"]
    assert Report.objects.count() == 1


def test_reply_with_a_photo_stores_it_on_the_report(report):
    receive(reply(reference=report.reference, text="Foto terbaru terlampir.", attachment=png_bytes(40)))
    assert list(Attachment.objects.filter(report=report).values_list("original_name", flat=True)) == ["susulan.png"]
    assert Event.objects.get(report=report, action="add_information").note == "Foto terbaru terlampir."


@pytest.mark.parametrize("local", ["lapor+{compact}", "LAPOR+{upper}", "lapor+{dashed}"])
def test_reply_to_the_per_report_address_threads_without_a_reference_in_the_subject(report, settings, local):
    settings.ADUAN_EMAIL_REPLY_ADDRESS = "lapor+{reference}@aduan.example.go.id"
    ref = report.reference
    address = local.format(compact=ref.replace("-", "").lower(), upper=ref.replace("-", ""), dashed=ref.lower())
    message = receive(reply(reference=ref, text="Tambahan: tiangnya miring.", subject="Re: lampu jalan",
                            to=f"{address}@aduan.example.go.id"))
    assert message.state == "command_answered" and message.report == report
    assert Event.objects.get(report=report, action="add_information").note == "Tambahan: tiangnya miring."


def test_per_report_address_with_a_wrong_check_symbol_is_a_new_report(report, settings):
    settings.ADUAN_EMAIL_REPLY_ADDRESS = "lapor+{reference}@aduan.example.go.id"
    compact = report.reference.replace("-", "").lower()
    wrong = compact[:-1] + ("0" if compact[-1] != "0" else "1")
    message = receive(plain(subject="Lampu jalan lagi", to=f"lapor+{wrong}@aduan.example.go.id"))
    assert message.state == "report_created" and message.report != report


def test_stranger_replying_to_someone_elses_reference_gets_not_found_and_changes_nothing(report):
    message = receive(reply(reference=report.reference, text="Laporan ini palsu, tutup saja.", sender=STRANGER))
    assert message.state == "command_answered"
    assert not Event.objects.filter(report=report, action="add_information").exists()
    answer = reply_row(message)
    assert answer.recipient == STRANGER
    missing_ref = "2611-0000-000" + _check_symbol("0000000")
    missing = reply_row(receive(reply(reference=missing_ref, text="Apa kabar laporan ini?")))
    assert answer.payload["text"] == missing.payload["text"].replace(missing_ref, report.reference)
    assert "tidak ditemukan" in answer.payload["text"]


def test_reply_with_no_new_text_asks_for_the_status(report):
    message = receive(reply(reference=report.reference, text=""))
    assert reply_row(message).payload["text"] == f"Laporan {report.reference}: Menunggu verifikasi."
    assert not Event.objects.filter(report=report, action="add_information").exists()


def test_out_of_office_answer_is_ignored_and_not_answered(report):
    raw = eml("out_of_office.eml").replace(b"[REF]", f"[{report.reference}]".encode())
    before = Outbox.objects.count()
    message = receive(raw)
    assert message.state == "ignored"
    assert "auto-replied" in message.reason
    assert Outbox.objects.count() == before
    assert not Event.objects.filter(report=report, action="add_information").exists()


def test_delivery_status_notification_from_mailer_daemon_is_ignored():
    message = receive(eml("dsn_bounce.eml"))
    assert message.state == "ignored"
    assert Report.objects.count() == 0 and Outbox.objects.count() == 0


def test_delivery_report_is_ignored_by_its_mime_type_alone():
    raw = eml("dsn_bounce.eml")
    for header in (b"Return-Path: <>\n", b"Auto-Submitted: auto-replied\n"):
        raw = raw.replace(header, b"")
    raw = raw.replace(b"Mail Delivery System <MAILER-DAEMON@mx.contoh.id>", b"Sistem Surat <sistem@mx.contoh.id>")
    message = receive(raw)
    assert message.state == "ignored"
    assert "report-type=delivery-status" in message.reason


@pytest.mark.parametrize("header", [
    "Precedence: bulk\n", "List-Id: Warga RT 03 <rt03.contoh.id>\n", "X-Autoreply: yes\n",
    "Auto-Submitted: auto-generated\n",
])
def test_bulk_list_and_automatic_mail_is_ignored(header):
    message = receive(plain(extra_headers=header))
    assert message.state == "ignored"
    assert Report.objects.count() == 0


def test_auto_reply_headers_with_auto_submitted_no_are_a_person():
    assert receive(plain(extra_headers="Auto-Submitted: no\n")).state == "report_created"


def test_an_auto_reply_subject_alone_does_not_ignore_a_citizen():
    message = receive(plain(subject="Balasan otomatis dari dinas tidak menjawab keluhan saya"))
    assert message.state == "report_created"


def test_auto_reply_subject_answering_our_message_is_ignored():
    raw = plain(subject="Automatic reply: Laporan Anda diterima", extra_headers="In-Reply-To: <outbox-5@aduan.localhost>\n")
    assert receive(raw).state == "ignored"


def test_mail_with_neither_subject_nor_text_waits_for_an_operator():
    message = receive(plain(subject="", body=""))
    assert message.state == "needs_operator"
    assert "tanpa subjek dan tanpa isi" in message.reason
    assert Report.objects.count() == 0


def test_subject_only_mail_is_a_report_with_the_subject_as_body():
    report = receive(plain(subject="Pohon tumbang di Jl. Mawar", body="")).report
    assert (report.title, report.body) == ("Pohon tumbang di Jl. Mawar", "Pohon tumbang di Jl. Mawar")


def test_forward_prefixes_are_not_part_of_the_title():
    assert receive(plain(subject="Fwd: Bls: Air PDAM keruh")).report.title == "Air PDAM keruh"


def test_a_message_that_is_not_mail_at_all_is_kept_for_an_operator():
    message = receive(b"\x00\x01 bukan surel")
    assert message.state == "needs_operator"
    assert message.payload["raw_encoding"] == "base64"
    assert InboundMessage.objects.filter(pk=message.pk).exists()


def test_mail_without_message_id_is_keyed_by_its_content_so_a_repeat_is_harmless():
    raw = plain().replace(b"Message-ID:", b"X-Old-Id:")
    first, second = receive(raw), receive(raw)
    assert first.external_id.startswith("sha256:") and first.pk == second.pk
    assert Report.objects.count() == 1


def test_reply_strip_cuts_quotes_attributions_outlook_blocks_and_signatures():
    gmail = "Oke, terima kasih.\n\nOn Mon, 30 Nov 2026 at 09:16, Aduan <no-reply@aduan.localhost> wrote:\n> teks lama\n"
    assert reply_strip(gmail) == "Oke, terima kasih."
    outlook = "Masih rusak.\n\n________________________________\nFrom: Aduan <no-reply@aduan.localhost>\nSent: Monday\nteks lama"
    assert reply_strip(outlook) == "Masih rusak."
    outlook_id = "Masih rusak.\nDari: Aduan <no-reply@aduan.localhost>\nDikirim: Senin\nteks lama"
    assert reply_strip(outlook_id) == "Masih rusak."
    assert reply_strip("Baik.\n-- \nSri\n0812xxxx") == "Baik."
    assert reply_strip("> kutipan\nJawaban saya") == "Jawaban saya"


def test_html_to_text_drops_every_tag_and_keeps_line_breaks():
    assert html_to_text('<div>Satu<br/>Dua</div><img src=x onerror="alert(1)"><p>Tiga &lt;b&gt;</p>') == "Satu\nDua\nTiga <b>"


def test_incident_date_is_the_local_date_the_mail_was_received():
    evening_utc = datetime(2026, 11, 29, 20, 30, tzinfo=UTC)  # 30 November, 03:30 WIB
    report = receive(plain(), received_at=evening_utc).report
    assert report.incident_date == date(2026, 11, 30)
