"""Public statistics read from the rollups (never from the reports themselves).

``stats_overview`` gives everything the statistics page shows for one scope and period;
``stats_trend`` the month-by-month series; ``agency_league`` the agency ranking. Figures
are defined in ``facts.py`` and docs/statistics.md.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency, Category
from aduan.regions.models import Region
from aduan.reports.models import Channel, Kind
from aduan.reports.workflow import Status

from .facts import add_months
from .models import StatRollup
from .rollups import percentile


def min_rows() -> int:
    """The small-numbers rule (issue #7): below this many reports a region or agency shows
    no individual reports in drill-downs (statistics pages, planning examples)."""
    return int(getattr(settings, "ADUAN_STATS_MIN_ROWS", 10))


def league_min_reports() -> int:
    """An agency is ranked only with at least this many reports in the period."""
    return int(getattr(settings, "ADUAN_LEAGUE_MIN_REPORTS", 30))


def pct(part: int | None, whole: int | None) -> float | None:
    return round(100 * (part or 0) / whole, 1) if whole else None


@dataclass(frozen=True)
class Scope:
    """What a statistics page is about: the nation, a region or an agency."""

    key: str
    region: Region | None = None
    agency: Agency | None = None

    @classmethod
    def nation(cls) -> Scope:
        return cls("")

    @classmethod
    def of_region(cls, region: Region) -> Scope:
        return cls(f"r:{region.code}", region=region)

    @classmethod
    def of_agency(cls, agency: Agency) -> Scope:
        return cls(f"a:{agency.pk}", agency=agency)


def _cells(scope: Scope, month_from: date, month_to: date) -> dict[str, dict[str, int]]:
    rows = (StatRollup.objects.filter(scope=scope.key, month__gte=month_from, month__lte=month_to)
            .values_list("dimension", "key").annotate(n=Sum("count")).order_by())
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for dimension, key, n in rows:
        out[dimension][key] = n
    return out


def _sorted(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _rows(counts: dict[str, int], labels: dict[str, str], total: int, *, unknown: str) -> list[dict]:
    return [{"key": key, "label": labels.get(key) or unknown, "count": n, "share": pct(n, total)}
            for key, n in _sorted(counts)]


def _totals_figures(totals: dict[str, int], hist: dict[str, dict[str, int]]) -> dict:
    def h(name):
        return {int(k): v for k, v in hist.get(name, {}).items()}

    reports = totals.get("reports", 0)
    return {
        "reports": reports,
        "duplicates": totals.get("duplicates", 0),
        "verified": totals.get("verified", 0),
        "forwarded": totals.get("forwarded", 0),
        "forwarded_pct": pct(totals.get("forwarded"), totals.get("verified")),
        "reopened": totals.get("reopened", 0),
        "open": totals.get("open", 0),
        "overdue_open": totals.get("overdue_open", 0),
        "closed": totals.get("closed", 0),
        "fr_due": totals.get("fr_due", 0),
        "fr_on_time": totals.get("fr_on_time", 0),
        "fr_on_time_pct": pct(totals.get("fr_on_time"), totals.get("fr_due")),
        "res_due": totals.get("res_due", 0),
        "res_on_time": totals.get("res_on_time", 0),
        "res_on_time_pct": pct(totals.get("res_on_time"), totals.get("res_due")),
        "rated": totals.get("rated", 0),
        "rating_avg": round(totals["rating_sum"] / totals["rated"], 2) if totals.get("rated") else None,
        "satisfied_pct": pct(totals.get("satisfied"), totals.get("rated")),
        "supports": totals.get("supports", 0),
        "times": {
            name: {"n": sum(h(name).values()), "median": percentile(h(name), 0.5), "p90": percentile(h(name), 0.9)}
            for name in ("t_verify", "t_first", "t_resolve")
        },
    }


def stats_overview(*, scope: Scope, month_from: date, month_to: date) -> dict:
    """The figures and breakdowns of ``scope`` for the months ``month_from``..``month_to``."""
    cells = _cells(scope, month_from, month_to)
    figures = _totals_figures(cells.get("total", {}), cells)
    total = figures["reports"]
    categories = {str(c.pk): c.name for c in Category.objects.filter(
        pk__in=[int(k) for k in {**cells.get("category", {}), **cells.get("sector", {})} if k])}
    agency_objs = {str(a.pk): a for a in Agency.objects.filter(pk__in=[int(k) for k in cells.get("agency", {}) if k])}
    statuses = dict(Status.choices)
    breakdowns = {
        "kind": _rows(cells.get("kind", {}), dict(Kind.choices), total, unknown=_("Lainnya")),
        "channel": _rows(cells.get("channel", {}), dict(Channel.choices), total, unknown=_("Lainnya")),
        "status": _rows(cells.get("status", {}), statuses, total, unknown=_("Lainnya")),
        "sector": _rows(cells.get("sector", {}), categories, total, unknown=_("Belum dikategorikan")),
        "category": _rows(cells.get("category", {}), categories, total, unknown=_("Belum dikategorikan")),
        "agency": _rows(cells.get("agency", {}), {k: a.name for k, a in agency_objs.items()}, total,
                        unknown=_("Belum diteruskan")),
        "rating": sorted(_rows(cells.get("rating", {}), {str(i): str(i) for i in range(1, 6)}, figures["rated"],
                               unknown=""), key=lambda r: r["key"]),
    }
    for row in breakdowns["agency"]:
        agency = agency_objs.get(row["key"])
        row["slug"] = agency.slug if agency else ""
    breakdowns["rating"] = [r for r in breakdowns["rating"] if r["key"]]
    if scope.agency is None:
        breakdowns["region"] = region_rows(cells.get("region", {}), total=total, parent=scope.region)
    # Privacy in the selector (rule of the house 4): may the page offer this scope's reports?
    return {"figures": figures, "breakdowns": breakdowns, "rows_allowed": total >= min_rows()}


def region_rows(counts: dict[str, int], *, total: int, parent: Region | None) -> list[dict]:
    """One row per child region of ``parent`` (every one, with zero when it has no report),
    with its rate per 100,000 inhabitants when the population is known."""
    children = Region.objects.filter(parent=parent) if parent else Region.objects.filter(level=Region.Level.PROVINCE)
    rows = []
    for region in children.only("code", "name", "population", "level").order_by("code"):
        n = counts.get(region.code, 0)
        rate = round(n * 100_000 / region.population, 2) if region.population else None
        rows.append({"key": region.code, "label": region.name, "count": n, "share": pct(n, total),
                     "population": region.population, "rate": rate, "drill": region.level <= Region.Level.REGENCY})
    if counts.get(""):
        rows.append({"key": "", "label": _("Lokasi tidak diketahui"), "count": counts[""],
                     "share": pct(counts[""], total), "population": None, "rate": None, "drill": False})
    rows.sort(key=lambda r: (-r["count"], r["label"]))
    return rows


TREND_KEYS = ("reports", "closed", "fr_due", "fr_on_time", "res_due", "res_on_time", "rated", "rating_sum")


def stats_trend(*, scope: Scope, month_from: date, month_to: date) -> list[dict]:
    """Month by month: reports, first responses on time, resolutions on time, satisfaction."""
    rows = (StatRollup.objects.filter(scope=scope.key, dimension="total", key__in=TREND_KEYS,
                                      month__gte=month_from, month__lte=month_to)
            .values_list("month", "key", "count").order_by())
    by_month: dict[date, dict[str, int]] = defaultdict(dict)
    for month, key, n in rows:
        by_month[month][key] = n
    out = []
    month = month_from
    while month <= month_to:
        t = by_month.get(month, {})
        out.append({
            "month": month, "reports": t.get("reports", 0), "closed": t.get("closed", 0),
            "fr_on_time_pct": pct(t.get("fr_on_time"), t.get("fr_due")),
            "res_on_time_pct": pct(t.get("res_on_time"), t.get("res_due")),
            "rating_avg": round(t["rating_sum"] / t["rated"], 2) if t.get("rated") else None,
        })
        month = add_months(month, 1)
    return out


def agency_league(*, month_from: date, month_to: date) -> dict:
    """Every agency with reports in the period. Ranked (by first responses on time, then
    resolutions on time, then median first response) only with at least
    ``league_min_reports()`` reports, so a tiny sample cannot top the table."""
    # An IN list of scopes uses the rollup's unique index; a LIKE 'a:%' prefix would not
    # under PostgreSQL's default collation.
    scopes = [f"a:{pk}" for pk in Agency.objects.values_list("pk", flat=True)]
    rows = (StatRollup.objects.filter(scope__in=scopes, month__gte=month_from, month__lte=month_to)
            .filter(dimension__in=("total", "t_first", "t_resolve"))
            .values_list("scope", "dimension", "key").annotate(n=Sum("count")).order_by())
    per: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for scope, dimension, key, n in rows:
        per[scope][dimension][key] = n
    agencies = {f"a:{a.pk}": a for a in Agency.objects.filter(pk__in=[int(s[2:]) for s in per])}
    threshold = league_min_reports()
    ranked, unranked = [], []
    for scope, cells in per.items():
        agency = agencies.get(scope)
        if agency is None:
            continue
        figures = _totals_figures(cells.get("total", {}), cells)
        row = {"agency": agency, **figures}
        (ranked if figures["reports"] >= threshold else unranked).append(row)

    def order(row):
        first = row["times"]["t_first"]["median"]
        return (-(row["fr_on_time_pct"] or 0), -(row["res_on_time_pct"] or 0),
                first if first is not None else float("inf"), row["agency"].name)

    ranked.sort(key=order)
    for i, row in enumerate(ranked, start=1):
        row["rank"] = i
    unranked.sort(key=lambda r: (-r["reports"], r["agency"].name))
    return {"ranked": ranked, "unranked": unranked, "min_reports": threshold}


def duration_label(hours: float | None) -> str:
    """"5 jam", "2,5 hari": hours up to two days, days after (Indonesian decimal comma)."""
    if hours is None:
        return "–"
    if hours < 48:
        return _("%(n)s jam") % {"n": int(hours)}
    days = round(hours / 24, 1)
    return _("%(n)s hari") % {"n": f"{days:g}".replace(".", ",")}
