"""Every action from every status: allowed by the table, or InvalidTransition. Plus the
invariants the table must keep whatever anyone edits in it."""

from datetime import timedelta

import pytest

from aduan.core.errors import InvalidTransition
from aduan.reports.actors import SYSTEM, ReporterToken
from aduan.reports.models import Event
from aduan.reports.services.transition import NothingToDo
from aduan.reports.workflow import OPEN_STATUSES, TRANSITIONS, Action, ActorKind, Scope, Status

from .helpers import MON, report_in, run

pytestmark = pytest.mark.django_db

LATER = MON + timedelta(days=200)  # every deadline, the auto-close and the Ombudsman limit have passed


def actor_for(action, report, admin):
    kind = TRANSITIONS[action].actor
    if kind == ActorKind.SYSTEM:
        return SYSTEM
    if kind == ActorKind.REPORTER:
        return ReporterToken(report.pk)
    return admin


@pytest.mark.parametrize("status", list(Status), ids=lambda s: s.value)
@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
def test_every_action_from_every_status(status, action, directory, national_admin):
    report, _ = report_in(status, directory, national_admin)
    events_before = Event.objects.filter(report=report).count()
    transition = TRANSITIONS[action]
    actor = actor_for(action, report, national_admin)
    if status in transition.sources:
        try:
            result = run(report, action, actor, directory, now=LATER)
        except NothingToDo:
            # A system action allowed by the table whose condition does not hold (e.g. the
            # paused clock is never overdue); it must change nothing.
            assert Event.objects.filter(report=report).count() == events_before
            report.refresh_from_db()
            assert report.status == status
            return
        expected = transition.target or status
        assert result.status == expected
        assert Event.objects.filter(report=report).count() == events_before + 1
        assert Event.objects.filter(report=report).last().action == action.value
    else:
        with pytest.raises(InvalidTransition):
            run(report, action, actor, directory, now=LATER)
        report.refresh_from_db()
        assert report.status == status
        assert Event.objects.filter(report=report).count() == events_before


def test_no_agency_action_ends_a_report():
    """'Not our authority' can never close a report; only the coordinator or the reporter can end one."""
    for t in TRANSITIONS.values():
        if t.scope == Scope.AGENCY:
            assert t.target not in (Status.CLOSED, Status.ARCHIVED), t.action


def test_not_authority_goes_back_to_the_coordinator():
    t = TRANSITIONS[Action.NOT_AUTHORITY]
    assert t.target == Status.RETURNED
    assert TRANSITIONS[Action.VERIFY_DISPOSE].sources >= {Status.RETURNED}


def test_terminal_statuses_allow_only_rating_and_privacy():
    for terminal in (Status.CLOSED, Status.ARCHIVED):
        allowed = {t.action for t in TRANSITIONS.values() if terminal in t.sources}
        assert allowed <= {Action.RATE, Action.RAISE_PRIVACY}


def test_every_status_is_reachable_and_every_open_status_has_a_way_out():
    reachable = {Status.SUBMITTED}
    changed = True
    while changed:
        changed = False
        for t in TRANSITIONS.values():
            if t.target and t.sources & reachable and t.target not in reachable:
                reachable.add(t.target)
                changed = True
    assert reachable == set(Status)
    for status in OPEN_STATUSES:
        assert any(status in t.sources and t.target not in (None, status) for t in TRANSITIONS.values()), status


def test_system_actions_are_not_offered_to_people(directory, national_admin):
    from aduan.reports.policies import available_actions

    report, _ = report_in(Status.RESPONDED, directory, national_admin)
    offered = available_actions(report, national_admin)
    assert Action.AUTO_CLOSE not in offered and Action.ESCALATE not in offered
    assert Action.CLOSE in offered and Action.RESPOND in offered
    assert set(available_actions(report, ReporterToken(report.pk))) == {Action.CONFIRM, Action.DISPUTE, Action.REPORTER_REPLY}
