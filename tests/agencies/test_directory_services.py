"""Directory write services: who may change what, bad input changes nothing, moves keep paths right."""

from __future__ import annotations

import pytest

from aduan.accounts.models import User
from aduan.accounts.policies import user_has_perm
from aduan.agencies.models import Agency, AgencyCategory, AgencyCoverage, ResolutionTier
from aduan.agencies.services import agency_category_set, agency_coverage_set, agency_create, agency_update
from aduan.audit.models import AuditLog
from aduan.core.errors import PermissionDenied, ValidationFailed


def coverage_of(agency: Agency) -> list[str]:
    return sorted(AgencyCoverage.objects.filter(agency=agency).values_list("region_id", flat=True))


# --- agency_create ----------------------------------------------------------------------------

def test_national_admin_creates_a_unit_under_a_province_and_it_is_audited(national_admin, directory):
    agency = agency_create(
        actor=national_admin, name="  Dinas Sosial   Provinsi Jawa Tengah ", slug="dinsos-jateng",
        kind=Agency.Kind.UNIT, parent=directory.jateng, seat_region="33", short_name="DINAS SOSIAL",
        aliases=["DINAS SOSIAL", "DINAS SOSIAL", ""],
    )

    assert agency.name == "Dinas Sosial Provinsi Jawa Tengah"
    assert agency.path == f"{directory.jateng.path}{agency.pk}/"
    assert agency.seat_region_id == "33"
    assert agency.aliases == ["DINAS SOSIAL"]
    row = AuditLog.objects.get(action="agency_create")
    assert (row.actor, row.object_id) == (national_admin, str(agency.pk))


def test_national_admin_creates_a_top_level_ministry(national_admin, directory):
    agency = agency_create(actor=national_admin, name="Kementerian Kesehatan", slug="kemenkes", kind=Agency.Kind.MINISTRY)
    assert agency.parent is None and agency.path == f"/{agency.pk}/"


def test_agency_admin_creates_units_inside_its_own_subtree(agency_admin, directory):
    admin = agency_admin(directory.jateng)
    unit = agency_create(actor=admin, name="Seksi Jalan", slug="seksi-jalan-jateng", kind=Agency.Kind.UNIT,
                         parent=directory.dpu_jateng)
    assert unit.path.startswith(directory.jateng.path)


@pytest.mark.parametrize("where", ["top_level", "other_agency"])
def test_agency_admin_cannot_create_outside_its_subtree(agency_admin, directory, where):
    admin = agency_admin(directory.jateng)
    parent = None if where == "top_level" else directory.semarang
    with pytest.raises(PermissionDenied):
        agency_create(actor=admin, name="Dinas Baru", slug="dinas-baru", kind=Agency.Kind.MINISTRY if parent is None
                      else Agency.Kind.UNIT, parent=parent)
    assert not Agency.objects.filter(slug="dinas-baru").exists()
    assert not AuditLog.objects.exists()


def test_liaison_officer_cannot_create_even_under_its_own_agency(liaison_officer, directory):
    with pytest.raises(PermissionDenied):
        agency_create(actor=liaison_officer(directory.jateng), name="Dinas Baru", slug="dinas-baru",
                      kind=Agency.Kind.UNIT, parent=directory.jateng)


def test_anonymous_actor_cannot_create(directory):
    with pytest.raises(PermissionDenied):
        agency_create(actor=None, name="Dinas Baru", slug="dinas-baru", kind=Agency.Kind.MINISTRY)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"slug": "dinas baru!"}, "slug"),
        ({"slug": "kemensos"}, "slug"),  # taken
        ({"kind": "kerajaan"}, "kind"),
        ({"kind": Agency.Kind.UNIT, "parent": None}, "parent"),
        ({"seat_region": "99.99"}, "seat_region"),
        ({"aliases": "bukan daftar"}, "aliases"),
    ],
)
def test_invalid_input_is_rejected_with_a_field_error_and_nothing_is_created(national_admin, directory, overrides, field):
    before = Agency.objects.count()
    kwargs = {"name": "Dinas Baru", "slug": "dinas-baru", "kind": Agency.Kind.UNIT, "parent": directory.jateng, **overrides}
    with pytest.raises(ValidationFailed) as exc:
        agency_create(actor=national_admin, **kwargs)
    assert list(exc.value.field_errors) == [field]
    assert Agency.objects.count() == before
    assert not AuditLog.objects.exists()


# --- agency_update --------------------------------------------------------------------------

def test_national_admin_updates_fields_and_the_change_is_audited(national_admin, directory):
    agency = agency_update(actor=national_admin, agency=directory.kemensos, name="Kementerian Sosial Republik Indonesia",
                           short_name="Kemensos", aliases=["Kementerian Sosial"], seat_region="33")
    agency.refresh_from_db()
    assert (agency.name, agency.short_name, agency.aliases, agency.seat_region_id) == (
        "Kementerian Sosial Republik Indonesia", "Kemensos", ["Kementerian Sosial"], "33",
    )
    row = AuditLog.objects.get(action="agency_update")
    assert row.data["changes"]["name"] == ["Kementerian Sosial", "Kementerian Sosial Republik Indonesia"]
    assert row.data["changes"]["seat_region"] == [None, "33"]


def test_update_without_a_change_writes_no_audit_row(national_admin, directory):
    agency_update(actor=national_admin, agency=directory.kemensos, name="Kementerian Sosial")
    assert not AuditLog.objects.exists()


def test_agency_admin_edits_its_own_units(agency_admin, directory):
    agency_update(actor=agency_admin(directory.jateng), agency=directory.dpu_jateng, short_name="DPU BM CK")
    directory.dpu_jateng.refresh_from_db()
    assert directory.dpu_jateng.short_name == "DPU BM CK"


def test_agency_admin_cannot_edit_another_agency(agency_admin, directory):
    with pytest.raises(PermissionDenied):
        agency_update(actor=agency_admin(directory.jateng), agency=directory.semarang, name="Diubah")
    directory.semarang.refresh_from_db()
    assert directory.semarang.name == "Pemerintah Kota Semarang"


def test_liaison_officer_cannot_edit_its_own_agency(liaison_officer, directory):
    with pytest.raises(PermissionDenied):
        agency_update(actor=liaison_officer(directory.dishub_semarang), agency=directory.dishub_semarang, name="Diubah")


def test_unknown_fields_are_refused(national_admin, directory):
    with pytest.raises(ValidationFailed) as exc:
        agency_update(actor=national_admin, agency=directory.kemensos, path="/1/")
    assert list(exc.value.field_errors) == ["path"]


@pytest.mark.parametrize("target", ["itself", "its_unit"])
def test_moving_an_agency_under_itself_or_its_own_unit_is_refused(national_admin, directory, target):
    new_parent = directory.jateng if target == "itself" else directory.dpu_jateng
    with pytest.raises(ValidationFailed) as exc:
        agency_update(actor=national_admin, agency=directory.jateng, parent=new_parent)
    assert list(exc.value.field_errors) == ["parent"]
    directory.jateng.refresh_from_db()
    assert directory.jateng.parent is None


def test_moving_an_agency_moves_the_paths_of_its_whole_subtree(national_admin, agency_admin, directory):
    section = agency_create(actor=national_admin, name="Seksi Parkir", slug="seksi-parkir-semarang",
                            kind=Agency.Kind.UNIT, parent=directory.dishub_semarang)

    agency_update(actor=national_admin, agency=directory.semarang, parent=directory.jateng)

    jateng = Agency.objects.get(pk=directory.jateng.pk)
    semarang = Agency.objects.get(pk=directory.semarang.pk)
    dishub = Agency.objects.get(pk=directory.dishub_semarang.pk)
    section = Agency.objects.get(pk=section.pk)
    assert semarang.path == f"{jateng.path}{semarang.pk}/"
    assert dishub.path == f"{semarang.path}{dishub.pk}/"
    assert section.path == f"{dishub.path}{section.pk}/"
    # The province's admin now reaches the moved subtree (a fresh user object: grants are cached per object).
    admin = User.objects.get(pk=agency_admin(directory.jateng).pk)
    assert user_has_perm(admin, "agency_manage", section)


def test_agency_admin_cannot_move_its_unit_out_of_its_subtree(agency_admin, directory):
    with pytest.raises(PermissionDenied):
        agency_update(actor=agency_admin(directory.jateng), agency=directory.dpu_jateng, parent=directory.semarang)
    directory.dpu_jateng.refresh_from_db()
    assert directory.dpu_jateng.parent_id == directory.jateng.pk


def test_agency_admin_cannot_detach_its_own_agency_to_the_top_level(agency_admin, directory):
    with pytest.raises(PermissionDenied):
        agency_update(actor=agency_admin(directory.semarang), agency=directory.dishub_semarang, parent=None,
                      kind=Agency.Kind.CITY)


# --- agency_coverage_set --------------------------------------------------------------------

def test_national_admin_replaces_coverage_and_it_is_audited(national_admin, directory):
    assert agency_coverage_set(actor=national_admin, agency=directory.kemensos, region_codes=["51", "33", "33"]) == ["33", "51"]
    assert coverage_of(directory.kemensos) == ["33", "51"]

    agency_coverage_set(actor=national_admin, agency=directory.kemensos, region_codes=["91"])
    assert coverage_of(directory.kemensos) == ["91"]
    last = AuditLog.objects.filter(action="agency_coverage_set").first()
    assert (last.data["added"], last.data["removed"]) == (["91"], ["33", "51"])


def test_unknown_region_codes_are_rejected_and_coverage_is_unchanged(national_admin, directory):
    with pytest.raises(ValidationFailed) as exc:
        agency_coverage_set(actor=national_admin, agency=directory.jateng, region_codes=["33", "99.99"])
    assert "99.99" in exc.value.field_errors["region_codes"][0]
    assert coverage_of(directory.jateng) == ["33"]
    assert not AuditLog.objects.exists()


def test_agency_admin_sets_coverage_of_own_unit_but_not_of_another_agency(agency_admin, directory):
    admin = agency_admin(directory.semarang)
    agency_coverage_set(actor=admin, agency=directory.dishub_semarang, region_codes=["33.74.01"])
    assert coverage_of(directory.dishub_semarang) == ["33.74.01"]

    with pytest.raises(PermissionDenied):
        agency_coverage_set(actor=admin, agency=directory.dpu_jateng, region_codes=["33.74"])
    assert coverage_of(directory.dpu_jateng) == ["33"]


def test_liaison_officer_cannot_set_coverage(liaison_officer, directory):
    with pytest.raises(PermissionDenied):
        agency_coverage_set(actor=liaison_officer(directory.jateng), agency=directory.jateng, region_codes=["33"])


# --- agency_category_set --------------------------------------------------------------------

def test_setting_a_category_twice_updates_the_same_row(national_admin, directory):
    first = agency_category_set(actor=national_admin, agency=directory.dpu_jateng, category=directory.road,
                                region="33", tier=ResolutionTier.FIELD_CHECK)
    second = agency_category_set(actor=national_admin, agency=directory.dpu_jateng, category="jalan",
                                 region="33", tier=ResolutionTier.NORMATIVE, resolution_days=10)
    assert first.pk == second.pk
    second.refresh_from_db()
    assert (second.tier, second.resolution_days) == (ResolutionTier.NORMATIVE, 10)
    assert AuditLog.objects.filter(action="agency_category_set").count() == 2


def test_a_category_for_all_coverage_is_not_duplicated(national_admin, directory):
    agency_category_set(actor=national_admin, agency=directory.dishub_semarang, category=directory.road)
    agency_category_set(actor=national_admin, agency=directory.dishub_semarang, category=directory.road, tier="light")
    rows = AgencyCategory.objects.filter(agency=directory.dishub_semarang)
    assert [(r.region_id, r.tier) for r in rows] == [(None, "light")]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"tier": "sangat_berat"}, "tier"),
        ({"resolution_days": 0}, "resolution_days"),
        ({"resolution_days": 61}, "resolution_days"),
        ({"region": "99.99"}, "region"),
        ({"region": "51.71"}, "region"),  # Denpasar is outside Kota Semarang's coverage
        ({"category": "tidak-ada"}, "category"),
    ],
)
def test_invalid_category_settings_are_rejected_and_nothing_is_stored(national_admin, directory, overrides, field):
    kwargs = {"category": directory.road, **overrides}
    with pytest.raises(ValidationFailed) as exc:
        agency_category_set(actor=national_admin, agency=directory.dishub_semarang, **kwargs)
    assert list(exc.value.field_errors) == [field]
    assert not AgencyCategory.objects.exists()


def test_agency_admin_sets_categories_for_own_units_only(agency_admin, liaison_officer, directory):
    admin = agency_admin(directory.semarang)
    agency_category_set(actor=admin, agency=directory.dishub_semarang, category=directory.road, region="33.74.01")
    with pytest.raises(PermissionDenied):
        agency_category_set(actor=admin, agency=directory.dpu_jateng, category=directory.road)
    with pytest.raises(PermissionDenied):
        agency_category_set(actor=liaison_officer(directory.semarang), agency=directory.semarang, category=directory.road)
    assert AgencyCategory.objects.count() == 1
