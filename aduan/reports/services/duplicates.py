"""Duplicate candidates for a report or a draft (issue #6): the layer-3 caller of
``aduan.routing.duplicates``.

``duplicate_candidates`` narrows the open reports in SQL — open statuses, submitted within
the time window, and in the same regency/city (or its province-only and place-less reports,
or within the coordinate box) — takes at most ``PREFILTER_LIMIT`` of the newest, and scores
them with the routing matcher (text × place × time). Agencies play no part: the same problem
sent to two agencies is found. The base queryset decides who may see what: the portal passes
``public_reports()`` (never confidential, never unpublished), the back office
``reports_visible_to(user)`` (rule of the house 3: no existence leaks).

Linking "duplicate of" is the existing archive action (``reason=duplicate``,
``duplicate_of=<reference>``) in ``report_transition``: the duplicate's reporter then hears
the canonical report's public progress (notify.py) and the canonical report gains a support.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from aduan.routing.duplicates import MAX_METRES, WINDOW_DAYS, duplicates_find

from ..models import Report
from ..policies import available_actions
from ..selectors import reports_visible_to
from ..workflow import OPEN_STATUSES, Action, Status
from .duplicate_index import live_index

PREFILTER_LIMIT = 3000
DEGREES_PER_METRE = 1 / 111_320


@dataclass(frozen=True)
class Candidate:
    report: Report
    score: float
    text_score: float
    same_place: bool
    days_apart: float
    place: str = "same"  # same | area | unknown
    distance_m: float | None = None


def _window_days() -> float:
    return float(getattr(settings, "ADUAN_DUPLICATE_WINDOW_DAYS", WINDOW_DAYS))


def _max_metres() -> float:
    return float(getattr(settings, "ADUAN_DUPLICATE_MAX_METRES", MAX_METRES))


def _query_of(item, now: datetime | None) -> dict:
    """Plain fields of a stored Report, a ``ReportDraft`` or a dict."""
    if isinstance(item, dict):
        get = item.get
    else:
        def get(name, default=None):
            return getattr(item, name, default)
    region_code = get("region_code") or get("region_id") or ""
    lat, lng = get("latitude"), get("longitude")
    return {
        "key": get("pk") if isinstance(item, Report) else get("key"),
        "title": get("title") or "", "body": get("body") or "",
        "region_code": str(region_code).strip(),
        "latitude": float(lat) if lat not in (None, "") else None,
        "longitude": float(lng) if lng not in (None, "") else None,
        "at": get("submitted_at") or now or timezone.now(),
    }


def _place_filter(query: dict, max_metres: float) -> Q | None:
    code = query["region_code"]
    conditions = Q()
    narrowed = False
    if code:
        parts = code.split(".")
        block = ".".join(parts[:2])
        conditions |= Q(region_id=block) | Q(region__code__startswith=f"{block}.") | Q(region_id=parts[0])
        narrowed = True
    if query["latitude"] is not None and query["longitude"] is not None:
        d = max_metres * DEGREES_PER_METRE * 1.5
        conditions |= Q(latitude__range=(query["latitude"] - d, query["latitude"] + d),
                        longitude__range=(query["longitude"] - d, query["longitude"] + d))
        narrowed = True
    if not narrowed:
        return None  # a draft without place: any place can match by text alone
    return conditions | Q(region__isnull=True, latitude__isnull=True)


def duplicate_candidates(report_or_draft, *, limit: int = 5, base: QuerySet[Report] | None = None,
                         now: datetime | None = None) -> list[Candidate]:
    """Open reports that are probably the same problem, best first."""
    query = _query_of(report_or_draft, now)
    if not (query["title"] or query["body"]):
        return []
    if getattr(settings, "ADUAN_DUPLICATE_INDEX", "memory") == "memory":
        return _from_live_index(query, limit=limit, base=base)
    return _from_database(query, limit=limit, base=base)


def _from_live_index(query: dict, *, limit: int, base: QuerySet[Report] | None) -> list[Candidate]:
    """The process's long-lived index (duplicate_index.py); every candidate is re-read through
    ``base`` so visibility and openness are the database's, never the index's."""
    index = live_index()
    if index is None:  # the first build is still running in the background
        return _from_database(query, limit=limit, base=base)
    exclude = [query["key"]] if query["key"] is not None else []
    matches = index.query(title=query["title"], body=query["body"], region_code=query["region_code"],
                          latitude=query["latitude"], longitude=query["longitude"], at=query["at"],
                          limit=limit * 4, exclude=exclude)
    if not matches:
        return []
    allowed = (base if base is not None else Report.objects.all()).filter(
        pk__in=[m.key for m in matches], status__in=OPEN_STATUSES, duplicate_of__isnull=True)
    reports = Report.objects.select_related("agency", "region", "category").in_bulk(list(allowed.values_list("pk", flat=True)))
    seen, out = set(), []
    for m in matches:
        if m.key in reports and m.key not in seen:
            seen.add(m.key)
            out.append(Candidate(report=reports[m.key], score=m.score, text_score=m.text_score, same_place=m.same_place,
                                 days_apart=m.days_apart, place=m.place, distance_m=m.distance_m))
    return out[:limit]


def _from_database(query: dict, *, limit: int, base: QuerySet[Report] | None) -> list[Candidate]:
    """Without the in-memory index: narrow in SQL, score the newest ``PREFILTER_LIMIT``."""
    window, metres = _window_days(), _max_metres()
    at = query["at"]
    qs = (base if base is not None else Report.objects.all()).filter(
        status__in=OPEN_STATUSES, duplicate_of__isnull=True,
        submitted_at__gte=at - timedelta(days=window), submitted_at__lte=at + timedelta(days=window),
    )
    if query["key"] is not None:
        qs = qs.exclude(pk=query["key"])
    place = _place_filter(query, metres)
    if place is not None:
        qs = qs.filter(place)
    rows = [
        {"key": pk, "title": title, "body": body, "region_code": region or "",
         "latitude": float(lat) if lat is not None else None, "longitude": float(lng) if lng is not None else None,
         "at": submitted}
        for pk, title, body, region, lat, lng, submitted in qs.order_by("-submitted_at", "-id").values_list(
            "pk", "title", "body", "region_id", "latitude", "longitude", "submitted_at")[:PREFILTER_LIMIT]
    ]
    if not rows:
        return []
    matches = duplicates_find(query, rows, limit=limit, window_days=window, max_metres=metres)
    reports = Report.objects.select_related("agency", "region", "category").in_bulk([m.key for m in matches])
    return [
        Candidate(report=reports[m.key], score=m.score, text_score=m.text_score, same_place=m.same_place,
                  days_apart=m.days_apart, place=m.place, distance_m=m.distance_m)
        for m in matches if m.key in reports
    ]


def duplicate_candidates_for_staff(*, user, report: Report, limit: int = 5) -> dict:
    """What the officials' report page shows: candidates the official may see, with their
    scores, and whether this official may link the report as a duplicate (the archive
    action with reason "duplicate" is available now)."""
    candidates = duplicate_candidates(report, limit=limit, base=reports_visible_to(user))
    can_link = Action.ARCHIVE in available_actions(report, user)
    return {
        "candidates": [
            {"id": c.report.pk, "reference": c.report.reference, "title": c.report.title,
             "agency": c.report.agency.name if c.report.agency_id else "",
             "status_label": Status(c.report.status).label, "score": c.score, "text_score": c.text_score,
             "place": c.place, "same_place": c.same_place, "distance_m": c.distance_m, "days_apart": c.days_apart}
            for c in candidates
        ],
        "can_link": can_link,
        "expected_status": report.status,
    }
