"""Citizen sign-in pages: identifier → one-time code → signed in."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aduan.core.errors import DomainError

from .services_account import (
    citizen_login_code_send,
    citizen_login_code_verify,
    citizen_notify_channel_set,
    citizen_notify_channels,
)

SESSION_KEY = "citizen_login_identifier"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/akun/laporan/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/akun/laporan/"


def login_start(request):
    error, typed = None, ""
    if request.method == "POST":
        typed = request.POST.get("identifier", "")
        try:
            request.session[SESSION_KEY] = citizen_login_code_send(raw_identifier=typed, now=timezone.now())
            return redirect(f"/masuk/kode/?next={_next(request)}")
        except DomainError as exc:
            error = exc.field_errors.get("identifier", [exc.message])[0]
    return render(request, "portal/login.html", {"error": error, "typed": typed, "next": _next(request)},
                  status=400 if error else 200)


def login_code(request):
    identifier = request.session.get(SESSION_KEY)
    if not identifier:
        return redirect("/masuk/")
    error = None
    if request.method == "POST":
        try:
            user = citizen_login_code_verify(identifier=identifier, code=request.POST.get("code", ""), now=timezone.now())
        except DomainError as exc:
            error = exc.field_errors.get("code", [exc.message])[0]
        else:
            del request.session[SESSION_KEY]
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Anda sudah masuk."))
            return redirect(_next(request))
    return render(request, "portal/login_code.html", {"error": error, "identifier": identifier, "next": _next(request)},
                  status=400 if error else 200)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("/")


@login_required(login_url="/masuk/")
def notify_settings(request):
    """/akun/pemberitahuan/: where progress on the citizen's reports is sent."""
    choices = citizen_notify_channels(request.user)
    error = None
    if request.method == "POST":
        try:
            citizen_notify_channel_set(user=request.user, channel=request.POST.get("notify_channel", ""))
        except DomainError as exc:
            error = exc.field_errors.get("notify_channel", [exc.message])[0]
        else:
            messages.success(request, _("Pilihan pemberitahuan disimpan."))
            return redirect("/akun/pemberitahuan/")
    return render(request, "portal/notify_settings.html", {
        "choices": choices, "current": request.user.notify_channel, "error": error,
    }, status=400 if error else 200)
