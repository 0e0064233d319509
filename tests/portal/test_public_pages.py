"""Public browsing pages: /laporan/ (search), /instansi/<slug>/, /wilayah/<code>/."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aduan.portal import views_public
from aduan.reports.workflow import Action, Status

from ..reports.helpers import MON, report_in, run

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
MIROTO = "33.74.01.1001"  # Kota Semarang, Jawa Tengah
DENPASAR = "51.71"


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(views_public, "_now", lambda: MON + 2 * DAY)


def published(directory, admin, status=Status.DISPOSED, **kwargs):
    kwargs.setdefault("region_code", MIROTO)
    report, _ = report_in(status, directory, admin, **kwargs)
    return report


def refs(response) -> set[str]:
    """References of the reports linked from a page."""
    return set(re.findall(r'href="/laporan/([^/"]+)/"', response.content.decode()))


# --- Privacy -----------------------------------------------------------------------------

def test_unpublished_and_confidential_reports_appear_on_no_public_page(client, directory, national_admin):
    shown = published(directory, national_admin)
    hidden = [
        published(directory, national_admin, Status.SUBMITTED),
        published(directory, national_admin, Status.POSTPONED),
        published(directory, national_admin, Status.ARCHIVED),
        published(directory, national_admin, is_confidential=True),
    ]

    for url in ["/laporan/", "/laporan/?status=submitted", "/laporan/?q=jalan", "/instansi/dishub-kota-semarang/",
                "/instansi/pemkot-semarang/", "/wilayah/33/", f"/wilayah/{MIROTO}/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert refs(response) == {shown.reference}, url
        for report in hidden:
            assert report.reference not in response.content.decode()


def test_reporter_is_never_shown_and_contact_details_in_a_title_are_redacted(client, directory, national_admin):
    published(directory, national_admin, is_anonymous=True, reporter_name="Budi Santoso",
              title="Hubungi 0812-3456-7890 atau budi@contoh.id soal jalan")

    html = client.get("/laporan/").content.decode()

    assert "Budi Santoso" not in html
    assert "3456" not in html and "budi@contoh.id" not in html
    assert "Hubungi [disamarkan] atau [disamarkan] soal jalan" in html


def test_search_ignores_words_that_look_like_personal_data(client, directory, national_admin):
    published(directory, national_admin, title="Hubungi 081234567890 soal jalan")
    published(directory, national_admin, title="Lampu mati")

    response = client.get("/laporan/?q=081234567890")

    assert len(refs(response)) == 2  # the number was not searched for at all
    assert "Nomor telepon, alamat surel dan NIK tidak dapat dicari" in response.content.decode()


# --- Filters -----------------------------------------------------------------------------

def test_text_search_finds_a_word_in_the_title_or_the_body(client, directory, national_admin):
    in_title = published(directory, national_admin, title="Trotoar rusak di Jalan Pemuda")
    in_body = published(directory, national_admin, title="Keluhan warga", body="Trotoar ambles dekat pasar.")
    published(directory, national_admin, title="Lampu jalan mati", body="Sudah seminggu gelap.")

    assert refs(client.get("/laporan/?q=trotoar")) == {in_title.reference, in_body.reference}
    assert refs(client.get("/laporan/?q=trotoar+pasar")) == {in_body.reference}


def test_category_status_and_agency_filters_narrow_the_results(client, directory, national_admin):
    road = published(directory, national_admin, category="jalan")
    adminduk = published(directory, national_admin, Status.RESPONDED, category="adminduk")
    province = report_in(Status.SUBMITTED, directory, national_admin, region_code=MIROTO)[0]
    run(province, Action.VERIFY_DISPOSE, national_admin, directory, agency=directory.dpu_jateng.pk)

    by_category = client.get("/laporan/?category=jalan")
    assert refs(by_category) == {road.reference}
    assert "Kategori “Infrastruktur jalan”" in by_category.content.decode()
    assert refs(client.get("/laporan/?status=responded")) == {adminduk.reference}
    # An agency includes its units: Pemkot Semarang → Dishub Kota Semarang.
    assert refs(client.get("/laporan/?agency=pemkot-semarang")) == {road.reference, adminduk.reference}
    assert refs(client.get("/laporan/?agency=pemprov-jateng")) == {province.reference}


def test_region_filter_matches_by_code_prefix_and_by_name(client, directory, national_admin):
    semarang = published(directory, national_admin)
    denpasar = published(directory, national_admin, region_code=DENPASAR)

    assert refs(client.get("/laporan/?region=33")) == {semarang.reference}
    assert refs(client.get("/laporan/?region=33.74")) == {semarang.reference}
    assert refs(client.get("/laporan/?region=51")) == {denpasar.reference}
    assert refs(client.get("/laporan/?region=kota+denpasar")) == {denpasar.reference}
    # "3" is not a prefix of "33.…": codes match by whole segments.
    assert "Wilayah tidak dikenal" in client.get("/laporan/?region=3").content.decode()


def test_date_filters_use_the_local_submission_date(client, directory, national_admin):
    # Monday 23 Nov 2026 10:00 WIB and Tuesday 24 Nov 2026 23:30 WIB (16:30 UTC, still the 24th locally).
    monday = published(directory, national_admin, now=MON)
    late_tuesday = published(directory, national_admin, now=MON + DAY + timedelta(hours=13, minutes=30))

    assert refs(client.get("/laporan/?date_from=2026-11-24")) == {late_tuesday.reference}
    assert refs(client.get("/laporan/?date_to=2026-11-23")) == {monday.reference}
    assert refs(client.get("/laporan/?date_from=2026-11-23&date_to=2026-11-24")) == {monday.reference, late_tuesday.reference}


@pytest.mark.parametrize("query, message", [
    ("category=tidak-ada", "Kategori tidak dikenal"),
    ("region=99", "Wilayah tidak dikenal"),
    ("region=%3Cscript%3E", "Wilayah tidak dikenal"),
    ("agency=tidak-ada", "Instansi tidak dikenal"),
    ("status=submitted", "Status tidak dikenal"),
    ("status=zzz", "Status tidak dikenal"),
    ("date_from=2026-13-01", "Tanggal tidak valid"),
    ("date_to=kemarin", "Tanggal tidak valid"),
    ("date_from=2026-11-20&date_to=2026-11-01", "Tanggal akhir sebelum tanggal awal"),
])
def test_a_bad_filter_gets_a_message_and_leaves_results_unfiltered_by_it(client, directory, national_admin, query, message):
    reports = {published(directory, national_admin).reference, published(directory, national_admin, region_code=DENPASAR).reference}

    response = client.get(f"/laporan/?{query}")

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    assert refs(response) == reports


def test_a_bad_filter_does_not_undo_the_good_ones(client, directory, national_admin):
    road = published(directory, national_admin, category="jalan")
    published(directory, national_admin, category="adminduk")

    assert refs(client.get("/laporan/?category=jalan&date_from=xx")) == {road.reference}


def test_overdue_reports_are_marked_in_words(client, directory, national_admin, monkeypatch):
    published(directory, national_admin)
    assert "Melewati batas waktu" not in client.get("/laporan/").content.decode()

    monkeypatch.setattr(views_public, "_now", lambda: MON + 30 * DAY)
    assert "Melewati batas waktu" in client.get("/laporan/").content.decode()


def test_search_page_has_an_accessible_form_and_table(client, directory, national_admin):
    published(directory, national_admin, category="jalan")

    html = client.get("/laporan/").content.decode()

    assert 'role="search"' in html
    for control in ["f-q", "f-category", "f-region", "f-agency", "f-status", "f-date-from", "f-date-to"]:
        assert f'<label for="{control}"' in html
    assert "<caption" in html and '<th scope="col">' in html and '<th scope="row">' in html
    assert html.count("<h1>") == 1


# --- Pagination --------------------------------------------------------------------------

@pytest.fixture
def twenty_one(directory, national_admin):
    return [published(directory, national_admin, now=MON - i * timedelta(minutes=5)) for i in range(21)]


def test_second_page_holds_the_oldest_report_and_links_keep_the_filters(client, twenty_one):
    first = client.get("/laporan/?q=jalan")
    second = client.get("/laporan/?q=jalan&page=2")

    assert len(refs(first)) == 20
    assert refs(second) == {twenty_one[-1].reference}
    first_html = first.content.decode()
    assert 'rel="next"' in first_html and "?q=jalan&amp;page=2" in first_html
    assert 'aria-label="Halaman hasil"' in first_html and 'aria-current="page"' in first_html
    assert 'rel="prev"' in second.content.decode()


@pytest.mark.parametrize("page, expected", [("abc", 20), ("999", 1), ("-1", 1), ("0", 1), ("", 20)])
def test_a_bad_page_number_falls_back_to_a_real_page(client, twenty_one, page, expected):
    response = client.get(f"/laporan/?page={page}")

    assert response.status_code == 200
    assert len(refs(response)) == expected


# --- Agency and region pages ---------------------------------------------------------------

def test_agency_page_lists_open_reports_of_the_agency_and_its_units(client, directory, national_admin):
    open_report = published(directory, national_admin)  # disposed to Dishub, a unit of Pemkot Semarang
    published(directory, national_admin, Status.CLOSED)
    elsewhere = report_in(Status.SUBMITTED, directory, national_admin, region_code=MIROTO)[0]
    run(elsewhere, Action.VERIFY_DISPOSE, national_admin, directory, agency=directory.kemensos.pk)

    response = client.get("/instansi/pemkot-semarang/")

    html = response.content.decode()
    assert refs(response) == {open_report.reference}
    assert "Pemerintah Kota" in html  # kind
    assert 'href="/instansi/dishub-kota-semarang/"' in html  # units
    assert "Catatan waktu tanggapan" in html and "Laporan yang diteruskan" in html
    unit = client.get("/instansi/dishub-kota-semarang/").content.decode()
    assert 'href="/instansi/pemkot-semarang/"' in unit  # parent


def test_region_page_lists_open_reports_below_it_with_breadcrumb_and_children(client, directory, national_admin):
    semarang = published(directory, national_admin)
    published(directory, national_admin, region_code=DENPASAR)

    response = client.get("/wilayah/33/")
    html = response.content.decode()
    assert refs(response) == {semarang.reference}
    assert 'href="/wilayah/33.74/"' in html and "Provinsi" in html

    district = client.get("/wilayah/33.74.01/").content.decode()
    assert 'aria-label="Jejak wilayah"' in district
    assert 'href="/wilayah/33/"' in district and 'href="/wilayah/33.74/"' in district
    assert f'href="/wilayah/{MIROTO}/"' in district


@pytest.mark.parametrize("url", ["/instansi/tidak-ada/", "/wilayah/99/", "/wilayah/abc/", "/wilayah/33.7/"])
def test_unknown_agency_or_region_is_404(client, directory, url):
    assert client.get(url).status_code == 404


# --- Query counts ------------------------------------------------------------------------

def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


SEARCH = "/laporan/?q=jalan&category=jalan&region=33&agency=pemkot-semarang&status=disposed&date_from=2026-11-01&date_to=2026-11-30"


@pytest.mark.parametrize("url, expected", [
    # categories for the form, category, region and agency lookups, count, page
    (SEARCH, 6),
    # agency, units, count, page, record aggregate, record median
    ("/instansi/pemkot-semarang/", 6),
    # region, ancestors, children, count, page, record aggregate, record median
    (f"/wilayah/{MIROTO}/", 7),
])
def test_query_count_does_not_grow_with_the_number_of_reports(client, directory, national_admin, django_assert_num_queries, url, expected):
    for i in range(3):
        published(directory, national_admin, category="jalan", now=MON - i * timedelta(minutes=5))
    with django_assert_num_queries(expected):
        client.get(url)
    for i in range(22):
        published(directory, national_admin, Status.RESPONDED if i % 2 else Status.DISPOSED, category="jalan",
                  now=MON - (i + 3) * timedelta(minutes=5))
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert len(refs(response)) >= 10  # many rows on the page, so a per-row query would show
