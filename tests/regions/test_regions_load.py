"""regions_load over the real Kemendagri file: exact counts, tree, zones, idempotence."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from aduan.core.errors import ValidationFailed
from aduan.regions.models import Region, RegionBoundary
from aduan.regions.services import regions_load, timezone_for_code, wilayah_dir, wilayah_rows

from .conftest import WILAYAH_DIR

pytestmark = pytest.mark.slow

EXPECTED = {"province": 38, "regency": 514, "district": 7285, "village": 83762, "total": 91599, "boundaries": 552}


def test_full_load_has_exact_counts_per_level(loaded_regions, db):
    assert {k: v for k, v in loaded_regions.items() if k not in ("skipped", "population")} == EXPECTED
    assert loaded_regions["skipped"] is False
    assert Region.objects.filter(level=Region.Level.PROVINCE).count() == 38
    assert Region.objects.filter(level=Region.Level.REGENCY).count() == 514
    assert Region.objects.filter(level=Region.Level.DISTRICT).count() == 7285
    assert Region.objects.filter(level=Region.Level.VILLAGE).count() == 83762
    assert Region.objects.count() == 91599
    assert RegionBoundary.objects.count() == 552
    # Every province and kabupaten/kota has its polygon, nothing below.
    assert not RegionBoundary.objects.exclude(region__level__in=[1, 2]).exists()


def test_every_region_hangs_under_the_code_one_segment_shorter(loaded_regions, db):
    assert Region.objects.get(code="33.74").parent_id == "33"
    assert Region.objects.get(code="33.74.01").parent_id == "33.74"
    assert Region.objects.get(code="33.74.01.1001").parent_id == "33.74.01"
    assert set(Region.objects.filter(parent__isnull=True).values_list("level", flat=True)) == {Region.Level.PROVINCE}
    mismatched = [
        code for code, parent in Region.objects.exclude(level=Region.Level.PROVINCE).values_list("code", "parent_id")
        if parent != code.rsplit(".", 1)[0]
    ]
    assert mismatched == []


def test_names_come_from_the_file_without_stray_spaces(loaded_regions, db):
    assert Region.objects.get(code="31.73").name == "Kota Administrasi Jakarta Barat"
    assert Region.objects.get(code="33.74").name == "Kota Semarang"
    # Upstream spells this one with a trailing space.
    assert Region.objects.get(code="31.72").name == "Kota Administrasi Jakarta Utara"


def test_time_zone_of_every_row_follows_its_province(loaded_regions, db):
    assert Region.objects.get(code="91.06").timezone == "Asia/Jayapura"  # Kabupaten Biak Numfor, Papua
    assert Region.objects.get(code="51.03").timezone == "Asia/Makassar"  # Kabupaten Badung, Bali
    assert Region.objects.get(code="31.73").timezone == "Asia/Jakarta"
    rows = Region.objects.values_list("code", "timezone").iterator(chunk_size=10000)
    wrong = [code for code, tz in rows if tz != timezone_for_code(code)]
    assert wrong == []


def test_forced_reload_is_idempotent_and_restores_edited_rows(loaded_regions, db):
    Region.objects.filter(code="31.73").update(name="Nama keliru", timezone="Asia/Makassar")

    counts = regions_load(data_dir=WILAYAH_DIR, force=True, progress=False)

    assert {k: v for k, v in counts.items() if k not in ("skipped", "population")} == EXPECTED
    assert counts["skipped"] is False
    jakbar = Region.objects.get(code="31.73")
    assert (jakbar.name, jakbar.parent_id, jakbar.level, jakbar.timezone) == (
        "Kota Administrasi Jakarta Barat", "31", Region.Level.REGENCY, "Asia/Jakarta",
    )
    assert Region.objects.count() == 91599
    assert RegionBoundary.objects.count() == 552


def test_reload_is_skipped_when_the_database_already_matches(loaded_regions, db, django_assert_max_num_queries):
    Region.objects.filter(code="31.73").update(name="Nama keliru")

    with django_assert_max_num_queries(4):  # counts, then the population figures (unchanged: no write)
        counts = regions_load(data_dir=WILAYAH_DIR, progress=False)

    assert counts["skipped"] is True
    assert counts["total"] == 91599
    # Nothing was written: the edit is still there.
    assert Region.objects.get(code="31.73").name == "Nama keliru"


def test_command_says_already_loaded_on_a_loaded_database(loaded_regions, db):
    out = StringIO()
    call_command("regions_load", "--data-dir", str(WILAYAH_DIR), stdout=out, stderr=StringIO())
    assert "already loaded" in out.getvalue()
    assert "91.599" in out.getvalue()


def test_command_fails_clearly_when_the_data_folder_is_missing(db, tmp_path):
    with pytest.raises(CommandError, match="wilayah.csv tidak ditemukan"):
        call_command("regions_load", "--data-dir", str(tmp_path), stdout=StringIO(), stderr=StringIO())


def test_data_dir_may_be_the_shared_root_or_the_wilayah_folder():
    assert wilayah_dir(WILAYAH_DIR) == WILAYAH_DIR
    assert wilayah_dir(WILAYAH_DIR.parent) == WILAYAH_DIR


def test_rows_are_sorted_parents_first_and_unknown_levels_rejected(tmp_path):
    rows = wilayah_rows(WILAYAH_DIR)
    levels = [level for _, _, level, _ in rows]
    assert levels == sorted(levels)

    (tmp_path / "wilayah.csv").write_text("kode,nama,level,kode_induk\n11,Aceh,negara_bagian,\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="tidak dikenal"):
        wilayah_rows(tmp_path)


def test_population_is_loaded_for_provinces_and_regencies_and_restored_on_every_load(loaded_regions, db):
    # wilayah_penduduk.csv: 38 provinces + 514 regencies/cities (the national row is skipped).
    assert Region.objects.filter(population__isnull=False).count() == 552
    assert Region.objects.filter(level__gte=Region.Level.DISTRICT, population__isnull=False).count() == 0
    jateng = Region.objects.get(code="33").population
    regencies = sum(Region.objects.filter(parent_id="33").values_list("population", flat=True))
    assert jateng > 30_000_000 and abs(regencies - jateng) / jateng < 0.01
    Region.objects.filter(code="33.74").update(population=None)

    counts = regions_load(data_dir=WILAYAH_DIR, progress=False)

    assert counts["skipped"] is True and counts["population"] == 552
    assert Region.objects.get(code="33.74").population > 1_000_000  # Kota Semarang
