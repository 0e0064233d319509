"""Open data pages under /data/ (issue #7): the documentation page, the streamed exports,
the machine-readable schema and manifest, and the daily dump's files.

Views only parse and call (rule of the house 3): what a row contains and which reports are
in it is decided in ``opendata``; the dump's files and whether they may still be served in
``opendata_dump``. A bad filter is a 400 with the messages and nothing is exported.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_safe

from aduan.api.ratelimit import rate_limited
from aduan.core.errors import NotFound, ValidationFailed
from aduan.reports.models import Kind
from aduan.reports.workflow import Status

from . import opendata
from .opendata_dump import DumpManifest, opendata_dump_file, opendata_dump_is_stale, opendata_manifest

RETRY_AFTER_SECONDS = 900  # the stale-dump job runs every 15 minutes
FILTER_LABELS = {
    "date_from": gettext_lazy("Masuk sejak tanggal"), "date_to": gettext_lazy("Masuk sampai tanggal"),
    "region": gettext_lazy("Kode wilayah"), "category": gettext_lazy("Kategori"), "agency": gettext_lazy("Instansi"),
    "kind": gettext_lazy("Jenis laporan"), "status": gettext_lazy("Status"),
}


def _error_response(error: ValidationFailed) -> JsonResponse:
    # The same body as the REST API's errors (aduan/api/v1/errors.py).
    fields = {name: [str(m) for m in messages] for name, messages in error.field_errors.items()}
    return JsonResponse({"error": {"code": error.code, "message": str(error.message), "fields": fields}},
                        status=400, json_dumps_params={"ensure_ascii": False})


def _export(request, *, fmt: str):
    wait = rate_limited(scope="opendata", ident=request.META.get("REMOTE_ADDR", ""))
    if wait:
        response = JsonResponse({"error": {
            "code": "rate_limited", "fields": {},
            "message": _("Terlalu banyak unduhan dari alamat Anda. Coba lagi dalam %(n)s detik, "
                         "atau ambil berkas harian lengkap di /data/.") % {"n": wait}}},
            status=429, json_dumps_params={"ensure_ascii": False})
        response["Retry-After"] = str(wait)
        return response
    try:
        filters = opendata.opendata_filters_parse(request.GET)
    except ValidationFailed as error:
        return _error_response(error)
    if fmt == "csv":
        pieces, content_type, extension = opendata.opendata_csv(filters=filters), "text/csv; charset=utf-8", "csv"
    else:
        pieces, content_type, extension = opendata.opendata_jsonl(filters=filters), "application/jsonl; charset=utf-8", "jsonl"
    response = StreamingHttpResponse((piece.encode("utf-8") for piece in pieces), content_type=content_type)
    day = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="aduan-laporan-{day}.{extension}"'
    response["Link"] = f'<{reverse("analytics:opendata_schema")}>; rel="describedby"'
    response["X-Schema-Version"] = opendata.SCHEMA_VERSION
    return response


@require_GET
def reports_csv(request):
    return _export(request, fmt="csv")


@require_GET
def reports_jsonl(request):
    return _export(request, fmt="jsonl")


@require_safe
def schema_json(request):
    return JsonResponse(opendata.table_schema(), json_dumps_params={"ensure_ascii": False, "indent": 2})


def _dump_state() -> tuple[DumpManifest | None, bool]:
    manifest = opendata_manifest()
    return manifest, bool(manifest and opendata_dump_is_stale(manifest=manifest))


@require_safe
def manifest_json(request):
    manifest, stale = _dump_state()
    if manifest is None:
        return JsonResponse({"error": {"code": "not_found", "message": _("Belum ada berkas unduhan harian."),
                                       "fields": {}}}, status=404, json_dumps_params={"ensure_ascii": False})
    return JsonResponse({**manifest.as_dict(), "stale": stale}, json_dumps_params={"ensure_ascii": False, "indent": 2})


@require_safe
def dump_download(request, name: str):
    try:
        path, entry = opendata_dump_file(name=name)
    except NotFound:
        raise Http404 from None
    _manifest, stale = _dump_state()
    if stale:
        # A report in this file has left the public since it was written.
        response = HttpResponse(_("Berkas unduhan harian sedang diperbarui. Silakan coba lagi beberapa menit lagi."),
                                status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    # FileResponse closes the file when the response is closed.
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=entry.name,  # noqa: SIM115
                            content_type="application/gzip")
    response["ETag"] = f'"{entry.sha256}"'
    return response


def _examples() -> list[tuple[str, str]]:
    csv_url, jsonl_url = reverse("analytics:opendata_csv"), reverse("analytics:opendata_jsonl")
    return [
        (_("Semua laporan publik (CSV)"), csv_url),
        (_("Semua laporan publik (JSON Lines)"), jsonl_url),
        (_("Laporan di Provinsi Jawa Tengah (kode 33) yang masuk sejak 1 Januari 2026"),
         f"{csv_url}?{urlencode({'region': '33', 'date_from': '2026-01-01'})}"),
        (_("Laporan selesai di Kota Semarang (kode 33.74)"),
         f"{jsonl_url}?{urlencode({'region': '33.74', 'status': Status.CLOSED.value})}"),
        (_("Aspirasi masyarakat pada bulan Januari 2026"),
         f"{csv_url}?{urlencode({'kind': Kind.ASPIRATION.value, 'date_from': '2026-01-01', 'date_to': '2026-01-31'})}"),
    ]


@require_safe
def opendata_page(request):
    """The documentation page, with a filter form that builds the download links (works
    without JavaScript: the form submits to this page, which shows errors or the links)."""
    raw = {name: request.GET.get(name, "") for name in opendata.FILTER_NAMES}
    errors: dict[str, list[str]] = {}
    links = None
    if any(raw.values()) or "buat" in request.GET:
        try:
            filters = opendata.opendata_filters_parse(request.GET, strict=False)
        except ValidationFailed as error:
            errors = {name: [str(m) for m in messages] for name, messages in error.field_errors.items()}
        else:
            query = f"?{urlencode(filters.query)}" if filters.query else ""
            links = {"csv": reverse("analytics:opendata_csv") + query,
                     "jsonl": reverse("analytics:opendata_jsonl") + query}
    manifest, stale = _dump_state()
    return render(request, "analytics/opendata.html", {
        "schema_version": opendata.SCHEMA_VERSION,
        "fields": opendata.schema_fields(language=translation.get_language()),
        "manifest": manifest,
        "generated": datetime.fromisoformat(manifest.generated_at) if manifest else None,
        "stale": stale,
        "raw": raw,
        "errors": errors,
        "error_summary": [(name, FILTER_LABELS[name], errors[name]) for name in opendata.FILTER_NAMES if name in errors],
        "links": links,
        "examples": _examples(),
        **opendata.opendata_filter_choices(),
    })
