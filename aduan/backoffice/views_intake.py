"""Intake pages for officials (/petugas/penerimaan/, issue #5): parse input → one service → render.

- ``catat/``: an operator enters a report for a caller (pusat panggilan) or from a paper
  form (kotak pengaduan / surat) with its scans; the confirmation page shows the reference
  and the tracking code once, to be read out to the caller or written on the receipt.
- ``antrean/``: messages the channels could not read (``needs_operator``), oldest first;
  each can become a report, be added to an existing report, or be closed with a note.
- ``perangkat/``: monitoring devices (CCTV analytics, sensors) of the agencies the
  official manages: register, deactivate.

Access: entry and queue need ``intake_operate`` (verifiers, national administrators); the
device pages need ``agency_manage``; the landing page either. Everyone else gets 403.
Everything works without JavaScript: the location picker's steps are buttons of the same
form (portal/_location_picker.html), and a file chosen before such a step must be chosen
again (a browser cannot keep it), which the page says.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from aduan.accounts.policies import user_has_perm_anywhere
from aduan.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aduan.intake import selectors_backoffice as sel
from aduan.intake.devices import device_create, device_deactivate, devices_manageable_by
from aduan.intake.services_operator import (
    MessageAlreadyHandled,
    inbound_attach_to_report,
    inbound_dismiss,
    inbound_make_report,
    report_enter,
)
from aduan.portal import submit_selectors as picker

from . import forms_intake as forms
from .auth import official_required
from .form_errors import errors_to_form
from .views_directory import agencies_manageable_by

TOKENS_KEY = "intake_entered_tokens"
ENTRIES_KEY = "intake_entries"
ENTRIES_KEPT = 30
QUEUE_PAGE_SIZE = 25


def _access(*codes: str):
    def decorator(view):
        @official_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not any(user_has_perm_anywhere(request.user, code) for code in codes):
                raise DjangoPermissionDenied
            return view(request, *args, **kwargs)
        return wrapper
    return decorator


operator_required = _access("intake_operate")


# --- Landing -----------------------------------------------------------------------------------

@_access("intake_operate", "agency_manage")
def home(request):
    can_operate = user_has_perm_anywhere(request.user, "intake_operate")
    return render(request, "backoffice/intake_home.html", {
        "can_operate": can_operate,
        "can_manage_devices": user_has_perm_anywhere(request.user, "agency_manage"),
        "queue_count": sel.operator_queue_count() if can_operate else None,
    })


# --- The entry form (shared by a new entry and a report made from a queued message) --------------

def _render_entry(request, *, typed: dict, action_url: str, message: dict | None = None, region_q: str = "",
                  searched: bool = False, field_errors: dict | None = None, summary: list | None = None,
                  files_dropped: bool = False, entry_key: str = "", status: int = 200):
    step = picker.location_step(code=typed["region_code"])
    region_q_clean = " ".join(region_q.split())
    return render(request, "backoffice/intake_entry.html", {
        "typed": typed,
        "action_url": action_url,
        "message": message,
        "entry_key": entry_key,
        "errors": {name: [str(m) for m in msgs] for name, msgs in (field_errors or {}).items()},
        "summary": summary or [],
        "channels": forms.channel_choices(),
        "kinds": forms.kind_choices(),
        "categories": picker.categories_for_submit(),
        "loc": step,
        "map": None,  # the pin map posts to the citizen form; operators type coordinates
        "map_message": None,
        "region_q": region_q,
        "searched": searched,
        "search_too_short": searched and len(region_q_clean) < picker.SEARCH_MIN_CHARS,
        "search_results": picker.regions_search(q=region_q_clean) if searched else [],
        "files_dropped": files_dropped,
        "today": timezone.localdate().isoformat(),
        **picker.upload_limits(),
    }, status=status)


def _remember(request, *, entry_key: str, reference: str, token: str) -> None:
    tokens = dict(request.session.get(TOKENS_KEY) or {})
    tokens[reference] = token
    request.session[TOKENS_KEY] = tokens
    entries = [e for e in (request.session.get(ENTRIES_KEY) or []) if isinstance(e, list) and len(e) == 2]
    request.session[ENTRIES_KEY] = (entries + [[entry_key, reference]])[-ENTRIES_KEPT:]


def _entered_with(request, entry_key: str) -> str | None:
    for key, reference in request.session.get(ENTRIES_KEY) or []:
        if entry_key and key == entry_key:
            return reference
    return None


@operator_required
@require_http_methods(["GET", "HEAD", "POST"])
def entry(request):
    action_url = "/petugas/penerimaan/catat/"
    if request.method != "POST":
        return _render_entry(request, typed=forms.typed_initial(), action_url=action_url, entry_key=forms.entry_key_new())
    typed = forms.typed_from_post(request.POST)
    entry_key = request.POST.get("entry_key", "")[:64] or forms.entry_key_new()
    region_q, searched = forms.location_from_post(request.POST, typed)
    chosen_files = bool(request.FILES.getlist("attachments"))
    if request.POST.get("action") != "submit":
        return _render_entry(request, typed=typed, action_url=action_url, region_q=region_q, searched=searched,
                             files_dropped=chosen_files, entry_key=entry_key)
    done = _entered_with(request, entry_key)
    if done is not None:  # the same form sent again (a double click, a reload): no second report
        messages.info(request, _("Formulir ini sudah tersimpan sebagai laporan %(ref)s. Untuk laporan berikutnya, "
                                 "buka formulir baru.") % {"ref": done})
        return redirect("backoffice:intake_entry_done", reference=done)
    try:
        result = report_enter(operator=request.user, channel=typed["channel"], draft=forms.draft_from_typed(typed),
                              scans=forms.uploads_from_files(request.FILES))
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    except DomainError as exc:
        return _render_entry(request, typed=typed, action_url=action_url, region_q=region_q,
                             field_errors=exc.field_errors, summary=forms.error_summary(exc.field_errors, exc.message),
                             files_dropped=chosen_files, entry_key=entry_key, status=400)
    _remember(request, entry_key=entry_key, reference=result.report.reference, token=result.token)
    return redirect("backoffice:intake_entry_done", reference=result.report.reference)


@operator_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def entry_done(request, reference: str):
    report = sel.report_entered_get(operator=request.user, reference=reference)
    if report is None:
        raise Http404
    tokens = dict(request.session.get(TOKENS_KEY) or {})
    token = tokens.pop(report["reference"], None)
    if token is not None:
        request.session[TOKENS_KEY] = tokens
    return render(request, "backoffice/intake_entry_done.html", {"report": report, "token": token})


# --- The operator queue -----------------------------------------------------------------------

@operator_required
@require_http_methods(["GET", "HEAD"])
def queue(request):
    paginator = Paginator(sel.operator_queue(), QUEUE_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.numbers = paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return render(request, "backoffice/intake_queue.html", {
        "page": page, "rows": sel.operator_queue_rows(page.object_list), "total": paginator.count,
    })


def _message_for(request, message_id: int) -> dict:
    try:
        return sel.inbound_get_for_operator(user=request.user, message_id=message_id)
    except NotFound:
        raise Http404 from None
    except PermissionDenied:
        raise DjangoPermissionDenied from None


def _render_message(request, message_id: int, *, attach_form=None, dismiss_form=None, status: int = 200):
    message = _message_for(request, message_id)
    return render(request, "backoffice/intake_message.html", {
        "m": message,
        "attach_form": attach_form or forms.AttachForm(prefix="tambah"),
        "dismiss_form": dismiss_form or forms.DismissForm(prefix="tutup"),
    }, status=status)



def _already_handled(request, message_id: int):
    messages.info(request, _("Pesan ini sudah ditangani; tidak ada yang diubah."))
    return redirect("backoffice:intake_message", message_id=message_id)


@operator_required
@require_http_methods(["GET", "HEAD"])
def message_detail(request, message_id: int):
    return _render_message(request, message_id)


@operator_required
@require_http_methods(["GET", "HEAD", "POST"])
def message_report(request, message_id: int):
    """The entry form, filled in from the message; sending it makes the report."""
    action_url = f"/petugas/penerimaan/antrean/{message_id}/laporan/"
    message = _message_for(request, message_id)
    if not message["is_queued"]:
        return _already_handled(request, message_id)
    if request.method != "POST":
        typed = forms.typed_initial(channel=message["channel"], title=forms.title_from_text(message["text"]),
                                    body=message["text"])
        return _render_entry(request, typed=typed, action_url=action_url, message=message)
    typed = forms.typed_from_post(request.POST)
    typed["channel"] = message["channel"]
    region_q, searched = forms.location_from_post(request.POST, typed)
    chosen_files = bool(request.FILES.getlist("attachments"))
    if request.POST.get("action") != "submit":
        return _render_entry(request, typed=typed, action_url=action_url, message=message, region_q=region_q,
                             searched=searched, files_dropped=chosen_files)
    draft = forms.draft_from_typed(typed, contact=False)
    draft.attachments = forms.uploads_from_files(request.FILES)
    try:
        handled = inbound_make_report(message_id=message_id, operator=request.user, draft=draft)
    except MessageAlreadyHandled:
        return _already_handled(request, message_id)
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        return _render_entry(request, typed=typed, action_url=action_url, message=message, region_q=region_q,
                             field_errors=exc.field_errors, summary=forms.error_summary(exc.field_errors, exc.message),
                             files_dropped=chosen_files, status=400)
    messages.success(request, _("Laporan %(ref)s dibuat dari pesan ini. Konfirmasinya dikirim ke pengirim lewat "
                                "kanal yang sama bila alamatnya dapat dibalas.") % {"ref": handled.report.reference})
    return redirect("backoffice:intake_message", message_id=message_id)


def _queue_action(request, message_id: int, form, form_name: str, act, done):
    """Run one queue action from a valid form: ``act()`` calls the service, ``done(result)``
    answers success. Already handled → the "already handled" page; out of scope → 403/404;
    a refused input → the message page with the error beside the field (status 400)."""
    if form.is_valid():
        try:
            result = act()
        except MessageAlreadyHandled:
            return _already_handled(request, message_id)
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        except NotFound:
            raise Http404 from None
        except ValidationFailed as exc:
            errors_to_form(form, exc)
        else:
            return done(result)
    return _render_message(request, message_id, status=400, **{form_name: form})


@operator_required
@require_POST
def message_attach(request, message_id: int):
    form = forms.AttachForm(request.POST, prefix="tambah")

    def done(handled):
        messages.success(request, _("Isi pesan ditambahkan ke laporan %(ref)s.") % {"ref": handled.report.reference})
        return redirect("backoffice:intake_message", message_id=message_id)

    return _queue_action(request, message_id, form, "attach_form", lambda: inbound_attach_to_report(
        message_id=message_id, reference=form.cleaned_data["reference"], operator=request.user), done)


@operator_required
@require_POST
def message_dismiss(request, message_id: int):
    form = forms.DismissForm(request.POST, prefix="tutup")

    def done(_message):
        messages.success(request, _("Pesan ditutup dengan catatan."))
        return redirect("backoffice:intake_queue")

    return _queue_action(request, message_id, form, "dismiss_form", lambda: inbound_dismiss(
        message_id=message_id, operator=request.user, note=form.cleaned_data["note"]), done)


# --- Monitoring devices ----------------------------------------------------------------------

device_admin_required = _access("agency_manage")


def _render_devices(request, *, form=None, status: int = 200):
    agencies = list(agencies_manageable_by(request.user).order_by("path").only("pk", "name", "path"))
    devices = devices_manageable_by(request.user).order_by("agency__path", "identity")
    return render(request, "backoffice/intake_devices.html", {
        "rows": sel.devices_rows(devices),
        "form": form or forms.DeviceForm(agencies=agencies),
    }, status=status)


@device_admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def devices(request):
    if request.method != "POST":
        return _render_devices(request)
    agencies = list(agencies_manageable_by(request.user).order_by("path"))
    form = forms.DeviceForm(request.POST, agencies=agencies)
    if form.is_valid():
        data = form.cleaned_data
        agency = next((a for a in agencies if str(a.pk) == data["agency"]), None)
        try:
            device = device_create(actor=request.user, agency=agency, identity=data["identity"], name=data["name"],
                                   kind=data["kind"], latitude=data["latitude"], longitude=data["longitude"])
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        except ValidationFailed as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Perangkat %(name)s terdaftar.") % {"name": device.name})
            return redirect("backoffice:intake_devices")
    return _render_devices(request, form=form, status=400)


@device_admin_required
@require_POST
def device_deactivate_view(request, device_id: int):
    device = devices_manageable_by(request.user).filter(pk=device_id).first()
    if device is None:
        raise Http404
    try:
        device_deactivate(actor=request.user, device=device)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Perangkat %(name)s dinonaktifkan; deteksinya tidak lagi diterima.") % {"name": device.name})
    return redirect("backoffice:intake_devices")
