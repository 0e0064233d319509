"""How well routing did, measured on what officials decided afterwards (issue #6): the
figures an administrator or an auditor checks before raising or lowering the deployment's
auto-dispose threshold.

For the reports submitted in a period that routing looked at (``Report.routing``):

- **suggested**: reports with at least one suggestion; **decided**: those whose agency an
  official has since settled (``routing_examples``: a verifier's disposition or a forward,
  or an automatic one an official acted on);
- **top-1 / top-3**: the share of decided reports whose final agency was routing's first /
  one of its three suggestions;
- **automatic**: reports disposed automatically, and how many of them were sent back as
  "not our authority" (the automatic disposition was wrong) — the precision that matters.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from ..models import Disposition, Event, Report
from ..routing_examples import routing_examples


@dataclass(frozen=True)
class RoutingQuality:
    since: str
    until: str
    routed: int
    suggested: int
    decided: int
    top1: float | None
    top3: float | None
    automatic: int
    automatic_returned: int
    automatic_right: float | None

    def as_dict(self) -> dict:
        return asdict(self)


def routing_quality(*, since: datetime, until: datetime) -> RoutingQuality:
    reports = (Report.objects.filter(submitted_at__gte=since, submitted_at__lt=until)
               .exclude(routing={}).values_list("pk", "routing"))
    routing = {pk: data for pk, data in reports.iterator(chunk_size=2000)}
    suggested = {pk: [s["agency_id"] for s in (data.get("suggestions") or [])] for pk, data in routing.items()}
    suggested = {pk: ids for pk, ids in suggested.items() if ids}
    final = {e.report_id: e.agency_id for e in routing_examples(since=since) if e.report_id in suggested}
    top1 = sum(1 for pk, agency in final.items() if suggested[pk][0] == agency)
    top3 = sum(1 for pk, agency in final.items() if agency in suggested[pk][:3])
    automatic = set(Event.objects.filter(report_id__in=list(routing), action="auto_dispose").values_list("report_id", flat=True))
    # The automatic disposition is the report's first; "not our authority" ended it.
    returned = set(Disposition.objects.filter(report_id__in=automatic, disposed_by__isnull=True,
                                              end_reason=Disposition.EndReason.NOT_AUTHORITY)
                   .values_list("report_id", flat=True))
    n = len(final)
    return RoutingQuality(
        since=since.isoformat(), until=until.isoformat(), routed=len(routing), suggested=len(suggested), decided=n,
        top1=round(top1 / n, 4) if n else None, top3=round(top3 / n, 4) if n else None,
        automatic=len(automatic), automatic_returned=len(returned),
        automatic_right=round(1 - len(returned) / len(automatic), 4) if automatic else None,
    )
