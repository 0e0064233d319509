"""Routing's automatic disposition (issue #6): the same effect as a verifier's — agency,
clocks, notifications, delivery — by the system only, from a new report only, with an event
that says it was automatic and why."""

from __future__ import annotations

import pytest

from aduan.accounts.permissions import Role
from aduan.core.errors import DomainError
from aduan.notifications.models import Outbox
from aduan.reports.actors import SYSTEM
from aduan.reports.services.transition import report_transition
from aduan.reports.sla import deadlines_replay
from aduan.reports.workflow import Action, Status

from ..factories import member, submit
from .helpers import MON

pytestmark = pytest.mark.django_db


def auto(report, directory, actor=SYSTEM, **extra):
    return report_transition(report=report, action=Action.AUTO_DISPOSE, actor=actor, expected_status=report.status,
                             now=MON, agency=directory.dishub_semarang.pk, confidence=0.97,
                             reasons=["kategori: lampu lalu lintas", "lokasi: Kota Semarang"], **extra)


def test_auto_dispose_hands_the_report_over_and_says_why(directory):
    officer = member(Role.LIAISON_OFFICER, directory.dishub_semarang, username="penghubung-otomatis")
    report, _ = submit(now=MON)
    report = auto(report, directory)
    assert report.status == Status.DISPOSED and report.agency == directory.dishub_semarang
    assert report.first_response_due_at is not None and report.resolution_due_at is not None
    event = report.events.get(action="auto_dispose")
    assert event.is_public and event.actor_kind == "system"
    assert event.data["automatic"] is True and event.data["confidence"] == 0.97
    assert event.data["reasons"] == ["kategori: lampu lalu lintas", "lokasi: Kota Semarang"]
    # the clock replays from the event log like a verifier's disposition
    replay = deadlines_replay(report)
    assert replay["first_response_due_at"] == report.first_response_due_at
    assert replay["resolution_due_at"] == report.resolution_due_at
    # the agency's officer is told, and the reporter hears the public step
    assert Outbox.objects.filter(channel="email", recipient=officer.email, template="official_assignment").exists()
    assert Outbox.objects.filter(template="report_event", dedupe_key=f"event:{event.pk}:reporter").exists()


def test_only_the_system_and_only_a_new_report(directory, verifier):
    report, _ = submit(now=MON)
    with pytest.raises(DomainError):
        auto(report, directory, actor=verifier)
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    report = auto(report, directory)
    with pytest.raises(DomainError):
        auto(report, directory)
