"""IMAP polling against a real Dovecot on loopback, and the full e-mail round trip:
a citizen's mail in the mailbox → report → confirmation over real SMTP (aiosmtpd) → the
citizen answers that confirmation → the information lands on the same report."""

from __future__ import annotations

import imaplib
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError

from aduan.intake import email_inbound
from aduan.intake.email_inbound import email_receive_raw, imap_poll
from aduan.intake.models import InboundMessage
from aduan.notifications.models import Outbox
from aduan.notifications.services import outbox_send_due
from aduan.reports.models import Attachment, Event, Report

from ..notifications.smtp_support import free_port, smtp_server  # noqa: F401  (fixture)
from .imap_server import append, dovecot, folder_uids, mailbox  # noqa: F401  (fixtures)
from .mail_samples import CITIZEN, plain, png_bytes

pytestmark = pytest.mark.django_db(transaction=True)

OTHER_CITIZEN = "budi.uji@contoh.id"


def test_poll_makes_one_report_per_message_and_moves_them_out_of_the_inbox(mailbox):
    append(mailbox, plain(subject="Lampu jalan padam di Jl. Melati"))
    append(mailbox, plain(subject="Got mampet di Jl. Kenari", sender=OTHER_CITIZEN, name="Budi Uji"))
    assert imap_poll() == {"fetched": 2, "stored": 2, "new": 2, "failed": 0}
    assert sorted(Report.objects.values_list("title", flat=True)) == ["Got mampet di Jl. Kenari", "Lampu jalan padam di Jl. Melati"]
    assert set(InboundMessage.objects.values_list("gateway", "state")) == {("imap", "report_created")}
    confirmations = Outbox.objects.filter(template="report_submitted", channel="email")
    assert sorted(confirmations.values_list("recipient", flat=True)) == [OTHER_CITIZEN, CITIZEN]
    assert folder_uids(mailbox, "INBOX") == []
    assert len(folder_uids(mailbox, "Diproses")) == 2
    assert imap_poll() == {"fetched": 0, "stored": 0, "new": 0, "failed": 0}
    assert Report.objects.count() == 2


def test_without_a_done_folder_messages_are_flagged_seen_and_not_fetched_again(mailbox, settings):
    settings.INTAKE_IMAP_DONE_FOLDER = ""
    append(mailbox, plain())
    assert imap_poll()["new"] == 1
    assert len(folder_uids(mailbox, "INBOX")) == 1
    assert folder_uids(mailbox, "INBOX", "UNSEEN") == []
    assert imap_poll()["fetched"] == 0
    assert Report.objects.count() == 1


def test_a_message_that_cannot_be_stored_stays_unseen_for_the_next_poll(mailbox, settings, monkeypatch):
    settings.INTAKE_IMAP_DONE_FOLDER = ""
    append(mailbox, plain())
    real = email_inbound.inbound_receive

    def database_down(**kwargs):
        raise OperationalError("database is unavailable")  # fault injection: the store itself fails

    monkeypatch.setattr(email_inbound, "inbound_receive", database_down)
    assert imap_poll() == {"fetched": 1, "stored": 0, "new": 0, "failed": 1}
    assert len(folder_uids(mailbox, "INBOX", "UNSEEN")) == 1  # fetched with BODY.PEEK[]: still unread
    monkeypatch.setattr(email_inbound, "inbound_receive", real)
    assert imap_poll() == {"fetched": 1, "stored": 1, "new": 1, "failed": 0}
    assert Report.objects.count() == 1


def test_the_date_the_mail_server_received_it_is_the_incident_date(mailbox):
    arrived = datetime(2026, 11, 27, 22, 30, tzinfo=UTC)  # 28 November, 05:30 WIB
    typ, _data = mailbox.append("INBOX", None, arrived, plain())
    assert typ == "OK"
    imap_poll()
    message = InboundMessage.objects.get()
    assert message.received_at == arrived
    assert message.report.incident_date == date(2026, 11, 28)


def test_the_same_mail_by_webhook_and_in_the_mailbox_is_one_report(mailbox):
    raw = plain()
    email_receive_raw(raw, gateway="mailgun")
    append(mailbox, raw)
    assert imap_poll() == {"fetched": 1, "stored": 1, "new": 0, "failed": 0}
    assert Report.objects.count() == 1
    assert Outbox.objects.filter(template="report_submitted").count() == 1
    assert folder_uids(mailbox, "INBOX") == []


def test_management_command_polls_once_and_prints_the_counts(mailbox, capsys):
    append(mailbox, plain())
    call_command("intake_imap")
    assert capsys.readouterr().out.strip() == "fetched=1 stored=1 new=1 failed=0"


def test_command_reports_an_unreachable_server_or_a_missing_setting(settings):
    settings.INTAKE_IMAP_HOST, settings.INTAKE_IMAP_PORT, settings.INTAKE_IMAP_SSL = "127.0.0.1", free_port(), False
    with pytest.raises(CommandError, match="IMAP poll failed: ConnectionRefusedError"):
        call_command("intake_imap")
    settings.INTAKE_IMAP_HOST = ""
    with pytest.raises(CommandError, match="INTAKE_IMAP_HOST is not set"):
        call_command("intake_imap")


def test_the_worker_polls_every_minute_only_when_a_mailbox_is_configured(mailbox, settings):
    from huey.contrib.djhuey import HUEY

    from aduan.intake.tasks import intake_imap_poll_task

    assert "intake_imap_poll_task" in {t.name for t in HUEY._registry.periodic_tasks}
    append(mailbox, plain())
    assert intake_imap_poll_task.call_local() == {"fetched": 1, "stored": 1, "new": 1, "failed": 0}
    settings.INTAKE_IMAP_HOST = ""
    append(mailbox, plain())
    assert intake_imap_poll_task.call_local() is None
    assert Report.objects.count() == 1


def test_round_trip_mail_report_confirmation_reply_adds_to_the_same_report(mailbox, smtp_server, settings):
    settings.ADUAN_EMAIL_REPLY_ADDRESS = "lapor+{reference}@aduan.example.go.id"
    settings.DEFAULT_FROM_EMAIL = "Aduan <no-reply@aduan.example.go.id>"
    # 1. The citizen writes to the mailbox; the poll makes the report.
    append(mailbox, plain(subject="Kabel listrik menjuntai di Jl. Dahlia"))
    imap_poll()
    report = Report.objects.get()
    # 2. The worker sends the confirmation over SMTP.
    assert outbox_send_due()["sent"] == 1
    [confirmation] = smtp_server.messages
    assert confirmation.rcpt_tos == [CITIZEN]
    received = confirmation.message
    assert f"[{report.reference}]" in received["Subject"]
    # 3. The citizen presses "Reply" in their mail program: To = Reply-To, Re: subject, threading headers.
    answer = EmailMessage()
    answer["From"] = f"Sri Wahyuni Uji <{CITIZEN}>"
    answer["To"] = received["Reply-To"]
    answer["Subject"] = "Re: " + received["Subject"]
    answer["Message-ID"] = make_msgid(domain="mail.contoh.id")
    answer["In-Reply-To"] = received["Message-ID"]
    answer["References"] = received["Message-ID"]
    quoted = "\n".join("> " + line for line in received.get_content().splitlines())
    answer.set_content(f"Kabelnya sekarang hampir menyentuh tanah.\n\nPada Sen, 30 Nov 2026, Aduan menulis:\n{quoted}\n")
    answer.add_attachment(png_bytes(48), maintype="image", subtype="png", filename="kabel.png")
    append(mailbox, answer.as_bytes())
    # 4. The next poll adds it to the same report, as the reporter, with the photo.
    assert imap_poll()["new"] == 1
    assert Report.objects.count() == 1
    event = Event.objects.get(report=report, action="add_information")
    assert event.note == "Kabelnya sekarang hampir menyentuh tanah."
    assert event.actor_kind == "reporter"
    assert list(Attachment.objects.filter(report=report).values_list("original_name", flat=True)) == ["kabel.png"]
    # 5. The acknowledgement goes back under the citizen's own subject, threaded.
    outbox_send_due()
    ack = smtp_server.messages[-1].message
    assert ack["In-Reply-To"] == answer["Message-ID"]
    assert ack["Subject"] == answer["Subject"]
    assert "Informasi tambahan untuk laporan" in ack.get_content()


def test_wrong_password_stores_nothing(mailbox, settings):
    # Last in the module: Dovecot delays the next login from this address after a failure.
    settings.INTAKE_IMAP_PASSWORD = "salah"
    append(mailbox, plain())
    with pytest.raises(imaplib.IMAP4.error):
        imap_poll()
    assert InboundMessage.objects.count() == 0
    assert len(folder_uids(mailbox, "INBOX", "UNSEEN")) == 1
