"""Budget upload (issue #7): agencies publish their budget by sector as CSV or XLSX. All or
nothing, audited, only by the agency's own admin (or the national administrator)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aduan.agencies.models import Category
from aduan.analytics.budget import budget_import, parse_rupiah
from aduan.analytics.models import BudgetLine
from aduan.audit.models import AuditLog
from aduan.core.errors import PermissionDenied, ValidationFailed
from tests.backoffice.test_work_support import sign_in_verified

pytestmark = pytest.mark.django_db


def csv_file(text: str, name: str = "anggaran.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_file(rows: list[list], name: str = "anggaran.xlsx") -> SimpleUploadedFile:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def lines_of(agency, year=None):
    rows = BudgetLine.objects.filter(agency=agency)
    if year is not None:
        rows = rows.filter(year=year)
    return {(line.year, line.sector.slug): (line.amount, line.note) for line in rows.select_related("sector")}


@pytest.fixture
def health(directory):
    return Category.objects.create(name="Kesehatan", slug="kesehatan")


@pytest.fixture
def city_admin(directory, agency_admin):
    return agency_admin(directory.semarang)


@pytest.mark.parametrize(("raw", "expected"), [
    ("1.250.000.000", Decimal("1250000000")),
    ("1250000000", Decimal("1250000000")),
    ("Rp 1.250.000.000", Decimal("1250000000")),
    ("Rp1.250.000.000,50", Decimal("1250000000.50")),
    ("750000000.25", Decimal("750000000.25")),
    ("  2.000 ", Decimal("2000")),
    (1250000000, Decimal("1250000000")),
    (1250000000.5, Decimal("1250000000.5")),
    ("0", Decimal("0")),
    ("1,250,000", None),
    ("12.34.56", None),
    ("satu juta", None),
    ("-5", None),
    ("", None),
    (None, None),
    (True, None),
])
def test_rupiah_amounts_in_indonesian_and_plain_forms(raw, expected):
    assert parse_rupiah(raw) == expected


def test_csv_with_semicolons_and_thousands_separators_is_published_and_audited(directory, health, city_admin):
    text = ("Sektor;Jumlah;Catatan\njalan;1.250.000.000;Perbaikan jalan kota\nAdministrasi kependudukan;750000000;\n"
            "Kesehatan;Rp 2.000.000,00;Puskesmas\n")
    result = budget_import(agency=directory.semarang, year=2026, file=csv_file(text), actor=city_admin)
    assert (len(result.lines), result.total, result.replaced) == (3, Decimal("2002000000"), 0)
    assert lines_of(directory.semarang) == {
        (2026, "jalan"): (Decimal("1250000000"), "Perbaikan jalan kota"),
        (2026, "adminduk"): (Decimal("750000000"), ""),
        (2026, "kesehatan"): (Decimal("2000000"), "Puskesmas"),
    }
    audit = AuditLog.objects.get(action="budget_import")
    assert (audit.actor, audit.object_id, audit.data["year"], audit.data["lines"]) == \
        (city_admin, str(directory.semarang.pk), 2026, 3)
    assert all(line.uploaded_by == city_admin for line in BudgetLine.objects.all())


def test_a_new_file_replaces_that_year_only(directory, health, city_admin):
    budget_import(agency=directory.semarang, year=2025, file=csv_file("sektor,jumlah\njalan,100\n"), actor=city_admin)
    budget_import(agency=directory.semarang, year=2026, file=csv_file("sektor,jumlah\njalan,200\nkesehatan,300\n"),
                  actor=city_admin)
    result = budget_import(agency=directory.semarang, year=2026, file=csv_file("sektor,jumlah\nadminduk,400\n"),
                           actor=city_admin)
    assert result.replaced == 2
    assert lines_of(directory.semarang) == {(2025, "jalan"): (Decimal("100"), ""), (2026, "adminduk"): (Decimal("400"), "")}


def test_xlsx_with_numbers_and_text_amounts(directory, health, city_admin):
    upload = xlsx_file([["sektor", "jumlah", "catatan"], ["jalan", 1250000000, "Jalan"], [None, None, None],
                        ["kesehatan", "2.500.000", None]])
    result = budget_import(agency=directory.semarang, year=2026, file=upload, actor=city_admin)
    assert result.total == Decimal("1252500000")
    assert lines_of(directory.semarang) == {(2026, "jalan"): (Decimal("1250000000"), "Jalan"),
                                            (2026, "kesehatan"): (Decimal("2500000"), "")}


def refused(directory, actor, upload, year=2026) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        budget_import(agency=directory.semarang, year=year, file=upload, actor=actor)
    return [str(m) for messages in caught.value.field_errors.values() for m in messages]


@pytest.mark.parametrize(("text", "message"), [
    ("sektor,jumlah\njalan,100\njalan,200\n", "Baris 3: sektor “Infrastruktur jalan” sudah ada di baris 2."),
    ("sektor,jumlah\njalan,100\nkesehatan,sejuta\n", "Baris 3: jumlah “sejuta” bukan angka rupiah yang sah"),
    ("sektor,jumlah\njalan,100\nperikanan,5\n", "Baris 3: sektor “perikanan” tidak dikenal"),
    ("sektor,jumlah\nlampu-jalan,100\n", "Baris 2: “lampu-jalan” adalah subkategori"),
    ("sektor,jumlah\n,100\n", "Baris 2: kolom sektor kosong."),
    ("sektor,jumlah\njalan,1.5.0\n", "Baris 2: jumlah “1.5.0”"),
    ("sektor,jumlah\njalan,1.000.000.000.000.000.000\n", "Baris 2: jumlah terlalu besar"),
    ("sector,amount\njalan,100\n", "tidak ada kolom: sektor, jumlah"),
    ("sektor,jumlah\n\n", "Berkas tidak berisi baris anggaran."),
    ("sektor,jumlah,catatan\njalan,100," + "x" * 301 + "\n", "Baris 2: catatan paling panjang 300 karakter."),
])
def test_a_bad_row_refuses_the_whole_file_and_changes_nothing(directory, health, city_admin, text, message):
    Category.objects.create(name="Lampu jalan", slug="lampu-jalan", parent=directory.road)
    budget_import(agency=directory.semarang, year=2026, file=csv_file("sektor,jumlah\nkesehatan,999\n"), actor=city_admin)
    before = lines_of(directory.semarang)
    audits = AuditLog.objects.count()
    errors = refused(directory, city_admin, csv_file(text))
    assert any(message in e for e in errors), errors
    assert lines_of(directory.semarang) == before and AuditLog.objects.count() == audits


def test_every_bad_row_is_named(directory, health, city_admin):
    errors = refused(directory, city_admin, csv_file("sektor,jumlah\njalan,abc\nkesehatan,100\nx,-\n"))
    assert [e.split(":")[0] for e in errors] == ["Baris 2", "Baris 4", "Baris 4"]


def test_files_that_are_not_a_budget_are_refused(directory, city_admin):
    assert "Berkas XLSX tidak dapat dibaca" in refused(directory, city_admin, SimpleUploadedFile("a.xlsx", b"PK\x03\x04rusak"))[0]
    assert "Gunakan berkas CSV atau XLSX" in refused(directory, city_admin, SimpleUploadedFile("a.pdf", b"%PDF-1.4"))[0]
    assert "Berkas kosong" in refused(directory, city_admin, csv_file(""))[0]
    assert "Tahun harus antara" in refused(directory, city_admin, csv_file("sektor,jumlah\njalan,1\n"), year=1999)[0]
    assert BudgetLine.objects.count() == 0


def test_another_agency_official_cannot_publish_for_this_agency(directory, agency_admin, liaison_officer):
    for actor in (agency_admin(directory.jateng), liaison_officer(directory.semarang)):
        with pytest.raises(PermissionDenied):
            budget_import(agency=directory.semarang, year=2026, file=csv_file("sektor,jumlah\njalan,1\n"), actor=actor)
    assert BudgetLine.objects.count() == 0


def test_agency_admin_publishes_for_its_units_and_national_admin_for_anyone(directory, city_admin, national_admin):
    budget_import(agency=directory.dishub_semarang, year=2026, file=csv_file("sektor,jumlah\njalan,1\n"), actor=city_admin)
    budget_import(agency=directory.kemensos, year=2026, file=csv_file("sektor,jumlah\njalan,2\n"), actor=national_admin)
    assert BudgetLine.objects.count() == 2


# --- Pages ---------------------------------------------------------------------------------

INDEX = "/petugas/analitik/anggaran/"


def page_of(agency) -> str:
    return f"{INDEX}{agency.slug}/"


def test_anonymous_is_sent_to_sign_in_and_liaison_officer_gets_403(client, directory, liaison_officer):
    response = client.get(INDEX)
    assert response.status_code == 302 and response["Location"].startswith("/petugas/masuk/")
    sign_in_verified(client, liaison_officer(directory.semarang))
    assert client.get(INDEX).status_code == 403
    assert client.get(page_of(directory.semarang)).status_code == 403


def test_agency_admin_lists_only_its_agencies(client, directory, city_admin):
    sign_in_verified(client, city_admin)
    html = client.get(INDEX).content.decode()
    assert 'data-agency="pemkot-semarang"' in html and 'data-agency="dishub-kota-semarang"' in html
    assert 'data-agency="pemprov-jateng"' not in html and html.count("<h1>") == 1


def test_upload_page_publishes_and_shows_the_lines(client, directory, health, city_admin):
    sign_in_verified(client, city_admin)
    assert client.get(page_of(directory.semarang)).status_code == 200
    upload = csv_file("sektor,jumlah\njalan,1.250.000.000\n")
    response = client.post(page_of(directory.semarang), {"year": "2026", "file": upload})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Anggaran tahun 2026 disimpan: 1 sektor, total Rp 1.250.000.000." in html
    assert 'data-year="2026"' in html and 'data-sector="jalan"' in html and "1.250.000.000" in html


def test_bad_upload_page_shows_the_row_error_and_saves_nothing(client, directory, health, city_admin):
    sign_in_verified(client, city_admin)
    upload = csv_file("sektor,jumlah\njalan,100\nkesehatan,x\n")
    response = client.post(page_of(directory.semarang), {"year": "2026", "file": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Baris 3: jumlah “x” bukan angka rupiah yang sah" in html
    assert 'role="alert"' in html and 'aria-invalid="true"' in html
    assert BudgetLine.objects.count() == 0
    response = client.post(page_of(directory.semarang), {"year": "abc"})
    assert response.status_code == 400 and "Pilih berkas CSV atau XLSX." in response.content.decode()


def test_another_agency_admin_gets_404_and_nothing_is_saved(client, directory, agency_admin):
    sign_in_verified(client, agency_admin(directory.jateng))
    assert client.get(page_of(directory.semarang)).status_code == 404
    response = client.post(page_of(directory.semarang), {"year": "2026", "file": csv_file("sektor,jumlah\njalan,1\n")})
    assert response.status_code == 404 and BudgetLine.objects.count() == 0


def test_published_budget_appears_on_the_planning_page(client, directory, city_admin, regions):
    budget_import(agency=directory.semarang, year=2025, file=csv_file("sektor,jumlah,catatan\njalan,750.000.000,Jalan kota\n"),
                  actor=city_admin, now=timezone.now())
    query = {"wilayah": "33.74", "dari": "2025-01-01", "sampai": "2025-12-31"}
    html = client.get("/statistik/perencanaan/", query).content.decode()
    assert 'id="tabel-anggaran"' in html and "Jalan kota" in html and "750.000.000" in html
    assert 'data-sector="jalan"' in html
