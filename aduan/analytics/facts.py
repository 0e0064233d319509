"""One ``ReportFact`` per report: the figures statistics need, derived from the report's
stored events, dispositions and deadlines (issue #7: "figures are computed from the stored
events and deadlines").

Definitions (docs/statistics.md says the same for readers):

- time to verification: submission → the first disposition (``verify_dispose`` or
  ``auto_dispose`` event);
- time to first response: the first disposition → the first ``start_follow_up`` or
  ``respond`` event (the first-response clock starts at disposition; LAPOR! 5 working days);
- time to resolution: submission → the agency's last ``respond`` before the report closed
  (a reopened report's resolution is its final answer, so a dispute adds to the time);
  only closed reports have one; wall-clock time, a pause included (the citizen waited);
- on time: compared with the stored deadlines, which already carry every pause
  (``sla.py``); a first response is "due" when given or when its deadline passed unanswered
  outside a pause; a resolution is "due" when the report closed or its deadline passed
  while open;
- forwarded: dispositions to more than one agency (a "not our authority" return re-disposed
  elsewhere, or a re-disposition);
- duplicates count as reports but have no times of their own: they follow their canonical
  report, whose times count once.

``facts_refresh`` recomputes the facts of reports changed since its last run, plus open
reports whose deadline passed since then (their "overdue" changed without an update), then
rebuilds the rollups of the months touched.
"""

from __future__ import annotations

import logging
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from tqdm import tqdm

from aduan.agencies.models import Category
from aduan.reports.models import Disposition, Event, Report
from aduan.reports.workflow import AGENCY_OWES_WORK, AWAITING_VERIFICATION, DISPOSE_ACTIONS, OPEN_STATUSES, Status

from .models import AnalyticsState, ReportFact

logger = logging.getLogger(__name__)

LOCAL_TZ = zoneinfo.ZoneInfo("Asia/Jakarta")
BATCH = 2000
STATE_KEY = "facts"
FIRST_RESPONSE_ACTIONS = frozenset({"start_follow_up", "respond"})
REOPEN_ACTIONS = frozenset({"dispute", "reporter_reply", "admin_reply"})
EVENT_ACTIONS = DISPOSE_ACTIONS | FIRST_RESPONSE_ACTIONS | REOPEN_ACTIONS
PUBLISHED = frozenset({
    Status.DISPOSED, Status.IN_PROGRESS, Status.AWAITING_REPORTER, Status.RESPONDED, Status.RETURNED, Status.CLOSED,
})
REPORT_FIELDS = (
    "id", "submitted_at", "kind", "channel", "status", "category_id", "region_id", "agency_id", "is_confidential",
    "duplicate_of_id", "verify_due_at", "first_response_due_at", "first_response_at", "resolution_due_at",
    "clock_paused_at", "rating", "support_count",
)


def month_of(moment: datetime) -> date:
    local = moment.astimezone(LOCAL_TZ)
    return date(local.year, local.month, 1)


def add_months(month: date, n: int) -> date:
    """The first day of the month ``n`` months away from ``month``'s month."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds() / 3600


def sector_map() -> dict[int, int]:
    """Category id → id of its top-level category (itself for a top-level one)."""
    parents = dict(Category.objects.values_list("id", "parent_id"))
    out: dict[int, int] = {}
    for cid in parents:
        seen, node = set(), cid
        while parents.get(node) and node not in seen:
            seen.add(node)
            node = parents[node]
        out[cid] = node
    return out


def report_fact(row: dict, events: list[tuple[datetime, str]], agencies: list[int], *, now: datetime,
                sectors: dict[int, int]) -> ReportFact:
    """The fact of one report. ``row``: the report's ``REPORT_FIELDS``; ``events``: its
    (at, action) pairs of ``EVENT_ACTIONS`` in time order; ``agencies``: the agency ids of its
    dispositions in order. Pure: no query."""
    status = row["status"]
    submitted = row["submitted_at"]
    is_duplicate = row["duplicate_of_id"] is not None
    first_dispose = next((at for at, action in events if action in DISPOSE_ACTIONS), None)
    first_response = next((at for at, action in events if action in FIRST_RESPONSE_ACTIONS), None)
    responds = [at for at, action in events if action == "respond"]
    reopened = any(action in REOPEN_ACTIONS and any(r < at for r in responds) for at, action in events)
    closed = status == Status.CLOSED
    final_answer = responds[-1] if closed and responds else None
    paused = row["clock_paused_at"] is not None
    owes = status in AGENCY_OWES_WORK
    fr_due_at, res_due_at = row["first_response_due_at"], row["resolution_due_at"]

    fr_unanswered_late = first_response is None and owes and not paused and fr_due_at is not None and fr_due_at < now
    fr_due = first_response is not None or fr_unanswered_late
    fr_on_time = first_response is not None and fr_due_at is not None and first_response <= fr_due_at
    res_open_late = owes and not paused and res_due_at is not None and res_due_at < now
    res_due = final_answer is not None or res_open_late
    res_on_time = final_answer is not None and res_due_at is not None and final_answer <= res_due_at
    verify_late = status in AWAITING_VERIFICATION and row["verify_due_at"] is not None and row["verify_due_at"] < now
    overdue = status in OPEN_STATUSES and (verify_late or fr_unanswered_late or res_open_late)

    region = row["region_id"] or ""
    parts = region.split(".") if region else []
    category = row["category_id"]
    times = not is_duplicate
    return ReportFact(
        report_id=row["id"],
        month=month_of(submitted),
        submitted_at=submitted,
        kind=row["kind"],
        channel=row["channel"],
        status=status,
        category_id=category,
        sector_id=sectors.get(category) if category else None,
        province_code=parts[0] if parts else "",
        regency_code=".".join(parts[:2]) if len(parts) >= 2 else "",
        district_code=".".join(parts[:3]) if len(parts) >= 3 else "",
        agency_id=agencies[-1] if agencies else row["agency_id"],
        is_public=status in PUBLISHED and not row["is_confidential"],
        is_duplicate=is_duplicate,
        is_verified=first_dispose is not None,
        forwarded=len(set(agencies)) > 1,
        reopened=reopened,
        is_open=status in OPEN_STATUSES,
        verify_hours=_hours(submitted, first_dispose) if times else None,
        first_response_hours=_hours(first_dispose, first_response) if times else None,
        resolution_hours=_hours(submitted, final_answer) if times else None,
        first_response_due=fr_due and times,
        first_response_on_time=fr_on_time and times,
        resolution_due=res_due and times,
        resolved_on_time=res_on_time and times,
        overdue_open=overdue and times,
        rating=row["rating"],
        support_count=row["support_count"],
        computed_at=now,
    )


def facts_compute(ids: Iterable[int], *, now: datetime, sectors: dict[int, int] | None = None) -> set[date]:
    """(Re)write the facts of the reports ``ids``; returns the months touched."""
    sectors = sector_map() if sectors is None else sectors
    months: set[date] = set()
    ids = list(ids)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        rows = list(Report.objects.filter(id__in=chunk).values(*REPORT_FIELDS))
        events: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
        for rid, at, action in (Event.objects.filter(report_id__in=chunk, action__in=EVENT_ACTIONS)
                                .order_by("at", "id").values_list("report_id", "at", "action")):
            events[rid].append((at, action))
        agencies: dict[int, list[int]] = defaultdict(list)
        for rid, agency in (Disposition.objects.filter(report_id__in=chunk)
                            .order_by("disposed_at", "id").values_list("report_id", "agency_id")):
            agencies[rid].append(agency)
        facts = [report_fact(row, events[row["id"]], agencies[row["id"]], now=now, sectors=sectors) for row in rows]
        fields = [f.name for f in ReportFact._meta.concrete_fields if not f.primary_key]
        ReportFact.objects.bulk_create(facts, batch_size=500, update_conflicts=True,
                                       unique_fields=["report"], update_fields=fields)
        months.update(f.month for f in facts)
    return months


def _state() -> dict:
    state = AnalyticsState.objects.filter(name=STATE_KEY).first()
    return state.value if state else {}


def facts_refresh(*, now: datetime | None = None, full: bool = False, progress: bool = False) -> dict:
    """Bring the facts and the rollups up to date. Idempotent; safe to run often (the
    periodic job runs it every ``ADUAN_STATS_REFRESH_MINUTES``)."""
    from .rollups import rollups_rebuild

    wall = timezone.now()
    now = now or wall
    state = {} if full else _state()
    last_event = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if not state.get("wall"):
        changed = Report.objects.all()
    else:
        # A second of overlap: a report saved in the same instant as the last run is seen again.
        since = datetime.fromisoformat(state["wall"]) - timedelta(seconds=1)
        before = datetime.fromisoformat(state["now"])
        deadline_passed = Q(status__in=OPEN_STATUSES) & (
            Q(verify_due_at__gt=before, verify_due_at__lte=now)
            | Q(first_response_due_at__gt=before, first_response_due_at__lte=now)
            | Q(resolution_due_at__gt=before, resolution_due_at__lte=now)
        )
        # A new event (e.g. a duplicate linked, which raises the canonical's support count
        # with a plain UPDATE) may change a fact without touching ``updated_at``.
        new_events = Event.objects.filter(id__gt=state.get("event_id", 0), id__lte=last_event).values("report_id")
        changed = Report.objects.filter(Q(updated_at__gt=since) | deadline_passed | Q(id__in=new_events))
    ids = list(changed.order_by("id").values_list("id", flat=True))
    sectors = sector_map()
    months: set[date] = set()
    with tqdm(total=len(ids), desc="Fakta laporan", unit=" laporan", disable=not progress) as bar:
        for start in range(0, len(ids), BATCH * 5):
            chunk = ids[start:start + BATCH * 5]
            with transaction.atomic():
                months |= facts_compute(chunk, now=now, sectors=sectors)
            bar.update(len(chunk))
    if full:
        stale = ReportFact.objects.exclude(report_id__in=Report.objects.values("id"))
        months |= set(stale.values_list("month", flat=True).distinct())
        stale.delete()
        months |= set(ReportFact.objects.values_list("month", flat=True).distinct())
    cells = rollups_rebuild(months=sorted(months), now=now, progress=progress)
    AnalyticsState.objects.update_or_create(name=STATE_KEY, defaults={"value": {
        "wall": wall.isoformat(), "now": now.isoformat(), "event_id": last_event}})
    logger.info("facts refreshed: %s reports, %s months, %s rollup cells", len(ids), len(months), cells)
    return {"reports": len(ids), "months": len(months), "cells": cells}


def facts_as_of() -> datetime | None:
    """When the statistics were last refreshed (shown on the pages: how stale they can be)."""
    raw = _state().get("wall")
    return datetime.fromisoformat(raw) if raw else None
