"""directory_load_demo / agencies_load_demo over the real Kemendagri regions."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from aduan.agencies.demo_directory import AGENCIES, CATEGORIES
from aduan.agencies.models import Agency, AgencyCategory, AgencyCoverage, Category
from aduan.agencies.services import directory_load_demo
from aduan.audit.models import AuditLog
from aduan.core.errors import ValidationFailed
from aduan.regions.models import Region


def table_counts() -> tuple[int, int, int, int]:
    return (Agency.objects.count(), Category.objects.count(), AgencyCoverage.objects.count(), AgencyCategory.objects.count())


def test_demo_directory_loads_every_agency_and_category(demo_regions):
    counts = directory_load_demo(progress=False)

    assert counts["agencies"] == counts["created_agencies"] == len(AGENCIES) == Agency.objects.count()
    assert counts["categories"] == len(CATEGORIES) == Category.objects.count()
    kemenpanrb = Agency.objects.get(slug="kemenpanrb")
    assert kemenpanrb.kind == Agency.Kind.COORDINATOR and kemenpanrb.parent is None
    assert AuditLog.objects.filter(action="directory_load_demo").count() == 1


def test_paths_match_the_parent_chain(demo_regions):
    directory_load_demo(progress=False)
    for agency in Agency.objects.select_related("parent"):
        expected = f"{agency.parent.path if agency.parent else '/'}{agency.pk}/"
        assert agency.path == expected, agency.slug


def test_running_the_demo_load_twice_gives_the_same_rows(demo_regions):
    first = directory_load_demo(progress=False)
    before = table_counts()
    ids = dict(Agency.objects.values_list("slug", "pk"))

    second = directory_load_demo(progress=False)

    assert table_counts() == before
    assert dict(Agency.objects.values_list("slug", "pk")) == ids
    assert {k: v for k, v in second.items() if not k.startswith("created_")} == {
        k: v for k, v in first.items() if not k.startswith("created_")
    }
    assert [second[k] for k in second if k.startswith("created_")] == [0, 0, 0, 0]


def test_demo_load_updates_the_fixture_directory_in_place(directory, demo_regions):
    directory_load_demo(progress=False)

    dishub = Agency.objects.get(slug="dishub-kota-semarang")
    assert dishub.pk == directory.dishub_semarang.pk
    assert dishub.parent_id == directory.semarang.pk
    assert Agency.objects.get(slug="kemenpanrb").pk == directory.coordinator.pk


def test_seats_coverage_and_handled_categories_are_stored(demo_regions):
    directory_load_demo(progress=False)

    palangkaraya = Agency.objects.get(slug="bpjs-kesehatan-kc-palangkaraya")
    assert palangkaraya.parent.slug == "bpjs-kesehatan"
    assert palangkaraya.seat_region_id == "62.71"
    assert list(palangkaraya.coverage.values_list("region_id", flat=True)) == ["62.71"]
    assert palangkaraya.categories.get().category.slug == "jaminan-kesehatan"
    assert "BPJS Kesehatan KC Palangkaraya" in palangkaraya.aliases

    provinces = Region.objects.filter(level=Region.Level.PROVINCE).count()
    assert provinces == 38
    assert Agency.objects.get(slug="kemenpanrb").coverage.count() == provinces

    dpu = Agency.objects.get(slug="dpu-binmar-cipka-jateng")
    assert dpu.parent.slug == "pemprov-jateng"
    assert dpu.short_name == "DPU BINMAR CIPKA"
    assert list(dpu.categories.values_list("category__slug", "region_id")) == [("infrastruktur", "33")]

    semarang = Agency.objects.get(slug="pemkot-semarang")
    assert semarang.parent is None and semarang.seat_region_id == "33.74"
    assert semarang.timezone == "Asia/Jakarta"
    assert Agency.objects.get(slug="bpjs-kesehatan-kc-biak").timezone == "Asia/Jayapura"
    assert Agency.objects.get(slug="kota-adm-jakarta-barat").parent.slug == "pemprov-dki-jakarta"


def test_demo_load_without_regions_asks_for_regions_load(db):
    with pytest.raises(ValidationFailed, match="regions_load"):
        directory_load_demo(progress=False)
    assert table_counts() == (0, 0, 0, 0)


def test_command_prints_counts(demo_regions):
    out = StringIO()
    call_command("agencies_load_demo", stdout=out, stderr=StringIO())
    assert f"{len(AGENCIES)} instansi" in out.getvalue()


def test_command_fails_clearly_without_regions(db):
    with pytest.raises(CommandError, match="regions_load"):
        call_command("agencies_load_demo", stdout=StringIO(), stderr=StringIO())
