"""The national administrator manages the directory in the Django admin; others cannot."""

import pytest
from django.core.management import call_command

from aduan.accounts.models import Membership, User
from aduan.accounts.permissions import Role
from aduan.accounts.services import membership_grant
from aduan.agencies.models import Agency
from aduan.audit.models import AuditLog
from aduan.core.errors import PermissionDenied, ValidationFailed

from ..factories import member

pytestmark = pytest.mark.django_db


def login(client, user):
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def test_national_admin_adds_an_agency_under_a_province(client, directory, national_admin):
    login(client, national_admin)
    assert client.get("/admin/agencies/agency/").status_code == 200
    response = client.post("/admin/agencies/agency/add/", {
        "name": "Dinas Kesehatan Provinsi Jawa Tengah", "short_name": "DINAS KESEHATAN", "slug": "dinkes-jateng",
        "kind": "unit", "parent": directory.jateng.pk, "seat_region": "33", "aliases": "[]",
        "is_active": "on", "accepts_reports": "on",
        "coverage-TOTAL_FORMS": "1", "coverage-INITIAL_FORMS": "0", "coverage-0-region": "33",
        "categories-TOTAL_FORMS": "1", "categories-INITIAL_FORMS": "0", "categories-0-category": directory.road.pk,
        "categories-0-tier": "field_check",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    dinkes = Agency.objects.get(slug="dinkes-jateng")
    assert dinkes.is_descendant_of(directory.jateng) and dinkes.path == f"{directory.jateng.path}{dinkes.pk}/"
    assert list(dinkes.coverage.values_list("region_id", flat=True)) == ["33"]
    assert dinkes.categories.get().tier == "field_check"


@pytest.mark.parametrize("role", [Role.LIAISON_OFFICER, Role.SUPERVISOR])
def test_agency_staff_cannot_manage_the_directory(client, directory, role):
    login(client, member(role, directory.dishub_semarang))
    assert client.get("/admin/agencies/agency/").status_code == 403
    assert client.get(f"/admin/agencies/agency/{directory.kemensos.pk}/change/").status_code == 403


def test_agency_admin_edits_own_subtree_only(client, directory):
    login(client, member(Role.AGENCY_ADMIN, directory.semarang))
    assert client.get(f"/admin/agencies/agency/{directory.dishub_semarang.pk}/change/").status_code == 200
    assert client.get(f"/admin/agencies/agency/{directory.kemensos.pk}/change/").status_code == 403


def test_time_limits_are_national_only(client, directory, national_admin):
    login(client, member(Role.AGENCY_ADMIN, directory.semarang))
    assert client.get("/admin/standards/timelimits/").status_code == 403
    login(client, national_admin)
    assert client.get("/admin/standards/timelimits/").status_code == 200


def test_membership_grant_needs_membership_manage_and_is_audited(directory, national_admin):
    newcomer = User.objects.create(username="petugas-baru")
    with pytest.raises(PermissionDenied):
        membership_grant(actor=member(Role.LIAISON_OFFICER, directory.dishub_semarang), user=newcomer,
                         role=Role.LIAISON_OFFICER, agency=directory.dishub_semarang)
    with pytest.raises(ValidationFailed):
        membership_grant(actor=national_admin, user=newcomer, role=Role.LIAISON_OFFICER, agency=None)
    membership_grant(actor=national_admin, user=newcomer, role=Role.LIAISON_OFFICER, agency=directory.dishub_semarang)
    newcomer.refresh_from_db()
    assert newcomer.is_staff
    assert AuditLog.objects.filter(action="membership_grant", actor=national_admin).count() == 1
    # An agency admin grants roles in its own agency only.
    admin_pemkot = member(Role.AGENCY_ADMIN, directory.semarang)
    membership_grant(actor=admin_pemkot, user=newcomer, role=Role.SUPERVISOR, agency=directory.dishub_semarang)
    with pytest.raises(PermissionDenied):
        membership_grant(actor=admin_pemkot, user=newcomer, role=Role.SUPERVISOR, agency=directory.kemensos)


def test_official_create_command_bootstraps_the_first_admin(directory, monkeypatch):
    monkeypatch.setenv("ADUAN_OFFICIAL_PASSWORD", "rahasia-panjang-123")
    call_command("official_create", "--username", "admin", "--role", "national_admin")
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.check_password("rahasia-panjang-123")
    assert Membership.objects.filter(user=admin, role=Role.NATIONAL_ADMIN, agency=None).exists()


def test_agency_admin_cannot_place_an_agency_outside_its_subtree(client, directory):
    login(client, member(Role.AGENCY_ADMIN, directory.semarang))
    response = client.post("/admin/agencies/agency/add/", {
        "name": "Unit Liar", "slug": "unit-liar", "kind": "unit", "parent": directory.kemensos.pk, "aliases": "[]",
        "coverage-TOTAL_FORMS": "0", "coverage-INITIAL_FORMS": "0",
        "categories-TOTAL_FORMS": "0", "categories-INITIAL_FORMS": "0",
    })
    assert response.status_code == 403
    assert not Agency.objects.filter(slug="unit-liar").exists()
