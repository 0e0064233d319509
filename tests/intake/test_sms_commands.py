"""The SMS keyword grammar, through the intake service (store → parse → act → outbox)."""

from __future__ import annotations

import itertools

import pytest

from aduan.core.refs import _check_symbol
from aduan.intake.models import InboundMessage
from aduan.intake.services import WITHDRAW_NOTE, inbound_receive
from aduan.notifications.models import Outbox
from aduan.reports.models import Event, Report

from .support import OTHER_PHONE, PHONE

pytestmark = pytest.mark.django_db
_ids = itertools.count(1)


def sms(text: str, sender: str = PHONE) -> InboundMessage:
    return inbound_receive(channel="sms", gateway="generic", external_id=f"t-{next(_ids)}", sender=sender,
                           text=text, payload={"text": text})


def reply_to(message: InboundMessage) -> Outbox:
    return Outbox.objects.get(dedupe_key=f"inbound:{message.pk}:reply")


@pytest.fixture
def report() -> Report:
    message = sms("Saluran air tersumbat di RT 02 sejak seminggu")
    assert message.state == "report_created"
    return message.report


def test_free_text_becomes_a_complaint_titled_by_its_first_words(report):
    assert report.title == "Saluran air tersumbat di RT 02 sejak seminggu"
    long = sms("Satu dua tiga empat lima enam tujuh delapan sembilan sepuluh").report
    assert long.title == "Satu dua tiga empat lima enam tujuh delapan ..."
    assert long.body == "Satu dua tiga empat lima enam tujuh delapan sembilan sepuluh"


@pytest.mark.parametrize("keyword", ["CEK", "cek", "STATUS", "Status"])
def test_cek_by_the_reporter_answers_the_status(report, keyword):
    message = sms(f"{keyword} {report.reference}")
    assert message.state == "command_answered" and message.report == report
    row = reply_to(message)
    assert (row.channel, row.recipient, row.template) == ("sms", PHONE, "channel_reply")
    assert row.payload["text"] == f"Laporan {report.reference}: Menunggu verifikasi."
    from aduan.notifications.sms import sms_render
    assert sms_render(row) == [row.payload["text"]]  # one GSM-7 segment


def test_reference_may_be_typed_without_dashes_or_split_in_three(report):
    compact = report.reference.replace("-", "").lower()
    assert "Menunggu verifikasi" in reply_to(sms(f"cek {compact}")).payload["text"]
    spaced = report.reference.replace("-", " ")
    assert "Menunggu verifikasi" in reply_to(sms(f"STATUS {spaced}")).payload["text"]


def test_cek_from_another_phone_gets_the_same_answer_as_a_missing_report(report):
    other = reply_to(sms(f"CEK {report.reference}", sender=OTHER_PHONE)).payload["text"]
    assert other == f"Laporan {report.reference} tidak ditemukan untuk nomor Anda. Periksa kembali nomor laporan."
    missing_ref = "2611-0000-000" + _check_symbol("0000000")  # well-formed, but nobody's
    missing = reply_to(sms(f"CEK {missing_ref}")).payload["text"]
    assert missing == other.replace(report.reference, missing_ref)


def test_cek_with_an_unreadable_reference_explains_the_format():
    message = sms("CEK 12345")
    assert message.state == "command_answered"
    assert reply_to(message).payload["text"].startswith("Nomor laporan tidak dikenali")


def test_reference_then_text_adds_information_for_the_reporter(report):
    message = sms(f"{report.reference} Lokasinya di depan masjid Al-Ikhlas")
    assert message.state == "command_answered"
    event = Event.objects.get(report=report, action="add_information")
    assert event.note == "Lokasinya di depan masjid Al-Ikhlas"
    assert event.actor_kind == "reporter" and not event.is_public
    assert "sudah kami terima" in reply_to(message).payload["text"]


def test_reference_then_text_from_another_phone_adds_nothing(report):
    message = sms(f"{report.reference} Informasi palsu", sender=OTHER_PHONE)
    assert not Event.objects.filter(report=report, action="add_information").exists()
    assert "tidak ditemukan" in reply_to(message).payload["text"]


def test_batal_records_the_withdrawal_request_for_the_officer(report):
    message = sms(f"BATAL {report.reference} sudah diperbaiki warga")
    event = Event.objects.get(report=report, action="add_information")
    assert event.note == f"{WITHDRAW_NOTE}: sudah diperbaiki warga"
    report.refresh_from_db()
    assert report.status == "submitted"  # only an officer can withdraw (archive) a report
    assert "diputuskan oleh petugas" in reply_to(message).payload["text"]


def test_batal_from_another_phone_changes_nothing(report):
    sms(f"BATAL {report.reference}", sender=OTHER_PHONE)
    assert not Event.objects.filter(report=report, action="add_information").exists()


@pytest.mark.parametrize("text", ["", "   \n "])
def test_empty_text_lands_in_the_operator_queue_with_a_reason(text):
    message = sms(text)
    assert message.state == "needs_operator"
    assert "kosong" in message.reason
    assert Report.objects.count() == 0
    from aduan.intake.selectors import inbound_operator_queue

    assert list(inbound_operator_queue()) == [message]


def test_alphanumeric_sender_cannot_report_and_waits_for_an_operator():
    message = sms("Promo pulsa murah", sender="TELKOMSEL")
    assert message.state == "needs_operator"
    assert "reporter_phone" in message.reason
    assert Report.objects.count() == 0
    assert InboundMessage.objects.filter(pk=message.pk).exists()


def test_a_bug_in_processing_keeps_the_message(monkeypatch):
    from aduan.intake import services

    def broken(message, draft):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "_create_report", broken)
    message = sms("Pesan yang memicu galat")
    assert message.state == "needs_operator"
    assert message.reason == "internal error: RuntimeError"
    assert Report.objects.count() == 0
