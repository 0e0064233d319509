"""Request parsers and response shapes of the REST API v1.

Serializers here only parse types and describe shapes for the OpenAPI document; every rule
(lengths, known categories and regions, dates, permissions, privacy) is decided by the
services and selectors they feed, so the web, the API and Open311 give the same answers.
Response serializers render the plain dicts the selectors return (``reports.selectors``,
``portal.public_selectors``): a field the selector does not hand over cannot be rendered.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from aduan.agencies.models import Agency, ResolutionTier
from aduan.reports.models import Kind
from aduan.reports.workflow import PUBLISHED_STATUSES, TRANSITIONS, ActorKind, ArchiveReason, Status

from .pagination import page_serializer

REPORTER_ACTIONS = tuple(a.value for a, t in TRANSITIONS.items() if t.actor == ActorKind.REPORTER)
USER_ACTIONS = tuple(a.value for a, t in TRANSITIONS.items() if t.actor != ActorKind.SYSTEM)
AGENCY_KINDS = Agency.Kind.choices  # named once in the OpenAPI document (ENUM_NAME_OVERRIDES)


# --- The one error body -------------------------------------------------------------------

class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Kode mesin yang tetap, mis. `invalid`, `not_found`, `stale_state`."))
    message = serializers.CharField(help_text=_("Pesan untuk manusia, dalam bahasa permintaan (bawaan: Indonesia)."))
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                   help_text=_("Kesalahan per isian: nama isian → daftar pesan."))


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


# --- Citizens' sign-in -----------------------------------------------------------------------

class CodeRequestSerializer(serializers.Serializer):
    identifier = serializers.CharField(max_length=254, help_text=_("Alamat surel atau nomor telepon (08…, +62…)."))


class CodeSentSerializer(serializers.Serializer):
    identifier = serializers.CharField(help_text=_("Pengenal yang dinormalkan; kirim kembali bersama kode."))
    expires_in = serializers.IntegerField(help_text=_("Masa berlaku kode, dalam detik."))


class TokenRequestSerializer(serializers.Serializer):
    identifier = serializers.CharField(max_length=254)
    code = serializers.CharField(max_length=12, help_text=_("Kode 6 angka yang diterima."))


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(allow_null=True, help_text=_(
        "Ditampilkan sekali. Kirim sebagai `Authorization: Bearer <token>`. Null pada jawaban ulangan "
        "(`Idempotent-Replayed`): token tidak pernah disimpan; minta kode baru."))
    token_type = serializers.CharField()
    expires_at = serializers.DateTimeField()


# --- Submitting a report -------------------------------------------------------------------

class ReportSubmitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.COMPLAINT)
    title = serializers.CharField(max_length=200, trim_whitespace=False)
    body = serializers.CharField(trim_whitespace=False)
    incident_date = serializers.DateField(help_text=_("Tanggal kejadian, TTTT-BB-HH."))
    category = serializers.CharField(required=False, allow_blank=True, max_length=80, help_text=_("Slug kategori."))
    region_code = serializers.CharField(required=False, allow_blank=True, max_length=13,
                                        help_text=_("Kode wilayah Kemendagri, mis. 33.74.01."))
    address = serializers.CharField(required=False, allow_blank=True, max_length=300)
    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    is_anonymous = serializers.BooleanField(default=False, help_text=_("Sembunyikan identitas pelapor dari instansi dan publik."))
    is_confidential = serializers.BooleanField(default=False, help_text=_("Sembunyikan isi laporan dari publik."))
    location_from_photo = serializers.BooleanField(default=False,
                                                   help_text=_("Pakai lokasi GPS foto pertama bila koordinat kosong."))
    reporter_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    reporter_email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    reporter_phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    suggested_agency = serializers.CharField(required=False, allow_blank=True, max_length=120,
                                             help_text=_("Slug instansi tujuan yang disarankan pelapor."))


class ReportSubmitMultipartSerializer(ReportSubmitSerializer):
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False,
        help_text=_("Foto (JPG, PNG, WEBP), PDF, DOCX, video MP4/3GP; paling banyak 10 berkas."),
    )


class EmergencySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["fire", "accident", "medical", "crime", "disaster"])
    call = serializers.ListField(child=serializers.CharField(), help_text=_("Nomor darurat yang harus ditelepon, 112 lebih dulu."))


class ReportSubmittedSerializer(serializers.Serializer):
    reference = serializers.CharField()
    tracking_token = serializers.CharField(help_text=_("Kode pelacakan, ditampilkan sekali. Simpan bersama nomor laporan."))
    status = serializers.ChoiceField(choices=Status.choices)
    submitted_at = serializers.DateTimeField()
    attachments = serializers.IntegerField(help_text=_("Jumlah lampiran yang tersimpan."))
    emergency = EmergencySerializer(allow_null=True, help_text=_(
        "Bila laporan menggambarkan keadaan darurat: jenisnya dan nomor yang harus segera ditelepon "
        "(tampilkan kepada pelapor). null bila bukan keadaan darurat."))


# --- The reporter's view -------------------------------------------------------------------

class TrackRequestSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=40)
    token = serializers.CharField(max_length=100)


class ReporterEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    status = serializers.CharField(allow_blank=True)
    status_label = serializers.CharField(allow_blank=True)
    by_reporter = serializers.BooleanField()
    by_kind = serializers.CharField()
    by = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)
    reason_label = serializers.CharField(allow_blank=True)
    rating = serializers.IntegerField(allow_null=True)


class ReporterReportSerializer(serializers.Serializer):
    reference = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    category = serializers.CharField(allow_blank=True)
    region_code = serializers.CharField(allow_blank=True)
    region = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    agency = serializers.CharField(allow_blank=True)
    agency_slug = serializers.CharField(allow_blank=True)
    submitted_at = serializers.DateTimeField()
    resolution_due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    rating = serializers.IntegerField(allow_null=True)
    support_count = serializers.IntegerField()
    is_anonymous = serializers.BooleanField()
    is_confidential = serializers.BooleanField()
    is_public = serializers.BooleanField()
    archive_reason = serializers.CharField(allow_blank=True)
    duplicate_of = serializers.CharField(allow_blank=True)
    timeline = ReporterEventSerializer(many=True)
    actions = serializers.ListField(child=serializers.ChoiceField(choices=REPORTER_ACTIONS),
                                    help_text=_("Tindakan pelapor yang tersedia sekarang."))


class ReporterReportRowSerializer(serializers.Serializer):
    reference = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    agency = serializers.CharField(allow_blank=True)
    agency_slug = serializers.CharField(allow_blank=True)
    submitted_at = serializers.DateTimeField()
    resolution_due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    is_confidential = serializers.BooleanField()


# --- Actions -----------------------------------------------------------------------------

class ActionRequestSerializer(serializers.Serializer):
    """One body for every action; which fields matter depends on the action."""

    action = serializers.ChoiceField(choices=USER_ACTIONS)
    expected_status = serializers.ChoiceField(
        choices=Status.choices, help_text=_("Status yang dilihat klien; bila sudah berubah, jawabannya 409 `stale_state`."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=10000, trim_whitespace=False)
    rating = serializers.IntegerField(required=False, allow_null=True, help_text=_("1–5, untuk `confirm` dan `rate`."))
    token = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                  help_text=_("Kode pelacakan, bila pelapor tidak masuk dengan token warga."))
    agency = serializers.CharField(required=False, allow_blank=True, max_length=120,
                                   help_text=_("Slug instansi tujuan (`verify_dispose`)."))
    suggested_agency = serializers.CharField(required=False, allow_blank=True, max_length=120,
                                             help_text=_("Slug instansi yang berwenang (`not_authority`)."))
    tier = serializers.ChoiceField(choices=ResolutionTier.choices, required=False, allow_blank=True)
    reason = serializers.ChoiceField(choices=ArchiveReason.choices, required=False, allow_blank=True,
                                     help_text=_("Alasan pengarsipan (`archive`)."))
    duplicate_of = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                         help_text=_("Nomor laporan asli (`archive` dengan alasan `duplicate`)."))
    anonymous = serializers.BooleanField(required=False, default=False)
    confidential = serializers.BooleanField(required=False, default=False)
    internal_note = serializers.CharField(required=False, allow_blank=True, max_length=10000,
                                          help_text=_("Catatan internal petugas; tidak pernah tampil ke pelapor atau publik."))


class ActionResultSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    actions = serializers.ListField(child=serializers.ChoiceField(choices=USER_ACTIONS),
                                    help_text=_("Tindakan yang tersedia sekarang bagi pemanggil."))


# --- Public --------------------------------------------------------------------------------

class PublicReportFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text=_("Kata kunci (judul dan isi)."))
    category = serializers.CharField(required=False, allow_blank=True, max_length=80, help_text=_("Slug kategori."))
    region = serializers.CharField(required=False, allow_blank=True, max_length=120,
                                   help_text=_("Kode wilayah (mis. 33.74) atau nama lengkap; mencakup wilayah di bawahnya."))
    agency = serializers.CharField(required=False, allow_blank=True, max_length=120,
                                   help_text=_("Slug instansi; mencakup unit kerjanya."))
    status = serializers.ChoiceField(required=False, allow_blank=True,
                                     choices=[(s.value, s.label) for s in Status if s in PUBLISHED_STATUSES])
    date_from = serializers.DateField(required=False, help_text=_("Dikirim pada atau sesudah tanggal ini (WIB)."))
    date_to = serializers.DateField(required=False, help_text=_("Dikirim pada atau sebelum tanggal ini (WIB)."))


class PublicReportRowSerializer(serializers.Serializer):
    reference = serializers.CharField()
    title = serializers.CharField(help_text=_("Disamarkan: nomor telepon, surel dan NIK diganti penanda."))
    category = serializers.CharField(allow_blank=True)
    region = serializers.CharField(allow_blank=True)
    region_code = serializers.CharField(allow_blank=True)
    agency = serializers.CharField(allow_blank=True)
    agency_slug = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    overdue = serializers.BooleanField()


class PublicEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    status = serializers.CharField(allow_blank=True)
    status_label = serializers.CharField(allow_blank=True)
    by = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)


class PublicReportSerializer(serializers.Serializer):
    reference = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    category = serializers.CharField(allow_blank=True)
    region_code = serializers.CharField(allow_blank=True)
    region = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    agency = serializers.CharField(allow_blank=True)
    submitted_at = serializers.DateTimeField()
    resolution_due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    rating = serializers.IntegerField(allow_null=True)
    support_count = serializers.IntegerField()
    duplicate_of = serializers.CharField(allow_blank=True)
    timeline = PublicEventSerializer(many=True)
    reporter_name = serializers.CharField(required=False, allow_blank=True,
                                          help_text=_("Nama yang dipilih pelapor untuk tampil; tidak ada pada laporan anonim."))


class SimilarQuerySerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, help_text=_("Judul laporan yang sedang ditulis."))
    body = serializers.CharField(required=False, allow_blank=True, max_length=10000, help_text=_("Isi laporan (opsional)."))
    region_code = serializers.CharField(required=False, allow_blank=True, max_length=20,
                                        help_text=_("Kode wilayah Kemendagri tempat kejadian (mis. 33.74.01.1001)."))
    latitude = serializers.FloatField(required=False, min_value=-90, max_value=90)
    longitude = serializers.FloatField(required=False, min_value=-180, max_value=180)


class SimilarReportSerializer(serializers.Serializer):
    reference = serializers.CharField()
    title = serializers.CharField(help_text=_("Disamarkan: nomor telepon, surel dan NIK diganti penanda."))
    region = serializers.CharField(allow_blank=True)
    category = serializers.CharField(allow_blank=True)
    status_label = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    support_count = serializers.IntegerField()
    score = serializers.FloatField(help_text=_("Kemiripan gabungan teks, tempat dan waktu, 0–1."))
    same_place = serializers.BooleanField()


class SupportResultSerializer(serializers.Serializer):
    reference = serializers.CharField()
    support_count = serializers.IntegerField()
    supported = serializers.BooleanField(help_text=_("Selalu true: akun ini mendukung laporan."))
    created = serializers.BooleanField(help_text=_("False bila dukungan sudah tercatat sebelumnya."))


# --- Officials and agency systems ------------------------------------------------------------

class InboxFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False, allow_blank=True)
    category = serializers.CharField(required=False, allow_blank=True, max_length=80, help_text=_("Slug kategori."))
    agency = serializers.CharField(required=False, allow_blank=True, max_length=120, help_text=_("Slug instansi."))
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text=_("Kata dalam judul."))
    sort = serializers.ChoiceField(choices=[("deadline", _("Tenggat terdekat dulu")), ("newest", _("Terbaru dulu"))],
                                   required=False, default="deadline")


class InboxRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    category = serializers.CharField(allow_blank=True)
    agency = serializers.CharField(allow_blank=True)
    submitted_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True, help_text=_("Tenggat yang berlaku sekarang."))
    is_overdue = serializers.BooleanField()
    escalation_level = serializers.IntegerField()


class InboxCountsSerializer(serializers.Serializer):
    verification = serializers.IntegerField()
    agency = serializers.IntegerField()
    overdue = serializers.IntegerField()
    escalated = serializers.IntegerField()


class DeadlinesSerializer(serializers.Serializer):
    verify = serializers.DateTimeField(allow_null=True)
    first_response = serializers.DateTimeField(allow_null=True)
    resolution = serializers.DateTimeField(allow_null=True)
    autoclose = serializers.DateTimeField(allow_null=True)


class ReporterIdentitySerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    account_id = serializers.IntegerField(allow_null=True)


class StaffEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField(allow_blank=True)
    by = serializers.CharField(allow_blank=True)
    agency = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)
    is_public = serializers.BooleanField()
    data = serializers.DictField()


class DispositionSerializer(serializers.Serializer):
    agency = serializers.CharField()
    disposed_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    end_reason = serializers.CharField(allow_blank=True)
    not_authority_reason = serializers.CharField(allow_blank=True)
    suggested_agency = serializers.CharField(allow_blank=True)
    suggested_agency_id = serializers.IntegerField(allow_null=True)


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class StaffReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    kind = serializers.CharField()
    channel = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    title = serializers.CharField()
    body = serializers.CharField()
    category = serializers.CharField(allow_blank=True)
    region_code = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    incident_date = serializers.DateField()
    is_anonymous = serializers.BooleanField()
    is_confidential = serializers.BooleanField()
    agency = serializers.CharField(allow_blank=True)
    coordinator = serializers.CharField()
    deadlines = DeadlinesSerializer()
    overdue = serializers.ListField(child=serializers.CharField(), help_text=_("Tenggat yang terlewati sekarang."))
    escalation_level = serializers.IntegerField()
    reporter = ReporterIdentitySerializer(allow_null=True, help_text=_(
        "Identitas pelapor; null bila pemanggil tidak berwenang melihatnya. Setiap pembacaan dicatat di log audit."))
    events = StaffEventSerializer(many=True)
    dispositions = DispositionSerializer(many=True)
    attachments = AttachmentSerializer(many=True)
    actions = serializers.ListField(child=serializers.ChoiceField(choices=USER_ACTIONS),
                                    help_text=_("Tepat tindakan yang boleh dilakukan pemanggil sekarang."))


# --- Directory -----------------------------------------------------------------------------

class AgencyFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=120, help_text=_("Bagian nama atau singkatan."))
    kind = serializers.ChoiceField(choices=Agency.Kind.choices, required=False, allow_blank=True)
    parent = serializers.CharField(required=False, allow_blank=True, max_length=120,
                                   help_text=_("Slug induk: hanya unit langsung di bawahnya."))


class AgencyRowSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=Agency.Kind.choices)
    parent = serializers.CharField(allow_null=True, help_text=_("Slug induk."))
    accepts_reports = serializers.BooleanField()


class RegionRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class AgencyDetailSerializer(AgencyRowSerializer):
    parent_name = serializers.CharField(allow_null=True)
    units = AgencyRowSerializer(many=True)
    coverage = RegionRefSerializer(many=True, help_text=_("Wilayah kewenangan (termasuk wilayah di bawahnya)."))


class CategorySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    parent = serializers.CharField(allow_null=True, help_text=_("Slug induk."))
    default_tier = serializers.ChoiceField(choices=ResolutionTier.choices)


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField(help_text=_("1 provinsi, 2 kabupaten/kota, 3 kecamatan, 4 desa/kelurahan."))
    parent = serializers.CharField(allow_null=True)
    timezone = serializers.CharField()


class RegionDetailSerializer(RegionSerializer):
    ancestors = RegionRefSerializer(many=True, help_text=_("Dari provinsi ke induk langsung."))
    children_count = serializers.IntegerField()


# --- API keys ------------------------------------------------------------------------------

class ApiKeySerializer(serializers.Serializer):
    prefix = serializers.CharField()
    name = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


class ApiKeyIssueSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text=_("Misalnya: Aplikasi pengaduan Dinas PU."))


class ApiKeyIssuedSerializer(ApiKeySerializer):
    key = serializers.CharField(allow_null=True, help_text=_(
        "Kunci lengkap, ditampilkan sekali saja. Simpan di tempat aman. Null pada jawaban ulangan "
        "(`Idempotent-Replayed`): kunci tidak pernah disimpan; cabut lalu terbitkan yang baru."))


# --- Pages ---------------------------------------------------------------------------------

PublicReportPage = page_serializer(PublicReportRowSerializer, "PublicReportPage")
ReporterReportPage = page_serializer(ReporterReportRowSerializer, "ReporterReportPage")
InboxPage = page_serializer(InboxRowSerializer, "InboxPage")
AgencyPage = page_serializer(AgencyRowSerializer, "AgencyPage")
CategoryPage = page_serializer(CategorySerializer, "CategoryPage")
RegionPage = page_serializer(RegionSerializer, "RegionPage")
ApiKeyPage = page_serializer(ApiKeySerializer, "ApiKeyPage")


# --- OpenAPI helpers shared by the views ---------------------------------------------------

ERROR_DESCRIPTIONS = {
    400: _("Data tidak valid: `invalid` (lihat `fields`), `malformed_request`, `invalid_idempotency_key`."),
    401: _("Tanpa kredensial, atau kredensial tidak dikenal, kedaluwarsa atau dicabut: `not_authenticated`, "
           "`authentication_failed`."),
    403: _("Kredensial dikenal tetapi tidak berwenang: `permission_denied`."),
    404: _("`not_found` — jawaban yang sama untuk data yang tidak ada dan data di luar kewenangan pemanggil."),
    409: _("`stale_state` (status sudah berubah), `invalid_transition` (tindakan tidak berlaku pada status ini), "
           "`idempotency_in_progress` (permintaan dengan Idempotency-Key yang sama masih diproses)."),
    415: _("`unsupported_media_type`: kirim JSON atau multipart/form-data."),
    422: _("`idempotency_key_reused`: Idempotency-Key ini sudah dipakai untuk permintaan lain."),
    429: _("`rate_limited`: terlalu banyak permintaan; header `Retry-After` menyebut berapa detik menunggu."),
}


def shown_once(data: dict, secret_field: str, status_code: int) -> Response:
    """A response holding a credential shown once; its replay copy (Idempotency-Key) holds null."""
    response = Response(data, status=status_code)
    response.idempotency_stored_content = JSONRenderer().render({**data, secret_field: None})
    return response


def error_responses(*codes: int) -> dict:
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]) for code in codes}


IDEMPOTENCY_PARAMETER = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, location=OpenApiParameter.HEADER, required=False,
    description=_("Kunci unik per permintaan (1–255 karakter). Mengulang POST dengan kunci dan isi yang sama "
                  "mengembalikan jawaban pertama (header `Idempotent-Replayed: true`) tanpa membuat data baru."),
)
# Errors every POST can answer because of Idempotency-Key and rate limits.
POST_ERRORS = (400, 409, 422, 429)


def auth_schema(*names: str) -> AutoSchema:
    """A view schema that documents only the named security schemes (the others are still
    recognised by the view, e.g. to answer 403 instead of 401, but are not a way in)."""

    class _Schema(AutoSchema):
        def get_auth(self):
            return [r for r in super().get_auth() if r and set(r) <= set(names)]

    return _Schema()
