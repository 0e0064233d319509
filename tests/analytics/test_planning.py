"""Planning evidence (APBD, issue #7): figures checked against hand-computed expectations on a
small fixture built through the real write path (report_submit → report_transition →
facts_refresh), the PDF and XLSX documents, and the public page with its bad-input answers.

Fixture (populations set by hand): Jawa Tengah (33) 1,000,000 inhabitants; Kota Semarang
(33.74) 200,000; Kabupaten Cilacap (33.01) 300,000. Period: calendar 2025, compared with
calendar 2024.

Kota Semarang, 2025 — 8 reports:
  jalan ×4: A public (phone number in the title), B confidential, C anonymous, D not yet published
  penerangan-jalan (a sub-category of jalan) ×2: E public, F archived as a duplicate of E
  adminduk ×1: G public
  no category ×1: H at 23:30 WIB on 31 December (inside the period)
Kota Semarang, 2024 — 4 reports: jalan ×2, adminduk ×2.
Outside: a Semarang report at 00:30 WIB on 1 January 2026, one in 2023, three in Denpasar.
Kabupaten Cilacap, 2025 — adminduk ×2 (public), 2024 — none.
Budget: Pemkot Semarang 2025 jalan 600,000,000 + adminduk 400,000,000 (and a 2024 line);
Pemprov Jawa Tengah 2025 jalan 5,000,000,000; Kementerian Sosial (no seat) 2025 jalan 9,000,000,000.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aduan.agencies.models import Agency, AgencyCoverage, Category
from aduan.analytics import planning_export
from aduan.analytics.facts import facts_refresh
from aduan.analytics.models import BudgetLine
from aduan.analytics.planning import (
    agencies_in_region,
    planning_evidence,
    planning_query_parse,
    previous_period,
)
from aduan.analytics.planning_export import SHEETS, planning_pdf, planning_xlsx
from aduan.core.errors import ValidationFailed
from aduan.regions.models import Region
from aduan.reports.workflow import Action
from tests.factories import submit
from tests.reports.helpers import run

pytestmark = pytest.mark.django_db

PERIOD = {"date_from": date(2025, 1, 1), "date_to": date(2025, 12, 31)}
ANON_NAME = "Penulis Anonim Uji"
SECRET_TITLE = "Judul laporan rahasia uji"
PHONE = "081234567890"


def at(y, m, d, hour=3):
    return datetime(y, m, d, hour, 0, tzinfo=UTC)


def file_report(directory, admin, when, *, category="jalan", region="33.74", publish=True, agency=None, **extra):
    fields = {"title": f"Laporan uji {category or 'umum'} {when:%Y%m%d%H}", "incident_date": when.date(),
              "category": category, "region_code": region}
    fields.update(extra)
    report, _token = submit(now=when, **fields)
    if publish:
        run(report, Action.VERIFY_DISPOSE, admin, directory, now=when + timedelta(hours=1),
            agency=(agency or directory.dishub_semarang).pk)
    report.refresh_from_db()
    return report


@pytest.fixture
def planning_world(directory, national_admin, regions, settings):
    settings.ADUAN_STATS_MIN_ROWS = 5
    Region.objects.filter(code="33").update(population=1_000_000)
    Region.objects.filter(code="33.74").update(population=200_000)
    Region.objects.create(code="33.01", name="Kabupaten Cilacap", level=2, parent_id="33", population=300_000)
    lamp = Category.objects.create(name="Penerangan jalan umum", slug="penerangan-jalan", parent=directory.road)
    d, admin = directory, national_admin
    r = {}
    r["A"] = file_report(d, admin, at(2025, 3, 1), title=f"Jalan rusak, hubungi {PHONE}")
    r["B"] = file_report(d, admin, at(2025, 3, 2), title=SECRET_TITLE, is_confidential=True)
    r["C"] = file_report(d, admin, at(2025, 3, 3), is_anonymous=True, reporter_name=ANON_NAME)
    r["D"] = file_report(d, admin, at(2025, 3, 4), publish=False)
    r["E"] = file_report(d, admin, at(2025, 4, 1), category=lamp.slug)
    r["F"] = file_report(d, admin, at(2025, 4, 2), category=lamp.slug, publish=False)
    run(r["F"], Action.ARCHIVE, admin, d, now=at(2025, 4, 2, 5), reason="duplicate", duplicate_of=r["E"].reference)
    r["G"] = file_report(d, admin, at(2025, 5, 1), category="adminduk", agency=d.semarang)
    r["H"] = file_report(d, admin, datetime(2025, 12, 31, 16, 30, tzinfo=UTC), category=None, publish=False)
    file_report(d, admin, datetime(2025, 12, 31, 17, 30, tzinfo=UTC), publish=False)  # 1 Jan 2026 00:30 WIB
    file_report(d, admin, at(2023, 6, 1))
    for day in (1, 2):
        file_report(d, admin, at(2024, 2, day))
        file_report(d, admin, at(2024, 8, day), category="adminduk", agency=d.semarang)
    for day in (1, 2, 3):
        file_report(d, admin, at(2025, 6, day), region="51.71", agency=d.kemensos)
    for day in (1, 2):
        file_report(d, admin, at(2025, 7, day), category="adminduk", region="33.01", agency=d.jateng)
    facts_refresh(now=at(2026, 1, 10))

    uploaded = timezone.now()
    lines = [(d.semarang, 2025, d.road, "600000000"), (d.semarang, 2025, d.adminduk, "400000000"),
             (d.semarang, 2024, d.road, "777000000"), (d.jateng, 2025, d.road, "5000000000"),
             (d.kemensos, 2025, d.road, "9000000000")]
    for agency, year, sector, amount in lines:
        BudgetLine.objects.create(agency=agency, year=year, sector=sector, amount=Decimal(amount), uploaded_at=uploaded)
    r["lamp"] = lamp
    return r


def semarang():
    return Region.objects.get(code="33.74")


def by_slug(rows):
    return {row["slug"]: row for row in rows}


# --- Periods and input ---------------------------------------------------------------------

@pytest.mark.parametrize(("start", "end", "expected"), [
    (date(2025, 1, 1), date(2025, 12, 31), (date(2024, 1, 1), date(2024, 12, 31))),  # a year across a leap year
    (date(2024, 3, 1), date(2024, 5, 31), (date(2023, 12, 1), date(2024, 2, 29))),  # whole months
    (date(2025, 1, 10), date(2025, 1, 19), (date(2024, 12, 31), date(2025, 1, 9))),  # ten days
    (date(2025, 3, 1), date(2025, 3, 1), (date(2025, 2, 28), date(2025, 2, 28))),  # one day
    (date(2021, 1, 1), date(2025, 12, 31), (date(2016, 1, 1), date(2020, 12, 31))),  # five years
])
def test_previous_period_has_the_same_length(start, end, expected):
    assert previous_period(start, end) == expected


def test_empty_dates_mean_the_last_full_year(regions):
    query = planning_query_parse(region="33.74", date_from="", date_to="", today=date(2026, 5, 17))
    assert (query.region.code, query.date_from, query.date_to) == ("33.74", date(2025, 1, 1), date(2025, 12, 31))


def test_months_are_accepted_as_on_the_statistics_pages(regions):
    query = planning_query_parse(region="Kota Semarang", date_from="2024-02", date_to="2024-02", today=date(2026, 5, 17))
    assert (query.region.code, query.date_from, query.date_to) == ("33.74", date(2024, 2, 1), date(2024, 2, 29))


@pytest.mark.parametrize(("region", "date_from", "date_to", "field", "message"), [
    ("99.99", "2025-01-01", "2025-12-31", "region", "Wilayah tidak dikenal"),
    ("", "2025-01-01", "2025-12-31", "region", "Pilih wilayah"),
    ("33.74.01", "2025-01-01", "2025-12-31", "region", "provinsi dan kabupaten/kota"),
    ("33.74", "2025-13-01", "2025-12-31", "date_from", "Tanggal tidak valid"),
    ("33.74", "2025-12-31", "2025-01-01", "date_to", "tidak boleh sebelum"),
    ("33.74", "2020-01-01", "2025-01-01", "date_to", "paling panjang 5 tahun"),
    ("33.74", "1899-01-01", "1899-12-31", "date_from", "antara tahun"),
])
def test_bad_input_is_refused_with_a_message_per_field(regions, region, date_from, date_to, field, message):
    with pytest.raises(ValidationFailed) as caught:
        planning_query_parse(region=region, date_from=date_from, date_to=date_to, today=date(2026, 5, 17))
    assert message in " ".join(str(m) for m in caught.value.field_errors[field])


# --- Figures -------------------------------------------------------------------------------

def test_totals_rate_and_trend_for_a_city(planning_world):
    e = planning_evidence(region=semarang(), **PERIOD)
    assert e["totals"] | {} == {"count": 8, "previous": 4, "change": 4, "change_pct": 100.0, "rate": 4.0,
                                "previous_rate": 2.0, "share": 100.0}
    assert e["previous"]["from"] == date(2024, 1, 1) and e["previous"]["to"] == date(2024, 12, 31)
    assert e["region"] | {} == {"code": "33.74", "name": "Kota Semarang", "level": 2, "level_label": "Kabupaten/Kota",
                                "population": 200_000}


def test_categories_are_ranked_with_counts_rates_shares_and_change(planning_world):
    e = planning_evidence(region=semarang(), **PERIOD)
    assert [c["slug"] for c in e["categories"]] == ["jalan", "penerangan-jalan", "adminduk", ""]
    jalan, lamp, adminduk, none = e["categories"]
    assert (jalan["count"], jalan["previous"], jalan["change"], jalan["change_pct"], jalan["rate"], jalan["share"]) == \
        (4, 2, 2, 100.0, 2.0, 50.0)
    assert (lamp["count"], lamp["previous"], lamp["change_pct"], lamp["rate"], lamp["share"]) == (2, 0, None, 1.0, 25.0)
    assert lamp["sector"] == "Infrastruktur jalan"
    assert (adminduk["count"], adminduk["previous"], adminduk["change"], adminduk["change_pct"], adminduk["rate"]) == \
        (1, 2, -1, -50.0, 0.5)
    assert (none["name"], none["count"]) == ("Belum dikategorikan", 1)


def test_limit_keeps_the_top_categories_and_sums_the_rest(planning_world):
    e = planning_evidence(region=semarang(), limit=2, **PERIOD)
    assert [c["slug"] for c in e["categories"]] == ["jalan", "penerangan-jalan"]
    assert (e["categories_other"]["categories"], e["categories_other"]["count"], e["categories_other"]["previous"]) == (2, 2, 2)


def test_sectors_add_sub_categories_to_their_top_level_category(planning_world):
    sectors = by_slug(planning_evidence(region=semarang(), **PERIOD)["sectors"])
    assert (sectors["jalan"]["count"], sectors["jalan"]["previous"], sectors["jalan"]["share"]) == (6, 2, 75.0)
    assert (sectors["adminduk"]["count"], sectors["adminduk"]["share"]) == (1, 12.5)
    assert (sectors[""]["count"], sectors[""]["budget"]) == (1, None)


def test_responsible_agencies_are_those_that_held_the_reports(planning_world, directory):
    e = planning_evidence(region=semarang(), **PERIOD)
    jalan, lamp, adminduk, _none = e["categories"]
    assert [(a["slug"], a["count"]) for a in jalan["agencies"]] == [("dishub-kota-semarang", 3), ("", 1)]
    assert [(a["slug"], a["count"]) for a in adminduk["agencies"]] == [("pemkot-semarang", 1)]
    assert {a["slug"]: a["count"] for a in e["agencies"]} == {"dishub-kota-semarang": 4, "pemkot-semarang": 1, "": 3}


def test_budget_share_beside_complaint_share_for_the_agencies_seated_in_the_city(planning_world):
    e = planning_evidence(region=semarang(), **PERIOD)
    sectors = by_slug(e["sectors"])
    assert e["budget"]["total"] == Decimal("1000000000")
    assert (sectors["jalan"]["budget"], sectors["jalan"]["budget_share"], sectors["jalan"]["share"]) == \
        (Decimal("600000000"), 60.0, 75.0)
    assert (sectors["adminduk"]["budget"], sectors["adminduk"]["budget_share"], sectors["adminduk"]["share"]) == \
        (Decimal("400000000"), 40.0, 12.5)
    assert {(b["agency"], b["year"]) for b in e["budget"]["lines"]} == {("Pemerintah Kota Semarang", 2025)}


def test_a_province_includes_its_regencies_and_their_budgets(planning_world):
    e = planning_evidence(region=Region.objects.get(code="33"), **PERIOD)
    assert (e["totals"]["count"], e["totals"]["previous"], e["totals"]["rate"]) == (10, 4, 1.0)
    assert by_slug(e["categories"])["adminduk"]["count"] == 3
    sectors = by_slug(e["sectors"])
    assert e["budget"]["total"] == Decimal("6000000000")
    assert (sectors["jalan"]["budget"], sectors["jalan"]["budget_share"]) == (Decimal("5600000000"), 93.3)
    assert sectors["adminduk"]["budget_share"] == 6.7
    assert "Kementerian Sosial" not in e["budget"]["agencies"]
    r = planning_world
    examples = {c["slug"]: [x["reference"] for x in c["examples"]] for c in e["categories"]}
    assert examples["jalan"] == [r["C"].reference, r["A"].reference]
    assert len(examples["adminduk"]) == 3 and r["G"].reference in examples["adminduk"]  # two from Cilacap, G


def test_an_agency_without_a_seat_counts_only_when_all_its_coverage_is_inside(directory):
    upt = Agency.objects.create(name="UPT Uji", slug="upt-uji", kind=Agency.Kind.UNIT)
    AgencyCoverage.objects.create(agency=upt, region_id="33.74")
    AgencyCoverage.objects.create(agency=directory.kemensos, region_id="33.74")
    AgencyCoverage.objects.create(agency=directory.kemensos, region_id="51")
    inside = set(agencies_in_region(semarang()).values_list("slug", flat=True))
    assert inside == {"pemkot-semarang", "dishub-kota-semarang", "upt-uji"}


def test_rates_are_empty_without_a_population(planning_world):
    Region.objects.filter(code="33.74").update(population=None)
    e = planning_evidence(region=semarang(), **PERIOD)
    assert e["totals"]["rate"] is None and e["categories"][0]["rate"] is None and e["totals"]["count"] == 8


# --- Privacy -------------------------------------------------------------------------------

def test_examples_are_public_non_duplicate_reports_with_redacted_titles(planning_world):
    r = planning_world
    e = planning_evidence(region=semarang(), **PERIOD)
    examples = {c["slug"]: [x["reference"] for x in c["examples"]] for c in e["categories"]}
    assert examples == {"jalan": [r["C"].reference, r["A"].reference], "penerangan-jalan": [r["E"].reference],
                        "adminduk": [r["G"].reference], "": []}
    a_title = next(x["title"] for x in e["categories"][0]["examples"] if x["reference"] == r["A"].reference)
    assert PHONE not in a_title and "[disamarkan]" in a_title
    text = repr(e)
    for secret in (SECRET_TITLE, ANON_NAME, "Warga Uji", "warga@example.test", PHONE):
        assert secret not in text
    assert all(set(x) == {"reference", "title", "status", "status_label", "submitted_at", "agency"}
               for c in e["categories"] for x in c["examples"])


def test_confidential_and_anonymous_reports_still_count(planning_world):
    jalan = planning_evidence(region=semarang(), **PERIOD)["categories"][0]
    assert jalan["count"] == 4  # A, B (confidential), C (anonymous), D (unpublished)


def test_small_region_shows_no_individual_report(planning_world, settings):
    cilacap = Region.objects.get(code="33.01")
    e = planning_evidence(region=cilacap, **PERIOD)
    assert e["totals"]["count"] == 2 and e["examples_suppressed"] is True
    assert all(c["examples"] == [] for c in e["categories"])
    settings.ADUAN_STATS_MIN_ROWS = 2
    e = planning_evidence(region=cilacap, **PERIOD)
    assert e["examples_suppressed"] is False and len(e["categories"][0]["examples"]) == 2


def test_default_threshold_is_ten(planning_world, settings):
    del settings.ADUAN_STATS_MIN_ROWS
    e = planning_evidence(region=semarang(), **PERIOD)
    assert e["min_rows"] == 10 and e["examples_suppressed"] is True  # 8 reports


def test_query_count_does_not_grow_with_reports(planning_world, directory, national_admin, django_assert_max_num_queries):
    region = semarang()
    # grouped counts, budget sums + lines, category names, agency names, example facts of the
    # last month then of the whole period, the example rows, facts_as_of
    with django_assert_max_num_queries(9):
        planning_evidence(region=region, **PERIOD)
    for day in range(1, 4):
        file_report(directory, national_admin, at(2025, 9, day))
    facts_refresh(now=at(2026, 1, 11))
    with django_assert_max_num_queries(9):
        assert planning_evidence(region=region, **PERIOD)["totals"]["count"] == 11


# --- Documents -----------------------------------------------------------------------------

def pdf_text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_pdf_has_the_region_period_and_tables(planning_world):
    data = planning_pdf(planning_evidence(region=semarang(), **PERIOD))
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected in ("Bukti perencanaan anggaran", "Kota Semarang", "1 Januari 2025", "31 Desember 2025",
                     "Infrastruktur jalan", "Penerangan jalan umum", "Rp 600.000.000", "Metode"):
        assert expected in text
    for secret in (SECRET_TITLE, ANON_NAME, PHONE):
        assert secret not in text


def test_pdf_survives_characters_outside_latin1_with_and_without_a_unicode_font(planning_world, monkeypatch):
    Region.objects.filter(code="33.74").update(name="Kota Semarang — Āceh Ŋ ☃ 東")
    evidence = planning_evidence(region=semarang(), **PERIOD)
    assert planning_pdf(evidence).startswith(b"%PDF")
    monkeypatch.setattr(planning_export, "_font_files", lambda: None)
    data = planning_pdf(evidence)
    assert data.startswith(b"%PDF")
    assert "Kota Semarang - Aceh ? ? ?" in pdf_text(data)


def test_xlsx_has_every_sheet_and_the_figures(planning_world):
    from openpyxl import load_workbook

    r = planning_world
    book = load_workbook(io.BytesIO(planning_xlsx(planning_evidence(region=semarang(), **PERIOD))))
    assert book.sheetnames == list(SHEETS) == ["Ringkasan", "Kategori", "Sektor", "Instansi", "Anggaran",
                                                "Contoh laporan", "Metode"]
    summary = {row[0]: row[1:] for row in book["Ringkasan"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Wilayah"][0] == "Kota Semarang" and summary["Jumlah laporan"][:4] == (8, 4, 4, 100)
    categories = list(book["Kategori"].iter_rows(values_only=True))
    assert categories[1][:10] == (1, "Infrastruktur jalan", "jalan", "Infrastruktur jalan", 4, 50, 2, 2, 2, 100)
    sectors = {row[1]: row for row in book["Sektor"].iter_rows(min_row=2, values_only=True)}
    assert sectors["jalan"][2] == 6 and sectors["jalan"][8] == 600000000 and sectors["jalan"][9] == 60
    budget = list(book["Anggaran"].iter_rows(values_only=True))
    assert budget[1][:5] == ("Pemerintah Kota Semarang", "pemkot-semarang", 2025, "Administrasi kependudukan", 400000000)
    references = [row[0] for row in book["Contoh laporan"].iter_rows(min_row=2, values_only=True)]
    assert set(references) == {r["A"].reference, r["C"].reference, r["E"].reference, r["G"].reference}
    assert len(list(book["Metode"].iter_rows())) >= 5


def test_xlsx_keeps_a_title_that_looks_like_a_formula_as_text(planning_world):
    from openpyxl import load_workbook

    evidence = planning_evidence(region=semarang(), **PERIOD)
    evidence["categories"][0]["examples"][0]["title"] = "=HYPERLINK(\"http://example.test\",\"klik\")"
    book = load_workbook(io.BytesIO(planning_xlsx(evidence)))
    cell = book["Contoh laporan"]["C2"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


# --- The page ------------------------------------------------------------------------------

URL = "/statistik/perencanaan/"
QUERY = {"wilayah": "33.74", "dari": "2025-01-01", "sampai": "2025-12-31"}


def test_page_without_input_shows_the_form_with_last_full_year(client, regions):
    response = client.get(URL)
    html = response.content.decode()
    last = timezone.localdate().year - 1
    assert response.status_code == 200
    assert f'value="{last}-01-01"' in html and f'value="{last}-12-31"' in html
    assert '<option value="33.74">Kota Semarang</option>' in html
    assert 'id="tabel-kategori"' not in html


def test_page_shows_the_evidence_as_accessible_tables(client, planning_world):
    response = client.get(URL, QUERY)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1>") == 1 and html.count("<caption") >= 6 and 'scope="col"' in html and 'scope="row"' in html
    assert 'id="tabel-kategori"' in html and 'data-category="jalan"' in html
    assert "format=pdf" in html and "format=xlsx" in html
    assert '<option value="33.74" selected>' in html
    assert "Pemerintah Kota Semarang" in html and "600.000.000" in html
    assert planning_world["A"].reference in html
    for secret in (SECRET_TITLE, ANON_NAME, PHONE, "Warga Uji"):
        assert secret not in html


def test_page_says_why_examples_are_missing_in_a_small_region(client, planning_world):
    html = client.get(URL, {**QUERY, "wilayah": "33.01"}).content.decode()
    assert "data-suppressed" in html and 'id="tabel-contoh"' not in html


def test_pdf_and_xlsx_downloads(client, planning_world):
    pdf = client.get(URL, {**QUERY, "format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert 'filename="bukti-perencanaan-33.74-20250101-20251231.pdf"' in pdf["Content-Disposition"]
    assert "Kota Semarang" in pdf_text(pdf.content)
    xlsx = client.get(URL, {**QUERY, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert "spreadsheetml" in xlsx["Content-Type"]


@pytest.mark.parametrize(("params", "message"), [
    ({"wilayah": "99.99"}, "Wilayah tidak dikenal"),
    ({"wilayah": "33.74.01"}, "provinsi dan kabupaten/kota"),
    ({"dari": "2025-02-30"}, "Tanggal tidak valid"),
    ({"dari": "2025-06-01", "sampai": "2025-05-31"}, "tidak boleh sebelum"),
    ({"dari": "2019-01-01", "sampai": "2025-12-31"}, "paling panjang 5 tahun"),
    ({"format": "docx"}, "Format unduhan tidak dikenal"),
])
def test_bad_input_gets_a_400_with_the_message_and_no_figures(client, planning_world, params, message):
    for output in ("", "pdf"):
        query = {**QUERY, **({"format": output} if output else {}), **params}
        response = client.get(URL, query)
        html = response.content.decode()
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert message in html and 'role="alert"' in html
        assert 'id="tabel-kategori"' not in html and "Infrastruktur jalan" not in html.split("</form>")[1]



def test_page_and_downloads_share_the_evidence_until_the_budget_changes(client, planning_world, directory,
                                                                        django_assert_max_num_queries):
    assert client.get(URL, QUERY).status_code == 200
    with django_assert_max_num_queries(3):  # the region, and the cache key (budget, facts state): no fact is read
        assert client.get(URL, {**QUERY, "format": "xlsx"}).status_code == 200
    BudgetLine.objects.filter(agency=directory.semarang, year=2025, sector=directory.road).update(
        amount=Decimal("1"), uploaded_at=timezone.now() + timedelta(seconds=5))
    html = client.get(URL, QUERY).content.decode()
    assert "600.000.000" not in html.split('id="tabel-anggaran"')[1]
