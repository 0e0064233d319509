"""The life of a report end to end through the services, as DESIGN.md §5 tells it."""

from datetime import UTC, datetime, timedelta

import pytest

from aduan.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from aduan.notifications.models import Outbox
from aduan.reports.actors import ReporterToken
from aduan.reports.models import Disposition, Event, Report
from aduan.reports.services.transition import report_transition
from aduan.reports.workflow import Action, Status

from ..factories import submit

pytestmark = pytest.mark.django_db

MON = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB


def act(report, action, actor, now=None, **kw):
    report.refresh_from_db()
    return report_transition(report=report, action=action, actor=actor, expected_status=report.status, now=now or MON, **kw)


def test_submit_gives_reference_token_deadline_and_confirmation(directory, citizen):
    report, token = submit(actor=citizen, now=MON, category="jalan", region_code="33.74.01.1001")
    assert report.status == Status.SUBMITTED
    assert len(report.reference) == 14 and report.reference.startswith("2611-")
    assert token and token not in report.token_hash
    # 3 working days after Monday: Thursday 23:59:59 WIB.
    assert report.verify_due_at == datetime(2026, 11, 26, 16, 59, 59, tzinfo=UTC)
    assert report.events.get().action == "submit"
    row = Outbox.objects.get(template="report_submitted")
    assert row.recipient == "siti@example.test"
    assert token in row.payload["track_url"]
    assert row.payload["track_url"].split("/lacak/?", 1)[1].startswith("ref=")  # the track page's own parameters


def test_full_path_verify_follow_up_respond_confirm(directory, verifier, liaison_officer, citizen):
    officer = liaison_officer(directory.dishub_semarang)
    report, _ = submit(actor=citizen, now=MON, category="jalan")
    act(report, Action.VERIFY_DISPOSE, verifier, agency=directory.dishub_semarang.pk)
    report.refresh_from_db()
    assert report.status == Status.DISPOSED and report.agency == directory.dishub_semarang
    assert report.first_response_due_at == datetime(2026, 11, 30, 16, 59, 59, tzinfo=UTC)  # 5 HK → Mon 30 Nov
    assert report.resolution_tier == "no_field_check"
    act(report, Action.START_FOLLOW_UP, officer, now=MON + timedelta(days=1))
    act(report, Action.RESPOND, officer, now=MON + timedelta(days=2), note="Lubang sudah ditambal.")
    report.refresh_from_db()
    assert report.status == Status.RESPONDED
    assert report.autoclose_at is not None
    act(report, Action.CONFIRM, citizen, now=MON + timedelta(days=3), rating=5)
    report.refresh_from_db()
    assert report.status == Status.CLOSED and report.rating == 5 and report.closed_at
    assert list(report.events.values_list("action", flat=True)) == [
        "submit", "verify_dispose", "start_follow_up", "respond", "confirm"]
    assert report.dispositions.get().end_reason == Disposition.EndReason.CLOSED


def test_not_authority_returns_to_coordinator_keeps_clock_and_tells_citizen(directory, verifier, liaison_officer, citizen):
    officer = liaison_officer(directory.dishub_semarang)
    report, _ = submit(actor=citizen, now=MON)
    act(report, Action.VERIFY_DISPOSE, verifier, agency=directory.dishub_semarang.pk)
    report.refresh_from_db()
    due = (report.first_response_due_at, report.resolution_due_at)
    act(report, Action.NOT_AUTHORITY, officer, now=MON + timedelta(days=1),
        note="Jalan provinsi, kewenangan DPU provinsi.", suggested_agency=directory.dpu_jateng.pk)
    report.refresh_from_db()
    assert report.status == Status.RETURNED and report.agency is None
    first = report.dispositions.get()
    assert first.end_reason == Disposition.EndReason.NOT_AUTHORITY and first.suggested_agency == directory.dpu_jateng
    assert Outbox.objects.filter(template="report_event", recipient="siti@example.test",
                                 payload__action="not_authority").exists()
    act(report, Action.VERIFY_DISPOSE, verifier, now=MON + timedelta(days=2), agency=directory.dpu_jateng.pk)
    report.refresh_from_db()
    assert report.status == Status.DISPOSED and report.agency == directory.dpu_jateng
    assert (report.first_response_due_at, report.resolution_due_at) == due
    assert report.dispositions.count() == 2


def test_agency_can_never_close_or_archive(directory, verifier, liaison_officer, agency_admin, citizen):
    report, _ = submit(actor=citizen, now=MON)
    act(report, Action.VERIFY_DISPOSE, verifier, agency=directory.dishub_semarang.pk)
    for official in (liaison_officer(directory.dishub_semarang), agency_admin(directory.dishub_semarang)):
        for action in (Action.CLOSE, Action.ARCHIVE):
            report.refresh_from_db()
            with pytest.raises((PermissionDenied, InvalidTransition)):
                act(report, action, official, reason="unclear")
    report.refresh_from_db()
    assert report.status == Status.DISPOSED


def test_clarification_pauses_and_resumes_clock(directory, verifier, liaison_officer, citizen):
    officer = liaison_officer(directory.dishub_semarang)
    report, token = submit(now=MON, reporter_email="tamu@example.test")
    act(report, Action.VERIFY_DISPOSE, verifier, agency=directory.dishub_semarang.pk)
    report.refresh_from_db()
    due = report.resolution_due_at
    act(report, Action.REQUEST_CLARIFICATION, officer, now=MON + timedelta(days=1), note="Mohon foto lokasi.")
    # Reporter answers the following Monday: Wed, Thu, Fri, Mon = 4 working days waited.
    act(report, Action.PROVIDE_CLARIFICATION, ReporterToken(report.pk), now=MON + timedelta(days=7), note="Foto terlampir.")
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS
    assert report.paused_working_days == 4
    assert report.resolution_due_at > due


def test_reporter_reply_keeps_report_open(directory, verifier, liaison_officer, citizen):
    officer = liaison_officer(directory.dishub_semarang)
    report, _ = submit(actor=citizen, now=MON)
    act(report, Action.VERIFY_DISPOSE, verifier, agency=directory.dishub_semarang.pk)
    act(report, Action.RESPOND, officer, note="Sudah diperbaiki.")
    act(report, Action.REPORTER_REPLY, citizen, note="Belum, masih berlubang.")
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS and report.autoclose_at is None


def test_bad_transition_input_changes_nothing(directory, verifier, citizen):
    report, _ = submit(actor=citizen, now=MON)
    with pytest.raises(ValidationFailed):
        act(report, Action.VERIFY_DISPOSE, verifier, agency=999999)
    with pytest.raises(ValidationFailed):
        act(report, Action.ARCHIVE, verifier, reason="because")
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert Event.objects.filter(report=report).count() == 1
    assert Report.objects.get(pk=report.pk).dispositions.count() == 0
