"""Public planning-evidence page (/statistik/perencanaan/): parse the query string → one
selector → render as HTML tables, a PDF report or an XLSX workbook. No sign-in.

Bad input (unknown region, a bad date, start after end, a period over five years, an
unknown format) is answered with the form, the message in Bahasa Indonesia beside the
field, status 400, and no figures at all (rule of the house 8)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Max
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aduan.core.errors import ValidationFailed

from .facts import facts_as_of
from .models import BudgetLine
from .planning import (
    PlanningQuery,
    default_period,
    method_notes,
    planning_evidence,
    planning_query_parse,
    regions_for_picker,
)
from .planning_export import file_name, period_label, planning_pdf, planning_xlsx, previous_label

FORMATS = {"", "html", "pdf", "xlsx"}
CACHE_SECONDS = 15 * 60
# Query-string names shared with the statistics pages (``wilayah``, ``dari``, ``sampai``) → the parser's fields.
FIELDS = {"wilayah": "region", "dari": "date_from", "sampai": "date_to"}


def _render(request, *, raw: dict, errors: dict | None = None, evidence: dict | None = None, status: int = 200):
    context = {
        "raw": raw,
        "errors": errors or {},
        "regions": regions_for_picker(),
        "evidence": evidence,
    }
    if evidence is not None:
        query = urlencode({"wilayah": evidence["region"]["code"], "dari": evidence["period"]["from"].isoformat(),
                           "sampai": evidence["period"]["to"].isoformat()})
        top = max((max(c["count"], c["previous"]) for c in evidence["categories"]), default=0) or 1
        context |= {
            "query": query,
            "period_label": period_label(evidence),
            "previous_label": previous_label(evidence),
            "notes": method_notes(evidence),
            "chart": _chart(evidence["categories"], top),
        }
    return render(request, "analytics/planning.html", context, status=status)


@require_GET
def planning_page(request):
    today = timezone.localdate()
    default_from, default_to = default_period(today)
    raw = {name: request.GET.get(name, "").strip()[:120] for name in FIELDS}
    output = request.GET.get("format", "").strip().lower()[:8]
    if not any(raw.values()) and not output:
        raw |= {"dari": default_from.isoformat(), "sampai": default_to.isoformat()}
        return _render(request, raw=raw)
    errors: dict[str, list[str]] = {}
    if output not in FORMATS:
        errors["format"] = [_("Format unduhan tidak dikenal. Pilih PDF atau XLSX.")]
    try:
        query = planning_query_parse(region=raw["wilayah"], date_from=raw["dari"], date_to=raw["sampai"], today=today)
    except ValidationFailed as exc:
        names = {field: name for name, field in FIELDS.items()}
        errors |= {names.get(field, field): [str(m) for m in messages] for field, messages in exc.field_errors.items()}
        query = None
    if errors or query is None:
        return _render(request, raw=raw, errors=errors, status=400)

    evidence = _evidence(query)
    if output == "pdf":
        return _download(planning_pdf(evidence), "application/pdf", file_name(evidence, "pdf"))
    if output == "xlsx":
        return _download(planning_xlsx(evidence), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         file_name(evidence, "xlsx"))
    raw |= {"wilayah": query.region.code, "dari": query.date_from.isoformat(), "sampai": query.date_to.isoformat()}
    return _render(request, raw=raw, evidence=evidence)


def _evidence(query: PlanningQuery) -> dict:
    """The evidence, shared by the page and its two downloads for a while: a province's takes
    seconds on millions of reports and a public page must not be an easy way to load the
    database. The key moves on with every facts refresh and every budget upload, so a cached
    copy is never older than the figures it was made from."""
    budget = BudgetLine.objects.aggregate(n=Count("id"), at=Max("uploaded_at"))
    as_of = facts_as_of()
    key = ":".join(str(part) for part in (
        "planning", get_language(), query.region.code, query.region.population, query.date_from, query.date_to,
        as_of.isoformat() if as_of else "", budget["n"], budget["at"].isoformat() if budget["at"] else ""))
    evidence = cache.get(key)
    if evidence is None:
        evidence = planning_evidence(region=query.region, date_from=query.date_from, date_to=query.date_to)
        cache.set(key, evidence, CACHE_SECONDS)
    return evidence


CHART_LABEL, CHART_BARS, CHART_ROW = 190, 320, 26


def _chart(categories: list[dict], top: int) -> dict:
    """Geometry of the server-drawn bar chart (an SVG that repeats the category table)."""
    rows = []
    for index, c in enumerate(categories):
        label = c["name"] if len(c["name"]) <= 30 else c["name"][:29] + "…"
        now, before = CHART_BARS * c["count"] / top, CHART_BARS * c["previous"] / top
        rows.append({"label": label, "y": index * CHART_ROW, "now": round(now, 1), "before": round(before, 1),
                     "count": c["count"], "previous": c["previous"],
                     "x_now": round(CHART_LABEL + now + 4, 1), "x_before": round(CHART_LABEL + before + 4, 1)})
    return {"rows": rows, "height": max(len(rows), 1) * CHART_ROW + 4, "label_width": CHART_LABEL,
            "width": CHART_LABEL + CHART_BARS + 90}


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
