"""Delivery pages (/petugas/pengiriman/): the dead letters of deliveries to agencies' own
systems with "retry now", rejected inbound updates, and each agency's delivery settings.
Parse input → one service → render.

Access: a signed-in, OTP-verified official holding ``agency_manage`` somewhere (national or
on an agency); everyone else gets 403 (anonymous → sign-in). Deliveries and settings of
agencies outside the official's scope answer 404, the same as missing ones.

The URL patterns are at the end of this module; backoffice/urls.py includes them.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from aduan.accounts.policies import user_has_perm_anywhere
from aduan.agencies.models import Category
from aduan.api.models import ApiKey
from aduan.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from aduan.dispatch.models import Delivery, DeliveryRoute, InboundUpdate, Method, Open311Format
from aduan.dispatch.services import (
    agency_manage_q, deliveries_visible_to, delivery_retry_now, delivery_route_save, routes_visible_to,
)

from .auth import official_required
from .form_errors import errors_to_form
from .views_directory import agencies_manageable_by

PAGE_SIZE = 50


def _dispatch_access(view):
    @official_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_has_perm_anywhere(request.user, "agency_manage"):
            raise DjangoPermissionDenied
        return view(request, *args, **kwargs)
    return wrapper


# --- Forms (parse only; the service validates and decides) ---------------------------------

STATE_FILTERS = [
    ("failed", gettext_lazy("Gagal (perlu tindakan)")),
    ("pending", gettext_lazy("Menunggu atau dicoba ulang")),
    ("sent", gettext_lazy("Terkirim")),
    ("all", gettext_lazy("Semua")),
]


class DeliveryFilterForm(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("Status pengiriman"), choices=STATE_FILTERS, required=False)
    agency = forms.ChoiceField(label=gettext_lazy("Instansi"), required=False)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("Semua instansi"))] + [(a.slug, a.name) for a in agencies]


class RouteForm(forms.Form):
    agency = forms.ChoiceField(label=gettext_lazy("Instansi"))
    category = forms.ChoiceField(label=gettext_lazy("Kategori"), required=False,
                                 help_text=gettext_lazy("Pilih kategori bila hanya laporan kategori ini yang dikirim begini."))
    applies_to_units = forms.BooleanField(label=gettext_lazy("Berlaku juga untuk unit kerja di bawahnya"), required=False)
    method = forms.ChoiceField(label=gettext_lazy("Cara pengiriman"), choices=Method.choices)
    endpoint_url = forms.CharField(label=gettext_lazy("Alamat tujuan (webhook atau Open311)"), required=False, max_length=500,
                                   help_text=gettext_lazy("Untuk Open311: alamat dasar, mis. https://lapor.contoh.go.id/open311/v2/"))
    email_to = forms.CharField(label=gettext_lazy("Alamat surel instansi"), required=False, max_length=500,
                               help_text=gettext_lazy("Satu atau beberapa alamat, dipisah koma."))
    open311_api_key = forms.CharField(label=gettext_lazy("api_key Open311"), required=False, max_length=255,
                                      widget=forms.PasswordInput(render_value=False),
                                      help_text=gettext_lazy("Kosongkan untuk mempertahankan yang tersimpan."))
    open311_jurisdiction_id = forms.CharField(label=gettext_lazy("jurisdiction_id Open311 (opsional)"), required=False, max_length=100)
    open311_service_code = forms.CharField(label=gettext_lazy("service_code Open311 (opsional)"), required=False, max_length=100,
                                           help_text=gettext_lazy("Kosong = slug kategori laporan."))
    open311_format = forms.ChoiceField(label=gettext_lazy("Format Open311"), choices=Open311Format.choices, required=False)
    updates_key = forms.ChoiceField(label=gettext_lazy("Kunci API untuk pembaruan dari Open311"), required=False,
                                    help_text=gettext_lazy("Pembaruan yang ditarik dicatat atas nama kunci ini."))
    send_updates = forms.BooleanField(label=gettext_lazy("Kirim juga perkembangan laporan"), required=False)
    is_active = forms.BooleanField(label=gettext_lazy("Aktif"), required=False)
    new_secret = forms.BooleanField(label=gettext_lazy("Buat rahasia webhook baru"), required=False,
                                    help_text=gettext_lazy("Rahasia lama langsung tidak berlaku."))

    def __init__(self, *args, agencies=(), keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.slug, a.name) for a in agencies]
        self.fields["category"].choices = [("", _("Semua kategori"))] + [
            (c.slug, c.name) for c in Category.objects.filter(is_active=True).order_by("name")]
        self.fields["updates_key"].choices = [("", "—")] + [(str(k.pk), f"{k.agency.name} — {k.name} ({k.prefix}…)") for k in keys]


def _route_initial(route: DeliveryRoute) -> dict:
    return {
        "agency": route.agency.slug, "category": route.category.slug if route.category_id else "",
        "applies_to_units": route.applies_to_units, "method": route.method, "endpoint_url": route.endpoint_url,
        "email_to": route.email_to, "open311_jurisdiction_id": route.open311_jurisdiction_id,
        "open311_service_code": route.open311_service_code, "open311_format": route.open311_format,
        "updates_key": str(route.updates_key_id or ""), "send_updates": route.send_updates, "is_active": route.is_active,
    }


def _keys_for(user):
    return (ApiKey.objects.filter(revoked_at__isnull=True).filter(agency_manage_q(user))
            .select_related("agency").order_by("agency__path", "name"))


# --- Dead letters and retry ------------------------------------------------------------------

@_dispatch_access
def delivery_list(request):
    agencies = list(agencies_manageable_by(request.user).order_by("path"))
    form = DeliveryFilterForm(request.GET or None, agencies=agencies)
    state, agency_slug = "failed", ""
    if form.is_valid():
        state = form.cleaned_data["state"] or "failed"
        agency_slug = form.cleaned_data["agency"]
    deliveries = deliveries_visible_to(request.user).select_related("report", "agency", "event").order_by("-id")
    if state == "pending":
        deliveries = deliveries.filter(state__in=[Delivery.State.PENDING, Delivery.State.SENDING])
    elif state != "all":
        deliveries = deliveries.filter(state=state)
    if agency_slug:
        deliveries = deliveries.filter(agency__slug=agency_slug)
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("halaman"))
    agency_ids = [a.pk for a in agencies]
    rejected = (InboundUpdate.objects.filter(outcome=InboundUpdate.Outcome.REJECTED)
                .filter(Q(api_key__agency_id__in=agency_ids) | Q(route__agency_id__in=agency_ids))
                .select_related("report").order_by("-id")[:20])
    return render(request, "backoffice/dispatch_deliveries.html", {
        "form": form, "page": page, "rows": page.object_list, "state": state, "rejected": rejected,
        "retryable": {Delivery.State.FAILED, Delivery.State.PENDING}, "query": request.GET.urlencode(),
    })


@_dispatch_access
@require_POST
def delivery_retry(request, pk: int):
    try:
        delivery = delivery_retry_now(actor=request.user, delivery_id=pk)
    except NotFound:
        raise Http404 from None
    except InvalidTransition as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Pengiriman laporan %(ref)s dijadwalkan ulang sekarang.") % {"ref": delivery.report.reference})
    # Back to the same filtered list; only the filter's own fields are carried over.
    back = QueryDict(request.POST.get("kembali", "")).dict()
    query = urlencode({k: v for k, v in back.items() if k in ("state", "agency", "halaman")})
    return redirect(f"/petugas/pengiriman/?{query}" if query else "/petugas/pengiriman/")


# --- Delivery settings -----------------------------------------------------------------------

@_dispatch_access
def route_list(request):
    routes = routes_visible_to(request.user).select_related("agency", "category", "updates_key")
    return render(request, "backoffice/dispatch_routes.html", {"routes": routes})


@_dispatch_access
@require_http_methods(["GET", "POST"])
def route_form(request, pk: int | None = None):
    route = None
    if pk is not None:
        route = routes_visible_to(request.user).select_related("agency", "category").filter(pk=pk).first()
        if route is None:
            raise Http404
    agencies = list(agencies_manageable_by(request.user).order_by("path"))
    keys = list(_keys_for(request.user))
    if request.method != "POST":
        initial = _route_initial(route) if route else {"is_active": True, "send_updates": True, "method": Method.WEBHOOK,
                                                         "open311_format": Open311Format.JSON}
        form = RouteForm(initial=initial, agencies=agencies, keys=keys)
        return render(request, "backoffice/dispatch_route_form.html", {"form": form, "route": route})
    form = RouteForm(request.POST, agencies=agencies, keys=keys)
    if form.is_valid():
        data = form.cleaned_data
        agency = next(a for a in agencies if a.slug == data["agency"])
        category = Category.objects.filter(slug=data["category"]).first() if data["category"] else None
        updates_key = next((k for k in keys if str(k.pk) == data["updates_key"]), None)
        try:
            route, secret = delivery_route_save(
                actor=request.user, route=route, agency=agency, category=category, method=data["method"],
                endpoint_url=data["endpoint_url"], email_to=data["email_to"], open311_api_key=data["open311_api_key"],
                open311_jurisdiction_id=data["open311_jurisdiction_id"], open311_service_code=data["open311_service_code"],
                open311_format=data["open311_format"] or Open311Format.JSON, updates_key=updates_key,
                applies_to_units=data["applies_to_units"], send_updates=data["send_updates"], is_active=data["is_active"],
                new_secret=data["new_secret"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationFailed as exc:
            errors_to_form(form, exc)
        else:
            if secret:
                # Shown once, on this page only: it is never displayed again.
                return render(request, "backoffice/dispatch_route_secret.html", {"route": route, "secret": secret})
            messages.success(request, _("Pengaturan pengiriman disimpan."))
            return redirect("backoffice:dispatch_routes")
    return render(request, "backoffice/dispatch_route_form.html", {"form": form, "route": route}, status=400)


urlpatterns = [
    path("", delivery_list, name="dispatch_deliveries"),
    path("<int:pk>/kirim-ulang/", delivery_retry, name="dispatch_delivery_retry"),
    path("pengaturan/", route_list, name="dispatch_routes"),
    path("pengaturan/baru/", route_form, name="dispatch_route_create"),
    path("pengaturan/<int:pk>/ubah/", route_form, name="dispatch_route_edit"),
]
