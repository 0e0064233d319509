"""Tests of aduan/standards/deadlines.py: the calendar an agency's clock runs on
(``holidays`` package + editable CalendarDay rows, scoped by region) and the time limits
it applies (TimeLimits rows: agency → ancestors → national row → statutory defaults).

Dates are concrete; each case id says what it pins.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from aduan.agencies.models import Agency, ResolutionTier
from aduan.core.calendar import WIB, WIT, WITA
from aduan.standards.deadlines import calendar_for, calendar_for_agency, limits_for, resolution_days
from aduan.standards.models import DEFAULT_LIMITS, CalendarDay, TimeLimits

pytestmark = pytest.mark.django_db


def d(iso: str) -> date:
    return date.fromisoformat(iso)


def wib(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=WIB)


def eod(iso_date: str, tz=WIB) -> datetime:
    return datetime.fromisoformat(f"{iso_date}T23:59:59").replace(tzinfo=tz).astimezone(UTC)


def national(year: int):
    return calendar_for(region_code=None, tz_name="Asia/Jakarta", year=year)


# --- what the holidays package contributes (public + government = cuti bersama) ---------------

@pytest.mark.parametrize(
    ("day", "year"),
    [
        ("2026-03-18", 2026),  # cuti bersama Nyepi
        ("2026-03-19", 2026),  # Nyepi
        ("2026-03-20", 2026),  # cuti bersama Idul Fitri
        ("2026-03-21", 2026),  # Idul Fitri
        ("2026-03-22", 2026),  # Idul Fitri, second day
        ("2026-03-23", 2026),  # cuti bersama Idul Fitri
        ("2026-03-24", 2026),  # cuti bersama Idul Fitri
        ("2025-03-28", 2025),  # cuti bersama Nyepi
        ("2025-03-31", 2025),  # Idul Fitri
        ("2025-04-01", 2025),  # Idul Fitri, second day
        ("2025-04-02", 2025),  # cuti bersama
        ("2025-04-03", 2025),  # cuti bersama
        ("2025-04-04", 2025),  # cuti bersama
        ("2025-04-07", 2025),  # cuti bersama
        ("2026-12-24", 2026),  # cuti bersama Natal
        ("2026-12-25", 2026),  # Natal
        ("2027-01-01", 2026),  # Tahun Baru, loaded from the next year
        ("2027-01-05", 2026),  # Isra Mi'raj 2027, loaded from the next year
        ("2025-12-26", 2026),  # cuti bersama Natal 2025, loaded from the previous year
    ],
    ids=[
        "2026-cuti-nyepi", "2026-nyepi", "2026-cuti-idul-fitri-before", "2026-idul-fitri-1", "2026-idul-fitri-2",
        "2026-cuti-idul-fitri-after-1", "2026-cuti-idul-fitri-after-2",
        "2025-cuti-nyepi", "2025-idul-fitri-1", "2025-idul-fitri-2", "2025-cuti-1", "2025-cuti-2", "2025-cuti-3",
        "2025-cuti-4", "2026-cuti-natal", "2026-natal", "2027-new-year-from-2026-calendar",
        "2027-isra-miraj-from-2026-calendar", "2025-cuti-natal-from-2026-calendar",
    ],
)
def test_national_calendar_days_off(day, year):
    assert not national(year).is_working_day(d(day))


@pytest.mark.parametrize(
    "day",
    ["2026-03-17", "2026-03-25", "2026-12-23", "2026-12-28", "2026-12-31", "2027-01-04", "2025-04-08"],
    ids=["before-nyepi-2026", "after-lebaran-2026", "before-natal-2026", "after-natal-2026", "new-years-eve-2026",
         "first-monday-2027", "after-lebaran-2025"],
)
def test_national_calendar_working_days(day):
    assert national(int(day[:4])).is_working_day(d(day))


# --- deadlines over the national calendar ----------------------------------------------------

@pytest.mark.parametrize(
    ("year", "submitted", "n", "deadline_date"),
    [
        (2026, "2026-11-20T19:00", 3, "2026-11-25"),  # Friday → Wednesday
        (2026, "2026-11-21T10:00", 3, "2026-11-25"),  # Saturday → Wednesday
        (2026, "2026-11-22T10:00", 3, "2026-11-25"),  # Sunday → Wednesday
        (2026, "2026-03-17T10:00", 3, "2026-03-27"),  # Idul Fitri 2026
        (2026, "2026-03-13T16:00", 5, "2026-03-27"),
        (2025, "2025-03-27T10:00", 3, "2025-04-10"),  # Lebaran 2025
        (2025, "2025-03-26T10:00", 2, "2025-04-08"),
        (2026, "2026-12-23T10:00", 3, "2026-12-30"),  # Natal 2026
        (2026, "2026-12-23T10:00", 5, "2027-01-04"),  # into 2027 (Tahun Baru)
        (2026, "2026-12-30T10:00", 3, "2027-01-06"),  # into 2027 (Tahun Baru and Isra Mi'raj)
        (2025, "2025-11-03T10:00", 60, "2026-01-30"),  # 60 HK: Natal 2025, Tahun Baru, Isra Mi'raj 2026
    ],
    ids=[
        "fri+3", "sat+3", "sun+3", "idul-fitri-2026+3", "idul-fitri-2026-fri-before+5", "lebaran-2025+3",
        "lebaran-2025-wed+2", "natal-2026+3", "natal-2026+5-into-2027", "new-year-crossing+3",
        "tier-60-into-2026",
    ],
)
def test_national_deadlines(year, submitted, n, deadline_date):
    assert national(year).add_working_days(wib(submitted), n) == eod(deadline_date)


# --- time zones through the agency's seat ------------------------------------------------------

@pytest.fixture
def seated(directory, regions):
    """One agency per time zone: Semarang (WIB), Denpasar (WITA), Jayapura (WIT)."""
    denpasar = Agency.objects.create(name="Pemerintah Kota Denpasar", slug="pemkot-denpasar",
                                     kind=Agency.Kind.CITY, seat_region=regions["51.71"])
    jayapura = Agency.objects.create(name="Pemerintah Kota Jayapura", slug="pemkot-jayapura",
                                     kind=Agency.Kind.CITY, seat_region=regions["91.71"])
    return {"WIB": directory.semarang, "WITA": denpasar, "WIT": jayapura, "national": None}


@pytest.mark.parametrize(
    ("zone", "instant", "local_date", "deadline_utc"),
    [
        # 2026-11-27T15:30Z: Friday 22:30 WIB, Friday 23:30 WITA, Saturday 00:30 WIT; all end Wed 12-02 local.
        ("WIB", "2026-11-27T15:30:00+00:00", "2026-11-27", "2026-12-02T16:59:59+00:00"),
        ("WITA", "2026-11-27T15:30:00+00:00", "2026-11-27", "2026-12-02T15:59:59+00:00"),
        ("WIT", "2026-11-27T15:30:00+00:00", "2026-11-28", "2026-12-02T14:59:59+00:00"),
        ("national", "2026-11-27T15:30:00+00:00", "2026-11-27", "2026-12-02T16:59:59+00:00"),
        # 2026-11-26T16:30Z: Thursday 23:30 WIB but Friday in WITA/WIT → a different local deadline date.
        ("WIB", "2026-11-26T16:30:00+00:00", "2026-11-26", "2026-12-01T16:59:59+00:00"),
        ("WITA", "2026-11-26T16:30:00+00:00", "2026-11-27", "2026-12-02T15:59:59+00:00"),
        ("WIT", "2026-11-26T16:30:00+00:00", "2026-11-27", "2026-12-02T14:59:59+00:00"),
        # 2026-03-16T15:30Z: Monday 22:30 WIB, Tuesday 00:30 WIT, just before Nyepi and Lebaran.
        ("WIB", "2026-03-16T15:30:00+00:00", "2026-03-16", "2026-03-26T16:59:59+00:00"),
        ("WIT", "2026-03-16T15:30:00+00:00", "2026-03-17", "2026-03-27T14:59:59+00:00"),
    ],
    ids=[
        "fri-2230-WIB", "fri-2330-WITA", "sat-0030-WIT", "coordinator-WIB",
        "thu-2330-WIB", "fri-0030-WITA", "fri-0130-WIT",
        "before-lebaran-WIB", "before-lebaran-WIT",
    ],
)
def test_agency_time_zone(seated, zone, instant, local_date, deadline_utc):
    moment = datetime.fromisoformat(instant)
    cal = calendar_for_agency(seated[zone], moment.year)
    assert cal.local_date(moment) == d(local_date)
    assert cal.add_working_days(moment, 3) == datetime.fromisoformat(deadline_utc)


def test_agency_without_seat_runs_on_wib(directory):
    cal = calendar_for_agency(directory.kemensos, 2026)
    assert cal.tz == WIB


@pytest.mark.parametrize(("zone", "tz"), [("WIB", WIB), ("WITA", WITA), ("WIT", WIT)], ids=["WIB", "WITA", "WIT"])
def test_agency_calendar_zone(seated, zone, tz):
    assert calendar_for_agency(seated[zone], 2026).tz == tz


# --- CalendarDay rows: regional and national holidays, working overrides -----------------------

def region_agency(regions, code: str) -> Agency:
    return Agency.objects.create(name=f"Instansi {code}", slug=f"instansi-{code.replace('.', '-')}",
                                 kind=Agency.Kind.UNIT, seat_region=regions[code])


@pytest.mark.parametrize(
    ("holiday_region", "seat", "affected"),
    [
        ("33", "33", True),  # province holiday, agency seated in the province
        ("33", "33.74", True),  # province holiday reaches a city in it
        ("33", "33.74.01", True),  # ... and a kecamatan below it
        ("33", "51", False),  # another province is not affected
        ("33", "51.71", False),
        ("33.74", "33.74", True),  # city holiday
        ("33.74", "33", False),  # a city's holiday does not reach the province government
        ("33.74", "33.74.01", True),
        (None, "33.74", True),  # a national CalendarDay affects everyone
        (None, "51", True),
        (None, "91.71", True),
        (None, None, True),  # including the national coordinator (no seat)
    ],
    ids=[
        "prov33-in-33", "prov33-in-33.74", "prov33-in-33.74.01", "prov33-not-in-51", "prov33-not-in-51.71",
        "city-in-city", "city-not-in-province", "city-in-kecamatan",
        "national-in-33.74", "national-in-51", "national-in-91.71", "national-in-coordinator",
    ],
)
def test_calendar_day_holiday_scope(regions, holiday_region, seat, affected):
    day = d("2026-11-25")  # a Wednesday
    CalendarDay.objects.create(date=day, name="Libur uji", region_id=holiday_region)
    agency = region_agency(regions, seat) if seat else None
    cal = calendar_for_agency(agency, 2026)
    assert cal.is_working_day(day) is not affected
    # Friday + 3 HK: Wednesday, or Thursday if Wednesday is off.
    expected = "2026-11-26" if affected else "2026-11-25"
    assert cal.local_date(cal.add_working_days(wib("2026-11-20T19:00"), 3)) == d(expected)


def test_regional_holiday_changes_deadline_for_semarang_not_denpasar(directory, seated):
    CalendarDay.objects.create(date=d("2026-11-23"), name="Libur daerah Jawa Tengah", region_id="33")
    submitted = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)  # Friday in every zone
    semarang = calendar_for_agency(directory.dishub_semarang, 2026)  # seat 33.74
    denpasar = calendar_for_agency(seated["WITA"], 2026)  # seat 51.71
    assert semarang.add_working_days(submitted, 3) == eod("2026-11-26")
    assert denpasar.add_working_days(submitted, 3) == eod("2026-11-25", WITA)


@pytest.mark.parametrize(
    ("override_region", "seat", "cancelled"),
    [
        (None, "33.74", True),  # national decision: cuti bersama 24 Dec cancelled for everyone
        (None, None, True),
        ("33", "33.74", True),  # a province keeps its offices open on that day
        ("33", "51", False),  # ... which does not open Bali's
    ],
    ids=["national-override", "national-override-coordinator", "province-override-own", "province-override-other"],
)
def test_working_override_cancels_cuti_bersama(regions, override_region, seat, cancelled):
    cuti = d("2026-12-24")
    CalendarDay.objects.create(date=cuti, name="Cuti bersama dibatalkan", kind=CalendarDay.Kind.WORKING,
                               region_id=override_region)
    agency = region_agency(regions, seat) if seat else None
    cal = calendar_for_agency(agency, 2026)
    assert cal.is_working_day(cuti) is cancelled
    assert not cal.is_working_day(d("2026-12-25"))  # Natal itself stays off
    expected = "2026-12-24" if cancelled else "2026-12-28"
    assert cal.local_date(cal.add_working_days(wib("2026-12-23T10:00"), 1)) == d(expected)


@pytest.mark.parametrize(
    ("rows", "seat", "working"),
    [
        # National decision cancels cuti bersama 24 Dec, but Jawa Tengah declares its own day off then.
        ([(None, "working"), ("33", "holiday")], "33.74", False),
        ([(None, "working"), ("33", "holiday")], "51", True),
        # A national CalendarDay holiday, but Semarang keeps its offices open.
        ([(None, "holiday"), ("33.74", "working")], "33.74", True),
        ([(None, "holiday"), ("33.74", "working")], "33", False),
        # The city re-opens what its province closed.
        ([("33", "holiday"), ("33.74", "working")], "33.74.01", True),
        ([("33", "holiday"), ("33.74", "working")], "33", False),
        # The province closes what the nation re-opened, the city re-opens it again.
        ([(None, "working"), ("33", "holiday"), ("33.74", "working")], "33.74", True),
        ([(None, "working"), ("33", "holiday"), ("33.74", "working")], "33", False),
    ],
    ids=[
        "regional-holiday-beats-national-override", "national-override-elsewhere",
        "city-override-beats-national-holiday", "national-holiday-in-province",
        "city-override-beats-province-holiday", "province-holiday-in-province",
        "three-levels-city", "three-levels-province",
    ],
)
def test_most_specific_calendar_day_wins(regions, rows, seat, working):
    day = d("2026-12-24")  # cuti bersama Natal in the holidays package
    for region_id, kind in rows:
        CalendarDay.objects.create(date=day, name=f"Uji {kind}", kind=kind, region_id=region_id)
    cal = calendar_for_agency(region_agency(regions, seat), 2026)
    assert cal.is_working_day(day) is working


def test_working_override_moves_lebaran_deadline():
    CalendarDay.objects.create(date=d("2026-03-24"), name="Cuti bersama dibatalkan", kind=CalendarDay.Kind.WORKING)
    cal = national(2026)
    assert cal.add_working_days(wib("2026-03-17T10:00"), 3) == eod("2026-03-26")


def test_calendar_day_of_next_year_is_loaded():
    CalendarDay.objects.create(date=d("2027-01-04"), name="Cuti bersama tahun baru", region=None)
    assert national(2026).add_working_days(wib("2026-12-30T10:00"), 3) == eod("2027-01-07")


def test_calendar_reads_rows_fresh():
    cal_before = national(2026)
    CalendarDay.objects.create(date=d("2026-11-25"), name="Libur mendadak")
    assert cal_before.is_working_day(d("2026-11-25"))
    assert not national(2026).is_working_day(d("2026-11-25"))


# --- limits_for ---------------------------------------------------------------------------------

def test_defaults(directory):
    expected = {
        "verify_days": 3, "first_response_days": 5, "tier_light_days": 2, "tier_normative_days": 5,
        "tier_no_field_check_days": 14, "tier_field_check_days": 60, "autoclose_days": 10,
        "ombudsman_calendar_days": 60, "late_filing_calendar_days": 30,
    }
    for agency in (None, directory.coordinator, directory.dishub_semarang):
        limits = limits_for(agency)
        assert {k: limits[k] for k in expected} == expected
        assert limits == DEFAULT_LIMITS


@pytest.mark.parametrize(
    ("holder", "field", "value", "agency", "expected"),
    [
        ("national", "verify_days", 2, None, 2),
        ("national", "verify_days", 2, "dishub", 2),
        ("national", "autoclose_days", 7, "kemensos", 7),
        ("jateng", "tier_light_days", 1, "jateng", 1),  # the agency's own row
        ("jateng", "tier_light_days", 1, "dpu", 1),  # its unit inherits
        ("jateng", "tier_light_days", 1, "semarang", 2),  # another tree does not
        ("jateng", "tier_light_days", 1, None, 2),  # nor the national clock
        ("semarang", "tier_field_check_days", 30, "dishub", 30),
        ("dishub", "tier_field_check_days", 30, "semarang", 60),  # a unit's row does not go up
    ],
    ids=[
        "national-row-national", "national-row-unit", "national-row-ministry",
        "agency-row-self", "agency-row-descendant", "agency-row-not-sibling-tree", "agency-row-not-national",
        "city-row-to-dinas", "dinas-row-not-to-city",
    ],
)
def test_limits_overrides(directory, holder, field, value, agency, expected):
    owners = {"national": None, "jateng": directory.jateng, "semarang": directory.semarang,
              "dishub": directory.dishub_semarang}
    TimeLimits.objects.create(agency=owners[holder], **{field: value})
    target = {None: None, "dishub": directory.dishub_semarang, "kemensos": directory.kemensos,
              "jateng": directory.jateng, "dpu": directory.dpu_jateng, "semarang": directory.semarang}[agency]
    assert limits_for(target)[field] == expected


def test_nearest_row_wins_and_empty_fields_inherit(directory):
    TimeLimits.objects.create(agency=None, verify_days=2, tier_normative_days=4, autoclose_days=8)
    TimeLimits.objects.create(agency=directory.semarang, tier_normative_days=7, tier_light_days=1)
    TimeLimits.objects.create(agency=directory.dishub_semarang, tier_normative_days=6)
    limits = limits_for(directory.dishub_semarang)
    assert limits["tier_normative_days"] == 6  # own row
    assert limits["tier_light_days"] == 1  # parent's row (own row empty)
    assert limits["verify_days"] == 2  # national row (both agency rows empty)
    assert limits["autoclose_days"] == 8
    assert limits["tier_field_check_days"] == 60  # statutory default (every row empty)
    assert limits_for(directory.semarang)["tier_normative_days"] == 7
    assert limits_for(directory.jateng)["tier_normative_days"] == 4


def test_zero_in_a_row_is_a_value_not_empty(directory):
    TimeLimits.objects.create(agency=None, tier_light_days=3)
    TimeLimits.objects.create(agency=directory.jateng, tier_light_days=0)
    assert limits_for(directory.dpu_jateng)["tier_light_days"] == 0


@pytest.mark.parametrize(
    ("national_row", "agency_field", "parent_field", "expected"),
    [
        (None, None, None, 5),  # statutory default
        (None, 7, None, 7),  # the agency's own target
        (None, None, 4, 4),  # inherited from the parent agency
        (3, None, None, 3),  # national row
        (3, 7, None, 7),  # the agency's own target beats the national row
        (3, None, 4, 4),  # so does the parent's
    ],
    ids=["default", "own-field", "parent-field", "national-row", "own-field-beats-national-row",
         "parent-field-beats-national-row"],
)
def test_agency_first_response_days_field(directory, national_row, agency_field, parent_field, expected):
    """Agency.first_response_days: 'Empty = inherit from the parent, then the national defaults'."""
    if national_row is not None:
        TimeLimits.objects.create(agency=None, first_response_days=national_row)
    Agency.objects.filter(pk=directory.dishub_semarang.pk).update(first_response_days=agency_field)
    Agency.objects.filter(pk=directory.semarang.pk).update(first_response_days=parent_field)
    dishub = Agency.objects.get(pk=directory.dishub_semarang.pk)
    assert limits_for(dishub)["first_response_days"] == expected


@pytest.mark.parametrize(
    ("tier", "expected"),
    [
        (ResolutionTier.LIGHT, 2), (ResolutionTier.NORMATIVE, 5), (ResolutionTier.NO_FIELD_CHECK, 14),
        (ResolutionTier.FIELD_CHECK, 60), (None, 5), ("", 5),
    ],
    ids=["light", "normative", "no-field-check", "field-check", "none-is-normative", "empty-is-normative"],
)
def test_resolution_days_by_tier(tier, expected):
    assert resolution_days(dict(DEFAULT_LIMITS), tier) == expected


def test_resolution_days_follow_agency_row(directory):
    TimeLimits.objects.create(agency=directory.jateng, tier_no_field_check_days=10)
    assert resolution_days(limits_for(directory.dpu_jateng), ResolutionTier.NO_FIELD_CHECK) == 10
    assert resolution_days(limits_for(directory.semarang), ResolutionTier.NO_FIELD_CHECK) == 14


@pytest.mark.django_db
def test_only_one_national_time_limits_row_can_exist():
    from django.db import IntegrityError, transaction

    from aduan.standards.models import TimeLimits

    TimeLimits.objects.create(verify_days=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeLimits.objects.create(verify_days=2)
