"""Officials' early-warning pages (issue #7) under /petugas/analitik/peringatan/: the list
of alerts in the official's scope, one alert with the reports behind it, and the POST that
marks it acknowledged. Views parse input, call one selector or service, and render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aduan.backoffice.auth import official_required
from aduan.core.errors import NotFound, PermissionDenied
from aduan.reports.workflow import Status

from .early_warning import (
    METHOD_FARRINGTON, Params, alert_acknowledge, alert_get_for_staff, alert_reports_for_staff, alerts_visible_to,
    can_acknowledge_alert,
)
from .models import Alert

STATES = {"terbuka": Alert.State.OPEN, "ditangani": Alert.State.ACKNOWLEDGED}


def p_label(value: float) -> str:
    """A p-value as officials read it: "< 0,0001" for tiny ones."""
    if value < 0.0001:
        return "< 0,0001"
    return f"{value:.4f}".replace(".", ",")


def _row(alert: Alert) -> dict:
    return {
        "alert": alert,
        "what": alert.category.name if alert.category_id else alert.term,
        "is_term": alert.subject == Alert.Subject.TERM,
        "expected": f"{alert.expected:.1f}".replace(".", ","),
        "threshold": f"{alert.threshold:.0f}",
        "p": p_label(alert.p_value),
        "state_label": Alert.State(alert.state).label,
    }


@official_required
def alert_list_view(request):
    state = request.GET.get("status", "")
    qs = alerts_visible_to(request.user).select_related("region", "category").order_by("-window_end", "-pk")
    if state in STATES:
        qs = qs.filter(state=STATES[state])
    paginator = Paginator(qs, 25)
    page = paginator.get_page(request.GET.get("page"))
    page.numbers = paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return render(request, "analytics/alerts_list.html", {
        "rows": [_row(a) for a in page.object_list], "page": page, "total": paginator.count,
        "state": state if state in STATES else "",
        "states": [("", _("Semua")), ("terbuka", Alert.State.OPEN.label), ("ditangani", Alert.State.ACKNOWLEDGED.label)],
    })


def _render_detail(request, alert_id: int):
    try:
        alert = alert_get_for_staff(user=request.user, alert_id=alert_id)
    except NotFound:
        raise Http404 from None
    reports = list(alert_reports_for_staff(user=request.user, alert=alert))
    params = Params.from_settings()
    return render(request, "analytics/alerts_detail.html", {
        "row": _row(alert), "a": alert, "agencies": list(alert.agencies.order_by("name")),
        "reports": [{"r": r, "status_label": Status(r.status).label} for r in reports],
        "linked": alert.reports.count(),
        "farrington": alert.method == METHOD_FARRINGTON, "params": params,
        "level": f"{100 * (1 - params.alpha):g}".replace(".", ","),
        "can_acknowledge": alert.state == Alert.State.OPEN and can_acknowledge_alert(request.user, alert),
    })


@official_required
def alert_detail_view(request, alert_id: int):
    return _render_detail(request, alert_id)


@official_required
@require_POST
def alert_acknowledge_view(request, alert_id: int):
    try:
        alert_acknowledge(user=request.user, alert_id=alert_id)
    except NotFound:
        raise Http404 from None
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    messages.success(request, _("Peringatan ditandai sudah ditangani."))
    return redirect(reverse("analytics_office:alert_detail", args=[alert_id]))
