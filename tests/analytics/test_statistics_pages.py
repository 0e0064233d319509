"""The public statistics pages: figures from the rollups, CSV beside every table, a
server-drawn map, clear errors for bad input, no sign-in."""

import csv
import io

import pytest
from shapely.geometry import MultiPolygon, Polygon

from aduan.analytics.choropleth import choropleth_reset_cache
from aduan.analytics.facts import facts_refresh
from aduan.regions.models import Region, RegionBoundary

from .fixtures import LATER, build_history

pytestmark = pytest.mark.django_db
NOV = "dari=2026-11&sampai=2026-11"


@pytest.fixture
def history(directory, national_admin):
    reports = build_history(directory, national_admin)
    facts_refresh(now=LATER)
    return reports


@pytest.fixture
def boundaries(regions):
    def square(x, y):
        return MultiPolygon([Polygon([(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1)])]).wkb

    RegionBoundary.objects.create(region_id="33", geometry_wkb=square(110, -7))
    RegionBoundary.objects.create(region_id="51", geometry_wkb=square(115, -8))
    RegionBoundary.objects.create(region_id="91", geometry_wkb=square(140, -3))
    Region.objects.filter(code="33").update(population=37_000_000)
    Region.objects.filter(code="51").update(population=4_000_000)
    choropleth_reset_cache()
    yield
    choropleth_reset_cache()


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_statistics_page_shows_the_hand_computed_figures_without_sign_in(client, history):
    response = client.get(f"/statistik/?{NOV}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Statistik pengaduan: Indonesia" in html
    assert "3 / 5 (60 %)" in html  # first responses on time
    assert "1 (20 %)" in html  # forwarded among verified
    assert "4 / 5 (3)" in html  # average rating of three
    assert "<td>26 jam</td>" in html  # 90th percentile to first response


def test_every_table_downloads_as_csv_with_the_same_figures(client, history):
    summary = dict((r[0], r[1]) for r in rows_of(client.get(f"/statistik/?{NOV}&unduh=ringkasan"))[1:])
    assert summary["Laporan masuk"] == "7" and summary["Terbuka dan melewati batas waktu"] == "3"
    response = client.get(f"/statistik/?{NOV}&unduh=status")
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    assert {r[1]: r[2] for r in rows_of(response)[1:]} == {
        "closed": "3", "in_progress": "1", "archived": "1", "disposed": "1", "submitted": "1"}
    regions = {r[1]: r[2] for r in rows_of(client.get(f"/statistik/?{NOV}&unduh=wilayah"))[1:]}
    assert regions["33"] == "6" and regions["51"] == "1" and regions["91"] == "0"
    trend = rows_of(client.get("/statistik/?dari=2026-10&sampai=2026-12&unduh=tren"))
    assert [r[:2] for r in trend[1:]] == [["2026-10", "0"], ["2026-11", "7"], ["2026-12", "0"]]
    assert client.get(f"/statistik/?{NOV}&unduh=tidak-ada").status_code == 404


def test_region_drill_down_and_rates_per_inhabitant(client, history, boundaries):
    html = client.get(f"/statistik/?{NOV}").content.decode()
    # Jawa Tengah: 6 reports / 37,000,000 inhabitants × 100,000 = 0.02
    assert "<td>37.000.000</td><td>0,02</td>" in html
    assert '<svg role="group"' in html and html.count('stroke-width="0.5"><title>') == 3
    assert "Bali: 0,03 laporan per 100.000 penduduk" in html
    assert "url(#tanpa-data)" in html  # Papua: no population figure
    drill = client.get(f"/statistik/?{NOV}&wilayah=33.74").content.decode()
    assert "Statistik pengaduan: Kota Semarang" in drill
    assert 'href="?dari=2026-11&amp;sampai=2026-11&amp;wilayah=33">Jawa Tengah</a>' in drill
    # Six reports is fewer than the small-numbers threshold: no list of reports is offered.
    assert "Telusuri laporan publik di wilayah ini" not in drill


def test_confidential_report_counts_but_its_text_never_shows(client, history):
    secret = history["secret"]
    for url in (f"/statistik/?{NOV}", f"/statistik/?{NOV}&wilayah=33.74", f"/statistik/instansi/?{NOV}",
                f"/statistik/instansi/dishub-kota-semarang/?{NOV}"):
        html = client.get(url).content.decode()
        assert secret.title not in html and secret.reference not in html


@pytest.mark.parametrize("query, message", [
    ("dari=2026-13&sampai=2026-11", "Bulan awal harus ditulis TTTT-BB"),
    ("dari=2026-11&sampai=2025-01", "Bulan awal harus sebelum bulan akhir"),
    ("dari=2000-01&sampai=2026-01", "Rentang paling panjang 10 tahun"),
    ("wilayah=99.99", "Wilayah 99.99 tidak dikenal"),
])
def test_bad_input_gets_a_clear_error(client, history, query, message):
    response = client.get(f"/statistik/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert client.get(f"/statistik/?{query}&unduh=ringkasan")["Content-Type"].startswith("text/html")


def test_league_and_agency_page(client, history, directory, settings):
    settings.ADUAN_LEAGUE_MIN_REPORTS = 2
    html = client.get(f"/statistik/instansi/?{NOV}").content.decode()
    ranked, unranked = html.split('id="belum"')
    assert "Dinas Perhubungan Kota Semarang" in ranked and "Dinas Pekerjaan Umum" in unranked
    league = rows_of(client.get(f"/statistik/instansi/?{NOV}&unduh=liga"))
    assert league[1][:4] == ["1", "Dinas Perhubungan Kota Semarang", "4", "50.0"]
    page = client.get(f"/statistik/instansi/dishub-kota-semarang/?{NOV}")
    assert page.status_code == 200 and "2 / 4 (50 %)" in page.content.decode()
    # Four reports: under the small-numbers threshold, so no link to the list of its reports.
    assert 'href="/instansi/dishub-kota-semarang/"' not in page.content.decode()
    settings.ADUAN_STATS_MIN_ROWS = 3
    page = client.get(f"/statistik/instansi/dishub-kota-semarang/?{NOV}")
    assert 'href="/instansi/dishub-kota-semarang/"' in page.content.decode()
    assert client.get("/statistik/instansi/tidak-ada/").status_code == 404


def test_map_shades_run_from_light_to_dark_and_an_all_zero_map_is_light(boundaries):
    from aduan.analytics.choropleth import PALETTE, choropleth

    rows = [{"key": "33", "label": "Jawa Tengah", "rate": 0.5}, {"key": "51", "label": "Bali", "rate": 2.0},
            {"key": "91", "label": "Papua", "rate": None}]
    fills = {s["code"]: s["fill"] for s in choropleth(parent=None, rows=rows, link="?wilayah=")["shapes"]}
    assert (fills["33"], fills["51"], fills["91"]) == (PALETTE[0], PALETTE[-1], "url(#tanpa-data)")
    zero = [{**r, "rate": 0.0 if r["rate"] is not None else None} for r in rows]
    fills = {s["code"]: s["fill"] for s in choropleth(parent=None, rows=zero, link="?wilayah=")["shapes"]}
    assert fills["33"] == fills["51"] == PALETTE[0]
