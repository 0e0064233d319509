"""Officials' endpoints for agency systems (API key): inboxes, report detail, actions.

An agency key acts through its service account (liaison-officer role on the agency and its
units), so every read starts from ``reports_visible_to`` (through the back-office inbox
selectors and ``report_get_for_staff``) and every write goes through ``report_transition``
(rules of the house 1 and 3). A report outside the key's scope gets the same 404 as a
missing one on every endpoint, whatever the action or the body.

``POST reports/{report}/actions/`` is shared: with an agency key ``{report}`` is the numeric
id or the reference and the action is an official one; otherwise it is the reporter's
(views_citizen.reporter_action), identified by citizen token or tracking token.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from aduan.agencies.models import Agency, Category
from aduan.backoffice.selectors import inbox_counts, inbox_reports
from aduan.core.errors import NotFound, ValidationFailed
from aduan.reports.policies import available_actions
from aduan.reports.selectors import report_detail_for_staff, report_get_for_staff
from aduan.reports.services.transition import report_transition
from aduan.reports.workflow import Action

from ..models import ApiKey
from .base import IdempotentAPIView
from .pagination import NEWEST_FIRST, PAGINATION_PARAMETERS, Key, paginate
from .serializers import (
    IDEMPOTENCY_PARAMETER,
    POST_ERRORS,
    ActionRequestSerializer,
    ActionResultSerializer,
    InboxCountsSerializer,
    InboxFilterSerializer,
    InboxPage,
    InboxRowSerializer,
    StaffReportSerializer,
    auth_schema,
    error_responses,
)
from .throttles import ClientRateThrottle
from .views_citizen import reporter_action

TAG_OFFICIAL = "Petugas dan sistem instansi"
# API names of the back-office inboxes (backoffice.selectors.INBOXES).
INBOXES = {"verification": "verifikasi", "agency": "instansi", "overdue": "terlambat", "escalated": "eskalasi"}
BY_DEADLINE = (Key("due_at", nullable=True), Key("submitted_at"), Key("id"))
MAX_ID = 2**63 - 1  # beyond a BIGINT no report can exist


class IsAgencyKey(permissions.BasePermission):
    """An agency system's key (no credentials: 401; a citizen token: 403)."""

    message = gettext_lazy("Hanya untuk sistem instansi dengan kunci API.")

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiKey)


class OfficialView(IdempotentAPIView):
    schema = auth_schema("apiKey")
    parser_classes = [JSONParser]
    permission_classes = [IsAgencyKey]
    throttle_classes = [ClientRateThrottle]


class InboxCountsView(OfficialView):
    @extend_schema(
        operation_id="inbox_counts", tags=[TAG_OFFICIAL], summary="Jumlah laporan per kotak masuk",
        responses={200: InboxCountsSerializer, **error_responses(401, 403, 429)},
    )
    def get(self, request):
        counts = inbox_counts(user=request.user, now=timezone.now())
        return Response(InboxCountsSerializer({name: counts[inbox] for name, inbox in INBOXES.items()}).data)


def _by_slug(model, slug: str, field: str, message: str):
    if not slug:
        return None
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise ValidationFailed(field_errors={field: [message]})
    return found


class InboxView(OfficialView):
    @extend_schema(
        operation_id="inbox_list", tags=[TAG_OFFICIAL], summary="Kotak masuk",
        description="`verification`: menunggu verifikasi di meja pemanggil; `agency`: dipegang instansi pemanggil dan "
                    "menunggu tindak lanjut; `overdue`: tenggat terlewati; `escalated`: sudah dieskalasi. Bawaan: tenggat "
                    "terdekat dulu (laporan tanpa tenggat berjalan di akhir).",
        parameters=[OpenApiParameter("inbox", str, OpenApiParameter.PATH, enum=list(INBOXES)), InboxFilterSerializer,
                    *PAGINATION_PARAMETERS],
        responses={200: InboxPage, **error_responses(400, 401, 403, 404, 429)},
    )
    def get(self, request, inbox: str):
        filters = InboxFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        category = _by_slug(Category, f.get("category", ""), "category", _("Kategori tidak dikenal."))
        agency = _by_slug(Agency, f.get("agency", ""), "agency", _("Instansi tidak dikenal."))
        sort = f.get("sort", "deadline")
        reports = inbox_reports(user=request.user, inbox=INBOXES[inbox], now=timezone.now(), status=f.get("status", ""),
                                category=category, agency=agency, text=f.get("q", "").strip(),
                                sort="terbaru" if sort == "newest" else "tenggat")
        page = paginate(request, reports, NEWEST_FIRST if sort == "newest" else BY_DEADLINE)
        rows = [{
            "id": r.pk, "reference": r.reference, "title": r.title, "status": r.status,
            "category": r.category.name if r.category_id else "", "agency": r.agency.name if r.agency_id else "",
            "submitted_at": r.submitted_at, "due_at": r.due_at, "is_overdue": bool(r.is_overdue),
            "escalation_level": r.escalation_level,
        } for r in page.items]
        return Response(page.envelope(InboxRowSerializer(rows, many=True).data))


class StaffReportView(OfficialView):
    @extend_schema(
        operation_id="staff_report_get", tags=[TAG_OFFICIAL], summary="Detail laporan untuk petugas",
        description="Teks lengkap, riwayat, disposisi, tenggat dan tindakan yang tersedia. Identitas pelapor hanya bila "
                    "pemanggil berwenang (tidak pernah untuk laporan anonim), dan setiap pembacaannya dicatat di log audit. "
                    "Laporan di luar kewenangan: 404, sama dengan laporan yang tidak ada.",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        responses={200: StaffReportSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request, id: int):  # noqa: A002  (the path parameter's name)
        if id > MAX_ID:
            raise NotFound()
        report = report_get_for_staff(user=request.user, report_id=id)
        data = report_detail_for_staff(user=request.user, report_id=report.pk)
        data["actions"] = [a.value for a in available_actions(report, request.user)]
        return Response(StaffReportSerializer(data).data)


def _staff_params(data: dict) -> dict:
    params = {}
    for name in ("agency", "suggested_agency"):
        if data.get(name):
            # Unknown or inactive → None; the service answers with its own field error.
            params[name] = Agency.objects.filter(slug=data[name]).first()
    for name in ("tier", "reason", "duplicate_of", "rating"):
        if data.get(name) not in (None, ""):
            params[name] = data[name]
    for name in ("anonymous", "confidential"):
        if data.get(name):
            params[name] = True
    if data.get("internal_note"):
        params["internal_note"] = data["internal_note"]
    return params


def staff_action(request, report_ref: str) -> Response:
    data = ActionRequestSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    data = data.validated_data
    if report_ref.isascii() and report_ref.isdigit():
        if int(report_ref) > MAX_ID:
            raise NotFound()
        lookup = {"report_id": int(report_ref)}
    else:
        lookup = {"reference": report_ref}
    report = report_get_for_staff(user=request.user, **lookup)
    report = report_transition(report=report, action=Action(data["action"]), actor=request.user,
                               expected_status=data["expected_status"], note=data.get("note", ""), **_staff_params(data))
    return Response(ActionResultSerializer({
        "reference": report.reference, "status": report.status, "status_label": report.get_status_display(),
        "actions": [a.value for a in available_actions(report, request.user)],
    }).data)


class ReportActionView(IdempotentAPIView):
    parser_classes = [JSONParser]
    throttle_classes = [ClientRateThrottle]

    @extend_schema(
        operation_id="report_action", tags=[TAG_OFFICIAL], summary="Tindakan atas laporan",
        description="Dengan kunci API instansi: `{report}` adalah id atau nomor laporan, dan tindakan petugas yang tersedia "
                    "(lihat `actions` pada detail) dijalankan melalui layanan transisi. Tanpa kunci: tindakan pelapor "
                    "(`reporter_reply`, `add_information`, `provide_clarification`, `confirm`, `rate`, `dispute`) oleh "
                    "pemilik token warga atau dengan `token` pelacakan di badan permintaan. `expected_status` yang sudah "
                    "basi → 409 `stale_state`; tindakan yang tidak berlaku pada status → 409 `invalid_transition`; "
                    "tidak berwenang → 403; laporan di luar kewenangan → 404.",
        parameters=[OpenApiParameter("report", str, OpenApiParameter.PATH, description="Id (kunci API) atau nomor laporan."),
                    IDEMPOTENCY_PARAMETER],
        request=ActionRequestSerializer,
        responses={200: ActionResultSerializer, **error_responses(401, 403, 404, *POST_ERRORS)},
    )
    def post(self, request, report: str):
        if isinstance(request.auth, ApiKey):
            return staff_action(request, report)
        return reporter_action(request, report)
