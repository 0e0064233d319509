"""``routing_quality``: routing's suggestions against officials' final decisions, and
automatic dispositions sent back as "not our authority" (issue #6)."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from aduan.reports.actors import SYSTEM
from aduan.reports.models import Report
from aduan.reports.services.routing_quality import routing_quality
from aduan.reports.services.transition import report_transition
from aduan.reports.workflow import Action, Status

from ..factories import member, submit
from .helpers import MON, run

pytestmark = pytest.mark.django_db


def routed(directory, suggestions):
    report, _ = submit(now=MON)
    Report.objects.filter(pk=report.pk).update(routing={
        "suggestions": [{"agency_id": a.pk, "agency": a.name, "confidence": 0.5} for a in suggestions]})
    report.refresh_from_db()
    return report


def test_suggestions_and_automatic_dispositions_against_officials_decisions(directory, verifier):
    from aduan.accounts.permissions import Role

    d = directory
    right = routed(d, [d.dishub_semarang, d.dpu_jateng])
    second = routed(d, [d.dpu_jateng, d.dishub_semarang])
    wrong = routed(d, [d.kemensos])
    routed(d, [d.dishub_semarang])  # still waiting for a verifier: not decided
    for report in (right, second, wrong):
        run(report, Action.VERIFY_DISPOSE, verifier, d, agency=d.dishub_semarang.pk)
    auto_ok = routed(d, [d.dishub_semarang])
    auto_bad = routed(d, [d.dishub_semarang])
    officer = member(Role.LIAISON_OFFICER, d.dishub_semarang, username="penghubung-dishub")
    for report in (auto_ok, auto_bad):
        report_transition(report=report, action=Action.AUTO_DISPOSE, actor=SYSTEM, expected_status=Status.SUBMITTED,
                          now=MON, agency=d.dishub_semarang.pk, confidence=0.97, reasons=[])
    run(auto_ok, Action.START_FOLLOW_UP, officer, d)
    run(auto_bad, Action.NOT_AUTHORITY, officer, d)

    q = routing_quality(since=MON - timedelta(days=1), until=MON + timedelta(days=1))
    assert (q.routed, q.suggested) == (6, 6)
    assert q.decided == 4  # three verifier dispositions and the automatic one an officer acted on
    assert q.top1 == 0.5 and q.top3 == 0.75  # right and auto_ok first; second among three; wrong not
    assert (q.automatic, q.automatic_returned, q.automatic_right) == (2, 1, 0.5)

    out = StringIO()
    call_command("routing_quality", "--days", "30", stdout=out)
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(figures) >= {"routed", "decided", "top1", "top3", "automatic", "automatic_returned", "automatic_right"}
