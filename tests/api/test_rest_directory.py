"""Directory reads: agencies (tree, units, coverage), categories, Kemendagri regions."""

from __future__ import annotations

import pytest

from aduan.agencies.models import Agency, Category

from .test_rest_support import API, _fresh_rate_limits, body, error_of  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _all(client, url):
    rows = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        data = body(response)
        rows += data["results"]
        url = data["next"]
    return rows


def test_agencies_are_listed_by_name_in_cursor_pages_without_inactive_ones(client, directory):
    Agency.objects.create(name="Dinas Lama", slug="dinas-lama", kind=Agency.Kind.UNIT, is_active=False)
    rows = _all(client, f"{API}/agencies/?limit=2")
    names = [row["name"] for row in rows]
    assert names == sorted(Agency.objects.filter(is_active=True).values_list("name", flat=True))
    assert "dinas-lama" not in {row["slug"] for row in rows}
    dishub = next(row for row in rows if row["slug"] == "dishub-kota-semarang")
    assert dishub == {"slug": "dishub-kota-semarang", "name": "Dinas Perhubungan Kota Semarang", "short_name": "",
                      "kind": "unit", "parent": "pemkot-semarang", "accepts_reports": True}


@pytest.mark.parametrize(("query", "slugs"), [
    ("parent=pemkot-semarang", {"dishub-kota-semarang"}),
    ("kind=ministry", {"kemensos"}),
    ("q=binmar", {"dpu-binmar-cipka-jateng"}),
])
def test_agency_filters(client, directory, query, slugs):
    assert {row["slug"] for row in body(client.get(f"{API}/agencies/?{query}"))["results"]} == slugs


def test_bad_agency_filters_are_field_errors(client, directory):
    response = client.get(f"{API}/agencies/?parent=tidak-ada")
    assert response.status_code == 400 and set(error_of(response)["fields"]) == {"parent"}
    response = client.get(f"{API}/agencies/?kind=planet")
    assert response.status_code == 400 and set(error_of(response)["fields"]) == {"kind"}


def test_agency_detail_has_units_and_coverage(client, directory):
    data = body(client.get(f"{API}/agencies/pemkot-semarang/"))
    assert data["name"] == "Pemerintah Kota Semarang" and data["parent"] is None and data["parent_name"] is None
    assert [u["slug"] for u in data["units"]] == ["dishub-kota-semarang"]
    assert data["coverage"] == [{"code": "33.74", "name": "Kota Semarang"}]
    assert client.get(f"{API}/agencies/tidak-ada/").status_code == 404


def test_categories(client, directory):
    Category.objects.create(name="Lama", slug="lama", is_active=False)
    rows = _all(client, f"{API}/categories/")
    assert [row["slug"] for row in rows] == ["adminduk", "jalan"]
    assert rows[1] == {"slug": "jalan", "name": "Infrastruktur jalan", "description": "", "parent": None,
                       "default_tier": "no_field_check"}


def test_regions_provinces_detail_and_children(client, regions):
    assert [row["code"] for row in _all(client, f"{API}/regions/?limit=2")] == ["33", "51", "91"]
    data = body(client.get(f"{API}/regions/33.74.01/"))
    assert data == {"code": "33.74.01", "name": "Semarang Tengah", "level": 3, "parent": "33.74",
                    "timezone": "Asia/Jakarta", "ancestors": [{"code": "33", "name": "Jawa Tengah"},
                                                              {"code": "33.74", "name": "Kota Semarang"}],
                    "children_count": 1}
    children = body(client.get(f"{API}/regions/33.74.01/children/"))["results"]
    assert [c["code"] for c in children] == ["33.74.01.1001"]
    for url in (f"{API}/regions/99/", f"{API}/regions/bukan-kode/", f"{API}/regions/99/children/"):
        response = client.get(url)
        assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_every_unknown_api_path_answers_in_the_error_body(client, db):
    response = client.get(f"{API}/tidak/ada/")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_a_nul_in_a_path_is_a_plain_404(client, directory):
    # PostgreSQL refuses a NUL in a query parameter; the API answers before asking it.
    for url in (f"{API}/agencies/%00/", f"{API}/regions/33%00/", f"{API}/public/reports/%00/"):
        response = client.get(url)
        assert response.status_code == 404 and error_of(response)["code"] == "not_found"
