"""Rollups: counts per month × scope × dimension × key, rebuilt from ``ReportFact``.

The public statistics pages read only ``StatRollup``: one indexed query per page however
many reports there are (issue #7 asks for under a second on 10,000,000 reports;
``bench/bench_statistics.py`` measures it). Scopes are the nation (``""``), each province
and regency/city (``r:<code>``) and each agency (``a:<id>``). Durations are kept as
histograms (``BUCKETS``) so medians and 90th percentiles can be read from the rollup:
whole hours up to two days, then buckets 15 % wider each up to a year. A percentile below
two days is reported as the whole hour holding the nearest-rank value, so
it is exact to the hour for anything answered within two days (see ``percentile``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Cast, Floor
from tqdm import tqdm

from aduan.reports.workflow import Status

from .models import ReportFact, StatRollup

# Histogram buckets of a duration in hours: whole hours below two days (most first answers
# fall there and the public reads them to the hour), then buckets 15 % wider each up to a
# year, then one bucket for a year or more. 86 buckets keep a regency-month's rollup small.
EXACT_HOURS = 48
GROWTH = 1.15
YEAR_HOURS = 365 * 24


def _bucket_edges() -> list[float]:
    edges = [float(h) for h in range(EXACT_HOURS)]
    edge = float(EXACT_HOURS)
    while edge < YEAR_HOURS:
        edges.append(round(edge, 3))
        edge *= GROWTH
    edges.append(float(YEAR_HOURS))
    return edges


BUCKETS = _bucket_edges()
LAST = len(BUCKETS) - 1


def bucket_of(hours: float) -> int:
    """Index of the histogram bucket holding ``hours`` (pure; ``_bucket_expr`` is the same in SQL)."""
    hours = max(hours, 0.0)
    if hours < EXACT_HOURS:
        return int(math.floor(hours))
    if hours >= YEAR_HOURS:
        return LAST
    return min(EXACT_HOURS + int(math.floor(math.log(hours / EXACT_HOURS) / math.log(GROWTH) + 1e-9)), LAST - 1)


def _bucket_expr(field: str):
    whens = [When(**{f"{field}__lt": EXACT_HOURS}, then=Cast(Floor(F(field)), IntegerField()))]
    # The geometric buckets as explicit ranges: portable (SQLite has no LN without extensions).
    for index in range(EXACT_HOURS, LAST):
        whens.append(When(**{f"{field}__lt": BUCKETS[index + 1]}, then=Value(index)))
    return Case(*whens, default=Value(LAST), output_field=IntegerField())


def percentile(hist: dict[int, int], q: float) -> float | None:
    """Nearest-rank ``q`` percentile (0 < q ≤ 1) of a histogram, in hours; None when empty.

    Below two days: the whole hour holding the value (exact to the hour). Above: linear
    interpolation inside the bucket by the rank's position in it (as Prometheus'
    ``histogram_quantile`` does), so the error stays well under the bucket's 15 %."""
    n = sum(hist.values())
    if n == 0:
        return None
    rank = max(1, math.ceil(q * n))
    seen = 0
    for bucket in sorted(hist):
        count = hist[bucket]
        if seen + count >= rank:
            low = BUCKETS[bucket]
            if bucket < EXACT_HOURS or bucket >= LAST:
                return low
            high = BUCKETS[bucket + 1]
            return round(low + (high - low) * (rank - seen) / count, 1)
        seen += count
    return BUCKETS[max(hist)]


HISTOGRAMS = {"t_verify": "verify_hours", "t_first": "first_response_hours", "t_resolve": "resolution_hours"}
DIMENSIONS = {
    "kind": "kind", "channel": "channel", "status": "status", "category": "category_id", "sector": "sector_id",
    "agency": "agency_id", "rating": "rating",
}
AGENCY_DIMENSIONS = ("status", "category", "rating")
# Scope field → the region field one level down (the "region" breakdown of that scope).
CHILD_REGION = {None: "province_code", "province_code": "regency_code", "regency_code": "district_code"}
SCOPES = (("", None), ("r:", "province_code"), ("r:", "regency_code"), ("a:", "agency_id"))
TOTALS = {
    "reports": Count("pk"),
    "duplicates": Count("pk", filter=Q(is_duplicate=True)),
    "public": Count("pk", filter=Q(is_public=True)),
    "verified": Count("pk", filter=Q(is_verified=True)),
    "forwarded": Count("pk", filter=Q(forwarded=True)),
    "reopened": Count("pk", filter=Q(reopened=True)),
    "open": Count("pk", filter=Q(is_open=True)),
    "overdue_open": Count("pk", filter=Q(overdue_open=True)),
    "fr_due": Count("pk", filter=Q(first_response_due=True)),
    "fr_on_time": Count("pk", filter=Q(first_response_on_time=True)),
    "res_due": Count("pk", filter=Q(resolution_due=True)),
    "res_on_time": Count("pk", filter=Q(resolved_on_time=True)),
    "closed": Count("pk", filter=Q(status=Status.CLOSED)),
    "rated": Count("pk", filter=Q(rating__isnull=False)),
    "rating_sum": Sum("rating"),
    "satisfied": Count("pk", filter=Q(rating__gte=4)),
    "supports": Sum("support_count"),
}


def scope_name(prefix: str, value) -> str:
    return f"{prefix}{value}" if prefix else ""


def _cells_for_month(month: date) -> Iterable[StatRollup]:
    facts = ReportFact.objects.filter(month=month)
    for prefix, field in SCOPES:
        group = [field] if field else []
        scoped = facts.exclude(**{field: ""}) if field and field.endswith("_code") else (
            facts.exclude(**{f"{field}__isnull": True}) if field else facts)

        def scope_of(row):
            return scope_name(prefix, row[field]) if field else ""

        totals = scoped.values(*group).annotate(**TOTALS).order_by() if group else [scoped.aggregate(**TOTALS)]
        for row in totals:
            for key in TOTALS:
                if row[key]:
                    yield StatRollup(month=month, scope=scope_of(row), dimension="total", key=key, count=row[key])
        dims = {d: DIMENSIONS[d] for d in AGENCY_DIMENSIONS} if prefix == "a:" else dict(DIMENSIONS)
        if prefix != "a:":
            dims["region"] = CHILD_REGION[field]
        for dim, source in dims.items():
            for row in scoped.values(*group, source).annotate(n=Count("pk")).order_by():
                key = row[source]
                yield StatRollup(month=month, scope=scope_of(row), dimension=dim,
                                 key="" if key is None else str(key), count=row["n"])
        for dim, source in HISTOGRAMS.items():
            rows = (scoped.filter(**{f"{source}__isnull": False}).annotate(_b=_bucket_expr(source))
                    .values(*group, "_b").annotate(n=Count("pk")).order_by())
            for row in rows:
                yield StatRollup(month=month, scope=scope_of(row), dimension=dim, key=str(row["_b"]), count=row["n"])


def rollups_rebuild(*, months: Iterable[date], now: datetime | None = None, progress: bool = False) -> int:
    """Rebuild every rollup cell of ``months`` from the facts; returns the cells written.
    Each month is replaced in one transaction, so a page never reads half a month."""
    months = list(months)
    written = 0
    for month in tqdm(months, desc="Rekap statistik", unit=" bulan", disable=not progress):
        cells = list(_cells_for_month(month))
        with transaction.atomic():
            StatRollup.objects.filter(month=month).delete()
            StatRollup.objects.bulk_create(cells, batch_size=2000)
        written += len(cells)
    return written
