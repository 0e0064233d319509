"""Shared fixtures and named personas (STYLE.md §11).

The ``directory`` fixture builds a small real-shaped tree: the national coordinator
(Kementerian PANRB), Pemerintah Provinsi Jawa Tengah with a dinas, Pemerintah Kota
Semarang with a dinas, and Kementerian Sosial, over a handful of real Kemendagri regions
in the three time zones.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from aduan.accounts.permissions import Role
from aduan.agencies.models import Agency, AgencyCoverage, Category
from aduan.regions.models import Region

from .browser.support import browser, page, page_no_js  # noqa: F401  (fixtures for every folder)
from .factories import member


@dataclass
class Directory:
    coordinator: Agency
    jateng: Agency
    dpu_jateng: Agency
    semarang: Agency
    dishub_semarang: Agency
    kemensos: Agency
    road: Category
    adminduk: Category


REGIONS = [
    ("33", "Jawa Tengah", 1, None, "Asia/Jakarta"),
    ("33.74", "Kota Semarang", 2, "33", "Asia/Jakarta"),
    ("33.74.01", "Semarang Tengah", 3, "33.74", "Asia/Jakarta"),
    ("33.74.01.1001", "Miroto", 4, "33.74.01", "Asia/Jakarta"),
    ("51", "Bali", 1, None, "Asia/Makassar"),
    ("51.71", "Kota Denpasar", 2, "51", "Asia/Makassar"),
    ("91", "Papua", 1, None, "Asia/Jayapura"),
    ("91.71", "Kota Jayapura", 2, "91", "Asia/Jayapura"),
]


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Calendars are cached per process; a rolled-back CalendarDay must not outlive its test."""
    from aduan.standards.deadlines import calendar_cache_clear

    calendar_cache_clear()
    yield
    calendar_cache_clear()


@pytest.fixture(autouse=True)
def _fresh_duplicate_index():
    """The duplicate index lives as long as the process; each test's database is new."""
    from aduan.reports.services.duplicate_index import live_index_reset
    from aduan.routing.rules import directory_snapshot_clear

    live_index_reset()
    directory_snapshot_clear()
    yield
    live_index_reset()
    directory_snapshot_clear()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit and throttle counters live in the process cache: each test starts at zero."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def regions(db):
    for code, name, level, parent, tz in REGIONS:
        Region.objects.update_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent, "timezone": tz})
    return {r.code: r for r in Region.objects.all()}


@pytest.fixture
def directory(regions) -> Directory:
    coordinator = Agency.objects.create(name="Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
                                        short_name="KemenPANRB", slug="kemenpanrb", kind=Agency.Kind.COORDINATOR)
    jateng = Agency.objects.create(name="Pemerintah Provinsi Jawa Tengah", slug="pemprov-jateng",
                                   kind=Agency.Kind.PROVINCE, seat_region=regions["33"])
    dpu = Agency.objects.create(name="Dinas Pekerjaan Umum Bina Marga dan Cipta Karya", short_name="DPU BINMAR CIPKA",
                                slug="dpu-binmar-cipka-jateng", kind=Agency.Kind.UNIT, parent=jateng, seat_region=regions["33"])
    semarang = Agency.objects.create(name="Pemerintah Kota Semarang", slug="pemkot-semarang",
                                     kind=Agency.Kind.CITY, seat_region=regions["33.74"])
    dishub = Agency.objects.create(name="Dinas Perhubungan Kota Semarang", slug="dishub-kota-semarang",
                                   kind=Agency.Kind.UNIT, parent=semarang, seat_region=regions["33.74"])
    kemensos = Agency.objects.create(name="Kementerian Sosial", slug="kemensos", kind=Agency.Kind.MINISTRY)
    for agency, code in [(jateng, "33"), (dpu, "33"), (semarang, "33.74"), (dishub, "33.74")]:
        AgencyCoverage.objects.create(agency=agency, region=regions[code])
    road = Category.objects.create(name="Infrastruktur jalan", slug="jalan", default_tier="no_field_check")
    adminduk = Category.objects.create(name="Administrasi kependudukan", slug="adminduk", default_tier="normative")
    return Directory(coordinator, jateng, dpu, semarang, dishub, kemensos, road, adminduk)


@pytest.fixture
def national_admin(directory):
    return member(Role.NATIONAL_ADMIN, username="admin-nasional")


@pytest.fixture
def verifier(directory):
    return member(Role.VERIFIER, username="verifikator-nasional")


@pytest.fixture
def regional_verifier(directory):
    return member(Role.VERIFIER, directory.jateng, username="verifikator-jateng")


@pytest.fixture
def auditor(directory):
    return member(Role.AUDITOR, username="auditor-ombudsman")


@pytest.fixture
def liaison_officer(directory):
    def make(agency: Agency):
        return member(Role.LIAISON_OFFICER, agency)
    return make


@pytest.fixture
def agency_admin(directory):
    def make(agency: Agency):
        return member(Role.AGENCY_ADMIN, agency)
    return make


@pytest.fixture
def supervisor(directory):
    def make(agency: Agency):
        return member(Role.SUPERVISOR, agency)
    return make


@pytest.fixture
def citizen(db):
    from .factories import UserFactory

    return UserFactory(username="warga", full_name="Siti Warga", email="siti@example.test", phone="+6281234567890")
