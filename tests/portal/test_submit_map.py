"""The optional map pin on the report form: the projection (pixel ↔ latitude/longitude),
the SVG drawn from the shipped boundary polygons (size, marker, cache headers, 404s), the
refusal of a point outside the region, the form flow with ``pin.x``/``pin.y`` (everything
typed kept, coordinates set, the region unchanged), and the whole journey in Chromium with
JavaScript off, plus axe-core on the form with the map."""

from __future__ import annotations

import functools
import gzip
import json
import math
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from shapely.geometry import Point, shape

from aduan.portal import maps
from aduan.regions.models import RegionBoundary
from aduan.regions.services import boundary_geometry
from aduan.reports.models import Report

from ..browser.support import axe_violations

MIROTO = "33.74.01.1001"
SEMARANG = "33.74"
WILAYAH = settings.SHARED_DATA_DIR / "wilayah-kemendagri"
SVG_NS = "{http://www.w3.org/2000/svg}"


@functools.cache
def features(name: str = "batas_kabupaten_kota.geojson.gz") -> dict[str, dict]:
    with gzip.open(WILAYAH / name, "rt", encoding="utf-8") as fh:
        return {str(f["properties"]["kode"]).strip(): f for f in json.load(fh)["features"]}


@functools.cache
def stored_geometry(code: str):
    """The polygon as ``regions_load`` stores it."""
    return boundary_geometry(features()[code]["geometry"])


def inside_pixel(geometry, projection) -> tuple[int, int]:
    """A pixel well inside the region: its representative point, moved to the centre of
    the pixel it falls in (the centre is what a click on that pixel means)."""
    point = geometry.representative_point()
    x, y = projection.to_pixel(point.y, point.x)
    return int(x), int(y)


def yesterday() -> str:
    return (timezone.localdate() - timedelta(days=1)).isoformat()


def form(**overrides) -> dict:
    data = {
        "stage": "start", "kind": "complaint", "title": "Lampu penerangan jalan mati",
        "body": "Sudah seminggu lampu di gang kami mati total.", "incident_date": yesterday(), "category": "jalan",
        "region_code": MIROTO, "address": "Gang Mawar 3", "latitude": "", "longitude": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def html(response) -> str:
    return response.content.decode()


def field_value(page: str, name: str) -> str:
    return re.search(rf'<input [^>]*name="{re.escape(name)}" value="([^"]*)"', page).group(1)


# --- Projection (pure) ------------------------------------------------------------------------

BOUNDS = {
    "semarang": None,  # Kota Semarang's own bounding box (read when the test runs)
    "tall and thin": (110.0, -8.0, 110.05, -6.0),
    "wide and flat": (100.0, -1.0, 104.0, -0.9),
    "across the equator": (127.0, -0.5, 128.5, 0.7),
    "tiny": (110.40, -6.99, 110.401, -6.989),
}


@pytest.mark.parametrize("bounds", BOUNDS.values(), ids=BOUNDS.keys())
def test_pixels_and_coordinates_convert_both_ways(bounds):
    bounds = bounds or stored_geometry(SEMARANG).bounds
    projection = maps.projection_for(bounds)

    assert projection.width == maps.MAP_WIDTH
    assert maps.MAP_MIN_HEIGHT <= projection.height <= maps.MAP_MAX_HEIGHT
    for x in (0, 17, projection.width / 2, projection.width - 1):
        for y in (0, 33, projection.height / 2, projection.height - 1):
            lat, lon = projection.to_latlon(x, y)
            back = projection.to_pixel(lat, lon)
            assert back == pytest.approx((x, y), abs=1e-6)
    west, south, east, north = bounds
    for lat, lon in [(south, west), (north, east), ((south + north) / 2, (west + east) / 2)]:
        x, y = projection.to_pixel(lat, lon)
        assert maps.MAP_PADDING - 1e-6 <= x <= projection.width - maps.MAP_PADDING + 1e-6
        assert maps.MAP_PADDING - 1e-6 <= y <= projection.height - maps.MAP_PADDING + 1e-6
        assert projection.to_latlon(x, y) == pytest.approx((lat, lon), abs=1e-9)


def test_the_bounding_box_is_centred_and_north_is_up():
    projection = maps.projection_for(stored_geometry(SEMARANG).bounds)
    west, south, east, north = stored_geometry(SEMARANG).bounds
    nw, se = projection.to_pixel(north, west), projection.to_pixel(south, east)

    assert nw[0] < se[0] and nw[1] < se[1]
    assert nw[0] == pytest.approx(projection.width - se[0])
    assert nw[1] == pytest.approx(projection.height - se[1])


def test_a_kilometre_is_as_long_across_as_up_and_down():
    """The cos(latitude) correction: near Semarang (7° S) a degree of longitude is 0.99
    of a degree of latitude, so an unprojected map would be 1 % too wide; at 60° it would
    be twice too wide — the test uses 60° to make the correction obvious."""
    for lat in (-7.0, 60.0):
        projection = maps.projection_for((10.0, lat - 0.05, 10.1, lat + 0.05))
        km_lon = 0.01 * maps.KM_PER_DEGREE * math.cos(math.radians(lat))
        x0, _ = projection.to_pixel(lat, 10.05)
        x1, _ = projection.to_pixel(lat, 10.06)
        _, y0 = projection.to_pixel(lat, 10.05)
        _, y1 = projection.to_pixel(lat - 0.01, 10.05)
        assert (x1 - x0) / km_lon == pytest.approx((y1 - y0) / (0.01 * maps.KM_PER_DEGREE), rel=1e-3)


def test_a_click_gives_the_point_of_the_clicked_pixel_within_half_a_pixel():
    geometry = stored_geometry(SEMARANG)
    projection = maps.projection_for(geometry.bounds)
    x, y = inside_pixel(geometry, projection)

    lat, lon = maps.locate_click(geometry, projection, x, y)

    px, py = projection.to_pixel(lat, lon)
    assert (x <= px <= x + 1) and (y <= py <= y + 1)
    assert geometry.covers(Point(lon, lat))
    assert maps.format_coordinate(lat) == f"{lat:.5f}"


def test_a_click_outside_the_polygon_is_refused():
    geometry = stored_geometry(SEMARANG)
    projection = maps.projection_for(geometry.bounds)

    assert maps.locate_click(geometry, projection, 0, 0) is None  # the corner of the frame
    assert maps.locate_click(geometry, projection, projection.width - 3, 3) is None  # the Java Sea


def test_a_click_in_an_enclave_city_is_outside_the_regency_around_it():
    """Kota Magelang (33.71) is a hole in Kabupaten Magelang (33.08)."""
    regency = stored_geometry("33.08")
    projection = maps.projection_for(regency.bounds)
    x, y = inside_pixel(stored_geometry("33.71"), projection)

    assert maps.locate_click(regency, projection, x, y) is None


@pytest.mark.parametrize(("text", "limit", "value"), [
    ("-6,98", 90, -6.98), (" 110.41 ", 180, 110.41), ("91", 90, None), ("utara", 90, None), ("nan", 90, None),
    ("inf", 180, None), ("", 90, None), ("1" * 30, 180, None),
])
def test_typed_coordinates_are_read_like_the_service_reads_them(text, limit, value):
    assert maps.parse_coordinate(text, limit) == value


# --- SVG (pure) ---------------------------------------------------------------------------------

def test_every_shipped_boundary_draws_under_15_kb():
    """All 38 provinces and 514 regencies/cities (read straight from the files; the
    archipelagos, whose islets are dropped first, are the largest)."""
    sizes = {}
    for name in ("batas_provinsi.geojson.gz", "batas_kabupaten_kota.geojson.gz"):
        for code, feature in features(name).items():
            geometry = shape(feature["geometry"])
            sizes[code] = len(maps.render_svg(geometry, maps.projection_for(geometry.bounds), title=code).encode())
    assert len(sizes) == 552
    assert max(sizes.values()) < maps.MAX_SVG_BYTES, sorted(sizes.items(), key=lambda kv: -kv[1])[:5]


@pytest.mark.parametrize("code", ["96.03", "81.07", "21.71"])  # Raja Ampat, Kepulauan Aru, Kota Batam
def test_the_largest_archipelagos_as_stored_draw_under_15_kb(code):
    geometry = stored_geometry(code)
    assert len(maps.render_svg(geometry, maps.projection_for(geometry.bounds), title=code).encode()) < 15_000


def test_the_svg_is_a_titled_image_of_the_region_with_an_optional_marker():
    geometry = stored_geometry(SEMARANG)
    projection = maps.projection_for(geometry.bounds)
    point = geometry.representative_point()

    plain = ET.fromstring(maps.render_svg(geometry, projection, title="Peta Kota <Semarang>"))
    pinned = maps.render_svg(geometry, projection, title="Peta", pin=(point.y, point.x))
    off_map = maps.render_svg(geometry, projection, title="Peta", pin=(-8.5, 115.2))  # Bali

    assert plain.get("width") == str(projection.width) and plain.get("height") == str(projection.height)
    assert plain.find(f"{SVG_NS}title").text == "Peta Kota <Semarang>"
    assert plain.find(f"{SVG_NS}path").get("fill-rule") == "evenodd"
    x, y = projection.to_pixel(point.y, point.x)
    assert f'translate({x:.1f} {y:.1f})' in pinned
    assert "translate(" not in off_map and "<script" not in pinned
    ET.fromstring(pinned)


def test_path_numbers_are_tenths_of_a_pixel_written_short():
    assert [maps._tenths(v) for v in (12, -5, 30, 0, -120, 7)] == ["1.2", "-.5", "3", "0", "-12", ".7"]
    assert maps._join(["1.2", "-.5", "3", ".7"]) == "1.2-.5 3 .7"


# --- The SVG endpoint -------------------------------------------------------------------------

@pytest.fixture
def boundary(directory):
    """Kota Semarang's shipped polygon in the database (the directory has its regions)."""
    geometry = stored_geometry(SEMARANG)
    RegionBoundary.objects.create(region_id=SEMARANG, geometry_wkb=geometry.wkb)
    return geometry


@pytest.mark.django_db
def test_the_map_of_a_region_with_a_boundary_is_a_cached_svg(client, boundary):
    response = client.get(f"/lapor/peta/{SEMARANG}.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert len(response.content) < 15_000
    assert ET.fromstring(response.content).find(f"{SVG_NS}title").text == "Peta Kota Semarang"
    assert "translate(" not in html(response)


@pytest.mark.django_db
def test_a_map_with_a_marker_is_kept_by_the_browser_only(client, boundary):
    point = boundary.representative_point()
    response = client.get(f"/lapor/peta/{SEMARANG}.svg", {"lat": f"{point.y:.5f}", "lon": f"{point.x:.5f}"})
    garbage = client.get(f"/lapor/peta/{SEMARANG}.svg", {"lat": "utara", "lon": "1e400"})

    assert response.status_code == 200 and "translate(" in html(response)
    assert response["Cache-Control"] == "private, max-age=3600"
    assert garbage.status_code == 200 and "translate(" not in html(garbage)
    assert garbage["Cache-Control"] == "private, max-age=3600"


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["99.99", "33", "33.74.01", MIROTO, "xx", "33.74.svg.."])
def test_unknown_codes_and_regions_without_a_boundary_are_not_found(client, boundary, code):
    assert client.get(f"/lapor/peta/{code}.svg").status_code == 404


# --- The form ---------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("region", "shown"), [(SEMARANG, True), ("33.74.01", True), (MIROTO, True), ("33", False),
                                               ("", False), ("51.71", False)])
def test_the_map_is_offered_once_a_regency_district_or_village_with_a_boundary_is_chosen(client, boundary, region, shown):
    page = html(client.get("/lapor/", {"region": region} if region else {}))

    assert ('type="image"' in page) is shown
    if shown:
        fieldset = page[page.index('<fieldset id="f-region"'):page.index('<fieldset id="f-files"')]
        control = re.search(r'<input type="image"[^>]*>', fieldset, re.S).group(0)
        assert 'name="pin"' in control and f'src="/lapor/peta/{SEMARANG}.svg"' in control
        assert 'alt="Peta Kota Semarang: klik untuk menandai lokasi"' in control
        assert 'width="280"' in control and 'aria-describedby="f-map-hint"' in control
        assert "Peta ini tidak wajib" in page and "ketik keduanya" in page
        assert ("seluruh kabupaten/kota" in page) is (region != SEMARANG)


@pytest.mark.django_db
@pytest.mark.parametrize("stage", ["start", "final"])
def test_a_click_inside_sets_the_coordinates_and_keeps_everything_typed(client, boundary, stage):
    projection = maps.projection_for(boundary.bounds)
    x, y = inside_pixel(boundary, projection)

    response = client.post("/lapor/", form(stage=stage, **{"pin.x": str(x), "pin.y": str(y)}))

    page = html(response)
    assert response.status_code == 200 and Report.objects.count() == 0
    lat, lon = float(field_value(page, "latitude")), float(field_value(page, "longitude"))
    assert (lat, lon) == maps.locate_click(boundary, projection, x, y)
    assert field_value(page, "region_code") == MIROTO
    assert field_value(page, "title") == "Lampu penerangan jalan mati"
    assert field_value(page, "address") == "Gang Mawar 3"
    assert "Sudah seminggu lampu di gang kami mati total." in page
    assert 'value="jalan" checked' in page
    assert f'name="stage" value="{stage}"' in page
    assert re.search(r'<p id="f-map-message" role="status">Titik ditandai di peta: lintang -?[\d.]+, bujur [\d.]+', page)
    assert f'src="/lapor/peta/{SEMARANG}.svg?lat={lat:.5f}&amp;lon={lon:.5f}"' in page
    assert 'aria-describedby="f-map-hint f-map-message"' in page


@pytest.mark.django_db
def test_a_click_outside_the_region_says_so_and_changes_nothing(client, boundary):
    projection = maps.projection_for(boundary.bounds)

    response = client.post("/lapor/", form(latitude="-6,99", longitude="110,42",
                                           **{"pin.x": str(projection.width - 3), "pin.y": "3"}))

    page = html(response)
    assert response.status_code == 200 and Report.objects.count() == 0
    assert '<p id="f-map-message" class="error">Titik di luar wilayah yang dipilih.' in page
    assert (field_value(page, "latitude"), field_value(page, "longitude")) == ("-6,99", "110,42")
    assert field_value(page, "region_code") == MIROTO
    assert f'src="/lapor/peta/{SEMARANG}.svg?lat=-6.99000&amp;lon=110.42000"' in page  # the typed point is drawn


@pytest.mark.django_db
def test_the_map_pressed_with_the_keyboard_points_to_the_coordinate_fields(client, boundary):
    page = html(client.post("/lapor/", form(**{"pin.x": "0", "pin.y": "0"})))

    assert "Ketik lintang dan bujur di kolom di bawah peta" in page
    assert field_value(page, "latitude") == ""


@pytest.mark.django_db
def test_a_region_chosen_in_the_list_still_counts_when_the_map_is_clicked(client, boundary):
    projection = maps.projection_for(boundary.bounds)
    x, y = inside_pixel(boundary, projection)

    page = html(client.post("/lapor/", form(region_code="33.74.01", region_child=MIROTO,
                                            **{"pin.x": str(x), "pin.y": str(y)})))

    assert field_value(page, "region_code") == MIROTO
    assert field_value(page, "latitude") != ""


@pytest.mark.django_db
def test_the_pinned_point_is_what_gets_stored(client, boundary):
    projection = maps.projection_for(boundary.bounds)
    x, y = inside_pixel(boundary, projection)
    page = html(client.post("/lapor/", form(**{"pin.x": str(x), "pin.y": str(y)})))
    lat, lon = field_value(page, "latitude"), field_value(page, "longitude")

    response = client.post("/lapor/", form(stage="final", action="submit", latitude=lat, longitude=lon))

    assert response.status_code == 302
    report = Report.objects.get()
    assert report.region_id == MIROTO
    assert boundary.covers(Point(float(report.longitude), float(report.latitude)))
    assert (f"{report.latitude:.5f}", f"{report.longitude:.5f}") == (lat, lon)


@pytest.mark.django_db
def test_without_a_boundary_in_the_database_the_form_has_no_map(client, directory):
    assert 'type="image"' not in html(client.get("/lapor/", {"region": MIROTO}))
    page = html(client.post("/lapor/", form(**{"pin.x": "40", "pin.y": "40"})))
    assert "Pilih kabupaten/kota lebih dulu" in page and field_value(page, "latitude") == ""


# --- In Chromium ------------------------------------------------------------------------------

def fill_report(tab):
    tab.fill("#f-title", "Lampu penerangan jalan mati")
    tab.fill("#f-body", "Sudah seminggu lampu di gang kami mati total.")
    tab.fill("#f-incident-date", yesterday())


@pytest.mark.django_db(transaction=True)
def test_citizen_pins_the_map_without_javascript_and_the_report_stores_the_point(page_no_js, boundary):
    tab = page_no_js
    projection = maps.projection_for(boundary.bounds)
    x, y = inside_pixel(boundary, projection)
    tab.goto(f"/lapor/?region={MIROTO}")
    fill_report(tab)
    tab.fill("#f-address", "Gang Mawar 3")

    tab.click("#f-map-pin", position={"x": x + 0.5, "y": y + 0.5})
    tab.wait_for_selector("#f-map-message")

    assert tab.url.endswith("/lapor/#f-map")
    assert "Titik ditandai" in tab.inner_text("#f-map-message")
    assert tab.input_value("#f-title") == "Lampu penerangan jalan mati"
    assert tab.input_value("#f-address") == "Gang Mawar 3"
    assert "Miroto" in tab.inner_text("#f-region-chosen")
    assert "?lat=" in tab.get_attribute("#f-map-pin", "src")
    marker = tab.request.get(tab.get_attribute("#f-map-pin", "src"))
    assert marker.status == 200 and "translate(" in marker.text()

    tab.click("#f-main-action")  # step 1 → step 2
    tab.click("#f-main-action")  # send
    tab.wait_for_url("**/lapor/terkirim/**")
    report = Report.objects.get()
    assert report.region_id == MIROTO
    assert boundary.covers(Point(float(report.longitude), float(report.latitude)))
    px, py = projection.to_pixel(float(report.latitude), float(report.longitude))
    assert abs(px - (x + 0.5)) <= 1 and abs(py - (y + 0.5)) <= 1


@pytest.mark.django_db(transaction=True)
def test_a_click_outside_in_chromium_says_so_next_to_the_map(page_no_js, boundary):
    projection = maps.projection_for(boundary.bounds)
    page_no_js.goto(f"/lapor/?region={MIROTO}")

    page_no_js.click("#f-map-pin", position={"x": projection.width - 3, "y": 3})
    page_no_js.wait_for_selector("#f-map-message")

    assert "Titik di luar wilayah yang dipilih" in page_no_js.inner_text("#f-map-message")
    assert page_no_js.input_value("#f-latitude") == ""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("state", ["map", "pinned", "outside"])
def test_the_form_with_the_map_has_no_accessibility_violations(page, boundary, state):
    projection = maps.projection_for(boundary.bounds)
    page.goto(f"/lapor/?region={MIROTO}")
    fill_report(page)
    if state != "map":
        x, y = inside_pixel(boundary, projection) if state == "pinned" else (projection.width - 3, 3)
        with page.expect_navigation():
            page.click("#f-map-pin", position={"x": x + 0.5, "y": y + 0.5})
        assert page.locator("#f-map-message").count() == 1
    assert page.locator("#f-region #f-map-pin").count() == 1
    assert axe_violations(page) == []
