"""Citizen report pages: track by reference + token (/lacak/), the report page
(/laporan/<reference>/: the public view, or the reporter's own view with the reporter's
actions), the actions (/laporan/<reference>/aksi/) and "my reports" (/akun/laporan/).

Views parse, call one selector or service and render (STYLE §3). Who is the reporter is
decided by ``aduan.reports.selectors.report_get_as_reporter``: the account that submitted,
or a session that proved reference + token (``request.session["reporter_reports"]``, a list
of report ids, also written by the submit page). Everyone else gets the public view, and
the same 404 for a missing, unpublished or confidential report.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from aduan.core.errors import DomainError, NotFound, ValidationFailed
from aduan.reports.selectors import report_get_for_reporter, reports_of_reporter
from aduan.reports.services.transition import report_support, report_transition
from aduan.reports.workflow import TRANSITIONS, Action

from .forms_report import ACTION_FORMS, ReporterActionForm, TrackForm
from .report_selectors import report_page_get, report_public_for_support, report_rows_for_reporter, reporter_access

SESSION_KEY = "reporter_reports"
SESSION_MAX = 50  # a session remembers the last 50 reports it proved
PER_PAGE = 20

# Guessing throttle for /lacak/: failed attempts per session and per client address in a
# fixed window. The per-address limit is higher because many phones share one carrier
# address (CGNAT); tokens are 192-bit, so the limits guard the server, not the secret.
TRACK_WINDOW_SECONDS = 15 * 60
TRACK_LIMIT_PER_SESSION = 10
TRACK_LIMIT_PER_ADDRESS = 100

TRACK_NOT_FOUND = gettext_lazy("Nomor laporan atau kode pelacakan tidak cocok. Periksa kembali keduanya; "
                               "keduanya ada di pesan konfirmasi laporan Anda.")
TRACK_THROTTLED = gettext_lazy("Terlalu banyak percobaan yang gagal. Tunggu 15 menit, lalu coba lagi.")

RATING_CHOICES = [
    ("1", gettext_lazy("1 — sangat tidak puas")),
    ("2", gettext_lazy("2 — tidak puas")),
    ("3", gettext_lazy("3 — cukup")),
    ("4", gettext_lazy("4 — puas")),
    ("5", gettext_lazy("5 — sangat puas")),
]

SUCCESS_MESSAGES = {
    Action.PROVIDE_CLARIFICATION: gettext_lazy("Klarifikasi Anda terkirim ke instansi."),
    Action.REPORTER_REPLY: gettext_lazy("Balasan Anda terkirim; laporan kembali ditindaklanjuti instansi."),
    Action.ADD_INFORMATION: gettext_lazy("Informasi tambahan Anda tersimpan."),
    Action.CONFIRM: gettext_lazy("Terima kasih. Laporan Anda dinyatakan selesai."),
    Action.DISPUTE: gettext_lazy("Sanggahan Anda terkirim; laporan kembali ke instansi."),
    Action.RATE: gettext_lazy("Terima kasih atas penilaian Anda."),
}


def _now() -> datetime:
    return timezone.now()


# --- Session access ----------------------------------------------------------------------

def session_report_ids(request) -> list[int]:
    ids = request.session.get(SESSION_KEY)
    if not isinstance(ids, list):
        return []
    return [int(i) for i in ids if isinstance(i, int) or (isinstance(i, str) and i.isdigit())]


def session_remember_report(request, report_id: int) -> None:
    ids = [i for i in session_report_ids(request) if i != report_id]
    ids.append(report_id)
    request.session[SESSION_KEY] = ids[-SESSION_MAX:]


def _page_url(reference: str) -> str:
    return reverse("portal:report_page", args=[reference])


# --- /lacak/ -------------------------------------------------------------------------------

def _track_counters(request) -> list[tuple[str, int]]:
    if request.session.session_key is None:
        request.session.save()
    address = request.META.get("REMOTE_ADDR", "")
    return [
        (f"track-fail:session:{request.session.session_key}", TRACK_LIMIT_PER_SESSION),
        (f"track-fail:address:{address}", TRACK_LIMIT_PER_ADDRESS),
    ]


def _track_blocked(counters) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in counters)


def _track_failed(counters) -> None:
    for key, _limit in counters:
        cache.add(key, 0, TRACK_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, TRACK_WINDOW_SECONDS)


def track(request):
    if request.method == "POST":
        data = request.POST
    elif "token" in request.GET:
        data = request.GET  # the link on the confirmation page and in the confirmation message
    else:
        data = None  # a link may pre-fill the reference (?ref=…) without being an attempt
    form = TrackForm(data)
    error, field_errors, status = "", {}, 200
    if data is not None:
        counters = _track_counters(request)
        if _track_blocked(counters):
            error, status = TRACK_THROTTLED, 429
        elif not form.is_valid():
            field_errors = {name: errors[0] for name, errors in form.errors.items()}
            status = 400
        else:
            try:
                report, _actor = report_get_for_reporter(reference=form.cleaned_data["ref"], token=form.cleaned_data["token"])
            except NotFound:
                _track_failed(counters)
                error, status = TRACK_NOT_FOUND, 404
            else:
                session_remember_report(request, report.pk)
                request.session.cycle_key()  # the session just gained access: new key
                return redirect(_page_url(report.reference))
    return render(request, "portal/track.html", {
        "typed_ref": (data if data is not None else request.GET).get("ref", "")[:40],
        "error": error,
        "field_errors": field_errors,
        "throttled": status == 429,
    }, status=status)


# --- /laporan/<reference>/ -------------------------------------------------------------------

def _action_forms(page, failure: dict | None) -> list[dict]:
    forms = []
    for action in page.actions:
        failed = failure is not None and failure["action"] == action
        forms.append({
            "action": action.value,
            "id": action.value.replace("_", "-"),
            "words": ACTION_FORMS[action],
            "note_required": TRANSITIONS[action].note_required,
            "note": failure["note"] if failed else "",
            "rating": failure["rating"] if failed else "",
            "errors": failure["errors"] if failed else {},
            "general_error": failure["general"] if failed else "",
        })
    return forms


def _error_summary(forms: list[dict], failure: dict | None) -> list[dict]:
    if failure is None:
        return []
    shown = next((f for f in forms if f["action"] == failure["action"]), None)
    items = []
    if failure["general"]:
        items.append({"message": failure["general"], "href": f"#aksi-{shown['id']}" if shown else ""})
    for name in ("rating", "note"):
        message = failure["errors"].get(name)
        if message:
            href = ""
            if shown:
                href = f"#{shown['id']}-rating-1" if name == "rating" else f"#{shown['id']}-note"
            items.append({"message": message, "href": href})
    return items


def _render_report(request, reference: str, *, failure: dict | None = None, status: int = 200):
    try:
        page = report_page_get(reference=reference, user=request.user, report_ids=session_report_ids(request), now=_now())
    except NotFound:
        raise Http404 from None
    forms = _action_forms(page, failure)
    response = render(request, "portal/report_page.html", {
        "page": page,
        "report": page.report,
        "action_forms": forms,
        "summary": _error_summary(forms, failure),
        "rating_choices": RATING_CHOICES,
    }, status=status)
    if page.is_reporter:
        # The reporter's view may hold a confidential report: no shared or back-button copies.
        add_never_cache_headers(response)
    return response


def report_page(request, reference: str):
    return _render_report(request, reference)


# --- /laporan/<reference>/aksi/ --------------------------------------------------------------

def _failure(post, action: str, errors: dict[str, list], general: str = "") -> dict:
    field_errors = {name: str(messages_[0]) for name, messages_ in errors.items() if name in ("note", "rating") and messages_}
    other = [str(m[0]) for name, m in errors.items() if name not in ("note", "rating") and m]
    return {
        "action": action,
        "note": post.get("note", "")[:10000],
        "rating": post.get("rating", "")[:2],
        "errors": field_errors,
        "general": general or (other[0] if other else ("" if field_errors else _("Tindakan tidak dapat diproses."))),
    }


def _support(request, reference: str):
    try:
        report = report_public_for_support(reference=reference)
    except NotFound:
        raise Http404 from None
    page_url = _page_url(report.reference)
    if not request.user.is_authenticated:
        messages.info(request, _("Masuk terlebih dahulu untuk mendukung laporan. Setelah masuk, tekan lagi tombol Dukung."))
        return redirect(f"/masuk/?{urlencode({'next': page_url})}")
    before = report.support_count
    try:
        report = report_support(report=report, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(page_url)
    if report.support_count > before:
        messages.success(request, _("Terima kasih, dukungan Anda tercatat."))
    else:
        messages.info(request, _("Anda sudah mendukung laporan ini."))
    return redirect(page_url)


@require_POST
def report_action(request, reference: str):
    if request.POST.get("action") == "support":
        return _support(request, reference)
    access = reporter_access(reference=reference, user=request.user, report_ids=session_report_ids(request))
    if access is None:
        raise Http404  # not the reporter: the same answer as for a missing report
    report, actor = access
    form = ReporterActionForm(request.POST)
    raw_action = request.POST.get("action", "")
    if not form.is_valid():
        return _render_report(request, reference, failure=_failure(request.POST, raw_action, form.errors), status=400)
    action = Action(form.cleaned_data["action"])
    params = {"rating": form.cleaned_data["rating"]} if ACTION_FORMS[action].rating else {}
    try:
        report_transition(report=report, action=action, actor=actor, expected_status=form.cleaned_data["expected_status"],
                          note=form.cleaned_data["note"], **params)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        general = "" if exc.field_errors else str(exc.message)
        status = 400 if isinstance(exc, ValidationFailed) else exc.http_status
        failure = _failure(request.POST, action, exc.field_errors, general)
        return _render_report(request, reference, failure=failure, status=status)
    messages.success(request, SUCCESS_MESSAGES[action])
    return redirect(_page_url(report.reference))


# --- /akun/laporan/ --------------------------------------------------------------------------

@never_cache
@login_required(login_url="/masuk/")
def my_reports(request):
    page = Paginator(reports_of_reporter(user=request.user), PER_PAGE).get_page(request.GET.get("page"))
    page.numbers = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return render(request, "portal/my_reports.html", {
        "page": page,
        "rows": report_rows_for_reporter(reports=page.object_list, now=_now()),
    })
