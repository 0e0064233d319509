"""The e-mail sender over a real SMTP server on loopback (aiosmtpd): what a citizen's mail
program receives — the reference in the subject, RFC 3834 ``Auto-Submitted``, the
per-report ``Reply-To``, threading headers, a Message-ID stable across re-sends."""

from __future__ import annotations

from datetime import date

import pytest

from aduan.notifications.models import NotificationTemplate, Outbox
from aduan.notifications.services import outbox_enqueue, outbox_send_due
from aduan.reports.services.submit import ReportDraft, report_submit

from .smtp_support import free_port, smtp_server  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
CITIZEN = "warga.uji@contoh.id"


@pytest.fixture
def reply_address(settings):
    settings.ADUAN_EMAIL_REPLY_ADDRESS = "lapor+{reference}@aduan.example.go.id"
    settings.DEFAULT_FROM_EMAIL = "Aduan <no-reply@aduan.example.go.id>"


def submit(email: str = CITIZEN):
    return report_submit(draft=ReportDraft(
        title="Lampu jalan padam", body="Lampu jalan di Jl. Melati padam sejak tiga hari.",
        incident_date=date(2026, 11, 28), channel="web", reporter_email=email,
    )).report


def test_confirmation_reaches_the_smtp_server_with_reference_and_thread_markers(smtp_server, reply_address):
    report = submit()
    assert outbox_send_due() == {"sent": 1, "retry": 0, "failed": 0}
    [mail] = smtp_server.messages
    assert mail.rcpt_tos == [CITIZEN]
    msg = mail.message
    assert msg["Subject"] == f"Laporan Anda diterima: [{report.reference}]"
    assert msg["From"] == "Aduan <no-reply@aduan.example.go.id>"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["X-Auto-Response-Suppress"] == "All"
    compact = report.reference.replace("-", "").lower()
    assert msg["Reply-To"] == f"lapor+{compact}@aduan.example.go.id"
    row = Outbox.objects.get(template="report_submitted")
    assert msg["Message-ID"] == f"<outbox-{row.pk}@aduan.example.go.id>"
    body = msg.get_content()
    assert f'Laporan Anda "Lampu jalan padam" telah kami terima dengan nomor {report.reference}' in body
    assert "/lacak/?ref=" in body
    row.refresh_from_db()
    assert row.state == "sent"


def test_without_a_reply_address_setting_there_is_no_reply_to_but_the_subject_still_threads(smtp_server, settings):
    settings.ADUAN_EMAIL_REPLY_ADDRESS = ""
    report = submit()
    outbox_send_due()
    msg = smtp_server.messages[0].message
    assert msg["Reply-To"] is None
    assert f"[{report.reference}]" in msg["Subject"]


def test_english_when_the_row_asks_for_english(smtp_server, reply_address):
    outbox_enqueue(channel="email", recipient=CITIZEN, template="report_event", dedupe_key="uji:en",
                   payload={"reference": "2611-K7QX-M9P3", "title": "Street light out", "status_label": "In progress",
                            "agency": "Dinas Perhubungan", "language": "en"})
    outbox_send_due()
    msg = smtp_server.messages[0].message
    assert msg["Subject"] == "Update on report [2611-K7QX-M9P3]: In progress"
    assert 'Report 2611-K7QX-M9P3 ("Street light out") now has the status: In progress.' in msg.get_content()
    assert "Agency handling it: Dinas Perhubungan" in msg.get_content()


def test_answer_to_a_citizens_mail_threads_under_it_without_repeating_the_tag(smtp_server, reply_address):
    ref = "2611-K7QX-M9P3"
    outbox_enqueue(channel="email", recipient=CITIZEN, template="channel_reply", dedupe_key="uji:reply",
                   payload={"text": "Informasi tambahan sudah kami terima.", "reference": ref,
                            "subject": f"Re: Laporan Anda diterima: [{ref}]", "in_reply_to": "<balasan-1@mail.contoh.id>"})
    outbox_send_due()
    msg = smtp_server.messages[0].message
    assert msg["Subject"] == f"Re: Laporan Anda diterima: [{ref}]"
    assert msg["In-Reply-To"] == "<balasan-1@mail.contoh.id>"
    assert msg["References"] == "<balasan-1@mail.contoh.id>"
    assert msg["Auto-Submitted"] == "auto-replied"
    assert msg["Reply-To"] == "lapor+2611k7qxm9p3@aduan.example.go.id"
    assert msg.get_content().strip() == "Informasi tambahan sudah kami terima."


def test_an_officials_template_without_the_reference_still_gets_it_in_the_subject(smtp_server, reply_address):
    NotificationTemplate.objects.create(key="report_submitted", variant="subject", language="id", text="Terima kasih atas laporan Anda")
    report = submit()
    outbox_send_due()
    assert smtp_server.messages[0].message["Subject"] == f"[{report.reference}] Terima kasih atas laporan Anda"


def test_mail_to_an_official_has_the_reference_but_no_per_report_reply_address(smtp_server, reply_address):
    outbox_enqueue(channel="email", recipient="petugas.uji@dishub.contoh.go.id", template="official_assignment",
                   dedupe_key="uji:official", payload={"reference": "2611-K7QX-M9P3", "title": "Lampu", "agency": "Dishub"})
    outbox_send_due()
    msg = smtp_server.messages[0].message
    assert "[2611-K7QX-M9P3]" in msg["Subject"]
    assert msg["Reply-To"] is None


def test_a_resent_row_keeps_its_message_id(smtp_server, reply_address):
    submit()
    outbox_send_due()
    row = Outbox.objects.get(template="report_submitted")
    Outbox.objects.filter(pk=row.pk).update(state=Outbox.State.PENDING)  # as if the worker died after sending
    outbox_send_due()
    first, second = smtp_server.messages
    assert first.message["Message-ID"] == second.message["Message-ID"] == f"<outbox-{row.pk}@aduan.example.go.id>"


def test_smtp_server_down_leaves_the_row_for_a_retry(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 5
    submit()
    assert outbox_send_due() == {"sent": 0, "retry": 1, "failed": 0}
    row = Outbox.objects.get(template="report_submitted")
    assert row.state == "pending" and row.attempts == 1 and row.last_error
