"""Citizens' endpoints (mobile apps) and the public read of reports.

- Sign-in: ``POST auth/code/`` → ``POST auth/token/`` (bearer token) → ``DELETE auth/token/``.
- ``POST reports/`` submits (JSON, or multipart with attachments) through ``report_submit``:
  a citizen token submits as that citizen; an agency key or a guest submits with the
  reporter fields of the payload and no account (the key's service account is never the
  reporter).
- ``POST reports/track/`` (reference + tracking token in the body, never in a URL),
  ``GET me/reports/`` and ``GET me/reports/{reference}/``: the reporter's own view.
- Reporter actions share ``POST reports/{report}/actions/`` with officials (views_official).
- ``GET public/reports/`` and ``GET public/reports/{reference}/``: exactly the public pages'
  privacy (``public_reports``/``public_report_get``: published, not confidential, redacted,
  no reporter identity but the chosen public name); ``POST …/support/`` supports one.

Views parse, call one service or selector, and render (STYLE §3).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from aduan.accounts.login_codes import CODE_LIFETIME, WINDOW, TooManyCodes
from aduan.agencies.models import Agency
from aduan.core.errors import NotFound, ValidationFailed
from aduan.portal.public_selectors import report_rows_public, reports_public_search
from aduan.portal.submit_selectors import reports_similar_open
from aduan.regions.models import Region
from aduan.portal.report_selectors import (
    REPORTER_ACTIONS,
    report_public_for_support,
    report_rows_for_reporter,
    reporter_actions,
)
from aduan.reports.attachments import AttachmentUpload
from aduan.reports.models import Channel, Report
from aduan.reports.selectors import (
    public_report_get,
    report_detail_for_reporter,
    report_get_as_reporter,
    report_get_for_reporter,
    reports_of_reporter,
)
from aduan.reports.services.submit import ReportDraft, report_submit
from aduan.routing.emergency import emergency_numbers
from aduan.reports.services.transition import report_support, report_transition
from aduan.reports.workflow import Action

from ..models import CitizenToken
from .base import IdempotentAPIView
from .citizen_auth import IsCitizen, citizen_code_send, citizen_token_issue, citizen_token_revoke
from .pagination import NEWEST_FIRST, PAGINATION_PARAMETERS, paginate
from .serializers import (
    IDEMPOTENCY_PARAMETER,
    POST_ERRORS,
    ActionRequestSerializer,
    ActionResultSerializer,
    CodeRequestSerializer,
    CodeSentSerializer,
    PublicReportFilterSerializer,
    PublicReportPage,
    PublicReportRowSerializer,
    PublicReportSerializer,
    ReporterReportPage,
    ReporterReportRowSerializer,
    ReporterReportSerializer,
    ReportSubmitMultipartSerializer,
    ReportSubmitSerializer,
    ReportSubmittedSerializer,
    SimilarQuerySerializer,
    SimilarReportSerializer,
    SupportResultSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    TrackRequestSerializer,
    auth_schema,
    error_responses,
    shown_once,
)
from .throttles import ClientRateThrottle, SubmitRateThrottle

TAG_AUTH = "Masuk warga"
TAG_REPORTER = "Laporan warga"
TAG_PUBLIC = "Laporan publik"
REFERENCE_PARAMETER = OpenApiParameter("reference", str, OpenApiParameter.PATH, description="Nomor laporan, mis. 2611-K7QX-M9P3.")


def _now():
    return timezone.now()


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class CitizenView(IdempotentAPIView):
    parser_classes = [JSONParser]
    throttle_classes = [ClientRateThrottle]


# --- Sign-in -------------------------------------------------------------------------------

class AuthCodeView(CitizenView):
    # Sending a code costs an SMS or an e-mail: the tighter submit bucket applies.
    throttle_classes = [ClientRateThrottle, SubmitRateThrottle]

    @extend_schema(
        operation_id="auth_code_send", tags=[TAG_AUTH], summary="Kirim kode masuk sekali pakai",
        description="Mengirim kode 6 angka ke alamat surel atau nomor telepon. Kode berlaku 10 menit; paling "
                    "banyak 3 kode per pengenal per 15 menit.",
        request=CodeRequestSerializer, parameters=[IDEMPOTENCY_PARAMETER], auth=[],
        responses={202: CodeSentSerializer, **error_responses(*POST_ERRORS)},
    )
    def post(self, request):
        data = _valid(CodeRequestSerializer, request.data)
        try:
            identifier = citizen_code_send(identifier=data["identifier"], now=_now())
        except TooManyCodes as exc:
            raise exceptions.Throttled(wait=WINDOW.total_seconds(), detail=str(exc.message)) from None
        return Response({"identifier": identifier, "expires_in": int(CODE_LIFETIME.total_seconds())},
                        status=status.HTTP_202_ACCEPTED)


class AuthTokenView(CitizenView):
    throttle_classes = [ClientRateThrottle, SubmitRateThrottle]

    def get_permissions(self):
        return [IsCitizen()] if self.request.method == "DELETE" else super().get_permissions()

    @extend_schema(
        operation_id="auth_token_create", tags=[TAG_AUTH], summary="Tukar kode dengan token warga",
        description="Kode yang benar memberi token bearer (berlaku 90 hari). Akun petugas ditolak: petugas masuk "
                    "melalui halaman petugas atau memakai kunci API instansi.",
        request=TokenRequestSerializer, parameters=[IDEMPOTENCY_PARAMETER], auth=[],
        responses={201: TokenSerializer, **error_responses(*POST_ERRORS)},
    )
    def post(self, request):
        data = _valid(TokenRequestSerializer, request.data)
        issued = citizen_token_issue(identifier=data["identifier"], code=data["code"], now=_now())
        data = TokenSerializer({"token": issued.raw, "token_type": "Bearer", "expires_at": issued.token.expires_at}).data
        return shown_once(data, "token", status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="auth_token_delete", tags=[TAG_AUTH], summary="Keluar (cabut token ini)", auth=[{"citizenToken": []}],
        request=None, responses={204: OpenApiResponse(description="Token dicabut."), **error_responses(401, 403, 429)},
    )
    def delete(self, request):
        citizen_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Submit --------------------------------------------------------------------------------

def _uploads(files) -> list[AttachmentUpload]:
    """Bounded reads: one file more than allowed and one byte more than the per-file limit
    is all the service needs to refuse with its own message."""
    uploads = []
    for upload in files.getlist("attachments")[: settings.ADUAN_ATTACHMENTS_MAX_COUNT + 1]:
        upload.seek(0)
        name = (upload.name or "").replace("\x00", "")  # PostgreSQL text cannot hold a NUL
        uploads.append(AttachmentUpload(name=name, content=upload.read(settings.ADUAN_ATTACHMENT_MAX_BYTES + 1)))
    return uploads


def _suggested_agency_id(slug: str) -> int | None:
    if not slug:
        return None
    agency_id = Agency.objects.filter(slug=slug, is_active=True).values_list("pk", flat=True).first()
    if agency_id is None:
        raise ValidationFailed(field_errors={"suggested_agency": [_("Instansi tujuan tidak dikenal.")]})
    return agency_id


class ReportSubmitView(CitizenView):
    parser_classes = [JSONParser, MultiPartParser]
    throttle_classes = [ClientRateThrottle, SubmitRateThrottle]

    @extend_schema(
        operation_id="report_submit", tags=[TAG_REPORTER], summary="Kirim laporan",
        description="JSON tanpa lampiran, atau multipart/form-data dengan `attachments` (berkas diperiksa dari isinya; "
                    "EXIF foto dihapus). Dengan token warga, laporan tercatat atas akun itu; dengan kunci API instansi "
                    "atau tanpa kredensial, isian pelapor diambil dari permintaan. Jawaban memuat kode pelacakan sekali saja.",
        request={"application/json": ReportSubmitSerializer, "multipart/form-data": ReportSubmitMultipartSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: ReportSubmittedSerializer, **error_responses(401, 415, *POST_ERRORS)},
    )
    def post(self, request):
        data = _valid(ReportSubmitSerializer, request.data)
        uploads = _uploads(request.FILES) if request.FILES else []
        draft = ReportDraft(
            kind=data["kind"], title=data["title"], body=data["body"], incident_date=data["incident_date"],
            category=data.get("category") or None, region_code=data.get("region_code") or None,
            address=data.get("address", ""), latitude=data.get("latitude"), longitude=data.get("longitude"),
            attachments=uploads, is_anonymous=data["is_anonymous"], is_confidential=data["is_confidential"],
            location_from_photo=data["location_from_photo"], channel=Channel.API,
            reporter_name=data.get("reporter_name", ""), reporter_email=data.get("reporter_email", ""),
            reporter_phone=data.get("reporter_phone", ""),
            suggested_agency_id=_suggested_agency_id(data.get("suggested_agency", "")),
        )
        # Only a citizen's own token makes the account the reporter; an agency key acts for
        # somebody else, whose details are in the payload.
        actor = request.user if isinstance(request.auth, CitizenToken) else None
        result = report_submit(draft=draft, actor=actor)
        report = result.report
        return Response(ReportSubmittedSerializer({
            "reference": report.reference, "tracking_token": result.token, "status": report.status,
            "submitted_at": report.submitted_at, "attachments": len(uploads),
            "emergency": {"kind": report.emergency_kind, "call": emergency_numbers(report.emergency_kind)}
            if report.is_urgent else None,
        }).data, status=status.HTTP_201_CREATED)


# --- The reporter's own report ---------------------------------------------------------------

def reporter_view(report: Report, actor) -> dict:
    data = report_detail_for_reporter(report=report, now=_now())
    data["actions"] = [a.value for a in reporter_actions(report=report, actor=actor)]
    return ReporterReportSerializer(data).data


class ReportTrackView(CitizenView):
    @extend_schema(
        operation_id="report_track", tags=[TAG_REPORTER], summary="Lacak laporan dengan nomor dan kode pelacakan",
        description="Nomor laporan dan kode pelacakan dikirim di badan permintaan, tidak pernah di URL. Kode yang salah "
                    "dijawab sama dengan laporan yang tidak ada (404).",
        request=TrackRequestSerializer, parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: ReporterReportSerializer, **error_responses(401, 404, *POST_ERRORS)},
    )
    def post(self, request):
        data = _valid(TrackRequestSerializer, request.data)
        report, actor = report_get_for_reporter(reference=data["reference"], token=data["token"])
        return Response(reporter_view(report, actor))


class MyReportsView(CitizenView):
    schema = auth_schema("citizenToken")
    permission_classes = [IsCitizen]

    @extend_schema(
        operation_id="my_reports_list", tags=[TAG_REPORTER], summary="Laporan saya",
        description="Laporan yang dikirim dengan akun ini, terbaru dulu.",
        parameters=PAGINATION_PARAMETERS, responses={200: ReporterReportPage, **error_responses(400, 401, 403, 429)},
    )
    def get(self, request):
        page = paginate(request, reports_of_reporter(user=request.user), NEWEST_FIRST)
        rows = report_rows_for_reporter(reports=page.items, now=_now())
        return Response(page.envelope(ReporterReportRowSerializer(rows, many=True).data))


class MyReportView(CitizenView):
    schema = auth_schema("citizenToken")
    permission_classes = [IsCitizen]

    @extend_schema(
        operation_id="my_report_get", tags=[TAG_REPORTER], summary="Satu laporan saya",
        parameters=[REFERENCE_PARAMETER],
        responses={200: ReporterReportSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request, reference: str):
        report, actor = report_get_as_reporter(reference=reference, user=request.user)
        return Response(reporter_view(report, actor))


def reporter_action(request, reference: str) -> Response:
    """A reporter action on ``POST reports/{report}/actions/``: the citizen token's owner, or
    whoever sends the tracking token in the body. Anyone else gets the 404 of a missing report."""
    data = _valid(ActionRequestSerializer, request.data)
    actor = None
    if isinstance(request.auth, CitizenToken):
        try:
            report, actor = report_get_as_reporter(reference=reference, user=request.user)
        except NotFound:
            actor = None
    if actor is None:
        if not data.get("token"):
            raise NotFound()
        report, actor = report_get_for_reporter(reference=reference, token=data["token"])
    action = Action(data["action"])
    if action not in REPORTER_ACTIONS:
        raise ValidationFailed(field_errors={"action": [_("Tindakan ini bukan tindakan pelapor.")]})
    params = {"rating": data.get("rating")} if action in (Action.CONFIRM, Action.RATE) else {}
    report = report_transition(report=report, action=action, actor=actor, expected_status=data["expected_status"],
                               note=data.get("note", ""), **params)
    return Response(ActionResultSerializer({
        "reference": report.reference, "status": report.status, "status_label": report.get_status_display(),
        "actions": [a.value for a in reporter_actions(report=report, actor=actor)],
    }).data)


# --- Public --------------------------------------------------------------------------------

class PublicReportListView(CitizenView):
    @extend_schema(
        operation_id="public_reports_list", tags=[TAG_PUBLIC], summary="Telusuri laporan publik",
        description="Laporan yang sudah diteruskan dan tidak rahasia, terbaru dulu. Judul disamarkan; tidak ada identitas "
                    "pelapor. Kata kunci yang berupa nomor telepon, surel atau NIK ditolak (400).",
        parameters=[PublicReportFilterSerializer, *PAGINATION_PARAMETERS], auth=[],
        responses={200: PublicReportPage, **error_responses(400, 429)},
    )
    def get(self, request):
        filters = _valid(PublicReportFilterSerializer, request.query_params)
        raw = {name: str(value) for name, value in filters.items()}
        search = reports_public_search(**raw)
        if search.errors:
            raise ValidationFailed(field_errors={name: [message] for name, message in search.errors.items()})
        page = paginate(request, search.reports, NEWEST_FIRST)
        rows = report_rows_public(reports=page.items, now=_now())
        return Response(page.envelope(PublicReportRowSerializer(rows, many=True).data))


class PublicReportSimilarView(CitizenView):
    @extend_schema(
        operation_id="public_reports_similar", tags=[TAG_PUBLIC], summary="Laporan serupa yang masih terbuka",
        description="Sebelum mengirim: laporan publik yang masih terbuka dan mungkin masalah yang sama (kemiripan teks, "
                    "tempat dan waktu 30 hari terakhir, di semua instansi), terbaik dulu, paling banyak 5. Aplikasi "
                    "menawarkan warga untuk mendukung laporan itu (POST …/support/) alih-alih mengirim laporan baru.",
        parameters=[SimilarQuerySerializer], auth=[],
        responses={200: SimilarReportSerializer(many=True), **error_responses(400, 429)},
    )
    def get(self, request):
        query = _valid(SimilarQuerySerializer, request.query_params)
        code = (query.get("region_code") or "").strip()
        if code and not Region.objects.filter(code=code).exists():
            raise ValidationFailed(field_errors={"region_code": [_("Kode wilayah %(code)s tidak dikenal.") % {"code": code}]})
        rows = reports_similar_open(title=query["title"], body=query.get("body", ""), region_code=code,
                                    latitude=query.get("latitude"), longitude=query.get("longitude"))
        return Response(SimilarReportSerializer(rows, many=True).data)


class PublicReportView(CitizenView):
    @extend_schema(
        operation_id="public_report_get", tags=[TAG_PUBLIC], summary="Satu laporan publik",
        description="Sama dengan halaman publik: teks disamarkan, riwayat publik saja, nama pelapor hanya bila tidak anonim.",
        parameters=[REFERENCE_PARAMETER], auth=[],
        responses={200: PublicReportSerializer, **error_responses(404, 429)},
    )
    def get(self, request, reference: str):
        return Response(PublicReportSerializer(public_report_get(reference=reference)).data)


class PublicReportSupportView(CitizenView):
    schema = auth_schema("citizenToken")
    permission_classes = [IsCitizen]

    @extend_schema(
        operation_id="public_report_support", tags=[TAG_PUBLIC], summary="Dukung laporan publik",
        description="Satu dukungan per akun; mengulang tidak menambah hitungan.",
        request=None, parameters=[REFERENCE_PARAMETER, IDEMPOTENCY_PARAMETER],
        responses={200: SupportResultSerializer, **error_responses(401, 403, 404, *POST_ERRORS)},
    )
    def post(self, request, reference: str):
        report = report_public_for_support(reference=reference)
        before = report.support_count
        report = report_support(report=report, user=request.user)
        return Response(SupportResultSerializer({
            "reference": report.reference, "support_count": report.support_count, "supported": True,
            "created": report.support_count > before,
        }).data)
