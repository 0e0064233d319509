"""Breach marking, escalation ladder, automatic close and Ombudsman referral."""

from datetime import UTC, datetime, timedelta

import pytest

from aduan.accounts.permissions import Role
from aduan.notifications.models import Outbox
from aduan.reports.models import Event, Report
from aduan.reports.services.sla_jobs import reports_autoclose, sla_breach_scan
from aduan.reports.workflow import Action, Maladministration, Status

from ..factories import member
from .helpers import MON, report_in, run

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Report.objects.order_by("pk").values()),
        Event.objects.count(),
        Outbox.objects.count(),
    )


def test_verification_breach_is_marked_once_and_escalates_to_national(directory, national_admin):
    report, _ = report_in(Status.SUBMITTED, directory, national_admin)
    # Due Thursday 26 Nov 23:59 WIB; on Thursday evening nothing happens.
    assert sla_breach_scan(now=datetime(2026, 11, 26, 16, 0, tzinfo=UTC))["escalated"] == 0
    friday = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
    assert sla_breach_scan(now=friday)["escalated"] == 1
    report.refresh_from_db()
    assert report.breached_verify_at == friday
    # The national desk has no parent: straight to the national administrator.
    assert report.escalation_level == 3
    event = report.events.get(action=Action.ESCALATE)
    assert event.data["missed"] == ["verify"] and event.data["target_agency_id"] is None and not event.is_public
    assert Outbox.objects.filter(channel="internal", recipient="national", payload__action="escalate").count() == 1


def test_breach_job_run_twice_changes_nothing_the_second_time(directory, national_admin):
    for status in (Status.SUBMITTED, Status.DISPOSED, Status.IN_PROGRESS, Status.AWAITING_REPORTER, Status.RESPONDED):
        report_in(status, directory, national_admin)
    later = MON + timedelta(days=21)
    first = sla_breach_scan(now=later)
    assert first["escalated"] >= 3
    before = snapshot()
    second = sla_breach_scan(now=later)
    assert second["escalated"] == 0 and second["referred"] == 0
    assert snapshot() == before


def test_agency_breach_climbs_supervisor_then_parent_then_national(directory, national_admin):
    member(Role.SUPERVISOR, directory.dishub_semarang, username="kadis-dishub")
    report, _ = report_in(Status.DISPOSED, directory, national_admin)
    # Disposed Monday 23 Nov: first response due Mon 30 Nov, resolution (14 HK) due Thu 10 Dec.
    day1 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    sla_breach_scan(now=day1)
    report.refresh_from_db()
    assert report.breached_first_response_at == day1 and report.escalation_level == 1
    first = report.events.filter(action="escalate").last()
    assert first.data["target_agency_id"] == directory.dishub_semarang.pk
    assert first.agency == directory.dishub_semarang
    # Three working days later, still nothing: up to the parent (Pemerintah Kota Semarang).
    sla_breach_scan(now=day1 + timedelta(days=2))
    report.refresh_from_db()
    assert report.escalation_level == 1
    sla_breach_scan(now=datetime(2026, 12, 5, 2, 0, tzinfo=UTC))
    report.refresh_from_db()
    assert report.escalation_level == 2
    assert report.events.filter(action="escalate").last().data["target_agency_id"] == directory.semarang.pk
    sla_breach_scan(now=datetime(2026, 12, 11, 2, 0, tzinfo=UTC))
    report.refresh_from_db()
    assert report.escalation_level == 3 and report.breached_resolution_at is not None
    assert report.events.filter(action="escalate").last().data["target_agency_id"] is None
    assert report.next_escalation_at is None
    recipients = list(Outbox.objects.filter(channel="internal", payload__action="escalate").values_list("recipient", flat=True))
    assert recipients == [f"agency:{directory.dishub_semarang.pk}", f"agency:{directory.semarang.pk}", "national"]


def test_paused_clock_is_never_breached(directory, national_admin):
    report, _ = report_in(Status.AWAITING_REPORTER, directory, national_admin)
    sla_breach_scan(now=MON + timedelta(days=40))
    report.refresh_from_db()
    assert report.escalation_level == 0 and report.breached_resolution_at is None


def test_unresolved_after_60_days_is_referred_to_ombudsman(directory, national_admin):
    report, _ = report_in(Status.IN_PROGRESS, directory, national_admin)
    sla_breach_scan(now=MON + timedelta(days=59))
    report.refresh_from_db()
    assert report.ombudsman_referred_at is None
    sla_breach_scan(now=MON + timedelta(days=61))
    report.refresh_from_db()
    assert report.ombudsman_referred_at is not None
    assert report.maladministration == Maladministration.UNDUE_DELAY
    assert report.events.filter(action="refer_ombudsman", is_public=True).count() == 1
    assert report.status == Status.IN_PROGRESS  # referral does not end the agency's duty
    assert sla_breach_scan(now=MON + timedelta(days=62))["referred"] == 0


def test_autoclose_after_ten_working_days_of_silence(directory, national_admin):
    report, _ = report_in(Status.RESPONDED, directory, national_admin)
    report.refresh_from_db()
    # Responded Monday 23 Nov → 10 HK → Mon 7 Dec 23:59 WIB.
    assert report.autoclose_at == datetime(2026, 12, 7, 16, 59, 59, tzinfo=UTC)
    assert reports_autoclose(now=datetime(2026, 12, 7, 12, 0, tzinfo=UTC)) == 0
    assert reports_autoclose(now=datetime(2026, 12, 8, 1, 0, tzinfo=UTC)) == 1
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    assert report.events.last().actor_kind == "system"
    assert reports_autoclose(now=datetime(2026, 12, 9, 1, 0, tzinfo=UTC)) == 0


def test_reply_stops_autoclose_and_next_follow_up_restarts_it(directory, national_admin, citizen):
    report, _ = report_in(Status.RESPONDED, directory, national_admin, reporter=citizen)
    run(report, Action.REPORTER_REPLY, citizen, directory, now=MON + timedelta(days=2))
    assert reports_autoclose(now=MON + timedelta(days=60)) == 0
    run(report, Action.RESPOND, national_admin, directory, now=MON + timedelta(days=3))
    report.refresh_from_db()
    assert report.autoclose_at == datetime(2026, 12, 10, 16, 59, 59, tzinfo=UTC)


def test_duplicate_is_linked_counted_and_follows_the_canonical(directory, national_admin, verifier):
    canonical, _ = report_in(Status.DISPOSED, directory, national_admin, reporter_email="pertama@example.test")
    dup, _ = report_in(Status.SUBMITTED, directory, national_admin, reporter_email="kedua@example.test")
    run(dup, Action.ARCHIVE, verifier, directory, reason="duplicate", duplicate_of=canonical.reference)
    dup.refresh_from_db()
    canonical.refresh_from_db()
    assert dup.status == Status.ARCHIVED and dup.duplicate_of == canonical
    assert canonical.support_count == 1
    assert Report.objects.filter(pk=dup.pk).exists()  # linked, never deleted
    run(canonical, Action.RESPOND, national_admin, directory, note="Sudah diperbaiki.")
    assert Outbox.objects.filter(recipient="kedua@example.test", payload__via_duplicate=dup.reference).exists()
    # A duplicate of the duplicate points at the root.
    third, _ = report_in(Status.SUBMITTED, directory, national_admin)
    run(third, Action.ARCHIVE, verifier, directory, reason="duplicate", duplicate_of=dup.reference)
    third.refresh_from_db()
    assert third.duplicate_of == canonical


def test_duplicate_needs_a_real_canonical(directory, national_admin, verifier):
    from aduan.core.errors import ValidationFailed

    report, _ = report_in(Status.SUBMITTED, directory, national_admin)
    for target in ("", report.reference, "2611-0000-0000"):
        with pytest.raises(ValidationFailed):
            run(report, Action.ARCHIVE, verifier, directory, reason="duplicate", duplicate_of=target)
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
