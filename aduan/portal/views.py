from django.shortcuts import render
from django.utils import timezone

from . import public_selectors as sel


def home(request):
    """Front door: report, track, search, and the latest public reports (three queries)."""
    latest = sel.reports_public_open()[:5]
    return render(request, "portal/home.html", {
        "rows": sel.report_rows_public(reports=latest, now=timezone.now()),
    })
