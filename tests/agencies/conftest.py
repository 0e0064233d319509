"""Regions for the demo directory: only the rows it references (all provinces, every seat
and coverage code and their ancestors), read from the real wilayah.csv — a few hundred
rows instead of 91,599."""

from __future__ import annotations

import pytest
from django.conf import settings

from aduan.agencies import demo_directory
from aduan.regions.models import Region
from aduan.regions.services import timezone_for_code, wilayah_rows

WILAYAH_DIR = settings.SHARED_DATA_DIR / "wilayah-kemendagri"


def demo_region_codes() -> set[str]:
    codes: set[str] = set()
    for seed, seat, coverage in demo_directory.resolved_agencies():
        codes.update(c for c in (seat, *coverage) if c and c != demo_directory.NATIONAL)
        codes.update(e[1] for e in seed.categories if isinstance(e, tuple) and e[1])
    return codes


@pytest.fixture(scope="session")
def wilayah_by_code() -> dict[str, tuple[str, int, str | None]]:
    return {code: (name, level, parent) for code, name, level, parent in wilayah_rows(WILAYAH_DIR)}


@pytest.fixture
def demo_regions(db, wilayah_by_code):
    wanted: set[str] = {code for code, (_, level, _) in wilayah_by_code.items() if level == Region.Level.PROVINCE}
    for code in demo_region_codes():
        parts = code.split(".")
        wanted.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    rows = sorted((wilayah_by_code[c][1], c) for c in wanted)
    Region.objects.bulk_create(
        [Region(code=c, name=wilayah_by_code[c][0], level=level, parent_id=wilayah_by_code[c][2], timezone=timezone_for_code(c))
         for level, c in rows],
        update_conflicts=True, unique_fields=["code"], update_fields=["name", "level", "parent", "timezone"],
    )
    return wanted
