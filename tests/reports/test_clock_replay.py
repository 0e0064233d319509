"""The stored clock can be recomputed from the event log alone (DESIGN.md rule 6)."""

from datetime import timedelta

import pytest

from aduan.reports.actors import ReporterToken
from aduan.reports.models import Report
from aduan.reports.sla import REPLAYED, deadlines_replay
from aduan.reports.workflow import Action, Status
from aduan.standards.models import CalendarDay

from .helpers import MON, report_in, run

pytestmark = pytest.mark.django_db


def stored(report):
    report = Report.objects.get(pk=report.pk)
    return {name: getattr(report, name) for name in REPLAYED}


def test_replay_matches_a_long_history(directory, national_admin):
    report, _ = report_in(Status.DISPOSED, directory, national_admin, category="jalan")
    token = ReporterToken(report.pk)
    run(report, Action.START_FOLLOW_UP, national_admin, directory, now=MON + timedelta(days=1))
    run(report, Action.REQUEST_CLARIFICATION, national_admin, directory, now=MON + timedelta(days=2))
    run(report, Action.PROVIDE_CLARIFICATION, token, directory, now=MON + timedelta(days=9))
    run(report, Action.NOT_AUTHORITY, national_admin, directory, now=MON + timedelta(days=10))
    run(report, Action.VERIFY_DISPOSE, national_admin, directory, now=MON + timedelta(days=11), agency=directory.dpu_jateng.pk)
    run(report, Action.RESPOND, national_admin, directory, now=MON + timedelta(days=12))
    run(report, Action.DISPUTE, token, directory, now=MON + timedelta(days=13))
    run(report, Action.RESPOND, national_admin, directory, now=MON + timedelta(days=15))
    assert deadlines_replay(report) == stored(report)
    assert stored(report)["autoclose_at"] is not None


@pytest.mark.parametrize("status", list(Status), ids=str)
def test_replay_matches_in_every_status(status, directory, national_admin):
    report, _ = report_in(status, directory, national_admin)
    assert deadlines_replay(report) == stored(report)


def test_replay_shows_a_calendar_edited_afterwards(directory, national_admin):
    report, _ = report_in(Status.SUBMITTED, directory, national_admin)
    CalendarDay.objects.create(date=MON.date() + timedelta(days=1), name="Libur nasional tambahan")
    replayed = deadlines_replay(report)
    assert replayed["verify_due_at"] == stored(report)["verify_due_at"] + timedelta(days=1)
