"""The demo directory as data: real names from the source CSVs, real region codes, a sensible tree."""

from __future__ import annotations

import csv
import re

from django.conf import settings

from aduan.agencies.demo_directory import (
    AGENCIES,
    CATEGORIES,
    NATIONAL,
    SOURCE_FILES,
    UNSOURCED_SLUGS,
    resolved_agencies,
)
from aduan.agencies.models import Agency, ResolutionTier
from aduan.regions.models import Region

K = Agency.Kind
BY_SLUG = {seed.slug: seed for seed in AGENCIES}
TOP_LEVEL_KINDS = {K.COORDINATOR, K.MINISTRY, K.NON_MINISTERIAL, K.SOCIAL_SECURITY, K.PROVINCE}


def source_names() -> set[str]:
    names: set[str] = set()
    for folder, filename, column in SOURCE_FILES:
        with open(settings.SHARED_DATA_DIR / folder / filename, encoding="utf-8", newline="") as fh:
            names.update(row[column].strip().casefold() for row in csv.DictReader(fh))
    return names


def test_every_sourced_agency_name_appears_in_one_of_the_source_csvs():
    known = source_names()
    missing = [seed.slug for seed in AGENCIES if seed.source_name and seed.source_name.strip().casefold() not in known]
    assert missing == []


def test_only_the_documented_structural_nodes_have_no_source():
    assert {seed.slug for seed in AGENCIES if not seed.source_name} == UNSOURCED_SLUGS


def test_the_source_spelling_is_kept_as_an_alias_when_the_proper_name_differs():
    for seed in AGENCIES:
        if seed.source_name and seed.source_name.strip() != seed.name:
            assert seed.source_name.strip() in seed.all_aliases, seed.slug
        assert seed.name not in seed.all_aliases


def test_slugs_and_names_are_unique_and_slugs_are_valid():
    slugs = [seed.slug for seed in AGENCIES]
    names = [seed.name for seed in AGENCIES]
    assert len(slugs) == len(set(slugs))
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) and len(s) <= 120 for s in slugs)
    assert all(len(seed.name) <= 200 and len(seed.short_name) <= 60 for seed in AGENCIES)


def test_the_coordinator_is_kemenpanrb():
    coordinators = [seed for seed in AGENCIES if seed.kind == K.COORDINATOR]
    assert [(c.slug, c.name, c.parent) for c in coordinators] == [
        ("kemenpanrb", "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi", None),
    ]


def test_tree_is_sensible():
    resolved_agencies()  # raises if a child is listed before its parent
    for seed in AGENCIES:
        if seed.kind == K.UNIT:
            assert seed.parent in BY_SLUG, f"{seed.slug}: a unit needs a parent"
        if seed.kind in TOP_LEVEL_KINDS:
            assert seed.parent is None, f"{seed.slug}: {seed.kind} is top-level"
        if seed.kind == K.STATE_ENTERPRISE and seed.parent:
            # BUMD belong to a regional government; BUMN are top-level.
            assert BY_SLUG[seed.parent].kind in {K.PROVINCE, K.REGENCY, K.CITY}, seed.slug
        if seed.kind in {K.REGENCY, K.CITY}:
            # Autonomous regencies/cities are top-level; only DKI's administrative cities hang under the province.
            assert seed.parent is None or seed.parent == "pemprov-dki-jakarta", seed.slug


def test_bpjs_kesehatan_branches_sit_under_bpjs_kesehatan_with_a_regency_seat(wilayah_by_code):
    branches = [seed for seed in AGENCIES if seed.source_name.startswith("BPJS Kesehatan KC")]
    assert len(branches) >= 10
    assert BY_SLUG["bpjs-kesehatan"].kind == K.SOCIAL_SECURITY
    for seed in branches:
        assert seed.parent == "bpjs-kesehatan"
        assert wilayah_by_code[seed.seat][1] == Region.Level.REGENCY, seed.slug
        assert seed.coverage == (seed.seat,)


def test_every_region_code_used_exists_in_wilayah_csv(wilayah_by_code):
    used: set[str] = set()
    for seed, seat, coverage in resolved_agencies():
        used.update(c for c in (seat, *coverage) if c and c != NATIONAL)
        used.update(e[1] for e in seed.categories if isinstance(e, tuple) and e[1])
    assert used, "the directory names regions"
    assert sorted(used - set(wilayah_by_code)) == []


def test_regional_governments_are_named_after_and_cover_their_region(wilayah_by_code):
    for seed, seat, coverage in resolved_agencies():
        if seed.kind in {K.PROVINCE, K.REGENCY, K.CITY}:
            region_name, level, _ = wilayah_by_code[seat]
            assert region_name in seed.name, f"{seed.slug}: {seat} is {region_name}"
            assert level == (Region.Level.PROVINCE if seed.kind == K.PROVINCE else Region.Level.REGENCY)
            assert coverage == (seat,)


def test_units_of_a_regional_government_stay_inside_its_region():
    resolved = {seed.slug: (seat, coverage) for seed, seat, coverage in resolved_agencies()}
    for seed in AGENCIES:
        parent = BY_SLUG.get(seed.parent)
        if parent is None or parent.kind not in {K.PROVINCE, K.REGENCY, K.CITY}:
            continue
        parent_region = resolved[parent.slug][0]
        seat, coverage = resolved[seed.slug]
        assert seat == parent_region or seat.startswith(parent_region + "."), seed.slug
        assert all(c == parent_region or c.startswith(parent_region + ".") for c in coverage), seed.slug


def test_kecamatan_units_sit_in_a_kecamatan_named_like_them(wilayah_by_code):
    kecamatan = [seed for seed in AGENCIES if seed.name.startswith("Kecamatan ")]
    assert kecamatan
    for seed in kecamatan:
        region_name, level, _ = wilayah_by_code[seed.seat]
        assert level == Region.Level.DISTRICT
        assert region_name.replace(" ", "").casefold() in seed.name.replace(" ", "").casefold()


def test_categories_are_well_formed():
    slugs = [c.slug for c in CATEGORIES]
    assert len(slugs) == len(set(slugs))
    seen: set[str] = set()
    for category in CATEGORIES:
        assert category.parent is None or category.parent in seen, f"{category.slug}: parent first"
        seen.add(category.slug)
        assert category.default_tier in ResolutionTier.values
        assert category.source
        # One plain sentence for citizens.
        assert category.description.endswith(".") and category.description.count(". ") == 0, category.slug
    laporgub = {"infrastruktur", "permades-kependudukan", "sosial-masyarakat", "pendidikan", "energi", "kesehatan",
                "keuangan-aset", "pertanian", "kepegawaian", "lingkungan", "ekonomi-industri", "bencana",
                "pariwisata-budaya"}
    faq = {"administrasi-kependudukan", "perizinan", "ketenagakerjaan", "jaminan-sosial", "perbankan", "transportasi"}
    assert laporgub | faq <= seen
    tiers = {c.slug: c.default_tier for c in CATEGORIES}
    assert tiers["infrastruktur"] == ResolutionTier.FIELD_CHECK
    assert tiers["administrasi-kependudukan"] == ResolutionTier.NORMATIVE
    assert tiers["informasi"] == ResolutionTier.LIGHT


def test_every_category_is_handled_by_someone_and_every_handled_category_exists():
    known = {c.slug for c in CATEGORIES}
    handled = {e[0] if isinstance(e, tuple) else e for seed in AGENCIES for e in seed.categories}
    assert handled - known == set()
    # A parent topic (Jaminan Sosial) is handled through its children.
    handled |= {c.parent for c in CATEGORIES if c.slug in handled and c.parent}
    assert known - handled == set()
    for seed in AGENCIES:
        for entry in seed.categories:
            if isinstance(entry, tuple):
                assert entry[2] in ("", *ResolutionTier.values)
