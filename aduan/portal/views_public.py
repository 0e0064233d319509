"""Public browsing pages: search and browse reports, agency pages, region pages.

Views parse the query string, call the selectors in ``public_selectors`` and render.
"""

from __future__ import annotations

from datetime import datetime

from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import public_selectors as sel

PER_PAGE = 20
FILTER_LABELS = {
    "q": _("Kata kunci"), "category": _("Kategori"), "region": _("Wilayah"), "agency": _("Instansi"),
    "status": _("Status"), "date_from": _("Dari tanggal"), "date_to": _("Sampai tanggal"),
}
FILTER_FIELDS = tuple(FILTER_LABELS)


def _now() -> datetime:
    return timezone.now()


def _page(request, reports) -> Page:
    # get_page turns a non-number into page 1 and a page past the end into the last page.
    page = Paginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    page.numbers = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page


def report_search(request):
    raw = {name: request.GET.get(name, "") for name in FILTER_FIELDS}
    search = sel.reports_public_search(**raw)
    page = _page(request, search.reports)
    return render(request, "portal/search.html", {
        "raw": raw,
        "search": search,
        "applied": [(FILTER_LABELS[name], value) for name, value in search.applied.items()],
        "page": page,
        "rows": sel.report_rows_public(reports=page.object_list, now=_now()),
        "categories": sel.categories_public(),
        "statuses": sel.statuses_public(),
    })


def agency_detail(request, slug: str):
    agency = sel.agency_get_public(slug=slug)
    if agency is None:
        raise Http404
    now = _now()
    page = _page(request, sel.reports_public_open(agency=agency))
    return render(request, "portal/agency_detail.html", {
        "agency": agency,
        "units": sel.agencies_children_public(agency=agency),
        "page": page,
        "rows": sel.report_rows_public(reports=page.object_list, now=now),
        "record": sel.agency_response_record(agency=agency, now=now),
    })


def region_detail(request, code: str):
    region = sel.region_get_public(code=code)
    if region is None:
        raise Http404
    now = _now()
    page = _page(request, sel.reports_public_open(region=region))
    return render(request, "portal/region_detail.html", {
        "region": region,
        "ancestors": sel.regions_ancestors(region=region),
        "children": sel.regions_children(region=region),
        "page": page,
        "rows": sel.report_rows_public(reports=page.object_list, now=now),
        "record": sel.region_response_record(region=region, now=now),
    })
