"""Open311 GeoReport v2 endpoints (and the FixMyStreet service-request-updates extension).

Each view parses parameters, calls one selector or service, and renders (STYLE.md §3).
``endpoint`` does what every one of them shares: the format suffix (``.xml`` or ``.json``;
anything else is a missing resource: 404, answered in XML, the format every client reads),
the allowed methods (another method is a 400 whose body code is 405, with ``Allow``), CSRF
exemption (clients are servers posting form data with an ``api_key``), and the mapping of
errors to the spec's HTTP statuses: 404 missing (also for what the caller may not see),
403 missing or invalid ``api_key``, 400 everything else, each ``<error>`` naming the
parameter; the body ``code`` may be more specific than the HTTP status (409: the report
changed state, or the same Idempotency-Key is still being processed; 422: Idempotency-Key
reused for another request), as the spec allows.
"""

from __future__ import annotations

import functools
import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from aduan.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed

from ..idempotency import idempotent
from ..keys import api_key_authenticate
from ..models import ApiKey
from .params import ParamError, boolean, comma_list, date_window, feed_window, optional, positive_int
from .render import FORMATS, error_response, render, w3c
from .selectors import (
    jurisdiction_get,
    max_results,
    request_rows,
    requests_page,
    requests_public,
    service_definition,
    service_get,
    services_list,
    updates_public,
)
from ..ratelimit import rate_limited
from .services import RequestForm, UpdateForm, open311_request_submit, open311_update_submit

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this API's service list or definitions last changed shape (Service Discovery
# ``changeset``: sortable, tells clients to refresh cached definitions).
CHANGESET = "2026-11-29T00:00:00+07:00"
_ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


def _status_for(exc: DomainError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, PermissionDenied):
        return 403
    return 400


def domain_error(fmt: str, exc: DomainError) -> HttpResponse:
    status = _status_for(exc)
    if isinstance(exc, ValidationFailed) and exc.field_errors:
        errors = [(400, f"{name}: {message}") for name, messages in exc.field_errors.items() for message in messages]
    else:
        errors = [(exc.http_status, str(exc.message))]
    return error_response(fmt, status, errors)


def endpoint(*methods: str):
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def wrap(view):
        @csrf_exempt
        @functools.wraps(view)
        def inner(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
            if fmt not in FORMATS:
                return error_response("xml", 404, [(404, _("Format tidak dikenal: gunakan .xml atau .json."))])
            if request.method not in allowed:
                return error_response(fmt, 400, [(405, _("Metode %(method)s tidak didukung di sini.") % {"method": request.method})],
                                      headers={"Allow": ", ".join(sorted(allowed))})
            key = _api_key(request)
            wait = rate_limited(scope="api_key", ident=f"key{key.pk}") if key else \
                rate_limited(scope="anon", ident=request.META.get("REMOTE_ADDR", ""))
            if wait:
                return error_response(fmt, 429, [(429, _("Terlalu banyak permintaan. Coba lagi dalam %(s)s detik.") % {"s": wait})],
                                      headers={"Retry-After": str(wait)})
            try:
                return view(request, fmt, **kwargs)
            except ParamError as exc:
                return error_response(fmt, 400, [(400, f"{exc.param}: {exc.message}")])
            except DomainError as exc:
                return domain_error(fmt, exc)
        return inner
    return wrap


def _jurisdiction(request: HttpRequest):
    raw = request.POST.get("jurisdiction_id") if request.method == "POST" else None
    return jurisdiction_get(jurisdiction_id=raw or request.GET.get("jurisdiction_id"))


def _api_key(request: HttpRequest) -> ApiKey | None:
    raw = request.POST.get("api_key") or request.GET.get("api_key") or request.headers.get("X-Api-Key", "")
    return api_key_authenticate(raw) if raw.strip() else None


def _key_refused(fmt: str) -> HttpResponse:
    return error_response(fmt, 403, [(403, _("api_key wajib diisi dengan kunci API instansi yang aktif."))])


def _idempotency_error(fmt: str):
    def error(status: int, code: str, message: str) -> HttpResponse:
        return error_response(fmt, status if status in (403, 404) else 400, [(status, f"{code}: {message}")])
    return error


def _paging(request: HttpRequest) -> tuple[int, int]:
    cap = max_results()
    page = positive_int(request.GET.get("page"), "page") or 1
    page_size = positive_int(request.GET.get("page_size"), "page_size", maximum=cap) or cap
    return (page - 1) * page_size, page_size


# --- Discovery and services --------------------------------------------------------------

@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = settings.ADUAN_PUBLIC_URL.rstrip("/")
    data = {
        "changeset": CHANGESET,
        "contact": getattr(settings, "OPEN311_CONTACT", "")
        or _("Pengelola SP4N-LAPOR! — %(url)s") % {"url": base},
        "key_service": getattr(settings, "OPEN311_KEY_SERVICE", "")
        or _("Kunci API diterbitkan oleh admin instansi di halaman petugas: %(url)s/petugas/") % {"url": base},
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": f"{base}/open311/v2",
            "changeset": CHANGESET,
            "type": getattr(settings, "OPEN311_ENDPOINT_TYPE", "production"),
            "formats": ["text/xml", "application/json"],
        }],
    }
    return render(fmt, "discovery", data)


@endpoint("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return render(fmt, "services", services_list(jurisdiction=_jurisdiction(request)))


@endpoint("GET")
def service_definition_view(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    category = service_get(jurisdiction=_jurisdiction(request), service_code=service_code)
    return render(fmt, "service_definition", service_definition(category=category))


# --- Service requests --------------------------------------------------------------------

@endpoint("GET", "POST")
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _request_create(request, fmt)
    params = request.GET
    jurisdiction = _jurisdiction(request)
    offset, limit = _paging(request)
    extensions = boolean(params.get("extensions"), "extensions") or False
    ids = comma_list(params.get("service_request_id"), limit=max_results(), param="service_request_id")
    if ids is not None:
        reports = requests_public(jurisdiction=jurisdiction, ids=ids)  # overrides all other filters
    else:
        window = date_window(params.get("start_date"), params.get("end_date"), now=timezone.now())
        statuses = comma_list(params.get("status"), limit=2, param="status")
        if statuses is not None:
            statuses = [s.lower() for s in statuses]
            if not set(statuses) <= {"open", "closed"}:
                raise ParamError("status", _("Isi open, closed, atau keduanya dipisahkan koma."))
        reports = requests_public(
            jurisdiction=jurisdiction, start=window.start, end=window.end, statuses=statuses,
            service_codes=comma_list(params.get("service_code"), limit=500, param="service_code"),
        )
    rows = request_rows(requests_page(reports, offset=offset, limit=limit), extensions=extensions)
    return render(fmt, "service_requests", rows)


def _request_create(request: HttpRequest, fmt: str) -> HttpResponse:
    api_key = _api_key(request)
    if api_key is None:
        return _key_refused(fmt)

    def handler() -> HttpResponse:
        try:
            jurisdiction = _jurisdiction(request)
            data = request.POST
            attributes: dict[str, list[str]] = {}
            for name in data:
                match = _ATTRIBUTE.match(name)
                if match:
                    attributes.setdefault(match.group(1), []).extend(data.getlist(name))
            form = RequestForm(
                **{f: data.get(f, "") for f in ("service_code", "lat", "long", "address_string", "address_id",
                                                "description", "email", "first_name", "last_name", "phone")},
                attributes=attributes,
            )
            result = open311_request_submit(form=form, jurisdiction=jurisdiction)
        except DomainError as exc:
            return domain_error(fmt, exc)
        report = result.report
        notice = _("Laporan %(ref)s diterima. Laporan diverifikasi paling lambat %(due)s lalu diteruskan ke instansi "
                   "yang berwenang; setelah itu laporan tampil di daftar publik.") % {
            "ref": report.reference, "due": w3c(report.verify_due_at) or _("3 hari kerja")}
        return render(fmt, "service_requests", [
            {"service_request_id": report.reference, "service_notice": notice, "account_id": None},
        ])

    return idempotent(request, scope=f"key:{api_key.pk}", handler=handler, error=_idempotency_error(fmt))


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    reports = requests_public(jurisdiction=_jurisdiction(request), ids=[service_request_id])
    found = requests_page(reports, offset=0, limit=1)
    if not found:
        raise NotFound()
    extensions = boolean(request.GET.get("extensions"), "extensions") or False
    return render(fmt, "service_requests", request_rows(found, extensions=extensions))


@endpoint("GET")
def token_detail(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    """Every service is ``realtime``: POST answers with the ``service_request_id`` at once
    and never issues a token. A client written for batch servers may still ask here with
    what it holds; the id is its own token, answered when it names a public request."""
    reports = requests_public(jurisdiction=_jurisdiction(request), ids=[token])
    reference = reports.values_list("reference", flat=True).first()
    if reference is None:
        raise NotFound()
    return render(fmt, "service_requests", [{"service_request_id": reference, "token": token}])


# --- Service request updates (FixMyStreet extension) ------------------------------------

@endpoint("GET", "POST")
def updates_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _update_create(request, fmt)
    jurisdiction = _jurisdiction(request)
    window = feed_window(request.GET.get("start_date"), request.GET.get("end_date"), now=timezone.now())
    offset, limit = _paging(request)
    rows = updates_public(jurisdiction=jurisdiction, start=window.start, end=window.end, offset=offset, limit=limit)
    return render(fmt, "service_request_updates", rows)


def _update_create(request: HttpRequest, fmt: str) -> HttpResponse:
    api_key = _api_key(request)
    if api_key is None:
        return _key_refused(fmt)

    def handler() -> HttpResponse:
        try:
            _jurisdiction(request)
            data = request.POST
            form = UpdateForm(**{f: optional(data.get(f)) or "" for f in (
                "service_request_id", "update_id", "status", "description", "updated_datetime", "suggested_agency")})
            result = open311_update_submit(api_key=api_key, form=form)
        except DomainError as exc:
            return domain_error(fmt, exc)
        return render(fmt, "service_request_updates", [{"update_id": result.update_id}])

    return idempotent(request, scope=f"key:{api_key.pk}", handler=handler, error=_idempotency_error(fmt))
