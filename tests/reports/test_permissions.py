"""Permission matrix: every persona × every action → allowed, or denied as designed.

Denied officials who may see the report get PermissionDenied; officials of another agency
(and citizens) who may not see a non-public report get NotFound, exactly as for a report
that does not exist."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from aduan.accounts.permissions import Role
from aduan.core.errors import NotFound, PermissionDenied
from aduan.reports.actors import ReporterToken
from aduan.reports.selectors import report_get_for_staff, reports_visible_to
from aduan.reports.workflow import TRANSITIONS, Action, ActorKind, Status

from ..factories import member
from .helpers import MON, report_in, run

pytestmark = pytest.mark.django_db

COORDINATOR_ACTIONS = {Action.VERIFY_DISPOSE, Action.POSTPONE, Action.ARCHIVE, Action.ADMIN_REPLY, Action.CLOSE, Action.RAISE_PRIVACY,
                       Action.INTERVENE}
AGENCY_ACTIONS = {Action.START_FOLLOW_UP, Action.RESPOND, Action.REQUEST_CLARIFICATION, Action.NOT_AUTHORITY}
REPORTER_ACTIONS = {Action.PROVIDE_CLARIFICATION, Action.REPORTER_REPLY, Action.ADD_INFORMATION, Action.CONFIRM,
                    Action.DISPUTE, Action.RATE}
SYSTEM_ACTIONS = {Action.AUTO_CLOSE, Action.ESCALATE, Action.REFER_OMBUDSMAN, Action.AUTO_DISPOSE}

# persona → the actions it may take on a report disposed to Dinas Perhubungan Kota Semarang
# (reported by the `citizen` persona, waiting at the national desk).
ALLOWED = {
    "national_admin": COORDINATOR_ACTIONS | AGENCY_ACTIONS,
    "national_verifier": COORDINATOR_ACTIONS,
    "regional_verifier_other_desk": set(),
    "agency_admin": AGENCY_ACTIONS,
    "parent_agency_admin": AGENCY_ACTIONS,
    "liaison_officer": AGENCY_ACTIONS,
    "liaison_other_agency": set(),
    "supervisor": set(),
    "auditor": set(),
    "reporter": REPORTER_ACTIONS,
    "token_holder": REPORTER_ACTIONS,
    "other_citizen": set(),
    "public": set(),
}
# Personas that cannot see the report at all: they get NotFound for official actions.
BLIND = {"liaison_other_agency", "regional_verifier_other_desk", "other_citizen"}
AGENCY_SIDE = {"agency_admin", "parent_agency_admin", "liaison_officer", "supervisor"}

assert COORDINATOR_ACTIONS | AGENCY_ACTIONS | REPORTER_ACTIONS | SYSTEM_ACTIONS == set(Action)

# Status in which each action is possible, so only the actor decides.
STATUS_FOR = {
    Action.INTERVENE: Status.IN_PROGRESS, Action.VERIFY_DISPOSE: Status.SUBMITTED, Action.POSTPONE: Status.SUBMITTED, Action.ARCHIVE: Status.SUBMITTED,
    Action.START_FOLLOW_UP: Status.DISPOSED, Action.RESPOND: Status.IN_PROGRESS,
    Action.REQUEST_CLARIFICATION: Status.IN_PROGRESS, Action.PROVIDE_CLARIFICATION: Status.AWAITING_REPORTER,
    Action.NOT_AUTHORITY: Status.IN_PROGRESS, Action.REPORTER_REPLY: Status.RESPONDED, Action.ADMIN_REPLY: Status.RESPONDED,
    Action.ADD_INFORMATION: Status.IN_PROGRESS, Action.CONFIRM: Status.RESPONDED, Action.DISPUTE: Status.RESPONDED,
    Action.RATE: Status.CLOSED, Action.CLOSE: Status.RESPONDED, Action.AUTO_CLOSE: Status.RESPONDED,
    Action.RAISE_PRIVACY: Status.IN_PROGRESS, Action.ESCALATE: Status.IN_PROGRESS, Action.REFER_OMBUDSMAN: Status.IN_PROGRESS,
    Action.AUTO_DISPOSE: Status.SUBMITTED,
}


def persona(name, directory, citizen, report):
    return {
        "national_admin": lambda: member(Role.NATIONAL_ADMIN, username="admin-nasional"),
        "national_verifier": lambda: member(Role.VERIFIER, username="verifikator-nasional"),
        "regional_verifier_other_desk": lambda: member(Role.VERIFIER, directory.jateng, username="verifikator-jateng"),
        "agency_admin": lambda: member(Role.AGENCY_ADMIN, directory.dishub_semarang),
        "parent_agency_admin": lambda: member(Role.AGENCY_ADMIN, directory.semarang),
        "liaison_officer": lambda: member(Role.LIAISON_OFFICER, directory.dishub_semarang),
        "liaison_other_agency": lambda: member(Role.LIAISON_OFFICER, directory.kemensos),
        "supervisor": lambda: member(Role.SUPERVISOR, directory.dishub_semarang),
        "auditor": lambda: member(Role.AUDITOR, username="auditor"),
        "reporter": lambda: citizen,
        "token_holder": lambda: ReporterToken(report.pk),
        "other_citizen": _plain_user,
        "public": lambda: AnonymousUser(),
    }[name]()


def _plain_user():
    from ..factories import UserFactory

    return UserFactory(username="warga-lain")


@pytest.mark.parametrize("action", [a for a in Action if a not in SYSTEM_ACTIONS], ids=str)
@pytest.mark.parametrize("who", list(ALLOWED), ids=str)
def test_permission_matrix(who, action, directory, national_admin, citizen):
    # Confidential, so nobody outside the chain can see it through public paths either.
    report, _ = report_in(STATUS_FOR[action], directory, national_admin, reporter=citizen, is_confidential=True)
    actor = persona(who, directory, citizen, report)
    extra = {"anonymous": True} if action == Action.RAISE_PRIVACY else {}
    if action in ALLOWED[who]:
        result = run(report, action, actor, directory, now=MON, **extra)
        assert result.events.last().action == action.value
        return
    # Agency-side staff do not see a report before it is disposed to them.
    blind = who in BLIND or (who in AGENCY_SIDE and report.status == Status.SUBMITTED)
    expected = NotFound if blind and TRANSITIONS[action].actor == ActorKind.OFFICIAL else PermissionDenied
    with pytest.raises(expected):
        run(report, action, actor, directory, now=MON, **extra)
    report.refresh_from_db()
    assert report.status == STATUS_FOR[action]


@pytest.mark.parametrize("action", sorted(SYSTEM_ACTIONS), ids=str)
def test_no_person_can_take_system_actions(action, directory, national_admin, citizen):
    report, _ = report_in(STATUS_FOR[action], directory, national_admin, reporter=citizen)
    for actor in (national_admin, citizen, ReporterToken(report.pk), AnonymousUser()):
        with pytest.raises(PermissionDenied):
            run(report, action, actor, directory)


def test_official_of_another_agency_gets_404_like_a_missing_report(directory, national_admin, liaison_officer, citizen):
    report, _ = report_in(Status.IN_PROGRESS, directory, national_admin, reporter=citizen, is_confidential=True)
    outsider = liaison_officer(directory.kemensos)
    with pytest.raises(NotFound) as hidden:
        report_get_for_staff(user=outsider, report_id=report.pk)
    with pytest.raises(NotFound) as missing:
        report_get_for_staff(user=outsider, report_id=report.pk + 1000)
    assert hidden.value.as_dict() == missing.value.as_dict()
    with pytest.raises(NotFound):
        report_get_for_staff(user=outsider, reference=report.reference)


def test_staff_scope_follows_the_tree_and_the_disposition_history(directory, national_admin, liaison_officer, agency_admin, citizen):
    report, _ = report_in(Status.RETURNED, directory, national_admin, reporter=citizen)
    # Dishub returned it; it stays readable to Dishub (its own history) and to Pemkot (parent).
    assert reports_visible_to(liaison_officer(directory.dishub_semarang)).filter(pk=report.pk).exists()
    assert reports_visible_to(agency_admin(directory.semarang)).filter(pk=report.pk).exists()
    assert not reports_visible_to(liaison_officer(directory.kemensos)).filter(pk=report.pk).exists()
    assert not reports_visible_to(citizen).exists()


def test_agency_admin_without_descendants_does_not_reach_units(directory, national_admin, citizen):
    report, _ = report_in(Status.DISPOSED, directory, national_admin, reporter=citizen)
    narrow = member(Role.AGENCY_ADMIN, directory.semarang, username="admin-pemkot-saja", include_descendants=False)
    assert not reports_visible_to(narrow).filter(pk=report.pk).exists()
    with pytest.raises(NotFound):
        run(report, Action.START_FOLLOW_UP, narrow, directory)


def test_regional_verifier_handles_reports_at_its_desk(directory, national_admin, regional_verifier, citizen):
    report, _ = report_in(Status.SUBMITTED, directory, national_admin, reporter=citizen)
    from aduan.reports.models import Report

    Report.objects.filter(pk=report.pk).update(coordinator=directory.jateng)
    result = run(report, Action.VERIFY_DISPOSE, regional_verifier, directory, agency=directory.dpu_jateng.pk)
    assert result.agency == directory.dpu_jateng
