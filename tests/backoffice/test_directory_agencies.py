"""Directory management: agency list and coverage pages, by persona."""

from __future__ import annotations

import pytest
from django.test import Client

from aduan.agencies.models import AgencyCoverage

from .test_work_support import sign_in_verified

pytestmark = pytest.mark.django_db


def coverage_of(agency):
    return set(AgencyCoverage.objects.filter(agency=agency).values_list("region_id", flat=True))


def test_anonymous_is_sent_to_sign_in(client, directory):
    response = client.get("/petugas/direktori/")
    assert response.status_code == 302 and response["Location"].startswith("/petugas/masuk/")


def test_liaison_officer_gets_403_on_every_directory_page(client, directory, liaison_officer):
    sign_in_verified(client, liaison_officer(directory.dishub_semarang))
    for url in ["/petugas/direktori/", f"/petugas/direktori/instansi/{directory.dishub_semarang.slug}/"]:
        assert client.get(url).status_code == 403


def test_national_admin_sees_every_agency_as_a_tree(client, directory, national_admin):
    sign_in_verified(client, national_admin)
    html = client.get("/petugas/direktori/").content.decode()
    for agency in [directory.jateng, directory.dpu_jateng, directory.semarang, directory.kemensos]:
        assert f'data-agency="{agency.slug}"' in html
    assert html.count("<h1>") == 1


def test_agency_admin_sees_only_its_subtree_and_gets_404_elsewhere(client, directory, agency_admin):
    sign_in_verified(client, agency_admin(directory.jateng))
    html = client.get("/petugas/direktori/").content.decode()
    assert f'data-agency="{directory.dpu_jateng.slug}"' in html
    assert f'data-agency="{directory.semarang.slug}"' not in html
    assert client.get(f"/petugas/direktori/instansi/{directory.dpu_jateng.slug}/").status_code == 200
    assert client.get(f"/petugas/direktori/instansi/{directory.semarang.slug}/").status_code == 404
    response = client.post(f"/petugas/direktori/instansi/{directory.semarang.slug}/", {"region_codes": "33"})
    assert response.status_code == 404
    assert coverage_of(directory.semarang) == {"33.74"}


def test_national_admin_sets_coverage(client, directory, national_admin):
    sign_in_verified(client, national_admin)
    url = f"/petugas/direktori/instansi/{directory.dpu_jateng.slug}/"
    response = client.post(url, {"region_codes": "33, 33.74"})
    assert response.status_code == 302
    assert coverage_of(directory.dpu_jateng) == {"33", "33.74"}


def test_unknown_region_code_is_shown_next_to_field_keeps_input_and_changes_nothing(client, directory, national_admin):
    sign_in_verified(client, national_admin)
    before = coverage_of(directory.dpu_jateng)
    response = client.post(f"/petugas/direktori/instansi/{directory.dpu_jateng.slug}/", {"region_codes": "33\n99.99"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Kode wilayah tidak dikenal: 99.99." in html
    assert 'aria-invalid="true"' in html and "id_region_codes-error" in html
    assert "33\n99.99" in html
    assert coverage_of(directory.dpu_jateng) == before


def test_coverage_post_requires_csrf(directory, national_admin):
    client = sign_in_verified(Client(enforce_csrf_checks=True), national_admin)
    before = coverage_of(directory.dpu_jateng)
    response = client.post(f"/petugas/direktori/instansi/{directory.dpu_jateng.slug}/", {"region_codes": "33.74"})
    assert response.status_code == 403
    assert coverage_of(directory.dpu_jateng) == before


def agency_post(**overrides):
    data = {"name": "Dinas Kesehatan Provinsi Jawa Tengah", "short_name": "Dinkes Jateng", "slug": "dinkes-jateng",
            "kind": "unit", "parent": "pemprov-jateng", "seat_region": "33", "aliases": "Dinkes, Dinas Kesehatan"}
    data.update(overrides)
    return data


def test_national_admin_creates_agency_under_province_and_edits_it(client, directory, national_admin):
    from aduan.agencies.models import Agency
    sign_in_verified(client, national_admin)
    assert client.get("/petugas/direktori/instansi/baru/?induk=pemprov-jateng").status_code == 200
    response = client.post("/petugas/direktori/instansi/baru/", agency_post())
    assert response.status_code == 302
    agency = Agency.objects.get(slug="dinkes-jateng")
    assert agency.parent == directory.jateng and agency.aliases == ["Dinkes", "Dinas Kesehatan"]
    response = client.post("/petugas/direktori/instansi/dinkes-jateng/ubah/",
                           agency_post(first_response_days="3", is_active="on"))
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.first_response_days == 3 and agency.is_active and not agency.accepts_reports


def test_bad_agency_input_keeps_what_was_typed(client, directory, national_admin):
    from aduan.agencies.models import Agency
    sign_in_verified(client, national_admin)
    response = client.post("/petugas/direktori/instansi/baru/", agency_post(slug="bukan slug!"))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_slug-error"' in html and 'value="Dinas Kesehatan Provinsi Jawa Tengah"' in html
    assert not Agency.objects.filter(name__startswith="Dinas Kesehatan").exists()


def test_agency_admin_cannot_create_outside_its_subtree(client, directory, agency_admin):
    from aduan.agencies.models import Agency
    sign_in_verified(client, agency_admin(directory.jateng))
    response = client.post("/petugas/direktori/instansi/baru/", agency_post(parent="pemkot-semarang"))
    assert response.status_code == 400
    response = client.post("/petugas/direktori/instansi/baru/", agency_post(parent="", kind="ministry"))
    assert response.status_code == 400
    assert not Agency.objects.filter(slug="dinkes-jateng").exists()
    assert client.get(f"/petugas/direktori/instansi/{directory.semarang.slug}/ubah/").status_code == 404
    assert client.post("/petugas/direktori/instansi/baru/", agency_post()).status_code == 302


def test_national_admin_adds_category_handling(client, directory, national_admin):
    from aduan.agencies.models import AgencyCategory
    sign_in_verified(client, national_admin)
    url = f"/petugas/direktori/instansi/{directory.dpu_jateng.slug}/kategori/"
    response = client.post(url, {"kat-category": "jalan", "kat-region": "33.74", "kat-tier": "light",
                                 "kat-resolution_days": ""})
    assert response.status_code == 302
    row = AgencyCategory.objects.get(agency=directory.dpu_jateng)
    assert (row.category.slug, row.region_id, row.tier) == ("jalan", "33.74", "light")
    html = client.get(f"/petugas/direktori/instansi/{directory.dpu_jateng.slug}/").content.decode()
    assert 'data-category="jalan"' in html


def test_category_handling_outside_coverage_is_refused_next_to_field(client, directory, national_admin):
    from aduan.agencies.models import AgencyCategory
    sign_in_verified(client, national_admin)
    response = client.post(f"/petugas/direktori/instansi/{directory.dishub_semarang.slug}/kategori/",
                           {"kat-category": "jalan", "kat-region": "33", "kat-resolution_days": "7"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_kat-region-error"' in html and 'value="7"' in html
    assert not AgencyCategory.objects.filter(agency=directory.dishub_semarang).exists()
