"""Reads for the public browsing pages: search, agency pages, region pages.

Privacy (rule of the house 4): every report list here starts from
``aduan.reports.selectors.public_reports()`` (published statuses, never confidential);
rows are plain dicts with the title passed through ``redact_text`` and no reporter field
at all, so a template cannot show what it is never given.

Search never matches on personal data: words that look like a phone number, an e-mail
address or a NIK/KK number are dropped from the query (otherwise a search for a number
would reveal which report contains it, even though the page shows it redacted).

The response-time record is computed with database aggregates over the last 365 days;
only the median takes a second query, which reads at most two rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Iterable

from django.db import connection
from django.db.models import Avg, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency, Category
from aduan.core.redact import redact_text
from aduan.regions.models import Region
from aduan.reports.models import Disposition, Report
from aduan.reports.selectors import public_reports
from aduan.reports.sla import overdue_clocks
from aduan.reports.workflow import AGENCY_OWES_WORK, OPEN_STATUSES, PUBLISHED_STATUSES, Status

RECORD_WINDOW_DAYS = 365
MAX_QUERY_WORDS = 8
_REGION_CODE = re.compile(r"^\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?$")
# A search word with six or more digits, or an '@', is treated as personal data.
_PERSONAL_WORD = re.compile(r"@|(?:\d\D?){6,}")


@dataclass
class ReportSearch:
    """The outcome of a public search: the reports (newest first), the filters that were
    applied (as display names), and a message per filter that could not be applied."""

    reports: QuerySet[Report]
    applied: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


# --- Filters ------------------------------------------------------------------------------

def _region_prefix(code: str) -> Q:
    return Q(region__code=code) | Q(region__code__startswith=f"{code}.")


def _local_day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _parse_date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _search_words(q: str) -> tuple[list[str], bool]:
    """Words to search for, and whether any word was dropped as personal data."""
    words, dropped = [], False
    for word in q.split():
        if _PERSONAL_WORD.search(word) or redact_text(word) != word:
            dropped = True
            continue
        words.append(word)
    return words[:MAX_QUERY_WORDS], dropped


def _text_filter(reports: QuerySet[Report], words: list[str]) -> QuerySet[Report]:
    """Every word must occur in the title or the body. PostgreSQL uses full-text search with
    the ``simple`` configuration (it ships no Indonesian one); other databases use icontains."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("title", "body", config="simple")
        return reports.annotate(_search=vector).filter(_search=SearchQuery(" ".join(words), config="simple"))
    for word in words:
        reports = reports.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return reports


def _region_lookup(raw: str) -> Region | None:
    if _REGION_CODE.match(raw):
        return Region.objects.filter(code=raw).first()
    matches = list(Region.objects.filter(name__iexact=raw)[:2])
    return matches[0] if len(matches) == 1 else None


def reports_public_search(
    *,
    q: str = "",
    category: str = "",
    region: str = "",
    agency: str = "",
    status: str = "",
    date_from: str = "",
    date_to: str = "",
) -> ReportSearch:
    """Filter the public reports by raw query-string values. A value that cannot be used
    gets a message under its field name and leaves the results unfiltered by that field."""
    reports = public_reports().select_related("category", "region", "agency").defer("body")
    result = ReportSearch(reports=reports)
    applied, errors = result.applied, result.errors

    q = q.strip()[:200]
    if q:
        words, dropped = _search_words(q)
        if dropped:
            errors["q"] = _("Nomor telepon, alamat surel dan NIK tidak dapat dicari; kata tersebut diabaikan.")
        if words:
            reports = _text_filter(reports, words)
            applied["q"] = " ".join(words)

    category = category.strip()
    if category:
        found = Category.objects.filter(slug=category[:80]).first()
        if found is None:
            errors["category"] = _("Kategori tidak dikenal; hasil tidak disaring menurut kategori.")
        else:
            reports = reports.filter(category=found)
            applied["category"] = found.name

    region = region.strip()[:120]
    if region:
        found = _region_lookup(region)
        if found is None:
            errors["region"] = _("Wilayah tidak dikenal; isi kode Kemendagri (mis. 33.74) atau nama lengkap wilayah.")
        else:
            reports = reports.filter(_region_prefix(found.code))
            applied["region"] = found.name

    agency = agency.strip()
    if agency:
        found = Agency.objects.filter(slug=agency[:120]).first()
        if found is None:
            errors["agency"] = _("Instansi tidak dikenal; hasil tidak disaring menurut instansi.")
        else:
            reports = reports.filter(agency__path__startswith=found.path)
            applied["agency"] = found.name

    status = status.strip()
    if status:
        if status not in PUBLISHED_STATUSES:
            errors["status"] = _("Status tidak dikenal; hasil tidak disaring menurut status.")
        else:
            reports = reports.filter(status=status)
            applied["status"] = str(Status(status).label)

    start = _parse_date(date_from.strip()) if date_from.strip() else None
    end = _parse_date(date_to.strip()) if date_to.strip() else None
    if date_from.strip() and start is None:
        errors["date_from"] = _("Tanggal tidak valid. Gunakan format TTTT-BB-HH.")
    if date_to.strip() and end is None:
        errors["date_to"] = _("Tanggal tidak valid. Gunakan format TTTT-BB-HH.")
    if start and end and end < start:
        errors["date_to"] = _("Tanggal akhir sebelum tanggal awal; tanggal akhir diabaikan.")
        end = None
    if start:
        reports = reports.filter(submitted_at__gte=_local_day_start(start))
        applied["date_from"] = start.isoformat()
    if end:
        reports = reports.filter(submitted_at__lt=_local_day_start(end + timedelta(days=1)))
        applied["date_to"] = end.isoformat()

    result.reports = reports.order_by("-submitted_at", "-id")
    return result


def reports_public_open(*, agency: Agency | None = None, region: Region | None = None) -> QuerySet[Report]:
    """Open public reports held by an agency (and its units) or located in a region (and below)."""
    reports = public_reports().filter(status__in=OPEN_STATUSES).select_related("category", "region", "agency").defer("body")
    if agency is not None:
        reports = reports.filter(agency__path__startswith=agency.path)
    if region is not None:
        reports = reports.filter(_region_prefix(region.code))
    return reports.order_by("-submitted_at", "-id")


def report_rows_public(*, reports: Iterable[Report], now: datetime) -> list[dict]:
    """One page of reports as display rows: redacted title, no reporter fields."""
    return [
        {
            "reference": r.reference,
            "title": redact_text(r.title),
            "category": r.category.name if r.category_id else "",
            "region": r.region.name if r.region_id else "",
            "region_code": r.region_id or "",
            "agency": r.agency.name if r.agency_id else "",
            "agency_slug": r.agency.slug if r.agency_id else "",
            "status": r.status,
            "status_label": Status(r.status).label,
            "submitted_at": r.submitted_at,
            "overdue": bool(overdue_clocks(r, now)),
        }
        for r in reports
    ]


def categories_public() -> list[dict]:
    return list(Category.objects.filter(is_active=True).order_by("name").values("slug", "name"))


def statuses_public() -> list[tuple[str, str]]:
    return [(s.value, s.label) for s in Status if s in PUBLISHED_STATUSES]


# --- Directory pages ----------------------------------------------------------------------

def agency_get_public(*, slug: str) -> Agency | None:
    return Agency.objects.select_related("parent").filter(slug=slug, is_active=True).first()


def agencies_children_public(*, agency: Agency) -> list[Agency]:
    return list(agency.children.filter(is_active=True).order_by("name"))


def region_get_public(*, code: str) -> Region | None:
    if not _REGION_CODE.match(code):
        return None
    return Region.objects.filter(code=code).first()


def regions_ancestors(*, region: Region) -> list[Region]:
    """The parent chain, province first, without the region itself (one query)."""
    codes = region.ancestor_codes()[1:]
    return list(Region.objects.filter(code__in=codes).order_by("level"))


def regions_children(*, region: Region) -> list[Region]:
    return list(region.children.order_by("code"))


# --- Response-time record -----------------------------------------------------------------

def _record(reports: QuerySet[Report], *, responded: Q, unanswered_overdue: Q, closed: Q) -> dict:
    """Aggregate a response-time record over ``reports`` (each report counted once).

    - on-time share: first responses within ``first_response_due_at`` among the reports whose
      first response was due: answered ones plus unanswered ones past their deadline (a report
      still inside its deadline, or paused waiting for the reporter, is not counted yet);
    - median days from the first disposition (when the first-response clock starts) to the
      first response;
    - resolved share: closed reports among all counted; average rating of those closed.
    """
    figures = reports.aggregate(
        total=Count("pk"),
        responded=Count("pk", filter=responded),
        on_time=Count("pk", filter=responded & Q(first_response_at__lte=F("first_response_due_at"))),
        overdue=Count("pk", filter=unanswered_overdue),
        closed=Count("pk", filter=closed),
        rated=Count("pk", filter=closed & Q(rating__isnull=False)),
        rating_avg=Avg("rating", filter=closed & Q(rating__isnull=False)),
    )
    n = figures["responded"]
    lo, hi = max((n - 1) // 2, 0), max(n // 2, 0)
    waits = list(
        reports.filter(responded)
        .annotate(_wait=ExpressionWrapper(F("first_response_at") - F("verified_at"), output_field=DurationField()))
        .order_by("_wait")
        .values_list("_wait", flat=True)[lo:hi + 1]
    )
    due = figures["responded"] + figures["overdue"]
    median = None
    if waits:
        middle = waits[0] if n % 2 else (waits[0] + waits[-1]) / 2
        median = round(middle.total_seconds() / 86400, 1)
    return {
        "window_days": RECORD_WINDOW_DAYS,
        "total": figures["total"],
        "responded": figures["responded"],
        "due": due,
        "on_time": figures["on_time"],
        "on_time_pct": round(100 * figures["on_time"] / due, 1) if due else None,
        "median_days_to_first_response": median,
        "closed": figures["closed"],
        "resolved_pct": round(100 * figures["closed"] / figures["total"], 1) if figures["total"] else None,
        "rated": figures["rated"],
        "rating_avg": round(figures["rating_avg"], 2) if figures["rating_avg"] is not None else None,
    }


def agency_response_record(*, agency: Agency, now: datetime) -> dict:
    """The agency's (and its units') record over the last 365 days, on public reports.

    Counted: reports disposed to the agency or a unit in the window (via ``Disposition``,
    so a report later forwarded elsewhere still counts). A first response counts for the
    agency only if one of its dispositions was active when it was given; an unanswered
    overdue report counts against it only while it holds the report; a closed report and
    its rating count for the agency that held it when it closed.
    """
    since = now - timedelta(days=RECORD_WINDOW_DAYS)
    subtree = agency.path
    disposed_here = Disposition.objects.filter(
        report=OuterRef("pk"), agency__path__startswith=subtree, disposed_at__gte=since, disposed_at__lte=now,
    )
    held_at_first_response = Disposition.objects.filter(
        report=OuterRef("pk"), agency__path__startswith=subtree, disposed_at__lte=OuterRef("first_response_at"),
    ).filter(Q(ended_at__isnull=True) | Q(ended_at__gte=OuterRef("first_response_at")))
    held_now = Q(agency__path__startswith=subtree)
    return _record(
        public_reports().filter(Exists(disposed_here)),
        responded=Q(first_response_at__isnull=False, first_response_at__lte=now) & Q(Exists(held_at_first_response)),
        unanswered_overdue=_unanswered_overdue(now) & held_now,
        closed=Q(status=Status.CLOSED) & held_now,
    )


def region_response_record(*, region: Region, now: datetime) -> dict:
    """The record of public reports located in the region (and below) and first disposed
    in the last 365 days, whichever agency handled them."""
    since = now - timedelta(days=RECORD_WINDOW_DAYS)
    reports = public_reports().filter(_region_prefix(region.code), verified_at__gte=since, verified_at__lte=now)
    return _record(
        reports,
        responded=Q(first_response_at__isnull=False, first_response_at__lte=now),
        unanswered_overdue=_unanswered_overdue(now),
        closed=Q(status=Status.CLOSED),
    )


def _unanswered_overdue(now: datetime) -> Q:
    # Same rule as sla.overdue_clocks("first_response"): a paused clock is never overdue.
    return Q(first_response_at__isnull=True, status__in=AGENCY_OWES_WORK, first_response_due_at__lt=now)
