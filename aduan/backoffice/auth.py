"""Officials' sign-in: password (counted by django-axes) then a TOTP second factor
(django-otp), and the ``official_required`` gate for every other back-office page.

An official is a user with at least one active Membership. Officials must pass the
second factor on every session; one without a confirmed TOTP device is sent to
enrolment first. Citizens (no membership) get 403 on back-office pages.
"""

from __future__ import annotations

import base64
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.accounts.policies import grants_of

OTP_URL = "/petugas/2fa/"
ENROL_URL = "/petugas/2fa/daftar/"
DASHBOARD_URL = "/petugas/"


def is_official(user) -> bool:
    return bool(grants_of(user))


def safe_next(request, default: str = DASHBOARD_URL) -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if not target.startswith("/petugas/") or not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return default
    return target


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def official_required(view):
    """Anonymous → sign-in; signed in but no membership → 403; not OTP-verified → the
    second-factor step (which sends officials without a device to enrolment)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect(with_next(settings.LOGIN_URL, request.get_full_path()))
        if not is_official(user):
            raise DjangoPermissionDenied
        if not user.is_verified():
            return redirect(with_next(OTP_URL, request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper


# --- TOTP services -------------------------------------------------------------------------

def official_totp_device_for_enrolment(*, user) -> TOTPDevice:
    """The unconfirmed device shown on the enrolment page (one per official, reused)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Aduan", confirmed=False)
    return device


def official_totp_confirm(*, request, device: TOTPDevice, token: str) -> bool:
    """Confirm an enrolment with a first code; on success the session is OTP-verified."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(_clean_token(token)):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return True


def official_totp_verify(*, request, token: str) -> bool:
    device = confirmed_device(request.user)
    if device is None:
        return False
    verified = verify_token(request.user, device.persistent_id, _clean_token(token))
    if verified is None:
        return False
    otp_login(request, verified)
    return True


def _clean_token(token: str) -> str:
    return "".join(ch for ch in (token or "") if ch.isdigit())[:8]


def totp_secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def totp_qr_svg(device: TOTPDevice) -> str:
    """Inline SVG QR code of the otpauth:// URL, labelled for screen readers."""
    import segno

    svg = segno.make(device.config_url, error="m").svg_inline(scale=4, border=4)
    label = format_html('<svg role="img" aria-label="{}" ', _("Kode QR untuk aplikasi autentikator"))
    return mark_safe(svg.replace("<svg ", label, 1))  # noqa: S308 - segno output, label escaped


# --- Lockout (django-axes) -----------------------------------------------------------------

def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: an Indonesian page instead of axes' English text (HTTP 429)."""
    return render(request, "backoffice/login_locked.html", {}, status=429)
