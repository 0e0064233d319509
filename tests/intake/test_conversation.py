"""A full conversation by SMS (issue #5, "must hold"): report → reference reply → CEK →
status reply → the agency responds → an SMS to the citizen."""

from __future__ import annotations

import pytest

from aduan.intake.models import InboundMessage
from aduan.notifications.models import Outbox
from aduan.reports.models import Report
from aduan.reports.services.transition import report_transition
from aduan.reports.workflow import Action, Status

from .support import PHONE, SECRET, post_generic

pytestmark = pytest.mark.django_db


def test_full_sms_conversation(client, settings, directory, verifier, liaison_officer):
    settings.INTAKE_SMS_SECRET = SECRET

    # 1. The citizen reports by SMS and gets the reference back on SMS.
    post_generic(client, {"id": "c-1", "from": PHONE, "text": "Lampu lalu lintas Simpang Lima mati sejak kemarin"})
    report = Report.objects.get()
    confirmation = Outbox.objects.get(channel="sms", template="report_submitted")
    assert confirmation.recipient == PHONE
    assert confirmation.payload["reference"] == report.reference

    # 2. CEK → the status, to the same phone.
    post_generic(client, {"id": "c-2", "from": PHONE, "text": f"CEK {report.reference}"})
    cek = InboundMessage.objects.get(external_id="generic:c-2")
    status_reply = Outbox.objects.get(dedupe_key=f"inbound:{cek.pk}:reply")
    assert status_reply.recipient == PHONE
    assert status_reply.payload["text"] == f"Laporan {report.reference}: Menunggu verifikasi."

    # 3. Officials dispose and respond; the citizen hears it by SMS.
    report_transition(report=report, action=Action.VERIFY_DISPOSE, actor=verifier,
                      expected_status=Status.SUBMITTED, agency=directory.dishub_semarang.pk)
    report_transition(report=report, action=Action.RESPOND, actor=liaison_officer(directory.dishub_semarang),
                      expected_status=Status.DISPOSED, note="Lampu sudah diperbaiki petugas.")
    events = Outbox.objects.filter(channel="sms", template="report_event", recipient=PHONE).order_by("id")
    assert [row.payload["action"] for row in events] == ["verify_dispose", "respond"]
    assert events.last().payload["note"] == "Lampu sudah diperbaiki petugas."

    # 4. CEK again shows the new status and the agency.
    post_generic(client, {"id": "c-3", "from": PHONE, "text": f"status {report.reference}"})
    again = InboundMessage.objects.get(external_id="generic:c-3")
    text = Outbox.objects.get(dedupe_key=f"inbound:{again.pk}:reply").payload["text"]
    assert text == f"Laporan {report.reference}: Tindak lanjut diberikan. Instansi: Dinas Perhubungan Kota Semarang."

    # 5. The citizen answers the response by SMS: it reopens the follow-up (REPORTER_REPLY).
    post_generic(client, {"id": "c-4", "from": PHONE, "text": f"{report.reference} Lampu masih mati malam ini"})
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS
    assert report.events.filter(action="reporter_reply", note="Lampu masih mati malam ini").exists()


def test_clarification_request_answered_by_sms_resumes_the_report(client, settings, directory, verifier, liaison_officer):
    settings.INTAKE_SMS_SECRET = SECRET
    post_generic(client, {"id": "k-1", "from": PHONE, "text": "Trotoar rusak"})
    report = Report.objects.get()
    report_transition(report=report, action=Action.VERIFY_DISPOSE, actor=verifier,
                      expected_status=Status.SUBMITTED, agency=directory.dishub_semarang.pk)
    report_transition(report=report, action=Action.REQUEST_CLARIFICATION, actor=liaison_officer(directory.dishub_semarang),
                      expected_status=Status.DISPOSED, note="Di jalan mana?")
    assert Outbox.objects.filter(channel="sms", template="report_event", payload__action="request_clarification").exists()
    post_generic(client, {"id": "k-2", "from": PHONE, "text": f"{report.reference} Jl. Pemuda depan Lawang Sewu"})
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS
    assert report.events.filter(action="provide_clarification").exists()
