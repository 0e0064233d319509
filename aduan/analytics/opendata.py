"""Open data: the public reports as CSV and JSON Lines, of any size, with filters (issue #7).

What a row may contain is decided here, and nowhere else (rule of the house 4):

- rows come only from ``aduan.reports.selectors.public_reports()``: a report the public
  cannot open — not yet verified and disposed, archived, or confidential — is not in the
  data at all, exactly as its public page is a 404 (its existence does not leak either);
- no field about the reporter exists in the schema: not the name (even when the public page
  shows it for a non-anonymous report), e-mail, phone, account, reply address, device,
  operator or tracking token. Anonymous and named reports therefore look the same;
- title and body pass ``redact_text`` (phone numbers, e-mail addresses, 16-digit NIK/KK);
- the location is the Kemendagri region only: the public report page shows neither the
  address nor the coordinates, so neither are here;

The schema is data (``FIELDS``): the documentation page, ``skema.json``, the CSV header and
the JSON keys all come from it. Fields are only ever added at the end; removing a field or
changing what one means bumps ``SCHEMA_VERSION`` (docs/opendata.md).

Memory stays constant whatever the number of rows: one ``values_list`` query read with
``.iterator(chunk_size=2000)`` (a server-side cursor on PostgreSQL, ``fetchmany`` on SQLite),
category and agency names from two small lookup dicts built once per export, the region
name by a join (a dict of all 91,599 regions would cost more than it saves on a small
filtered export), and generators that yield text in batches. No list of all rows is built.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency, Category
from aduan.core.errors import ValidationFailed
from aduan.core.redact import redact_text
from aduan.regions.models import Region
from aduan.reports.models import Channel, Kind, Report
from aduan.reports.selectors import public_reports
from aduan.reports.workflow import PUBLISHED_STATUSES, Status

SCHEMA_VERSION = "1"
CHUNK_SIZE = 2000
ROWS_PER_WRITE = 500  # rows joined into one piece of output: fewer, larger writes

_REGION_CODE = re.compile(r"^\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?$")
# Dates before 1970 or far in the future cannot be meant, and would overflow when turned
# into a UTC instant.
_FIRST_DAY, _LAST_DAY = date(1970, 1, 1), date(9998, 12, 31)
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection");
# the CSV prefixes such a citizen text with an apostrophe. JSON Lines keeps the text as is.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- The schema -----------------------------------------------------------------------------

@dataclass(frozen=True)
class SchemaField:
    """One column. ``type`` is a Frictionless Table Schema type; ``datetime`` values are
    UTC, ``YYYY-MM-DDThh:mm:ssZ``."""

    name: str
    type: str
    description_id: str
    description_en: str
    enum: tuple[str, ...] = ()
    nullable: bool = True

    def description(self, language: str | None) -> str:
        return self.description_en if (language or "").startswith("en") else self.description_id


_PUBLISHED = tuple(s.value for s in Status if s in PUBLISHED_STATUSES)

FIELDS: tuple[SchemaField, ...] = (
    SchemaField("reference", "string", "Nomor laporan; unik dan tidak pernah berubah.",
                "Report reference number; unique and never changes.", nullable=False),
    SchemaField("url_path", "string", "Alamat halaman publik laporan di situs ini (mis. /laporan/2611-K7QX-M9P3/).",
                "Path of the report's public page on this site (e.g. /laporan/2611-K7QX-M9P3/).", nullable=False),
    SchemaField("kind", "string", "Jenis laporan: complaint (pengaduan), aspiration (aspirasi), "
                "information_request (permintaan informasi).",
                "Kind of report: complaint, aspiration or information request.", tuple(Kind.values), nullable=False),
    SchemaField("channel", "string", "Saluran masuk laporan (situs web, aplikasi/API, SMS, surel, WhatsApp, ...).",
                "Channel the report came in through (web, app/API, SMS, e-mail, WhatsApp, ...).",
                tuple(Channel.values), nullable=False),
    SchemaField("status", "string", "Status saat data dibuat. Hanya status yang tampil untuk publik.",
                "Status when the data was generated. Only statuses the public can see.", _PUBLISHED, nullable=False),
    SchemaField("category_slug", "string", "Kode kategori masalah.", "Category code."),
    SchemaField("category_name", "string", "Nama kategori masalah.", "Category name."),
    SchemaField("region_code", "string", "Kode wilayah Kemendagri lokasi masalah (provinsi 33, kabupaten/kota 33.74, "
                "kecamatan 33.74.01, desa/kelurahan 33.74.01.1001).",
                "Kemendagri code of the region where the problem is (province, regency/city, district, village)."),
    SchemaField("region_name", "string", "Nama wilayah.", "Region name."),
    SchemaField("agency_slug", "string", "Kode instansi yang menangani (atau terakhir menangani) laporan.",
                "Code of the agency handling the report (or the last one that handled it)."),
    SchemaField("agency_name", "string", "Nama instansi yang menangani.", "Name of the agency handling the report."),
    SchemaField("submitted_at", "datetime", "Waktu laporan masuk (UTC).", "When the report was submitted (UTC).",
                nullable=False),
    SchemaField("verified_at", "datetime", "Waktu laporan pertama kali diverifikasi dan diteruskan ke instansi (UTC).",
                "When the report was first verified and disposed to an agency (UTC)."),
    SchemaField("first_response_at", "datetime", "Waktu tindak lanjut pertama dari instansi (UTC).",
                "When the agency first followed up (UTC)."),
    SchemaField("closed_at", "datetime", "Waktu laporan selesai (UTC); kosong jika belum selesai.",
                "When the report was closed (UTC); empty while open."),
    SchemaField("verify_due_at", "datetime", "Batas waktu verifikasi oleh admin (UTC).",
                "Deadline of the administrator's verification (UTC)."),
    SchemaField("first_response_due_at", "datetime", "Batas waktu tindak lanjut pertama instansi (UTC).",
                "Deadline of the agency's first follow-up (UTC)."),
    SchemaField("resolution_due_at", "datetime", "Batas waktu penyelesaian (UTC).", "Resolution deadline (UTC)."),
    SchemaField("is_urgent", "boolean", "Laporan darurat (true/false).", "Emergency report (true/false).", nullable=False),
    SchemaField("support_count", "integer", "Jumlah dukungan warga (termasuk laporan serupa yang digabungkan).",
                "Number of citizens supporting the report (including merged duplicates).", nullable=False),
    SchemaField("rating", "integer", "Penilaian pelapor, 1 sampai 5; kosong jika belum dinilai.",
                "The reporter's rating, 1 to 5; empty if not rated."),
    SchemaField("title", "string", "Judul laporan; nomor telepon, alamat surel dan NIK/KK disamarkan.",
                "Report title; phone numbers, e-mail addresses and NIK/KK numbers are redacted.", nullable=False),
    SchemaField("body", "string", "Isi laporan; nomor telepon, alamat surel dan NIK/KK disamarkan.",
                "Report text; phone numbers, e-mail addresses and NIK/KK numbers are redacted.", nullable=False),
)
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)


def schema_fields(*, language: str | None) -> list[dict]:
    """The fields for the documentation page, described in ``language`` (id or en)."""
    return [
        {"name": f.name, "type": f.type, "description": f.description(language), "enum": f.enum, "nullable": f.nullable}
        for f in FIELDS
    ]


def table_schema() -> dict:
    """The schema as a Frictionless Table Schema (``/data/skema.json``)."""
    fields = []
    for f in FIELDS:
        item = {"name": f.name, "type": f.type, "description": f.description_id, "description_en": f.description_en}
        constraints = {}
        if not f.nullable:
            constraints["required"] = True
        if f.enum:
            constraints["enum"] = list(f.enum)
        if constraints:
            item["constraints"] = constraints
        fields.append(item)
    return {"name": "aduan-laporan", "version": SCHEMA_VERSION, "fields": fields,
            "primaryKey": ["reference"], "missingValues": [""]}


# --- Filters --------------------------------------------------------------------------------

FILTER_NAMES: tuple[str, ...] = ("date_from", "date_to", "region", "category", "agency", "kind", "status")


@dataclass(frozen=True)
class OpenDataFilters:
    """Validated filters. ``query`` holds the normalised values given (for links); the
    other fields are what the query needs."""

    query: dict[str, str] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    region_code: str = ""
    category_ids: tuple[int, ...] = ()
    agency_path: str = ""
    kind: str = ""
    status: str = ""


def _date(raw: str, errors: dict, name: str) -> date | None:
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        errors[name] = [_("Tanggal tidak valid. Gunakan format TTTT-BB-HH, mis. 2026-01-31.")]
        return None
    if not _FIRST_DAY <= value <= _LAST_DAY:
        errors[name] = [_("Tanggal di luar rentang yang dapat dipakai.")]
        return None
    return value


def _category_subtree(slug: str) -> tuple[int, ...] | None:
    """The category and every category below it (a sector takes its sub-categories)."""
    root = Category.objects.filter(slug=slug[:80]).values_list("pk", flat=True).first()
    if root is None:
        return None
    children: dict[int, list[int]] = {}
    for pk, parent in Category.objects.filter(parent__isnull=False).values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, todo = [], [root]
    while todo:
        pk = todo.pop()
        found.append(pk)
        todo.extend(children.get(pk, ()))
    return tuple(sorted(found))


def opendata_filters_parse(params: Mapping[str, str], *, strict: bool = True) -> OpenDataFilters:
    """Parse raw query-string values. Bad values raise ``ValidationFailed`` with a message in
    Indonesian per field and nothing is exported; with ``strict`` an unknown parameter is an
    error too (a misspelt filter must not silently export everything)."""
    errors: dict[str, list[str]] = {}
    if strict:
        for name in params:
            if name not in FILTER_NAMES:
                errors[name] = [_("Saringan tidak dikenal. Saringan yang tersedia: %(names)s.")
                                % {"names": ", ".join(FILTER_NAMES)}]
    raw = {name: (params.get(name) or "").strip() for name in FILTER_NAMES}
    query = {name: value for name, value in raw.items() if value}
    values: dict = {}

    if raw["date_from"]:
        values["date_from"] = _date(raw["date_from"], errors, "date_from")
    if raw["date_to"]:
        values["date_to"] = _date(raw["date_to"], errors, "date_to")
    if values.get("date_from") and values.get("date_to") and values["date_to"] < values["date_from"]:
        errors["date_to"] = [_("Tanggal akhir tidak boleh sebelum tanggal awal.")]

    if raw["region"]:
        if not _REGION_CODE.match(raw["region"]):
            errors["region"] = [_("Kode wilayah tidak valid. Gunakan kode Kemendagri, mis. 33, 33.74, 33.74.01 "
                                  "atau 33.74.01.1001.")]
        elif not Region.objects.filter(code=raw["region"]).exists():
            errors["region"] = [_("Kode wilayah tidak dikenal.")]
        else:
            values["region_code"] = raw["region"]

    if raw["category"]:
        ids = _category_subtree(raw["category"])
        if ids is None:
            errors["category"] = [_("Kategori tidak dikenal.")]
        else:
            values["category_ids"] = ids

    if raw["agency"]:
        path = Agency.objects.filter(slug=raw["agency"][:120]).values_list("path", flat=True).first()
        if path is None:
            errors["agency"] = [_("Instansi tidak dikenal.")]
        else:
            values["agency_path"] = path

    if raw["kind"]:
        if raw["kind"] not in Kind.values:
            errors["kind"] = [_("Jenis laporan tidak dikenal. Pilihan: %(names)s.") % {"names": ", ".join(Kind.values)}]
        else:
            values["kind"] = raw["kind"]

    if raw["status"]:
        if raw["status"] not in _PUBLISHED:
            errors["status"] = [_("Status tidak dikenal atau tidak tampil untuk publik. Pilihan: %(names)s.")
                                % {"names": ", ".join(_PUBLISHED)}]
        else:
            values["status"] = raw["status"]

    if errors:
        raise ValidationFailed(_("Saringan tidak valid; tidak ada data yang diekspor."), field_errors=errors)
    return OpenDataFilters(query=query, **values)


def opendata_filter_choices() -> dict:
    """The choices the filter form offers: active categories, kinds, public statuses."""
    return {
        "categories": list(Category.objects.filter(is_active=True).order_by("name").values("slug", "name")),
        "kinds": list(Kind.choices),
        "statuses": [(s.value, s.label) for s in Status if s in PUBLISHED_STATUSES],
    }


# --- Rows -----------------------------------------------------------------------------------

def _local_day_start(day: date) -> datetime:
    # Days are calendar days in the site's time zone (Asia/Jakarta), as on the search page.
    return timezone.make_aware(datetime.combine(day, time.min))


def opendata_reports(*, filters: OpenDataFilters) -> QuerySet[Report]:
    """The public reports the filters select, oldest first (by id: no sort on the server)."""
    reports = public_reports()
    if filters.date_from:
        reports = reports.filter(submitted_at__gte=_local_day_start(filters.date_from))
    if filters.date_to:
        reports = reports.filter(submitted_at__lt=_local_day_start(filters.date_to + timedelta(days=1)))
    if filters.region_code:
        reports = reports.filter(Q(region__code=filters.region_code) | Q(region__code__startswith=f"{filters.region_code}."))
    if filters.category_ids:
        reports = reports.filter(category_id__in=filters.category_ids)
    if filters.agency_path:
        reports = reports.filter(agency__path__startswith=filters.agency_path)
    if filters.kind:
        reports = reports.filter(kind=filters.kind)
    if filters.status:
        reports = reports.filter(status=filters.status)
    return reports.order_by("pk")


def opendata_count(*, filters: OpenDataFilters | None = None) -> int:
    return opendata_reports(filters=filters or OpenDataFilters()).count()


_QUERY_FIELDS = (
    "reference", "kind", "channel", "status", "category_id", "region_id", "region__name", "agency_id",
    "submitted_at", "verified_at", "first_response_at", "closed_at",
    "verify_due_at", "first_response_due_at", "resolution_due_at",
    "is_urgent", "support_count", "rating", "title", "body",
)


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _report_path_parts() -> tuple[str, str]:
    # One reverse() per export, not per row. References are [0-9A-Z*~$=-]: safe in a path.
    marker = "0000-MARK-ER00"
    path = reverse("portal:report_page", kwargs={"reference": marker})
    before, after = path.split(marker)
    return before, after


def opendata_rows(*, filters: OpenDataFilters | None = None, chunk_size: int = CHUNK_SIZE) -> Iterator[tuple]:
    """Rows as tuples in ``FIELDS`` order, with plain JSON-able values (``datetime`` fields
    as UTC strings). Three queries whatever the number of rows: categories, agencies, reports."""
    filters = filters or OpenDataFilters()
    categories = {pk: (slug, name) for pk, slug, name in Category.objects.values_list("pk", "slug", "name")}
    agencies = {pk: (slug, name) for pk, slug, name in Agency.objects.values_list("pk", "slug", "name")}
    none = (None, None)
    before, after = _report_path_parts()
    values = opendata_reports(filters=filters).values_list(*_QUERY_FIELDS).iterator(chunk_size=chunk_size)
    for (reference, kind, channel, status, category_id, region_code, region_name, agency_id,
         submitted, verified, first_response, closed, verify_due, first_response_due, resolution_due,
         urgent, support_count, rating, title, body) in values:
        category = categories.get(category_id, none)
        agency = agencies.get(agency_id, none)
        yield (
            reference, f"{before}{reference}{after}", kind, channel, status,
            category[0], category[1], region_code, region_name, agency[0], agency[1],
            _iso(submitted), _iso(verified), _iso(first_response), _iso(closed),
            _iso(verify_due), _iso(first_response_due), _iso(resolution_due),
            bool(urgent), support_count, rating, redact_text(title), redact_text(body),
        )


# --- Formats --------------------------------------------------------------------------------

class _Line:
    """csv.writer target that hands back what it was given (no buffer grows)."""

    def write(self, value: str) -> str:
        return value


_CSV = csv.writer(_Line(), lineterminator="\r\n")  # RFC 4180
_TEXT_COLUMNS = (FIELD_NAMES.index("title"), FIELD_NAMES.index("body"))


def _csv_cell(value):
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return value


def csv_header() -> str:
    return _CSV.writerow(FIELD_NAMES)


def csv_line(row: tuple) -> str:
    cells = [_csv_cell(v) for v in row]
    for i in _TEXT_COLUMNS:
        if cells[i].startswith(_FORMULA_START):
            cells[i] = "'" + cells[i]
    return _CSV.writerow(cells)


def jsonl_line(row: tuple) -> str:
    return json.dumps(dict(zip(FIELD_NAMES, row)), ensure_ascii=False, separators=(",", ":")) + "\n"


def _batched(lines: Iterable[str], size: int = ROWS_PER_WRITE) -> Iterator[str]:
    batch = io.StringIO()
    n = 0
    for line in lines:
        batch.write(line)
        n += 1
        if n == size:
            yield batch.getvalue()
            batch = io.StringIO()
            n = 0
    if n:
        yield batch.getvalue()


def opendata_csv(*, filters: OpenDataFilters | None = None) -> Iterator[str]:
    """The CSV text in pieces: the header, then the rows."""
    yield csv_header()
    yield from _batched(csv_line(row) for row in opendata_rows(filters=filters))


def opendata_jsonl(*, filters: OpenDataFilters | None = None) -> Iterator[str]:
    """JSON Lines text in pieces: one object per report, keys in schema order."""
    yield from _batched(jsonl_line(row) for row in opendata_rows(filters=filters))
