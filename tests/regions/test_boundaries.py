"""Point → region over the real boundary polygons loaded by regions_load."""

from __future__ import annotations

import pytest
from shapely import wkb
from shapely.geometry import Point

from aduan.regions.boundaries import region_at_point, region_code_at_point
from aduan.regions.models import RegionBoundary

pytestmark = pytest.mark.slow


def test_point_in_kota_semarang_resolves_to_kota_semarang(loaded_regions, db):
    lat, lng = -6.99, 110.42  # Simpang Lima area
    polygon = wkb.loads(bytes(RegionBoundary.objects.get(region_id="33.74").geometry_wkb))
    assert polygon.contains(Point(lng, lat))

    assert region_code_at_point(lat, lng) == "33.74"
    region = region_at_point(lat, lng)
    assert region.name == "Kota Semarang"
    assert region.timezone == "Asia/Jakarta"


@pytest.mark.parametrize(
    ("lat", "lng", "code"),
    [
        (-6.1754, 106.8272, "31.71"),  # Monas, Kota Administrasi Jakarta Pusat
        (-8.6500, 115.2167, "51.71"),  # Kota Denpasar
        (-2.5337, 140.7181, "91.71"),  # Kota Jayapura
        (-6.9175, 107.6191, "32.73"),  # Kota Bandung
    ],
)
def test_points_in_cities_resolve_to_that_city(loaded_regions, db, lat, lng, code):
    assert region_code_at_point(lat, lng) == code


def test_point_in_an_enclave_city_resolves_to_the_city_not_the_surrounding_regency(loaded_regions, db):
    # Kota Magelang (33.71) lies inside Kabupaten Magelang (33.08); upstream stores the
    # enclave as a nested outer ring, which the loader repairs into a hole.
    assert region_code_at_point(-7.4797, 110.2177) == "33.71"


def test_every_stored_boundary_is_a_valid_polygon(loaded_regions, db):
    invalid = [
        code for code, blob in RegionBoundary.objects.values_list("region_id", "geometry_wkb")
        if not wkb.loads(bytes(blob)).is_valid
    ]
    assert invalid == []


@pytest.mark.parametrize(("lat", "lng"), [(-8.0, 100.0), (-12.0, 120.0), (3.0, 90.0)])
def test_point_in_the_open_ocean_has_no_region(loaded_regions, db, lat, lng):
    assert region_code_at_point(lat, lng) is None
    assert region_at_point(lat, lng) is None
