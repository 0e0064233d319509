"""The guided conversation engine shared by WhatsApp and Telegram (aduan/intake/conversation.py),
driven with ``ChatInput`` values as the adapters produce them. Media downloads go to the
channels' servers (off-machine); here ``download`` stands in for them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.agencies.models import Category
from aduan.intake.adapters import Ignore, IntakeCommand, IntakeDraft, IntakeReply
from aduan.intake.conversation import ChatInput, ChatMedia, conversation_step, conversations_close_idle
from aduan.intake.models import Conversation, InboundMessage

from .chat_support import PDF_BYTES, jpeg_bytes

pytestmark = pytest.mark.django_db

PHONE = "+6281234567001"
BASE = timezone.now() - timedelta(hours=1)


class Downloads:
    """What the channel's media server returns, by media id (None: the download failed)."""

    def __init__(self, files: dict | None = None):
        self.files = files or {}
        self.calls: list[list[str]] = []

    def __call__(self, refs):
        self.calls.append([r["media_id"] for r in refs])
        return [self.files.get(r["media_id"]) for r in refs]


def say(order: int, *, download=None, channel="whatsapp", sender=PHONE, **fields):
    """One message of the citizen, stored as the webhook would, then handled by the engine."""
    key = f"uji-{channel}-{sender}-{order}-{InboundMessage.objects.count()}"
    message = InboundMessage.objects.create(channel=channel, external_id=key, sender=sender, text=fields.get("text", ""))
    incoming = ChatInput(channel=channel, sender=sender, sent_at=BASE + timedelta(seconds=order), order=float(order),
                         reporter_phone=PHONE if channel == "whatsapp" else "", reporter_name="Budi Penguji", **fields)
    return conversation_step(message, incoming, download=download or Downloads())


def test_every_step_in_order_gives_a_complete_draft(directory):
    assert isinstance(say(1, text="Jalan   berlubang di depan  SD Negeri 3 sejak seminggu lalu"), IntakeReply)
    assert isinstance(say(2, latitude=-6.98, longitude=110.41, place="Simpang Lima"), IntakeReply)
    draft = say(3, text="2")
    assert isinstance(draft, IntakeDraft)
    assert draft.title == "Jalan berlubang di depan SD Negeri 3 sejak ..."
    assert draft.body == "Jalan berlubang di depan SD Negeri 3 sejak seminggu lalu"
    assert (draft.channel, draft.kind, draft.category) == ("whatsapp", "complaint", "jalan")
    assert (draft.latitude, draft.longitude, draft.address) == (-6.98, 110.41, "Simpang Lima")
    assert (draft.reporter_phone, draft.reporter_name, draft.reply_address) == (PHONE, "Budi Penguji", "")
    assert draft.incident_date == timezone.localdate()
    conversation = Conversation.objects.get()
    assert conversation.step == "done" and conversation.closed_at is not None
    assert conversation.data["final_message"] == InboundMessage.objects.order_by("-id").first().pk


def test_category_answers_by_number_name_slug_or_a_unique_prefix(directory):
    Category.objects.create(name="Infrastruktur air bersih", slug="air-bersih")
    say(1, text="Masalah")
    say(2, text="Jl. Mawar 1")
    for answer, expected in [("12", None), ("infrastruktur", None), ("kesehatan", None)]:
        reply = say(3, text=answer)
        assert isinstance(reply, IntakeReply) and "Pilihan tidak dikenali." in reply.text, answer
    assert say(4, text="ADMINDUK").category == "adminduk"


@pytest.mark.parametrize("answer", ["0", "lewati", "Tidak tahu"])
def test_zero_or_skip_leaves_the_category_to_routing(directory, answer):
    say(1, text="Masalah")
    say(2, text="Jl. Mawar 1")
    draft = say(3, text=answer)
    assert isinstance(draft, IntakeDraft) and draft.category is None


def test_at_most_nine_categories_are_offered_by_number(directory):
    for n in range(12):
        Category.objects.create(name=f"Topik {n:02d}", slug=f"topik-{n:02d}")
    Category.objects.create(name="Aaa nonaktif", slug="nonaktif", is_active=False)
    Category.objects.create(name="Aab sub", slug="sub", parent=directory.road)
    say(1, text="Masalah")
    reply = say(2, text="Jl. Mawar 1")
    lines = reply.text.splitlines()
    numbered = [line for line in lines if line[:2] in {f"{n}." for n in range(10)}]
    assert numbered[0] == "1. Administrasi kependudukan" and numbered[-1] == "0. Lewati/tidak tahu"
    assert len(numbered) == 10
    assert "nonaktif" not in reply.text and "Aab sub" not in reply.text


def test_without_active_categories_the_question_is_skipped(db):
    say(1, text="Masalah")
    draft = say(2, latitude=-6.98, longitude=110.41)
    assert isinstance(draft, IntakeDraft) and draft.category is None


def test_media_are_downloaded_once_when_the_draft_is_built(directory):
    downloads = Downloads({"m1": jpeg_bytes(), "m2": PDF_BYTES})
    say(1, media=(ChatMedia("m1", "image", mime="image/jpeg"),), text="Banjir", download=downloads)
    say(2, media=(ChatMedia("m2", "document", filename="C:\\Dokumen\\laporan.pdf", mime="application/pdf"),), download=downloads)
    say(3, media=(ChatMedia("m1", "image"),), download=downloads)  # the same media id again: kept once
    say(4, text="Jl. Mawar 1", download=downloads)
    assert downloads.calls == []
    draft = say(5, text="1", download=downloads)
    assert downloads.calls == [["m1", "m2"]]
    assert [a.name for a in draft.attachments] == ["foto-1.jpg", "laporan.pdf"]


def test_files_that_cannot_be_fetched_or_are_refused_are_left_out_and_counted(directory):
    downloads = Downloads({"ok": jpeg_bytes(), "bad": b"bukan berkas yang diterima"})
    for n, media_id in enumerate(["ok", "lost", "bad"], 1):
        say(n, media=(ChatMedia(media_id, "document", filename=f"{media_id}.jpg"),), download=downloads)
    say(4, text="Pagar sekolah roboh")
    say(5, text="Jl. Mawar 1")
    draft = say(6, text="0", download=downloads)
    assert [a.name for a in draft.attachments] == ["ok.jpg"]
    assert draft.body == "Pagar sekolah roboh\n\n(2 lampiran tidak dapat diunduh atau ditolak.)"


def test_a_failing_media_server_does_not_lose_the_report(directory):
    def broken(refs):
        raise ConnectionError("graph.facebook.com unreachable")

    say(1, text="Pagar roboh", media=(ChatMedia("m1", "image"),))
    say(2, text="Jl. Mawar 1")
    draft = say(3, text="0", download=broken)
    assert draft.attachments == [] and "(1 lampiran" in draft.body


def test_more_files_than_allowed_are_refused_with_a_message(directory, settings):
    settings.ADUAN_ATTACHMENTS_MAX_COUNT = 2
    say(1, text="Masalah", media=(ChatMedia("m1", "image"),))
    say(2, media=(ChatMedia("m2", "image"),))
    reply = say(3, media=(ChatMedia("m3", "image"),))
    assert "Lampiran paling banyak 2 berkas" in reply.text
    assert [m["media_id"] for m in Conversation.objects.get().data["media"]] == ["m1", "m2"]


def test_start_in_the_middle_repeats_the_pending_question(directory):
    say(1, text="Masalah")
    reply = say(2, command="start")
    assert reply.text.startswith("Selamat datang") and "Kirim lokasi" in reply.text
    assert Conversation.objects.get().step == "ask_location"


def test_reference_and_text_as_a_first_message_is_added_information(directory):
    from aduan.reports.services.submit import ReportDraft, report_submit

    report = report_submit(draft=ReportDraft(title="Jalan", body="Jalan rusak", incident_date=timezone.localdate(),
                                             channel="whatsapp", reporter_phone=PHONE)).report
    command = say(1, text=f"{report.reference} sudah dua minggu", media=(ChatMedia("m1", "image"),),
                  download=Downloads({"m1": jpeg_bytes()}))
    assert isinstance(command, IntakeCommand)
    assert (command.verb, command.reference, command.text) == ("add", report.reference, "sudah dua minggu")
    assert [a.name for a in command.attachments] == ["foto-1.jpg"]
    # While a draft is open the same words are an answer (here: the address), and CEK still works.
    say(2, text="Lampu mati")
    assert isinstance(say(3, text=f"{report.reference} Jl. Mawar"), IntakeReply)
    assert Conversation.objects.get(closed_at__isnull=True).data["address"]["text"] == f"{report.reference} Jl. Mawar"
    status = say(4, text=f"status {report.reference}")
    assert isinstance(status, IntakeCommand) and status.verb == "status"


def test_batal_with_a_reference_asks_to_withdraw_that_report_and_keeps_the_draft(directory):
    from aduan.reports.services.submit import ReportDraft, report_submit

    report = report_submit(draft=ReportDraft(title="Jalan", body="Jalan rusak", incident_date=timezone.localdate(),
                                             channel="whatsapp", reporter_phone=PHONE)).report
    say(1, text="Masalah baru")
    command = say(2, text=f"BATAL {report.reference} sudah diperbaiki")
    assert isinstance(command, IntakeCommand) and command.verb == "withdraw"
    assert Conversation.objects.get().closed_at is None


def test_a_message_sent_before_batal_but_delivered_after_it_is_ignored(directory):
    say(1, text="Masalah")
    say(5, text="batal")
    with pytest.raises(Ignore):
        say(3, text="Jl. Mawar 1")
    assert Conversation.objects.filter(closed_at__isnull=True).count() == 0


def test_a_bare_batal_without_a_draft_says_there_is_nothing_to_cancel(db):
    reply = say(1, text="Batal")
    assert reply.text.startswith("Tidak ada laporan yang sedang dibuat.")
    assert Conversation.objects.count() == 0


def test_an_older_category_answer_delivered_after_the_newer_one_is_dropped(directory):
    say(1, text="Masalah")
    say(2, text="Jl. Mawar 1")  # the category question is asked after this one
    draft = say(4, text="1")  # the citizen's second thought, delivered first
    assert draft.category == "adminduk"
    with pytest.raises(Ignore):
        say(3, text="2")  # the first answer, delivered last: not added to the report as information


def test_a_late_description_line_is_added_to_the_report(directory):
    from aduan.reports.services.submit import ReportDraft, report_submit

    say(1, text="Masalah")
    say(3, text="Jl. Mawar 1")
    draft = say(4, text="1")
    report = report_submit(draft=ReportDraft(title=draft.title, body=draft.body, incident_date=draft.incident_date,
                                             channel="whatsapp", reporter_phone=PHONE)).report
    InboundMessage.objects.filter(pk=Conversation.objects.get().data["final_message"]).update(report=report)
    command = say(2, text="sudah tiga hari")  # sent before the location question was answered
    assert isinstance(command, IntakeCommand)
    assert (command.verb, command.reference, command.text) == ("add", report.reference, "sudah tiga hari")


def test_idle_conversations_are_closed_by_the_sweep(db):
    say(1, text="Masalah")
    assert conversations_close_idle(now=timezone.now()) == 0
    assert conversations_close_idle(now=timezone.now() + timedelta(hours=25)) == 1
    assert Conversation.objects.get().step == "expired"


def test_one_open_conversation_per_channel_and_sender(directory):
    say(1, text="Lewat WhatsApp")
    say(1, text="Lewat Telegram", channel="telegram", sender="5550001", reply_address="5550001")
    say(2, text="Nomor lain", sender="+6281234567002")
    assert Conversation.objects.filter(closed_at__isnull=True).count() == 3
    telegram = Conversation.objects.get(channel="telegram")
    assert telegram.reply_address == "5550001"


def test_a_caption_is_description_even_when_the_location_was_asked(directory):
    say(1, text="Jalan amblas")
    reply = say(2, media=(ChatMedia("m1", "image"),), text="tampak dari utara")
    assert "Lampiran diterima." in reply.text and "Kirim lokasi" in reply.text
    data = Conversation.objects.get().data
    assert [t for _o, t in data["texts"]] == ["Jalan amblas", "tampak dari utara"] and "address" not in data
