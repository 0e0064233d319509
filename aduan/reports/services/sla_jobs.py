"""The periodic SLA jobs. Idempotent: each report is re-checked under its row lock by
``report_transition``, which raises ``NothingToDo`` when there is nothing new, so running a
job twice (or in two workers at once) changes nothing the second time."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from ..actors import SYSTEM
from ..models import Report
from ..workflow import AGENCY_OWES_WORK, AWAITING_VERIFICATION, OPEN_STATUSES, Action, Status
from .transition import NothingToDo, report_transition


def _candidates(now: datetime):
    overdue = (
        Q(status__in=AWAITING_VERIFICATION, verify_due_at__lt=now, breached_verify_at__isnull=True)
        | Q(status__in=AGENCY_OWES_WORK, first_response_at__isnull=True, first_response_due_at__lt=now,
            breached_first_response_at__isnull=True)
        | Q(status__in=AGENCY_OWES_WORK, resolution_due_at__lt=now, breached_resolution_at__isnull=True)
        | Q(status__in=OPEN_STATUSES, next_escalation_at__lte=now)
    )
    return Report.objects.filter(overdue).values_list("pk", "status").order_by("pk").iterator(chunk_size=2000)


def sla_breach_scan(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    counts = {"escalated": 0, "referred": 0, "unchanged": 0}
    for pk, status in _candidates(now):
        try:
            report_transition(report=pk, action=Action.ESCALATE, actor=SYSTEM, expected_status=status, now=now)
            counts["escalated"] += 1
        except NothingToDo:
            counts["unchanged"] += 1
    referable = Report.objects.filter(
        status__in=OPEN_STATUSES - {Status.RESPONDED}, ombudsman_due_at__lte=now, ombudsman_referred_at__isnull=True
    ).values_list("pk", "status").order_by("pk")
    for pk, status in referable.iterator(chunk_size=2000):
        try:
            report_transition(report=pk, action=Action.REFER_OMBUDSMAN, actor=SYSTEM, expected_status=status, now=now)
            counts["referred"] += 1
        except NothingToDo:
            counts["unchanged"] += 1
    return counts


def reports_autoclose(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    closed = 0
    due = Report.objects.filter(status=Status.RESPONDED, autoclose_at__lte=now).values_list("pk", flat=True).order_by("pk")
    for pk in due.iterator(chunk_size=2000):
        try:
            report_transition(report=pk, action=Action.AUTO_CLOSE, actor=SYSTEM, expected_status=Status.RESPONDED, now=now)
            closed += 1
        except NothingToDo:
            pass
    return closed
