"""Labelled examples for the routing model, learned from officials (issue #6): every
report whose disposition an official made or let stand is an example of "this text → that
agency, category and kind".

- The label is the agency the report *ended up with*: a verifier's disposition, corrected
  by any later re-disposition after "not our authority" (a forward) — so a forward teaches
  the model the right door, not the wrong one.
- Routing's own automatic dispositions count only once an official confirmed them by
  acting on the report (a follow-up or a response by the agency), never by themselves:
  otherwise the model would learn from its own guesses.
- Reports archived (spam, unclear, duplicate) are not examples.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from .models import Event, Report
from .workflow import Status

_CONFIRMING = ("start_follow_up", "respond", "request_clarification")


@dataclass(frozen=True)
class RoutingExample:
    report_id: int
    text: str
    agency_id: int
    agency_name: str
    category: str  # slug, or ""
    kind: str


def routing_examples(*, since=None) -> Iterator[RoutingExample]:
    """Yield one example per disposed report (in id order, streamed)."""
    human = Event.objects.filter(report=OuterRef("pk"), action="verify_dispose")
    confirmed = Event.objects.filter(report=OuterRef("pk"), action__in=_CONFIRMING)
    reports = (Report.objects.filter(agency__isnull=False).exclude(status=Status.ARCHIVED)
               .filter(Q(Exists(human)) | Q(Exists(confirmed)))
               .select_related("agency", "category").order_by("pk"))
    if since is not None:
        reports = reports.filter(submitted_at__gte=since)
    for report in reports.iterator(chunk_size=2000):
        yield RoutingExample(
            report_id=report.pk, text=f"{report.title}\n{report.body}", agency_id=report.agency_id,
            agency_name=report.agency.name, category=report.category.slug if report.category_id else "",
            kind=report.kind,
        )
