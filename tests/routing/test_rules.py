"""The routing rules engine (aduan/routing/rules.py): specificity, resolution through the
agency tree and coverage, asset owners, and the default rules over the demo directory."""

from __future__ import annotations

import pytest

from aduan.agencies.models import Agency, AgencyCategory, AgencyCoverage, Category
from aduan.routing.models import AssetOwner, AuthorityLevel, RoutingRule
from aduan.routing.rules import asset_owner_detect, authority_for, directory_changed, rules_explain, rules_resolve
from tests.agencies.conftest import demo_regions, wilayah_by_code  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

MIROTO = "33.74.01.1001"  # a kelurahan in Kota Semarang


@pytest.fixture
def roads(directory):
    """Who handles roads: the province's DPU (for all of Jawa Tengah), a city DPU, and the
    ministry (top-level, no coverage rows: all of Indonesia)."""
    d = directory
    AgencyCategory.objects.create(agency=d.dpu_jateng, category=d.road, region_id="33")
    dpu_kota = Agency.objects.create(name="Dinas Pekerjaan Umum Kota Semarang", slug="dpu-kota-semarang",
                                     kind=Agency.Kind.UNIT, parent=d.semarang)
    AgencyCoverage.objects.create(agency=dpu_kota, region_id="33.74")
    AgencyCategory.objects.create(agency=dpu_kota, category=d.road)
    pupr = Agency.objects.create(name="Kementerian Pekerjaan Umum dan Perumahan Rakyat", slug="kemen-pupr",
                                 kind=Agency.Kind.MINISTRY)
    AgencyCategory.objects.create(agency=pupr, category=d.road)
    return {"province": d.dpu_jateng, "city": dpu_kota, "national": pupr}


def rule(**fields) -> RoutingRule:
    return RoutingRule.objects.create(**fields)


def resolved(**question) -> Agency | None:
    match = rules_resolve(**question)
    return match.agency if match else None


# --- the road example ------------------------------------------------------------------------

def test_national_provincial_and_city_roads_in_semarang_go_to_three_agencies(directory, roads):
    rule(category=directory.road, asset_owner=AssetOwner.NATIONAL, region_level=AuthorityLevel.NATIONAL)
    rule(category=directory.road, asset_owner=AssetOwner.PROVINCIAL, region_level=AuthorityLevel.PROVINCE)
    rule(category=directory.road, asset_owner=AssetOwner.REGENCY, region_level=AuthorityLevel.REGENCY)

    by_owner = {owner: resolved(category=directory.road, region=MIROTO, asset_owner=owner)
                for owner in (AssetOwner.NATIONAL, AssetOwner.PROVINCIAL, AssetOwner.REGENCY)}

    assert by_owner == {AssetOwner.NATIONAL: roads["national"], AssetOwner.PROVINCIAL: roads["province"],
                        AssetOwner.REGENCY: roads["city"]}


def test_road_owner_named_in_the_text_decides_through_authority_for(directory, roads):
    rule(category=directory.road, asset_owner=AssetOwner.NATIONAL, region_level=AuthorityLevel.NATIONAL)
    rule(category=directory.road, region_level=AuthorityLevel.REGENCY)

    assert authority_for(region=MIROTO, sector_category=directory.road,
                         text="Jalan nasional Semarang–Demak berlubang besar") == roads["national"]
    assert authority_for(region=MIROTO, sector_category=directory.road, text="Jalan di depan kantor berlubang") == roads["city"]


# --- specificity ----------------------------------------------------------------------------

def test_no_rule_gives_none(directory, roads):
    assert rules_resolve(category=directory.road, region=MIROTO) is None


def test_inactive_rule_is_ignored(directory, roads):
    rule(category=directory.road, region_level=AuthorityLevel.REGENCY, is_active=False)
    assert rules_resolve(category=directory.road, region=MIROTO) is None
    rule(category=directory.road, region_level=AuthorityLevel.PROVINCE)
    assert resolved(category=directory.road, region=MIROTO) == roads["province"]


def test_deeper_region_beats_category_and_priority(directory, roads):
    rule(category=directory.road, target_agency=directory.kemensos, priority=100)
    city_rule = rule(region_id="33.74", target_agency=directory.dishub_semarang)
    match = rules_resolve(category=directory.road, region=MIROTO)
    assert (match.agency, match.rule) == (directory.dishub_semarang, city_rule)
    # Outside the rule's region the national rule applies.
    assert resolved(category=directory.road, region="51.71") == directory.kemensos


def test_own_category_beats_parent_which_beats_any(directory, roads):
    child = Category.objects.create(name="Jalan berlubang", slug="jalan-berlubang", parent=directory.road)
    rule(target_agency=directory.coordinator)
    rule(category=directory.road, target_agency=directory.dpu_jateng)
    assert resolved(category=child, region=MIROTO) == directory.dpu_jateng  # parent category rule applies to a child
    rule(category=child, target_agency=directory.dishub_semarang)
    assert resolved(category=child, region=MIROTO) == directory.dishub_semarang
    assert resolved(category=directory.adminduk, region=MIROTO) == directory.coordinator


def test_named_asset_owner_beats_unnamed_and_never_applies_without_it(directory, roads):
    rule(category=directory.road, target_agency=directory.dishub_semarang)
    rule(category=directory.road, asset_owner=AssetOwner.PROVINCIAL, target_agency=directory.dpu_jateng)
    assert resolved(category=directory.road, region=MIROTO, asset_owner=AssetOwner.PROVINCIAL) == directory.dpu_jateng
    assert resolved(category=directory.road, region=MIROTO) == directory.dishub_semarang
    assert resolved(category=directory.road, region=MIROTO, asset_owner=AssetOwner.NATIONAL) == directory.dishub_semarang


def test_ties_go_to_higher_priority_then_older_rule(directory, roads):
    first = rule(category=directory.road, target_agency=directory.dishub_semarang)
    rule(category=directory.road, target_agency=directory.kemensos)
    assert rules_resolve(category=directory.road, region=MIROTO).rule == first
    preferred = rule(category=directory.road, target_agency=directory.dpu_jateng, priority=5)
    assert rules_resolve(category=directory.road, region=MIROTO).rule == preferred


def test_unresolvable_rule_hands_over_to_the_next_and_says_why(directory, roads):
    # Jawa Tengah has no district-level agency for Semarang Tengah in this directory.
    rule(category=directory.road, region_id="33.74", region_level=AuthorityLevel.DISTRICT, fallback_to_government=False)
    rule(category=directory.road, region_level=AuthorityLevel.PROVINCE)
    explanation = rules_explain(category=directory.road, region=MIROTO)
    assert explanation.match.agency == roads["province"]
    assert any("33.74.01" in line for line in explanation.trace)


def test_report_located_only_to_the_province_cannot_use_a_regency_rule(directory, roads):
    rule(category=directory.road, region_level=AuthorityLevel.REGENCY)
    assert rules_resolve(category=directory.road, region="33") is None


def test_inactive_or_non_accepting_fixed_target_hands_over(directory, roads):
    rule(category=directory.road, target_agency=directory.dishub_semarang, priority=10)
    rule(category=directory.road, target_agency=directory.dpu_jateng)
    Agency.objects.filter(pk=directory.dishub_semarang.pk).update(accepts_reports=False)
    assert resolved(category=directory.road, region=MIROTO) == directory.dpu_jateng


# --- resolution through the tree ------------------------------------------------------------

def test_nobody_handling_the_category_falls_back_to_the_government_only_if_the_rule_says_so(directory, roads):
    strict = rule(category=directory.adminduk, region_level=AuthorityLevel.REGENCY, fallback_to_government=False)
    assert rules_resolve(category=directory.adminduk, region=MIROTO) is None
    strict.fallback_to_government = True
    strict.save()
    match = rules_resolve(category=directory.adminduk, region=MIROTO)
    assert match.agency == directory.semarang and "koordinator" in match.reason_text


def test_region_specific_handler_beats_a_general_one_in_the_same_government(directory, roads):
    other = Agency.objects.create(name="Dinas Perumahan Kota Semarang", slug="disperkim-kota-semarang",
                                  kind=Agency.Kind.UNIT, parent=directory.semarang)
    AgencyCoverage.objects.create(agency=other, region_id="33.74")
    AgencyCategory.objects.create(agency=other, category=directory.road)
    rule(category=directory.road, region_level=AuthorityLevel.REGENCY)
    # Two equal handlers: the government they share disposes internally.
    assert resolved(category=directory.road, region=MIROTO) == directory.semarang
    AgencyCategory.objects.filter(agency=roads["city"]).update(region_id="33.74")
    directory_changed()  # a bulk update sends no signal: other processes see it within SNAPSHOT_SECONDS
    assert resolved(category=directory.road, region=MIROTO) == roads["city"]


def test_unit_without_coverage_is_reached_by_name_only(directory, roads):
    AgencyCoverage.objects.filter(agency=roads["city"]).delete()
    rule(category=directory.road, region_level=AuthorityLevel.REGENCY, fallback_to_government=False)
    assert rules_resolve(category=directory.road, region=MIROTO) is None


def test_national_level_leaves_out_regional_governments_and_prefers_the_nearest_office(directory, roads):
    kanwil = Agency.objects.create(name="Balai Jalan Nasional Jawa Tengah", slug="bbpjn-jateng", kind=Agency.Kind.UNIT,
                                   parent=roads["national"])
    AgencyCoverage.objects.create(agency=kanwil, region_id="33")
    AgencyCategory.objects.create(agency=kanwil, category=directory.road)
    rule(category=directory.road, region_level=AuthorityLevel.NATIONAL)
    assert resolved(category=directory.road, region=MIROTO) == kanwil
    assert resolved(category=directory.road, region="51.71") == roads["national"]


def test_unsaved_rules_can_be_tried_without_writing_anything(directory, roads):
    draft = RoutingRule(category=directory.road, region_level=AuthorityLevel.REGENCY)
    match = rules_resolve(category=directory.road, region=MIROTO, rules=[draft])
    assert match.agency == roads["city"] and match.rule is draft
    assert not RoutingRule.objects.exists()


# --- asset owner from text ----------------------------------------------------------------

@pytest.mark.parametrize(("text", "owner"), [
    ("Jalan nasional Pantura rusak parah", AssetOwner.NATIONAL),
    ("lubang di jln negara dekat pasar", AssetOwner.NATIONAL),
    ("antrean di gerbang tol Kalikangkung", AssetOwner.NATIONAL),
    ("Jl. Provinsi Semarang-Purwodadi banyak lubang", AssetOwner.PROVINCIAL),
    ("jalan propinsi berlubang", AssetOwner.PROVINCIAL),
    ("jalan kabupaten menuju desa kami rusak", AssetOwner.REGENCY),
    ("Jalan Kota di Tembalang gelap", AssetOwner.REGENCY),
    ("jalan desa longsor", AssetOwner.VILLAGE),
    ("tolong perbaiki lampu jalan", ""),  # "tolong" is not "tol"
    ("jalan kabupaten yang menuju jalan nasional rusak", ""),  # two owners: let the rules decide
    ("pelayanan KTP lambat", ""),
])
def test_asset_owner_detect(text, owner):
    assert asset_owner_detect(text) == owner


# --- default rules over the demo directory --------------------------------------------------

@pytest.fixture
def seeded(demo_regions):  # noqa: F811
    from aduan.agencies.services import directory_load_demo
    from aduan.routing.services_rules import routing_rules_seed

    directory_load_demo(progress=False)
    counts = routing_rules_seed()
    return counts


def test_seed_is_idempotent_and_keeps_officials_edits(seeded):
    assert seeded["created"] == RoutingRule.objects.count() > 0 and seeded["skipped"] == 0
    edited = RoutingRule.objects.filter(category__isnull=True, region__isnull=True, region_level=AuthorityLevel.REGENCY).get()
    RoutingRule.objects.filter(pk=edited.pk).update(priority=7, is_active=False)
    from aduan.routing.services_rules import routing_rules_seed

    again = routing_rules_seed()
    assert again["created"] == 0 and again["existing"] == seeded["created"]
    edited.refresh_from_db()
    assert (edited.priority, edited.is_active) == (7, False)


@pytest.mark.parametrize(("category", "region", "owner", "slug"), [
    ("infrastruktur", "33.74.10", AssetOwner.NATIONAL, "kemen-pupr"),
    ("infrastruktur", "33.74.10", AssetOwner.PROVINCIAL, "dpu-binmar-cipka-jateng"),
    ("infrastruktur", "33.74.10", AssetOwner.REGENCY, "dpu-kota-semarang"),
    ("infrastruktur", "33.74.10", AssetOwner.VILLAGE, "dpu-kota-semarang"),
    ("kesehatan", "35.22", "", "dinkes-bojonegoro"),
    ("infrastruktur", "33.21", "", "pemkab-demak"),  # no unit for it: the regency's coordinator
    ("jaminan-kesehatan", "62.71", "", "bpjs-kesehatan-kc-palangkaraya"),
    ("pertanahan", "33.74.10", "", "kanwil-bpn-jateng"),
    ("listrik", "33.74", "", "pln-distribusi-jateng-diy"),
    ("transportasi", "31.74", "", "sudinhub-jakarta-selatan"),  # DKI: province level, the city's sudin
    ("jaminan-kesehatan", "31.74", "", "bpjs-kesehatan"),  # national sectors still reach BPJS in Jakarta
])
def test_default_rules_route_the_demo_directory(seeded, category, region, owner, slug):
    assert resolved(category=category, region=region, asset_owner=owner).slug == slug


def test_default_rules_leave_an_unlocated_shared_sector_to_the_verifier(seeded):
    # Schools are Kemendikbud's and madrasahs Kemenag's: without a place nobody can tell.
    assert rules_resolve(category="pendidikan", region=None) is None


def test_the_snapshot_follows_saved_changes_without_waiting(directory, roads):
    rule(category=directory.road, region_level=AuthorityLevel.REGENCY)
    assert resolved(category=directory.road, region=MIROTO) == roads["city"]
    roads["city"].accepts_reports = False
    roads["city"].save()  # a signal drops the snapshot
    assert resolved(category=directory.road, region=MIROTO) != roads["city"]
