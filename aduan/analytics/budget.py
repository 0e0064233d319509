"""Agencies publish their budget summary by sector (issue #7, APBD planning evidence).

``budget_import`` reads a CSV or XLSX file with the columns ``sektor`` (the slug or the name
of a top-level category), ``jumlah`` (rupiah: ``1.250.000.000``, ``1250000000`` or
``Rp 1.250.000.000,00``) and optionally ``catatan``. It is all-or-nothing (rule of the house
8): any bad row refuses the whole file with a message naming the row, and nothing is saved;
a good file replaces every line of that agency and year in one transaction, audited.
docs/planning.md shows the format with an example.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.policies import grant_scopes, user_has_perm
from aduan.agencies.models import Agency, Category
from aduan.audit.services import audit_log
from aduan.core.errors import PermissionDenied, ValidationFailed

from .models import BudgetLine

PERMISSION = "agency_manage"  # the agency admin publishes the agency's figures, as it edits its directory entry
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500
MAX_ERRORS = 20
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_AMOUNT = Decimal("9999999999999999.99")  # BudgetLine.amount: 18 digits, 2 decimals
NOTE_MAX = 300
COLUMNS = ("sektor", "jumlah", "catatan")
_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_ID_DECIMAL = re.compile(r"^\d{1,3}(?:\.\d{3})*,\d{1,2}$|^\d+,\d{1,2}$")
_PLAIN = re.compile(r"^\d+(?:\.\d{1,2})?$")


@dataclass
class BudgetImportResult:
    agency: Agency
    year: int
    lines: list[BudgetLine]
    total: Decimal
    replaced: int


def budget_agencies_for(user):
    """Agencies whose budget ``user`` may publish: all for a national grant, else the agencies
    (and, where the grant says so, their units) where the user holds ``agency_manage``."""
    national, scopes = grant_scopes(user, PERMISSION)
    if national:
        return Agency.objects.all()
    q = Q(pk__in=[])
    for scope in scopes:
        q |= Q(pk=int(scope[1:])) if scope.startswith("=") else Q(path__startswith=scope)
    return Agency.objects.filter(q)


def budget_lines_of(*, agency: Agency) -> list[BudgetLine]:
    return list(BudgetLine.objects.filter(agency=agency).select_related("sector").order_by("-year", "sector__name"))


# --- Parsing -------------------------------------------------------------------------------

def parse_rupiah(raw) -> Decimal | None:
    """Rupiah from a cell: Indonesian thousands dots and decimal comma (``1.250.000.000,50``),
    plain digits with an optional decimal point of one or two places, or a spreadsheet
    number. ``None`` when it is not an amount."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float | Decimal):
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            return None
        return value if value.is_finite() else None
    text = str(raw or "").strip().replace("\u00a0", " ")
    text = re.sub(r"^(?:rp\.?)\s*", "", text, flags=re.IGNORECASE).replace(" ", "")
    if _THOUSANDS.match(text):
        text = text.replace(".", "")
    elif _ID_DECIMAL.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif not _PLAIN.match(text):
        return None
    return Decimal(text)


def _rows_from_csv(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _rows_from_xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a broken zip or not a workbook at all: openpyxl raises several kinds
        raise ValidationFailed(field_errors={"file": [_("Berkas XLSX tidak dapat dibaca. Simpan ulang sebagai .xlsx "
                                                        "atau gunakan CSV.")]}) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def _read(file) -> list[list]:
    name = (getattr(file, "name", "") or "").lower()
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationFailed(field_errors={"file": [_("Berkas terlalu besar (paling besar 2 MB).")]})
    if not data.strip():
        raise ValidationFailed(field_errors={"file": [_("Berkas kosong.")]})
    if data[:4] == b"PK\x03\x04" or name.endswith(".xlsx"):
        return _rows_from_xlsx(data)
    if name and not name.endswith((".csv", ".txt")):
        raise ValidationFailed(field_errors={"file": [_("Gunakan berkas CSV atau XLSX.")]})
    return _rows_from_csv(data)


def _cell(value) -> str:
    return "" if value is None else str(value).strip()


def _sector_lookup() -> dict[str, Category | str]:
    """Slug and lower-cased name → top-level category; a sub-category's keys map to a
    message so the error says why it is refused."""
    out: dict[str, Category | str] = {}
    for category in Category.objects.all():
        if category.parent_id is None:
            out[category.slug.lower()] = category
            out.setdefault(category.name.strip().lower(), category)
        else:
            for key in (category.slug.lower(), category.name.strip().lower()):
                out.setdefault(key, category.name)
    return out


def budget_rows_parse(rows: list[list]) -> list[tuple[Category, Decimal, str]]:
    """Check every row; raise ``ValidationFailed`` naming each bad row (up to ``MAX_ERRORS``)."""
    rows = list(rows)
    while rows and not any(_cell(v) for v in rows[0]):
        rows.pop(0)
    if not rows:
        raise ValidationFailed(field_errors={"file": [_("Berkas tidak berisi baris anggaran.")]})
    header = [_cell(v).lower() for v in rows[0]]
    missing = [c for c in ("sektor", "jumlah") if c not in header]
    if missing:
        raise ValidationFailed(field_errors={"file": [
            _("Baris 1 harus berisi judul kolom sektor, jumlah dan (opsional) catatan; tidak ada kolom: %(cols)s.")
            % {"cols": ", ".join(missing)}]})
    col = {name: header.index(name) for name in COLUMNS if name in header}
    if len(rows) - 1 > MAX_ROWS:
        raise ValidationFailed(field_errors={"file": [_("Terlalu banyak baris (paling banyak %(n)s).") % {"n": MAX_ROWS}]})

    sectors = _sector_lookup()
    errors: list[str] = []
    seen: dict[int, int] = {}
    parsed: list[tuple[Category, Decimal, str]] = []
    def get(values: list, name: str):
        index = col.get(name)
        return values[index] if index is not None and index < len(values) else None

    for number, values in enumerate(rows[1:], start=2):
        if not any(_cell(v) for v in values):
            continue
        sector_raw, amount_raw, note = _cell(get(values, "sektor")), get(values, "jumlah"), _cell(get(values, "catatan"))
        sector = sectors.get(sector_raw.lower()) if sector_raw else None
        if not sector_raw:
            errors.append(_("Baris %(row)s: kolom sektor kosong.") % {"row": number})
        elif sector is None:
            errors.append(_("Baris %(row)s: sektor “%(value)s” tidak dikenal. Isi kode atau nama kategori tingkat "
                            "atas.") % {"row": number, "value": sector_raw[:60]})
        elif isinstance(sector, str):
            errors.append(_("Baris %(row)s: “%(value)s” adalah subkategori, bukan sektor. Isi kategori tingkat "
                            "atasnya.") % {"row": number, "value": sector_raw[:60]})
        elif sector.pk in seen:
            errors.append(_("Baris %(row)s: sektor “%(value)s” sudah ada di baris %(first)s.")
                          % {"row": number, "value": sector.name, "first": seen[sector.pk]})
        else:
            seen[sector.pk] = number
        amount = parse_rupiah(amount_raw)
        if amount is None:
            errors.append(_("Baris %(row)s: jumlah “%(value)s” bukan angka rupiah yang sah (contoh: 1.250.000.000).")
                          % {"row": number, "value": _cell(amount_raw)[:40]})
        elif amount < 0:
            errors.append(_("Baris %(row)s: jumlah tidak boleh negatif.") % {"row": number})
        elif amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
            errors.append(_("Baris %(row)s: jumlah terlalu besar atau lebih dari dua angka desimal.") % {"row": number})
        if len(note) > NOTE_MAX:
            errors.append(_("Baris %(row)s: catatan paling panjang %(n)s karakter.") % {"row": number, "n": NOTE_MAX})
        if isinstance(sector, Category) and seen.get(sector.pk) == number and amount is not None:
            parsed.append((sector, amount, note))
        if len(errors) >= MAX_ERRORS:
            errors.append(_("Pemeriksaan berhenti setelah %(n)s kesalahan.") % {"n": MAX_ERRORS})
            break
    if errors:
        raise ValidationFailed(_("Berkas anggaran ditolak; tidak ada yang disimpan."), field_errors={"file": errors})
    if not parsed:
        raise ValidationFailed(field_errors={"file": [_("Berkas tidak berisi baris anggaran.")]})
    return parsed


# --- The service ---------------------------------------------------------------------------

def budget_import(*, agency: Agency, year: int, file, actor, now: datetime | None = None) -> BudgetImportResult:
    """Replace ``agency``'s budget lines for ``year`` with the file's rows, or change nothing."""
    if not user_has_perm(actor, PERMISSION, agency):
        raise PermissionDenied()
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(field_errors={"year": [_("Tahun harus antara %(min)s dan %(max)s.")
                                                      % {"min": MIN_YEAR, "max": MAX_YEAR}]})
    parsed = budget_rows_parse(_read(file))
    now = now or timezone.now()
    with transaction.atomic():
        replaced, _by_model = BudgetLine.objects.filter(agency=agency, year=year).delete()
        lines = BudgetLine.objects.bulk_create([
            BudgetLine(agency=agency, year=year, sector=sector, amount=amount, note=note,
                       uploaded_by=actor, uploaded_at=now)
            for sector, amount, note in parsed
        ])
        total = sum((line.amount for line in lines), Decimal(0))
        audit_log(actor=actor, action="budget_import", obj=agency, data={
            "year": year, "lines": len(lines), "replaced": replaced, "total": str(total),
            "file": (getattr(file, "name", "") or "")[:120],
            "sectors": {line.sector.slug: str(line.amount) for line in lines},
        })
    return BudgetImportResult(agency=agency, year=year, lines=lines, total=total, replaced=replaced)
