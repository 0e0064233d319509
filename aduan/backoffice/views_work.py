"""Officials' pages: sign-in with a TOTP second factor, inboxes, the report page and its
actions. Views parse input, call one service or selector, and render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aduan.core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied, StaleState, ValidationFailed
from aduan.intake.selectors_backoffice import report_origin
from aduan.reports.models import Kind
from aduan.routing.rules import category_by_slug
from aduan.reports.policies import available_actions
from aduan.reports.services.duplicates import duplicate_candidates_for_staff
from aduan.reports.services.links import report_link_related, report_links_for_staff, report_unlink_related
from aduan.reports.selectors import report_detail_for_staff, report_get_for_staff
from aduan.reports.services.transition import report_transition
from aduan.reports.workflow import ACTION_LABELS, Action, Status

from .auth import (
    ENROL_URL, OTP_URL, confirmed_device, is_official, lockout_response, official_required, official_totp_confirm,
    official_totp_device_for_enrolment, official_totp_verify, safe_next, with_next, totp_qr_svg, totp_secret_base32,
)
from .form_errors import errors_to_form
from .forms_work import ACTION_FORMS, InboxFilterForm, RelatedLinkForm, action_form, agency_choices
from .selectors import INBOXES, inbox_reports

INBOX_TITLES = {
    "verifikasi": _("Antrean verifikasi"),
    "instansi": _("Kotak masuk instansi"),
    "terlambat": _("Melewati tenggat"),
    "eskalasi": _("Eskalasi"),
}


# --- Sign-in ---------------------------------------------------------------------------------

def login_view(request):
    if request.user.is_authenticated and is_official(request.user) and request.user.is_verified():
        return redirect(safe_next(request))
    error, username, status = None, "", 200
    if request.method == "POST":
        username = request.POST.get("username", "")[:150]
        user = authenticate(request=request, username=username, password=request.POST.get("password", ""))
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
        if user is None:
            error, status = _("Nama pengguna atau kata sandi salah."), 400
        elif not is_official(user):
            error, status = _("Akun ini tidak memiliki peran petugas. Warga dapat masuk melalui halaman Masuk warga."), 403
        else:
            login(request, user)
            target = OTP_URL if confirmed_device(user) else ENROL_URL
            return redirect(with_next(target, safe_next(request)))
    return render(request, "backoffice/login.html", {"error": error, "username": username, "next": safe_next(request)},
                  status=status)


def _pending_official(request):
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if not is_official(request.user):
        raise DjangoPermissionDenied
    return None


def otp_verify_view(request):
    if (response := _pending_official(request)) is not None:
        return response
    if request.user.is_verified():
        return redirect(safe_next(request))
    if confirmed_device(request.user) is None:
        return redirect(with_next(ENROL_URL, safe_next(request)))
    error = None
    if request.method == "POST":
        if official_totp_verify(request=request, token=request.POST.get("token", "")):
            messages.success(request, _("Anda sudah masuk sebagai petugas."))
            return redirect(safe_next(request))
        error = _("Kode tidak cocok atau sudah kedaluwarsa. Masukkan kode 6 angka yang sedang tampil di aplikasi.")
    return render(request, "backoffice/otp_verify.html", {"error": error, "next": safe_next(request)},
                  status=400 if error else 200)


def otp_enrol_view(request):
    if (response := _pending_official(request)) is not None:
        return response
    if confirmed_device(request.user) is not None:
        # A second device is never enrolled with the password alone.
        return redirect(with_next(OTP_URL, safe_next(request)))
    device = official_totp_device_for_enrolment(user=request.user)
    error = None
    if request.method == "POST":
        if official_totp_confirm(request=request, device=device, token=request.POST.get("token", "")):
            messages.success(request, _("Autentikasi dua langkah aktif. Anda sudah masuk sebagai petugas."))
            return redirect(safe_next(request))
        error = _("Kode tidak cocok. Pindai ulang kode QR atau periksa jam di ponsel Anda, lalu coba lagi.")
    context = {"error": error, "next": safe_next(request), "secret": totp_secret_base32(device), "qr_svg": totp_qr_svg(device)}
    return render(request, "backoffice/otp_enrol.html", context, status=400 if error else 200)


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("Anda sudah keluar."))
    return redirect(settings.LOGIN_URL)


# --- Inboxes ---------------------------------------------------------------------------------

@official_required
def inbox_view(request, name: str):
    if name not in INBOXES:
        raise Http404
    form = InboxFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = inbox_reports(
        user=request.user, inbox=name, now=timezone.now(),
        status=filters.get("status") or "", category=filters.get("category"), agency=filters.get("agency"),
        text=(filters.get("q") or "").strip(), sort=filters.get("sort") or "tenggat",
    )
    paginator = Paginator(qs, 25)
    page = paginator.get_page(request.GET.get("page"))
    page.numbers = paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    rows = [{"report": r, "status_label": Status(r.status).label, "suggestion": _top_suggestion(r)} for r in page.object_list]
    return render(request, "backoffice/inbox.html", {
        "inbox": name, "inbox_title": INBOX_TITLES[name], "inboxes": [(n, INBOX_TITLES[n]) for n in INBOXES],
        "form": form, "page": page, "rows": rows, "total": paginator.count,
    })


def _top_suggestion(report) -> dict | None:
    """Routing's first suggestion for a report not yet with an agency (issue #6): the
    verifier sees it in the inbox and confirms on the report page."""
    suggestions = (report.routing or {}).get("suggestions") or []
    if report.agency_id or not suggestions:
        return None
    top = suggestions[0]
    return {"agency_id": top.get("agency_id"), "agency": top.get("agency", ""),
            "percent": round(100 * float(top.get("confidence") or 0))}


# --- Report page and actions -------------------------------------------------------------------

def _event_rows(detail: dict) -> list[dict]:
    rows = []
    for event in detail["events"]:
        try:
            label = ACTION_LABELS[Action(event["action"])]
        except ValueError:
            label = {"submit": _("Laporan diterima"), "duplicate_linked": _("Laporan duplikat ditautkan"),
                     "link_related": _("Ditautkan dengan laporan terkait"),
                     "unlink_related": _("Tautan laporan terkait dihapus")}.get(
                event["action"], event["action"])
        to_label = Status(event["to_status"]).label if event["to_status"] in Status.values else ""
        rows.append({**event, "label": label, "to_label": to_label})
    return rows


def _category_name(slug: str) -> str:
    category = category_by_slug(slug) if slug else None
    return category.name if category is not None else slug


def routing_for_staff(detail: dict, *, can_dispose: bool) -> dict | None:
    """What routing suggested at submission (issue #6), for the verifier: the top agencies with
    their confidence, reasons and terms, why it was not disposed automatically, and the
    sector and kind the models saw. None when routing has not looked at the report."""
    routing = detail.get("routing") or {}
    if not routing:
        return None
    kind_labels = dict(Kind.choices)
    return {
        "suggestions": [{**s, "percent": round(100 * float(s.get("confidence") or 0))} for s in routing.get("suggestions", [])],
        "auto": routing.get("auto", False), "why_not": routing.get("why_not", ""),
        "region": routing.get("region"),
        "categories": [{**c, "name": _category_name(c.get("category", "")),
                        "percent": round(100 * float(c.get("probability") or 0))} for c in routing.get("categories", [])],
        "kinds": [{"label": kind_labels.get(k["kind"], k["kind"]), "percent": round(100 * float(k.get("probability") or 0))}
                  for k in routing.get("kinds", [])],
        "can_dispose": can_dispose and detail["status"] == Status.SUBMITTED, "expected_status": detail["status"],
    }


def _render_detail(request, report_id: int, *, bound: dict | None = None, alert: str = "", status: int = 200,
                   link_form: RelatedLinkForm | None = None):
    try:
        detail = report_detail_for_staff(user=request.user, report_id=report_id)
        report = report_get_for_staff(user=request.user, report_id=report_id)
    except NotFound:
        raise Http404 from None
    actions = [a for a in available_actions(report, request.user) if a in ACTION_FORMS]
    needs_agencies = {Action.VERIFY_DISPOSE, Action.NOT_AUTHORITY} & set(actions)
    options = agency_choices() if needs_agencies else None
    forms = []
    for action in actions:
        form = (bound or {}).get(action) or action_form(action, report=detail, agency_options=options)
        checkboxes = [f for f in form.visible_fields() if f.widget_type == "checkbox"]
        forms.append({"action": action.value, "label": ACTION_LABELS[action], "form": form, "checkboxes": checkboxes})
    deadlines = [
        {"key": key, "label": label, "at": detail["deadlines"][key], "overdue": key in detail["overdue"]}
        for key, label in [("verify", _("Verifikasi dan disposisi")), ("first_response", _("Tindak lanjut pertama")),
                           ("resolution", _("Penyelesaian")), ("autoclose", _("Tutup otomatis"))]
    ]
    deadlines[0]["overdue"] = "verify" in detail["overdue"]
    return render(request, "backoffice/report_detail.html", {
        "origin": report_origin(report=report),
        "routing": routing_for_staff(detail, can_dispose=Action.VERIFY_DISPOSE in actions),
        "duplicates": duplicate_candidates_for_staff(user=request.user, report=report),
        "related": report_links_for_staff(user=request.user, report=report),
        "link_form": link_form or RelatedLinkForm(prefix="link"),
        "r": detail, "status_label": Status(detail["status"]).label, "events": _event_rows(detail),
        "deadlines": deadlines, "action_forms": forms, "alert": alert,
        "error_forms": [f for f in forms if f["form"].is_bound and f["form"].errors]
                       + ([{"form": link_form}] if link_form is not None and link_form.errors else []),
    }, status=status)


@official_required
def report_detail_view(request, report_id: int):
    return _render_detail(request, report_id)


@official_required
@require_POST
def report_action_view(request, report_id: int):
    try:
        action = Action(request.POST.get("action", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Tindakan tidak dikenal."))
    if action not in ACTION_FORMS:
        return HttpResponseBadRequest(_("Tindakan tidak dikenal."))
    needs_agencies = action in (Action.VERIFY_DISPOSE, Action.NOT_AUTHORITY)
    form = action_form(action, data=request.POST, agency_options=agency_choices() if needs_agencies else None)
    if not form.is_valid():
        return _render_detail(request, report_id, bound={action: form}, status=400)
    expected = request.POST.get(f"{action.value}-expected_status") or request.POST.get("expected_status", "")
    try:
        report_transition(report=report_id, action=action, actor=request.user, expected_status=expected, **form.params())
    except NotFound:
        raise Http404 from None
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    except ValidationFailed as exc:
        errors_to_form(form, exc)
        return _render_detail(request, report_id, bound={action: form}, status=400)
    except StaleState as exc:
        # Re-render the current state; the typed text is kept, and the hidden expected
        # status is the current one, so sending again is a deliberate choice.
        return _render_detail(request, report_id, bound=_rebound(action, request.POST), alert=str(exc.message), status=409)
    except (InvalidTransition, DomainError) as exc:
        return _render_detail(request, report_id, alert=str(exc.message), status=409)
    messages.success(request, _("Berhasil: %(action)s.") % {"action": ACTION_LABELS[action]})
    return redirect("backoffice:report_detail", report_id=report_id)


@official_required
@require_POST
def report_link_view(request, report_id: int):
    """Link this report with another as related (issue #6)."""
    form = RelatedLinkForm(request.POST, prefix="link")
    if not form.is_valid():
        return _render_detail(request, report_id, link_form=form, status=400)
    try:
        report_link_related(report=report_id, other_reference=form.cleaned_data["other"], actor=request.user,
                            note=form.cleaned_data["note"])
    except NotFound:
        raise Http404 from None
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    except ValidationFailed as exc:
        errors_to_form(form, exc)
        return _render_detail(request, report_id, link_form=form, status=400)
    messages.success(request, _("Laporan %(ref)s ditautkan sebagai terkait.") % {"ref": form.cleaned_data["other"].upper()})
    return redirect(reverse("backoffice:report_detail", kwargs={"report_id": report_id}) + "#terkait")


@official_required
@require_POST
def report_unlink_view(request, report_id: int, link_id: int):
    try:
        report_unlink_related(report=report_id, link_id=link_id, actor=request.user)
    except NotFound:
        raise Http404 from None
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    messages.success(request, _("Tautan laporan terkait dihapus."))
    return redirect(reverse("backoffice:report_detail", kwargs={"report_id": report_id}) + "#terkait")



def _rebound(action: Action, post) -> dict:
    data = post.copy()
    data.pop("expected_status", None)
    needs_agencies = action in (Action.VERIFY_DISPOSE, Action.NOT_AUTHORITY)
    form = action_form(action, data=data, agency_options=agency_choices() if needs_agencies else None)
    form.is_valid()
    return {action: form}


@official_required
def attachment_view(request, report_id: int, attachment_id: int):
    """Serve an attachment to an official who may see the report; the same 404 otherwise.
    Served as a download with the stored (sniffed) type, never rendered inline as HTML."""
    try:
        report = report_get_for_staff(user=request.user, report_id=report_id)
    except NotFound:
        raise Http404 from None
    attachment = report.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    inline = attachment.content_type.startswith("image/") or attachment.content_type == "application/pdf"
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                            as_attachment=not inline, filename=attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
