"""Officials' inboxes, each a filter on ``reports_visible_to(user)`` (rule of the house 3).

- ``verifikasi``: waiting for verification at a desk where the user holds ``report_verify``
  (national verifier: coordinator empty; regional verifier: coordinator in its subtree).
- ``instansi``: held by an agency in the user's ``report_respond`` scope and owing work.
- ``terlambat``: open reports with a missed deadline — the DB form of ``sla.overdue_clocks``.
- ``eskalasi``: open reports that have been escalated at least once.

``due_at`` (the deadline that matters now) and ``is_overdue`` are annotated so lists sort
by deadline and mark breaches without per-row queries.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import BooleanField, Case, DateTimeField, ExpressionWrapper, F, Q, QuerySet, When
from django.db.models.functions import Least

from aduan.accounts.policies import grant_scopes
from aduan.reports.models import Report
from aduan.reports.selectors import reports_visible_to
from aduan.reports.workflow import AGENCY_OWES_WORK, AWAITING_VERIFICATION, OPEN_STATUSES, Status

INBOXES = ("verifikasi", "instansi", "terlambat", "eskalasi")
VERIFICATION_STATUSES = (Status.SUBMITTED, Status.POSTPONED, Status.RETURNED)
AGENCY_STATUSES = (Status.DISPOSED, Status.IN_PROGRESS, Status.AWAITING_REPORTER, Status.RESPONDED)


def _scope_q(field: str, national: bool, scopes: list[str], national_q: Q) -> Q | None:
    if national:
        return national_q
    if not scopes:
        return None
    condition = Q()
    for scope in scopes:
        if scope.startswith("="):
            condition |= Q(**{f"{field}_id": int(scope[1:])})
        else:
            condition |= Q(**{f"{field}__path__startswith": scope})
    return condition


def overdue_q(now: datetime) -> Q:
    """Same rule as ``aduan.reports.sla.overdue_clocks`` (a paused clock is never overdue)."""
    return Q(status__in=AWAITING_VERIFICATION, verify_due_at__lt=now) | (
        Q(status__in=AGENCY_OWES_WORK)
        & (Q(first_response_at__isnull=True, first_response_due_at__lt=now) | Q(resolution_due_at__lt=now))
    )


def _annotated(qs: QuerySet[Report], now: datetime) -> QuerySet[Report]:
    due = Case(
        When(status__in=AWAITING_VERIFICATION, then=F("verify_due_at")),
        When(status__in=AGENCY_OWES_WORK, first_response_at__isnull=True,
             then=Least("first_response_due_at", "resolution_due_at")),
        When(status__in=AGENCY_OWES_WORK, then=F("resolution_due_at")),
        When(status=Status.AWAITING_REPORTER, then=F("resolution_due_at")),
        When(status=Status.RESPONDED, then=F("autoclose_at")),
        default=None,
        output_field=DateTimeField(),
    )
    return qs.annotate(due_at=due, is_overdue=ExpressionWrapper(overdue_q(now), output_field=BooleanField()))


def reports_for_verification(*, user) -> QuerySet[Report]:
    national, scopes = grant_scopes(user, "report_verify")
    condition = _scope_q("coordinator", national, scopes, Q(coordinator__isnull=True))
    if condition is None:
        return Report.objects.none()
    return reports_visible_to(user).filter(condition, status__in=VERIFICATION_STATUSES)


def reports_for_agency(*, user) -> QuerySet[Report]:
    national, scopes = grant_scopes(user, "report_respond")
    condition = _scope_q("agency", national, scopes, Q(agency__isnull=False))
    if condition is None:
        return Report.objects.none()
    return reports_visible_to(user).filter(condition, status__in=AGENCY_STATUSES)


def reports_overdue(*, user, now: datetime) -> QuerySet[Report]:
    return reports_visible_to(user).filter(overdue_q(now))


def reports_escalated(*, user) -> QuerySet[Report]:
    return reports_visible_to(user).filter(escalation_level__gt=0, status__in=OPEN_STATUSES)


def inbox_base(*, user, inbox: str, now: datetime) -> QuerySet[Report]:
    if inbox == "verifikasi":
        return reports_for_verification(user=user)
    if inbox == "instansi":
        return reports_for_agency(user=user)
    if inbox == "terlambat":
        return reports_overdue(user=user, now=now)
    if inbox == "eskalasi":
        return reports_escalated(user=user)
    raise ValueError(inbox)


def inbox_reports(*, user, inbox: str, now: datetime, status: str = "", category=None, agency=None,
                  text: str = "", sort: str = "tenggat") -> QuerySet[Report]:
    qs = inbox_base(user=user, inbox=inbox, now=now)
    if status:
        qs = qs.filter(status=status)
    if category is not None:
        qs = qs.filter(category=category)
    if agency is not None:
        qs = qs.filter(agency=agency)
    if text:
        qs = qs.filter(title__icontains=text)
    qs = _annotated(qs, now).select_related("agency", "category")
    if sort == "terbaru":
        return qs.order_by("-is_urgent", "-submitted_at", "-id")
    if sort == "dukungan":
        # What the public backs most (dukungan, and duplicates linked to it) first (issue #6).
        return qs.order_by("-is_urgent", "-support_count", F("due_at").asc(nulls_last=True), "submitted_at", "id")
    # Emergencies first (issue #6), then the nearest deadline; on the same deadline, the one
    # more citizens support.
    return qs.order_by("-is_urgent", F("due_at").asc(nulls_last=True), "-support_count", "submitted_at", "id")


def inbox_counts(*, user, now: datetime) -> dict[str, int]:
    return {name: inbox_base(user=user, inbox=name, now=now).count() for name in INBOXES}
