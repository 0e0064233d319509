"""Routing rules as data at /petugas/direktori/rute/: CRUD by persona, validation errors
re-shown with nothing saved, the tester, and access (403 for liaison officers)."""

from __future__ import annotations

import pytest

from aduan.agencies.models import AgencyCategory
from aduan.audit.models import AuditLog
from aduan.routing.models import AuthorityLevel, RoutingRule

from .test_work_support import sign_in_verified

pytestmark = pytest.mark.django_db

BASE = "/petugas/direktori/rute/"




def form_data(**overrides) -> dict:
    data = {"category": "jalan", "region": "", "asset_owner": "", "region_level": str(AuthorityLevel.REGENCY),
            "target_agency": "", "fallback_to_government": "on", "priority": "0", "is_active": "on", "note": "Uji"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- access ---------------------------------------------------------------------------------

def test_liaison_officer_gets_403_everywhere(client, directory, liaison_officer):
    rule = RoutingRule.objects.create(region_level=AuthorityLevel.REGENCY)
    sign_in_verified(client, liaison_officer(directory.dishub_semarang))
    for url in [BASE, f"{BASE}baru/", f"{BASE}uji/", f"{BASE}{rule.pk}/ubah/", f"{BASE}{rule.pk}/nonaktifkan/"]:
        assert client.get(url).status_code == 403, url
    assert client.post(f"{BASE}baru/", form_data()).status_code == 403
    assert RoutingRule.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(client, directory):
    response = client.get(BASE)
    assert response.status_code == 302 and "/petugas/masuk/" in response["Location"]


# --- national admin: create, edit, deactivate -------------------------------------------------

def test_national_admin_creates_edits_and_deactivates_a_rule(client, directory, national_admin):
    sign_in_verified(client, national_admin)
    assert client.get(f"{BASE}baru/").status_code == 200
    response = client.post(f"{BASE}baru/", form_data(region="33.74", asset_owner="regency"))
    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert (rule.category, rule.region_id, rule.asset_owner, rule.region_level, rule.updated_by) == (
        directory.road, "33.74", "regency", AuthorityLevel.REGENCY, national_admin)
    assert "#%d" % rule.pk in client.get(BASE).content.decode()

    response = client.post(f"{BASE}{rule.pk}/ubah/", form_data(region="33.74", region_level="",
                                                                target_agency="dishub-kota-semarang", priority="5"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.target_agency, rule.region_level, rule.priority) == (directory.dishub_semarang, None, 5)
    update = AuditLog.objects.get(action="routing_rule_update", object_id=str(rule.pk))
    assert update.data["changes"]["priority"] == [0, 5] and update.actor == national_admin
    assert "priority: 0 → 5" in client.get(f"{BASE}{rule.pk}/ubah/").content.decode()  # the version history

    assert client.get(f"{BASE}{rule.pk}/nonaktifkan/").status_code == 200
    assert RoutingRule.objects.get().is_active
    assert client.post(f"{BASE}{rule.pk}/nonaktifkan/").status_code == 302
    assert not RoutingRule.objects.get().is_active
    assert AuditLog.objects.filter(action="routing_rule_update", object_id=str(rule.pk)).count() == 2


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"region_level": ""}, "region_level", "Pilih tingkat pemerintahan"),
    ({"target_agency": "dishub-kota-semarang"}, "target_agency", "Isi salah satu saja"),
    ({"region": "99.99"}, "region", "Kode wilayah 99.99 tidak dikenal."),
    ({"region_level": "", "target_agency": "tidak-ada"}, "target_agency", "Instansi tidak ditemukan."),
    ({"priority": "banyak"}, "priority", "Prioritas harus bilangan bulat"),
    ({"region": "33.74", "region_level": str(AuthorityLevel.PROVINCE)}, "region_level", "lebih tinggi dari wilayah"),
])
def test_invalid_rule_is_reshown_with_errors_and_nothing_saved(client, directory, national_admin, overrides, field, message):
    sign_in_verified(client, national_admin)
    response = client.post(f"{BASE}baru/", form_data(note="Catatan yang diketik", **overrides))
    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_{field}-error"' in html and message in html and 'aria-invalid="true"' in html
    assert 'value="Catatan yang diketik"' in html  # the input is kept
    assert not RoutingRule.objects.exists() and not AuditLog.objects.filter(action__startswith="routing_rule").exists()


def test_invalid_edit_changes_nothing(client, directory, national_admin):
    rule = RoutingRule.objects.create(category=directory.road, region_level=AuthorityLevel.REGENCY, note="asli")
    sign_in_verified(client, national_admin)
    response = client.post(f"{BASE}{rule.pk}/ubah/", form_data(region="99", note="baru"))
    assert response.status_code == 400
    rule.refresh_from_db()
    assert (rule.region_id, rule.note) == (None, "asli")


# --- agency admins ------------------------------------------------------------------------

def test_agency_admin_may_only_pull_reports_to_their_own_agency(client, directory, agency_admin):
    AgencyCategory.objects.create(agency=directory.dishub_semarang, category=directory.road)
    national_rule = RoutingRule.objects.create(category=directory.road, region_level=AuthorityLevel.REGENCY)
    sign_in_verified(client, agency_admin(directory.semarang))
    assert client.get(BASE).status_code == 200

    # A level-based rule, a rule for all of Indonesia, or for another agency: refused, nothing saved.
    for data in [form_data(region="33.74"), form_data(region="", region_level="", target_agency="dishub-kota-semarang"),
                 form_data(region="33.74", region_level="", target_agency="dpu-binmar-cipka-jateng"),
                 form_data(region="33.74", region_level="", target_agency="dishub-kota-semarang", category="adminduk")]:
        response = client.post(f"{BASE}baru/", data)
        assert response.status_code == 400 and "Anda hanya dapat membuat aturan" in response.content.decode()
    assert RoutingRule.objects.count() == 1

    response = client.post(f"{BASE}baru/", form_data(region="33.74.01", region_level="", target_agency="dishub-kota-semarang"))
    assert response.status_code == 302
    own = RoutingRule.objects.exclude(pk=national_rule.pk).get()
    assert own.target_agency == directory.dishub_semarang

    # The national rule is read-only for them (404 like a missing rule); their own is editable.
    assert client.get(f"{BASE}{national_rule.pk}/ubah/").status_code == 404
    assert client.post(f"{BASE}{national_rule.pk}/nonaktifkan/").status_code == 404
    assert RoutingRule.objects.get(pk=national_rule.pk).is_active
    assert client.get(f"{BASE}{own.pk}/ubah/").status_code == 200
    response = client.post(f"{BASE}{own.pk}/ubah/", form_data(region="33.74.01", region_level="", target_agency="kemensos"))
    assert response.status_code == 400
    assert RoutingRule.objects.get(pk=own.pk).target_agency == directory.dishub_semarang


# --- the tester ---------------------------------------------------------------------------

def test_tester_shows_the_agency_and_why(client, directory, national_admin):
    AgencyCategory.objects.create(agency=directory.dpu_jateng, category=directory.road)
    RoutingRule.objects.create(category=directory.road, asset_owner="provincial", region_level=AuthorityLevel.PROVINCE,
                               note="Jalan provinsi")
    sign_in_verified(client, national_admin)
    assert client.get(f"{BASE}uji/").status_code == 200

    html = client.get(f"{BASE}uji/", {"kategori": "jalan", "wilayah": "33.74.01.1001", "aset": "provincial"}).content.decode()
    assert f'data-agency="{directory.dpu_jateng.slug}"' in html and "menangani kategori ini" in html

    # The owner can come from a sample text; without it no rule applies.
    html = client.get(f"{BASE}uji/", {"kategori": "jalan", "wilayah": "33.74.01.1001",
                                      "teks": "Jalan provinsi di depan pasar berlubang"}).content.decode()
    assert f'data-agency="{directory.dpu_jateng.slug}"' in html and "Provinsi (mis. jalan provinsi)" in html
    html = client.get(f"{BASE}uji/", {"kategori": "jalan", "wilayah": "33.74.01.1001"}).content.decode()
    assert 'data-agency=""' in html and "Tidak ada aturan aktif" in html
    assert not AuditLog.objects.filter(action__startswith="routing_rule").exists()


def test_tester_rejects_an_unknown_region(client, directory, national_admin):
    sign_in_verified(client, national_admin)
    response = client.get(f"{BASE}uji/", {"kategori": "jalan", "wilayah": "99.99"})
    assert response.status_code == 400 and "Kode wilayah 99.99 tidak dikenal." in response.content.decode()


def test_rule_list_query_count_does_not_grow_with_rules(client, directory, national_admin, django_assert_max_num_queries):
    sign_in_verified(client, national_admin)
    client.get(BASE)
    for level in AuthorityLevel.values:
        RoutingRule.objects.create(category=directory.road, region_id="33", region_level=max(level, 1))
    with django_assert_max_num_queries(12):
        assert client.get(BASE).status_code == 200
