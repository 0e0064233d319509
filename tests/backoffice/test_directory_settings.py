"""Directory management: service targets, calendar and roles pages, by persona."""

from __future__ import annotations

from datetime import date

import pytest

from aduan.accounts.models import Membership
from aduan.accounts.permissions import Role
from aduan.standards.deadlines import limits_for
from aduan.standards.models import CalendarDay
from tests.factories import UserFactory

from .test_work_support import sign_in_verified

pytestmark = pytest.mark.django_db


def test_liaison_officer_gets_403_on_settings_pages(client, directory, liaison_officer):
    sign_in_verified(client, liaison_officer(directory.dishub_semarang))
    for url in ["/petugas/direktori/batas-waktu/", "/petugas/direktori/kalender/", "/petugas/direktori/petugas/",
                "/petugas/direktori/kategori/", "/petugas/direktori/instansi/baru/"]:
        assert client.get(url).status_code == 403


def test_national_admin_overrides_time_limits_for_agency_and_its_units(client, directory, national_admin):
    sign_in_verified(client, national_admin)
    url = f"/petugas/direktori/instansi/{directory.jateng.slug}/batas-waktu/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"tier_light_days": "4", "verify_days": ""})
    assert response.status_code == 302
    assert limits_for(directory.jateng)["tier_light_days"] == 4
    assert limits_for(directory.dpu_jateng)["tier_light_days"] == 4
    assert limits_for(directory.semarang)["tier_light_days"] == 2


def test_bad_time_limit_keeps_input_and_changes_nothing(client, directory, national_admin):
    sign_in_verified(client, national_admin)
    response = client.post("/petugas/direktori/batas-waktu/", {"tier_light_days": "0", "autoclose_days": "12"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_tier_light_days-error"' in html and 'aria-invalid="true"' in html
    assert 'value="12"' in html
    assert limits_for(None)["autoclose_days"] == 10


def test_agency_admin_cannot_edit_time_limits_or_calendar(client, directory, agency_admin):
    sign_in_verified(client, agency_admin(directory.jateng))
    assert client.get("/petugas/direktori/batas-waktu/").status_code == 403
    assert client.post("/petugas/direktori/kalender/", {"date": "2026-03-03", "name": "x", "kind": "holiday"}).status_code == 403
    assert not CalendarDay.objects.exists()


def test_national_admin_adds_and_removes_regional_holiday(client, directory, national_admin):
    sign_in_verified(client, national_admin)
    html = client.get("/petugas/direktori/kalender/?tahun=2026").content.decode()
    assert "2026-08-17" in html  # national holidays from the holidays package, read-only
    response = client.post("/petugas/direktori/kalender/?tahun=2026",
                           {"date": "2026-03-03", "name": "Libur daerah", "kind": "holiday", "region": "33"})
    assert response.status_code == 302
    day = CalendarDay.objects.get()
    assert (day.date, day.region_id) == (date(2026, 3, 3), "33")
    confirm = client.get(f"/petugas/direktori/kalender/{day.pk}/hapus/")
    assert confirm.status_code == 200 and CalendarDay.objects.exists()
    assert client.post(f"/petugas/direktori/kalender/{day.pk}/hapus/").status_code == 302
    assert not CalendarDay.objects.exists()


def test_unknown_region_on_holiday_is_shown_next_to_field(client, directory, national_admin):
    sign_in_verified(client, national_admin)
    response = client.post("/petugas/direktori/kalender/",
                           {"date": "2026-03-03", "name": "Libur daerah", "kind": "holiday", "region": "99.99"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Kode wilayah 99.99 tidak dikenal." in html and 'value="Libur daerah"' in html
    assert not CalendarDay.objects.exists()


def test_national_admin_grants_and_revokes_a_role(client, directory, national_admin):
    sign_in_verified(client, national_admin)
    officer = UserFactory(username="petugas-baru")
    response = client.post("/petugas/direktori/petugas/", {
        "username": "petugas-baru", "role": Role.LIAISON_OFFICER, "agency": directory.kemensos.slug,
        "include_descendants": "on"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=officer)
    assert membership.is_active and membership.agency == directory.kemensos
    assert client.post(f"/petugas/direktori/petugas/peran/{membership.pk}/cabut/").status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active


def test_agency_admin_cannot_grant_national_roles_or_other_agencies(client, directory, agency_admin):
    sign_in_verified(client, agency_admin(directory.jateng))
    UserFactory(username="petugas-baru")
    for data in [{"role": Role.NATIONAL_ADMIN, "agency": ""},
                 {"role": Role.LIAISON_OFFICER, "agency": directory.semarang.slug}]:
        response = client.post("/petugas/direktori/petugas/", {"username": "petugas-baru", **data})
        assert response.status_code == 400
        assert 'value="petugas-baru"' in response.content.decode()
    assert not Membership.objects.filter(user__username="petugas-baru").exists()
    response = client.post("/petugas/direktori/petugas/", {
        "username": "petugas-baru", "role": Role.LIAISON_OFFICER, "agency": directory.dpu_jateng.slug})
    assert response.status_code == 302


def test_agency_admin_gets_404_revoking_outside_its_subtree(client, directory, agency_admin, liaison_officer):
    outside = Membership.objects.get(user=liaison_officer(directory.dishub_semarang))
    sign_in_verified(client, agency_admin(directory.jateng))
    html = client.get("/petugas/direktori/petugas/").content.decode()
    assert f'data-membership="{outside.pk}"' not in html
    assert client.post(f"/petugas/direktori/petugas/peran/{outside.pk}/cabut/").status_code == 404
    outside.refresh_from_db()
    assert outside.is_active


def test_national_admin_creates_and_edits_a_category(client, directory, national_admin):
    from aduan.agencies.models import Category
    sign_in_verified(client, national_admin)
    assert 'data-category="jalan"' in client.get("/petugas/direktori/kategori/").content.decode()
    response = client.post("/petugas/direktori/kategori/baru/", {
        "name": "Jalan desa", "slug": "jalan-desa", "parent": "jalan", "default_tier": "light"})
    assert response.status_code == 302
    category = Category.objects.get(slug="jalan-desa")
    assert category.parent == directory.road
    response = client.post("/petugas/direktori/kategori/jalan-desa/ubah/", {
        "name": "Jalan desa", "slug": "jalan-desa", "parent": "jalan", "default_tier": "normative"})
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.default_tier == "normative" and not category.is_active


def test_duplicate_category_slug_is_refused_next_to_field(client, directory, national_admin):
    from aduan.agencies.models import Category
    sign_in_verified(client, national_admin)
    response = client.post("/petugas/direktori/kategori/baru/", {
        "name": "Jalan lagi", "slug": "jalan", "default_tier": "light"})
    assert response.status_code == 400
    assert 'id="id_slug-error"' in response.content.decode()
    assert not Category.objects.filter(name="Jalan lagi").exists()


def test_agency_admin_cannot_manage_categories(client, directory, agency_admin):
    sign_in_verified(client, agency_admin(directory.jateng))
    assert client.get("/petugas/direktori/kategori/").status_code == 403
    assert client.post("/petugas/direktori/kategori/baru/", {"name": "x", "slug": "x", "default_tier": "light"}).status_code == 403


def test_official_invite_creates_user_with_role_or_nothing(directory, national_admin, agency_admin):
    from django.contrib.auth import get_user_model

    from aduan.accounts.services_directory import official_invite
    from aduan.core.errors import PermissionDenied

    user = official_invite(actor=national_admin, username="pp-kemensos", email="pp@kemensos.test",
                           full_name="Petugas Kemensos", role=Role.LIAISON_OFFICER, agency=directory.kemensos)
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user, agency=directory.kemensos, is_active=True).exists()
    with pytest.raises(PermissionDenied):
        official_invite(actor=agency_admin(directory.jateng), username="pp-semarang", email="pp@semarang.test",
                        full_name="Petugas", role=Role.LIAISON_OFFICER, agency=directory.semarang)
    assert not get_user_model().objects.filter(username="pp-semarang").exists()


def test_invite_page_creates_official_and_bad_input_keeps_it(client, directory, national_admin):
    from django.contrib.auth import get_user_model
    sign_in_verified(client, national_admin)
    data = {"baru-username": "pp-dinsos", "baru-full_name": "Petugas Dinsos", "baru-email": "bukan-surel",
            "baru-role": Role.LIAISON_OFFICER, "baru-agency": directory.kemensos.slug}
    response = client.post("/petugas/direktori/petugas/undang/", data)
    html = response.content.decode()
    assert response.status_code == 400 and 'id="id_baru-email-error"' in html and 'value="pp-dinsos"' in html
    assert not get_user_model().objects.filter(username="pp-dinsos").exists()
    response = client.post("/petugas/direktori/petugas/undang/", {**data, "baru-email": "pp@dinsos.test"})
    assert response.status_code == 302
    assert Membership.objects.filter(user__username="pp-dinsos", agency=directory.kemensos).exists()


def test_every_directory_page_renders_with_one_h1_for_national_admin(client, directory, national_admin):
    sign_in_verified(client, national_admin)
    slug = directory.jateng.slug
    for url in ["/petugas/direktori/", "/petugas/direktori/instansi/baru/", f"/petugas/direktori/instansi/{slug}/",
                f"/petugas/direktori/instansi/{slug}/ubah/", f"/petugas/direktori/instansi/{slug}/batas-waktu/",
                "/petugas/direktori/batas-waktu/", "/petugas/direktori/kalender/", "/petugas/direktori/kategori/",
                "/petugas/direktori/kategori/baru/", "/petugas/direktori/kategori/jalan/ubah/",
                "/petugas/direktori/petugas/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content.decode().count("<h1") == 1, url


def test_agency_list_query_count_does_not_grow_with_agencies(client, directory, national_admin, django_assert_max_num_queries):
    sign_in_verified(client, national_admin)
    client.get("/petugas/direktori/")
    with django_assert_max_num_queries(8):
        assert client.get("/petugas/direktori/").status_code == 200
