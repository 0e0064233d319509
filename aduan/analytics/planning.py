"""Planning evidence for budget meetings (APBD, issue #7).

For a province or a regency/city and a period: the top problems by category and by sector
(top-level category) with counts, the rate per 100,000 inhabitants, the change against the
previous period of the same length, up to three example public reports per top category,
the agencies that held those reports, and the budget that agencies in the region published
per sector (``BudgetLine``) beside the share of complaints per sector.

Everything is read from ``ReportFact`` (one row per report, refreshed by ``facts_refresh``)
and aggregated in the database: one grouped query gives every count of both periods, so the
cost does not grow with the number of reports in Python. docs/planning.md explains the
figures for readers.

Privacy (rule of the house 4, issue #7 "small numbers"): anonymous and confidential
reports are counted like any other but only aggregates leave this module for them. Example
rows come only from published, non-confidential, non-duplicate reports through
``public_reports()``, carry a redacted title and no reporter field at all, and are left out
entirely when the region has fewer than ``ADUAN_STATS_MIN_ROWS`` reports in the period.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency, AgencyCoverage, Category
from aduan.core.errors import ValidationFailed
from aduan.core.redact import redact_text
from aduan.regions.models import Region
from aduan.reports.models import Kind
from aduan.reports.selectors import public_reports
from aduan.reports.workflow import Status

from .facts import LOCAL_TZ, add_months, facts_as_of, month_of
from .models import BudgetLine, ReportFact
from .stats import min_rows as small_numbers_threshold

MAX_YEARS = 5
EXAMPLES_PER_CATEGORY = 3
AGENCIES_PER_CATEGORY = 5
PER_INHABITANTS = 100_000
MIN_YEAR, MAX_YEAR = 2000, 2100
_REGION_CODE = re.compile(r"^\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?$")


# --- Periods -------------------------------------------------------------------------------

def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before ``start``..``end`` (both inclusive).

    Whole calendar months (a 1st to a month's last day) go back by the same number of
    months, so a calendar year compares with the calendar year before it even across a
    leap year; any other period goes back by the same number of days."""
    if start.day == 1 and (end + timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        return add_months(start, -months), start - timedelta(days=1)
    length = (end - start).days + 1
    prev_end = start - timedelta(days=1)
    return prev_end - timedelta(days=length - 1), prev_end


def default_period(today: date) -> tuple[date, date]:
    """The last full calendar year (compared with the year before it)."""
    return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)


def _day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in Asia/Jakarta, the zone ``ReportFact.month`` uses."""
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


# --- Input ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanningQuery:
    region: Region
    date_from: date
    date_to: date


def region_lookup(raw: str) -> Region | None:
    """A Kemendagri code, or a region's full name when exactly one region has it."""
    raw = (raw or "").strip()[:120]
    if not raw:
        return None
    if _REGION_CODE.match(raw):
        return Region.objects.filter(code=raw).first()
    matches = list(Region.objects.filter(name__iexact=raw, level__lte=Region.Level.REGENCY)[:2])
    return matches[0] if len(matches) == 1 else None


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _parse_day(raw: str, field: str, errors: dict, *, end: bool = False) -> date | None:
    """A date (TTTT-BB-HH), or a month (TTTT-BB, as on the statistics pages): its first day,
    or its last when it ends the period."""
    raw = raw.strip()
    try:
        month = _MONTH.match(raw)
        if month:
            first = date(int(month[1]), int(month[2]), 1)
            day = add_months(first, 1) - timedelta(days=1) if end else first
        else:
            day = date.fromisoformat(raw)
    except (ValueError, OverflowError):
        errors[field] = [_("Tanggal tidak valid. Gunakan format TTTT-BB-HH.")]
        return None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        errors[field] = [_("Tanggal harus antara tahun %(min)s dan %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}]
        return None
    return day


def planning_query_parse(*, region: str, date_from: str, date_to: str, today: date) -> PlanningQuery:
    """Check the page's input. Empty dates mean the last full year. Raises ``ValidationFailed``
    with a message per field (Bahasa Indonesia) for an unknown region, a region below the
    regency/city level, a bad date, a start after the end or a period longer than five years."""
    errors: dict[str, list[str]] = {}
    found = None
    if not (region or "").strip():
        errors["region"] = [_("Pilih wilayah: provinsi atau kabupaten/kota.")]
    else:
        found = region_lookup(region)
        if found is None:
            errors["region"] = [_("Wilayah tidak dikenal. Pilih provinsi atau kabupaten/kota dari daftar, "
                                  "atau isi kode Kemendagri (mis. 33.74).")]
        elif found.level > Region.Level.REGENCY:
            errors["region"] = [_("Bukti perencanaan tersedia untuk provinsi dan kabupaten/kota. "
                                  "Pilih wilayah pada tingkat tersebut.")]
    default_from, default_to = default_period(today)
    start = _parse_day(date_from, "date_from", errors) if (date_from or "").strip() else default_from
    end = _parse_day(date_to, "date_to", errors, end=True) if (date_to or "").strip() else default_to
    if start and end:
        if start > end:
            errors["date_to"] = [_("Tanggal akhir tidak boleh sebelum tanggal awal.")]
        elif end >= _add_years(start, MAX_YEARS):
            errors["date_to"] = [_("Periode paling panjang %(years)s tahun.") % {"years": MAX_YEARS}]
    if errors:
        raise ValidationFailed(_("Periksa wilayah dan periode yang dipilih."), field_errors=errors)
    return PlanningQuery(region=found, date_from=start, date_to=end)


def regions_for_picker() -> list[dict]:
    """Provinces, each with its regencies/cities, for the region picker (one query)."""
    provinces: dict[str, dict] = {}
    children: dict[str, list[dict]] = defaultdict(list)
    for code, name, level, parent in (Region.objects.filter(level__lte=Region.Level.REGENCY)
                                      .order_by("code").values_list("code", "name", "level", "parent_id")):
        if level == Region.Level.PROVINCE:
            provinces[code] = {"code": code, "name": name, "regencies": children[code]}
        else:
            children[parent or code.split(".")[0]].append({"code": code, "name": name})
    return list(provinces.values())


# --- The evidence --------------------------------------------------------------------------

def _scope(region: Region) -> Q:
    """Facts located in ``region``: a province includes its regencies (indexed code columns)."""
    if region.level == Region.Level.PROVINCE:
        return Q(province_code=region.code)
    return Q(regency_code=region.code)


def _region_subtree(field: str, code: str) -> Q:
    return Q(**{field: code}) | Q(**{f"{field}__startswith": f"{code}."})


def _change(current: int, previous: int) -> tuple[int, float | None]:
    return current - previous, (round((current - previous) * 100 / previous, 1) if previous else None)


def _rate(count: int, population: int | None) -> float | None:
    return round(count * PER_INHABITANTS / population, 2) if population else None


def _share(part, whole) -> float | None:
    return round(float(part) * 100 / float(whole), 1) if whole else None


def _figures(current: int, previous: int, *, population: int | None, total: int) -> dict:
    change, change_pct = _change(current, previous)
    return {
        "count": current,
        "previous": previous,
        "change": change,
        "change_pct": change_pct,
        "rate": _rate(current, population),
        "previous_rate": _rate(previous, population),
        "share": _share(current, total),
    }


def agencies_in_region(region: Region):
    """Agencies whose budget belongs to ``region``: seated in it (or below it), or with no seat
    and every covered region inside it. A national body covering the whole country is not a
    regional budget and so is left out."""
    inside = AgencyCoverage.objects.filter(_region_subtree("region__code", region.code), agency=OuterRef("pk"))
    outside = AgencyCoverage.objects.filter(agency=OuterRef("pk")).exclude(_region_subtree("region__code", region.code))
    return Agency.objects.filter(
        _region_subtree("seat_region__code", region.code)
        | (Q(seat_region__isnull=True) & Exists(inside) & ~Exists(outside))
    )


def _budget(region: Region, years: list[int]) -> dict:
    lines = BudgetLine.objects.filter(agency__in=agencies_in_region(region), year__in=years)
    by_sector = {row["sector_id"]: row["total"] for row in lines.values("sector_id").annotate(total=Sum("amount")).order_by()}
    rows = [
        {"agency": line.agency.name, "agency_slug": line.agency.slug, "year": line.year, "sector_id": line.sector_id,
         "sector": line.sector.name, "amount": line.amount, "note": line.note, "uploaded_at": line.uploaded_at}
        for line in lines.select_related("agency", "sector").order_by("agency__name", "year", "sector__name")
    ]
    return {
        "years": years,
        "total": sum(by_sector.values(), Decimal(0)),
        "by_sector": by_sector,
        "lines": rows,
        "agencies": sorted({r["agency"] for r in rows}),
    }


def _month_bounds(lo: datetime, hi: datetime) -> dict:
    """Redundant with the submitted_at range, but lets PostgreSQL use the (regency_code, month) index."""
    return {"month__gte": month_of(lo), "month__lte": month_of(hi - timedelta(seconds=1))}


RECENT_DAYS = 31


def _public_facts(scope: Q, lo: datetime, hi: datetime):
    return ReportFact.objects.filter(scope, submitted_at__gte=lo, submitted_at__lt=hi, is_public=True, is_duplicate=False)


def _ranked_ids(scope: Q, lo: datetime, hi: datetime, category_ids: list[int]) -> dict[int, list[int]]:
    """The newest public facts per category in [lo, hi), ranked in the database (one query)."""
    rank = Window(RowNumber(), partition_by=[F("category_id")], order_by=[F("submitted_at").desc(), F("report_id").desc()])
    rows = (_public_facts(scope, lo, hi).filter(category_id__in=category_ids, **_month_bounds(lo, hi))
            .annotate(rank=rank).filter(rank__lte=EXAMPLES_PER_CATEGORY).values_list("category_id", "report_id"))
    found: dict[int, list[int]] = defaultdict(list)
    for category_id, report_id in rows:
        found[category_id].append(report_id)
    return found


def _examples(region: Region, scope: Q, lo: datetime, hi: datetime, category_ids: list[int]) -> dict[int, list[dict]]:
    """Up to three recent public reports per category: published, not confidential, not a
    duplicate; redacted title; no reporter field.

    The plans were chosen by measurement on 10,000,000 facts (bench/bench_planning.py). A
    regency/city: one query ranking each category's public reports of the period's last month
    through the (regency_code, month) index, and one more over the whole period for the
    categories with fewer than three there. A province (hundreds of thousands of reports a
    year, no province × month index): per category, the newest three by a backward scan of the
    submitted_at index, which stops after a few rows; ranking a province's month was slower."""
    if region.level != Region.Level.PROVINCE:
        recent_lo = max(lo, hi - timedelta(days=RECENT_DAYS))
        found = _ranked_ids(scope, recent_lo, hi, category_ids)
        short = [c for c in category_ids if len(found.get(c, ())) < EXAMPLES_PER_CATEGORY]
        if short and recent_lo > lo:
            found.update(_ranked_ids(scope, lo, hi, short))
        wanted = [report_id for ids in found.values() for report_id in ids]
    else:
        wanted = [
            report_id for category_id in category_ids
            for report_id in _public_facts(scope, lo, hi).filter(category_id=category_id)
            .order_by("-submitted_at", "-report_id").values_list("report_id", flat=True)[:EXAMPLES_PER_CATEGORY]
        ]
    out: dict[int, list[dict]] = defaultdict(list)
    if not wanted:
        return out
    # The facts may be a refresh behind: the report itself must still be public now.
    rows = (public_reports().filter(pk__in=wanted, duplicate_of__isnull=True)
            .order_by("-submitted_at", "-id")
            .values("reference", "title", "status", "submitted_at", "category_id", "agency__name"))
    for row in rows:
        out[row["category_id"]].append({
            "reference": row["reference"],
            "title": redact_text(row["title"]),
            "status": row["status"],
            "status_label": str(Status(row["status"]).label),
            "submitted_at": row["submitted_at"],
            "agency": row["agency__name"] or "",
        })
    return out


def planning_evidence(*, region: Region, date_from: date, date_to: date, limit: int = 10,
                      now: datetime | None = None) -> dict:
    """The planning evidence for ``region`` over ``date_from``..``date_to`` (inclusive, local
    days). Pure read. See the module docstring and docs/planning.md for each figure."""
    now = now or timezone.now()
    prev_from, prev_to = previous_period(date_from, date_to)
    lo, hi, prev_lo = _day_start(date_from), _day_start(date_to + timedelta(days=1)), _day_start(prev_from)
    scope = _scope(region)
    population = region.population or None

    # One grouped query for both periods.
    in_current = Q(submitted_at__gte=lo)
    groups = (
        ReportFact.objects.filter(scope, submitted_at__gte=prev_lo, submitted_at__lt=hi, **_month_bounds(prev_lo, hi))
        .values("category_id", "sector_id", "agency_id", "kind")
        .annotate(cur=Count("pk", filter=in_current), prev=Count("pk", filter=Q(submitted_at__lt=lo)))
        .order_by()
    )
    cat_cur, cat_prev, sec_cur, sec_prev = Counter(), Counter(), Counter(), Counter()
    kind_cur, kind_prev, agency_cur, agency_prev = Counter(), Counter(), Counter(), Counter()
    cat_agency: dict[int | None, Counter] = defaultdict(Counter)
    cat_sector: dict[int | None, int | None] = {}
    for g in groups:
        cat, sector, agency, cur, prev = g["category_id"], g["sector_id"], g["agency_id"], g["cur"], g["prev"]
        cat_cur[cat] += cur
        cat_prev[cat] += prev
        sec_cur[sector] += cur
        sec_prev[sector] += prev
        kind_cur[g["kind"]] += cur
        kind_prev[g["kind"]] += prev
        agency_cur[agency] += cur
        agency_prev[agency] += prev
        if cur:
            cat_agency[cat][agency] += cur
        cat_sector[cat] = sector
    total, total_prev = sum(cat_cur.values()), sum(cat_prev.values())

    years = list(range(date_from.year, date_to.year + 1))
    budget = _budget(region, years)

    category_ids = {c for c in cat_cur if c} | {s for s in sec_cur if s} | set(budget["by_sector"])
    categories = {c["id"]: c for c in Category.objects.filter(id__in=category_ids).values("id", "name", "slug")}
    agency_ids = {a for a in agency_cur if a}
    agencies = {a["id"]: a for a in Agency.objects.filter(id__in=agency_ids).values("id", "name", "slug")}
    no_category = {"id": None, "name": _("Belum dikategorikan"), "slug": ""}
    no_agency = {"id": None, "name": _("Belum didisposisikan ke instansi"), "slug": ""}

    def figures(cur, prev):
        return _figures(cur, prev, population=population, total=total)

    def agency(pk):
        return agencies.get(pk) or no_agency

    ranked = sorted((c for c in cat_cur if cat_cur[c]),
                    key=lambda c: (-cat_cur[c], (categories.get(c) or no_category)["name"]))
    top, rest = ranked[:limit], ranked[limit:]
    min_rows = small_numbers_threshold()
    suppressed = total < min_rows
    examples = {} if suppressed else _examples(region, scope, lo, hi, [c for c in top if c])

    category_rows = []
    for cat in top:
        info = categories.get(cat) or no_category
        sector = cat_sector.get(cat)
        category_rows.append({
            **figures(cat_cur[cat], cat_prev[cat]),
            "id": cat, "name": info["name"], "slug": info["slug"],
            "sector": (categories.get(sector) or no_category)["name"] if sector else "",
            "agencies": [
                {"id": a, "name": agency(a)["name"], "slug": agency(a)["slug"], "count": n}
                for a, n in sorted(cat_agency[cat].items(), key=lambda kv: (-kv[1], agency(kv[0])["name"]))
            ][:AGENCIES_PER_CATEGORY],
            "examples": examples.get(cat, []),
        })
    other = figures(sum(cat_cur[c] for c in rest), sum(cat_prev[c] for c in rest)) | {"categories": len(rest)}

    sector_ids = {s for s in sec_cur if sec_cur[s] or sec_prev[s]} | set(budget["by_sector"])
    budget_total = budget["total"]
    sector_rows = []
    for sector in sector_ids:
        info = categories.get(sector) or no_category
        amount = budget["by_sector"].get(sector)
        sector_rows.append({
            **figures(sec_cur[sector], sec_prev[sector]),
            "id": sector, "name": info["name"], "slug": info["slug"],
            "budget": amount,
            "budget_share": _share(amount, budget_total) if amount is not None else None,
        })
    sector_rows.sort(key=lambda r: (-r["count"], -(r["budget"] or 0), r["id"] is None, r["name"]))

    agency_rows = [
        {**figures(agency_cur[a], agency_prev[a]), "id": a, "name": agency(a)["name"], "slug": agency(a)["slug"]}
        for a in agency_cur if agency_cur[a]
    ]
    agency_rows.sort(key=lambda r: (-r["count"], r["id"] is None, r["name"]))

    kinds = [
        {"kind": value, "name": str(label), **figures(kind_cur[value], kind_prev[value])}
        for value, label in Kind.choices if kind_cur[value] or kind_prev[value]
    ]
    return {
        "region": {"code": region.code, "name": region.name, "level": region.level,
                   "level_label": str(Region.Level(region.level).label), "population": population},
        "period": {"from": date_from, "to": date_to, "days": (date_to - date_from).days + 1},
        "previous": {"from": prev_from, "to": prev_to, "days": (prev_to - prev_from).days + 1},
        "generated_at": now,
        "facts_as_of": facts_as_of(),
        "min_rows": min_rows,
        "examples_suppressed": suppressed,
        "per_inhabitants": PER_INHABITANTS,
        "totals": figures(total, total_prev),
        "kinds": kinds,
        "categories": category_rows,
        "categories_other": other,
        "sectors": sector_rows,
        "agencies": agency_rows,
        "budget": {key: value for key, value in budget.items() if key != "by_sector"},
    }


def method_notes(evidence: dict) -> list[str]:
    """How the figures were computed, in the reader's language (page, PDF and workbook)."""
    notes = [
        _("Jumlah laporan dihitung menurut tanggal masuk (WIB) di wilayah yang dipilih; provinsi mencakup semua "
          "kabupaten/kotanya. Semua jenis laporan dihitung: pengaduan, aspirasi dan permintaan informasi, termasuk "
          "laporan anonim, rahasia, duplikat dan yang diarsipkan."),
        _("Angka per %(n)s penduduk = jumlah laporan ÷ jumlah penduduk wilayah × %(n)s (data penduduk "
          "Kemendagri).") % {"n": f"{PER_INHABITANTS:,}".replace(",", ".")},
        _("Periode pembanding adalah periode sepanjang periode terpilih tepat sebelumnya: bulan penuh dibandingkan "
          "dengan jumlah bulan yang sama sebelumnya, periode lain dengan jumlah hari yang sama."),
        _("Sektor adalah kategori tingkat teratas dari kategori laporan. Instansi penanggung jawab adalah instansi "
          "yang memegang laporan, atau instansi terakhir yang memegangnya."),
        _("Contoh laporan hanya diambil dari laporan yang sudah dipublikasikan, tidak rahasia dan bukan duplikat; "
          "judulnya disamarkan dari data pribadi dan identitas pelapor tidak pernah ditampilkan. Bila wilayah "
          "memiliki kurang dari %(min)s laporan pada periode ini, tidak ada contoh laporan yang ditampilkan.")
        % {"min": evidence["min_rows"]},
        _("Anggaran adalah ringkasan per sektor yang diunggah instansi yang berkedudukan di wilayah ini untuk "
          "tahun-tahun periode terpilih. Pangsa anggaran dan pangsa aduan per sektor dibandingkan dalam persen."),
    ]
    if evidence.get("facts_as_of"):
        notes.append(_("Data statistik diperbarui berkala; pembaruan terakhir: %(at)s.")
                     % {"at": timezone.localtime(evidence["facts_as_of"]).strftime("%Y-%m-%d %H:%M")})
    return notes
