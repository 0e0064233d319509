"""Table tests of the pure working-day calendar (aduan/core/calendar.py).

Holiday sets are written out here (copied from the ``holidays`` package's Indonesian
"public" + "government" calendars, which tests/standards checks separately) so these
tests pin the arithmetic alone, with no database and no package version in the loop.

Rule under test (DOMAIN-RULES §1.1, §7): "N hari kerja" after an event ends at 23:59:59
local time of the N-th working day after the event's local date; weekends, national
holidays and cuti bersama are not working days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aduan.core.calendar import WIB, WIT, WITA, WorkCalendar


def d(iso: str) -> date:
    return date.fromisoformat(iso)


def days(*isos: str) -> frozenset[date]:
    return frozenset(d(x) for x in isos)


# 2025: Nyepi (cuti 03-28, Nyepi 03-29), Idul Fitri 03-31, 04-01 and cuti bersama 04-02..04, 04-07.
LEBARAN_2025 = days("2025-03-28", "2025-03-29", "2025-03-31", "2025-04-01", "2025-04-02", "2025-04-03", "2025-04-04", "2025-04-07")
# 2026: Nyepi (cuti 03-18, Nyepi 03-19), cuti 03-20, Idul Fitri 03-21/22, cuti 03-23, 03-24.
LEBARAN_2026 = days("2026-03-18", "2026-03-19", "2026-03-20", "2026-03-21", "2026-03-22", "2026-03-23", "2026-03-24")
# Year end: cuti bersama 12-24, Natal 12-25, Tahun Baru 2027-01-01, Isra Mi'raj 2027-01-05.
YEAR_END_2026 = days("2026-12-24", "2026-12-25", "2027-01-01", "2027-01-05")
HOLIDAYS = LEBARAN_2025 | LEBARAN_2026 | YEAR_END_2026

NATIONAL = WorkCalendar(tz=WIB, holidays=HOLIDAYS)
PLAIN = WorkCalendar(tz=WIB)


def local(iso: str, tz: ZoneInfo = WIB) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=tz)


def end_of_day(iso_date: str, tz: ZoneInfo = WIB) -> datetime:
    return datetime.fromisoformat(f"{iso_date}T23:59:59").replace(tzinfo=tz).astimezone(UTC)


# --- is_working_day ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-11-23", True),   # Monday
        ("2026-11-27", True),   # Friday
        ("2026-11-28", False),  # Saturday
        ("2026-11-29", False),  # Sunday
        ("2026-03-18", False),  # cuti bersama Nyepi (a Wednesday)
        ("2026-03-19", False),  # Nyepi
        ("2026-03-20", False),  # cuti bersama Idul Fitri (a Friday)
        ("2026-03-23", False),  # cuti bersama Idul Fitri (a Monday)
        ("2026-03-25", True),   # first working day after Lebaran 2026
        ("2026-12-24", False),  # cuti bersama Natal
        ("2027-01-01", False),  # Tahun Baru
    ],
    ids=lambda v: str(v),
)
def test_is_working_day(day, expected):
    assert NATIONAL.is_working_day(d(day)) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [("2026-12-24", True), ("2026-11-28", True), ("2026-12-25", False)],
    ids=["override-cancels-cuti-bersama", "override-makes-saturday-working", "no-override-natal-stays-off"],
)
def test_working_override_wins_over_holiday_and_weekend(day, expected):
    cal = WorkCalendar(tz=WIB, holidays=HOLIDAYS, working_overrides=days("2026-12-24", "2026-11-28"))
    assert cal.is_working_day(d(day)) is expected


# --- add_working_days: weekends --------------------------------------------------------

@pytest.mark.parametrize(
    ("submitted", "n", "deadline_local_date"),
    [
        ("2026-11-20T19:00", 3, "2026-11-25"),  # Friday evening → Wednesday
        ("2026-11-20T08:00", 3, "2026-11-25"),  # Friday morning: the day itself never counts
        ("2026-11-21T10:00", 3, "2026-11-25"),  # Saturday → Mon, Tue, Wed
        ("2026-11-22T23:59", 3, "2026-11-25"),  # Sunday late → Wednesday
        ("2026-11-23T00:00", 3, "2026-11-26"),  # Monday midnight → Thursday
        ("2026-11-25T12:00", 3, "2026-11-30"),  # Wednesday → Thu, Fri, Mon
        ("2026-11-20T19:00", 1, "2026-11-23"),  # Friday + 1 → Monday
        ("2026-11-21T10:00", 1, "2026-11-23"),  # Saturday + 1 → Monday
        ("2026-11-20T19:00", 5, "2026-11-27"),  # Friday + 5 → next Friday
        ("2026-11-20T19:00", 10, "2026-12-04"),  # two weeks
        ("2026-11-21T10:00", 0, "2026-11-21"),  # zero days: end of the local day itself
    ],
    ids=[
        "fri-evening+3=wed", "fri-morning+3=wed", "sat+3=wed", "sun+3=wed", "mon-midnight+3=thu",
        "wed+3=mon", "fri+1=mon", "sat+1=mon", "fri+5=fri", "fri+10=fri", "sat+0=same-day",
    ],
)
def test_add_working_days_weekends(submitted, n, deadline_local_date):
    deadline = PLAIN.add_working_days(local(submitted), n)
    assert deadline == end_of_day(deadline_local_date)
    assert deadline.tzinfo is UTC
    assert deadline.astimezone(WIB).time().isoformat() == "23:59:59"


def test_friday_plus_3_is_wednesday_1659_59_utc():
    deadline = PLAIN.add_working_days(local("2026-11-20T19:00"), 3)
    assert deadline == datetime(2026, 11, 25, 16, 59, 59, tzinfo=UTC)
    assert deadline.astimezone(WIB).strftime("%A %H:%M:%S") == "Wednesday 23:59:59"


# --- add_working_days: national holidays and cuti bersama ---------------------------------

@pytest.mark.parametrize(
    ("submitted", "n", "deadline_local_date"),
    [
        # Idul Fitri 2026 with Nyepi just before it: 03-18 .. 03-24 all off.
        ("2026-03-17T10:00", 3, "2026-03-27"),
        ("2026-03-17T10:00", 1, "2026-03-25"),
        ("2026-03-16T10:00", 1, "2026-03-17"),
        ("2026-03-16T10:00", 2, "2026-03-25"),
        ("2026-03-13T16:00", 5, "2026-03-27"),  # Fri before: Mon 16, Tue 17, Wed 25, Thu 26, Fri 27
        ("2026-03-20T09:00", 1, "2026-03-25"),  # submitted on a cuti bersama day
        ("2026-03-21T09:00", 3, "2026-03-27"),  # submitted on Idul Fitri itself (Saturday)
        # Lebaran 2025: 03-28 .. 04-07 off except the weekend of 04-05/06 which is off anyway.
        ("2025-03-27T10:00", 3, "2025-04-10"),
        ("2025-03-27T10:00", 1, "2025-04-08"),
        ("2025-03-26T10:00", 1, "2025-03-27"),
        ("2025-03-26T10:00", 2, "2025-04-08"),
        ("2025-04-02T10:00", 5, "2025-04-14"),  # during cuti bersama: 8, 9, 10, 11, 14
        # Year end 2026: 12-24 cuti bersama, 12-25 Natal, 2027-01-01 Tahun Baru, 2027-01-05 Isra Mi'raj.
        ("2026-12-23T10:00", 1, "2026-12-28"),
        ("2026-12-23T10:00", 3, "2026-12-30"),
        ("2026-12-23T10:00", 5, "2027-01-04"),
        ("2026-12-30T10:00", 3, "2027-01-06"),  # crosses the new year: 31, (01 off), 04, (05 off), 06
        ("2026-12-31T22:00", 1, "2027-01-04"),
    ],
    ids=[
        "lebaran26-tue+3", "lebaran26-tue+1", "lebaran26-mon+1", "lebaran26-mon+2", "lebaran26-fri-before+5",
        "lebaran26-on-cuti-bersama+1", "lebaran26-on-idul-fitri+3",
        "lebaran25-thu+3", "lebaran25-thu+1", "lebaran25-wed+1", "lebaran25-wed+2", "lebaran25-during-cuti+5",
        "natal26-wed+1", "natal26-wed+3", "natal26-wed+5-into-2027", "new-year-crossing+3", "new-years-eve+1",
    ],
)
def test_add_working_days_holidays(submitted, n, deadline_local_date):
    assert NATIONAL.add_working_days(local(submitted), n) == end_of_day(deadline_local_date)


def test_fri_before_lebaran_2026_plus_5_counts_16_17_25_26_27_then_30():
    # Spelled out: Mon 16 (1), Tue 17 (2), 18..24 off, Wed 25 (3), Thu 26 (4), Fri 27 (5).
    assert NATIONAL.nth_working_day_after(d("2026-03-13"), 5) == d("2026-03-27")
    assert NATIONAL.nth_working_day_after(d("2026-03-13"), 6) == d("2026-03-30")


# --- time zones: WIB (UTC+7), WITA (UTC+8), WIT (UTC+9) -------------------------------------

@pytest.mark.parametrize(
    ("instant_utc", "tz", "local_date", "n", "deadline_utc"),
    [
        # 2026-11-27T15:30Z: Friday 22:30 WIB, Friday 23:30 WITA, Saturday 00:30 WIT.
        ("2026-11-27T15:30:00+00:00", WIB, "2026-11-27", 3, "2026-12-02T16:59:59+00:00"),
        ("2026-11-27T15:30:00+00:00", WITA, "2026-11-27", 3, "2026-12-02T15:59:59+00:00"),
        ("2026-11-27T15:30:00+00:00", WIT, "2026-11-28", 3, "2026-12-02T14:59:59+00:00"),
        # 2026-11-26T16:30Z: Thursday 23:30 WIB, Friday 00:30 WITA, Friday 01:30 WIT → different local deadline dates.
        ("2026-11-26T16:30:00+00:00", WIB, "2026-11-26", 3, "2026-12-01T16:59:59+00:00"),
        ("2026-11-26T16:30:00+00:00", WITA, "2026-11-27", 3, "2026-12-02T15:59:59+00:00"),
        ("2026-11-26T16:30:00+00:00", WIT, "2026-11-27", 3, "2026-12-02T14:59:59+00:00"),
        # 2026-11-26T15:30Z: Thursday 22:30 WIB, Thursday 23:30 WITA, Friday 00:30 WIT.
        ("2026-11-26T15:30:00+00:00", WIB, "2026-11-26", 1, "2026-11-27T16:59:59+00:00"),
        ("2026-11-26T15:30:00+00:00", WITA, "2026-11-26", 1, "2026-11-27T15:59:59+00:00"),
        ("2026-11-26T15:30:00+00:00", WIT, "2026-11-27", 1, "2026-11-30T14:59:59+00:00"),
        # New year's eve 2026 at 15:30Z is already 2027-01-01 in WIT (a holiday).
        ("2026-12-31T15:30:00+00:00", WIB, "2026-12-31", 1, "2027-01-04T16:59:59+00:00"),
        ("2026-12-31T15:30:00+00:00", WIT, "2027-01-01", 1, "2027-01-04T14:59:59+00:00"),
    ],
    ids=[
        "fri-2230-WIB+3", "fri-2330-WITA+3", "sat-0030-WIT+3",
        "thu-2330-WIB+3", "fri-0030-WITA+3", "fri-0130-WIT+3",
        "thu-2230-WIB+1", "thu-2330-WITA+1", "fri-0030-WIT+1",
        "nye-WIB+1", "new-year-WIT+1",
    ],
)
def test_time_zones(instant_utc, tz, local_date, n, deadline_utc):
    cal = WorkCalendar(tz=tz, holidays=HOLIDAYS)
    moment = datetime.fromisoformat(instant_utc)
    assert cal.local_date(moment) == d(local_date)
    deadline = cal.add_working_days(moment, n)
    assert deadline == datetime.fromisoformat(deadline_utc)
    assert deadline.astimezone(tz).time().isoformat() == "23:59:59"


@pytest.mark.parametrize(
    ("tz", "utc_time"),
    [(WIB, "16:59:59"), (WITA, "15:59:59"), (WIT, "14:59:59")],
    ids=["WIB", "WITA", "WIT"],
)
def test_end_of_day_in_utc(tz, utc_time):
    assert WorkCalendar(tz=tz).end_of_day_utc(d("2026-12-02")).time().isoformat() == utc_time


def test_same_instant_given_in_any_offset_gives_same_deadline():
    instant = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
    as_wit = instant.astimezone(WIT)
    as_fixed = instant.astimezone(ZoneInfo("Etc/GMT-3"))
    for cal in (WorkCalendar(tz=WIB), WorkCalendar(tz=WIT)):
        assert cal.add_working_days(instant, 3) == cal.add_working_days(as_wit, 3) == cal.add_working_days(as_fixed, 3)


# --- working_days_between -------------------------------------------------------------

@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-11-23T09:00", "2026-11-23T17:00", 0),  # same day
        ("2026-11-23T09:00", "2026-11-24T08:00", 1),  # next morning counts one day
        ("2026-11-20T17:00", "2026-11-23T08:00", 1),  # Fri → Mon: the weekend is free
        ("2026-11-21T10:00", "2026-11-22T10:00", 0),  # Sat → Sun
        ("2026-11-20T17:00", "2026-11-27T17:00", 5),  # one calendar week
        ("2026-11-27T17:00", "2026-11-20T17:00", 0),  # end before start
        ("2026-03-17T10:00", "2026-03-24T10:00", 0),  # paused over all of Lebaran 2026
        ("2026-03-13T10:00", "2026-03-27T10:00", 5),  # 16, 17, 25, 26, 27
        ("2026-12-23T10:00", "2027-01-06T10:00", 6),  # 28, 29, 30, 31, 04, 06
        ("2025-03-27T10:00", "2025-04-10T10:00", 3),  # 08, 09, 10
    ],
    ids=[
        "same-day", "next-morning", "fri-to-mon", "sat-to-sun", "one-week", "end-before-start",
        "inside-lebaran-2026", "across-lebaran-2026", "across-new-year", "across-lebaran-2025",
    ],
)
def test_working_days_between(start, end, expected):
    assert NATIONAL.working_days_between(local(start), local(end)) == expected


@pytest.mark.parametrize(
    ("start", "n"),
    [("2026-11-20T19:00", 3), ("2026-03-13T10:00", 5), ("2026-12-30T10:00", 3), ("2025-03-27T10:00", 4)],
    ids=["weekend", "lebaran-2026", "new-year", "lebaran-2025"],
)
def test_working_days_between_inverts_add_working_days(start, n):
    moment = local(start)
    assert NATIONAL.working_days_between(moment, NATIONAL.add_working_days(moment, n)) == n


def test_working_days_between_uses_local_dates_per_zone():
    # Thursday 23:30 WIB .. Friday 23:30 WIB is one working day in WIB; in WIT both instants
    # fall on Friday 01:30 / Saturday 01:30 → Saturday is not a working day → 0.
    start = datetime(2026, 11, 26, 16, 30, tzinfo=UTC)
    end = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
    assert WorkCalendar(tz=WIB).working_days_between(start, end) == 1
    assert WorkCalendar(tz=WIT).working_days_between(start, end) == 0


# --- shift_deadline: pause / resume ----------------------------------------------------------

@pytest.mark.parametrize(
    ("deadline_date", "n", "shifted_date"),
    [
        ("2026-11-25", 0, "2026-11-25"),  # nothing waited: unchanged
        ("2026-11-25", -2, "2026-11-25"),  # negative: unchanged, never earlier
        ("2026-11-25", 1, "2026-11-26"),
        ("2026-11-27", 1, "2026-11-30"),  # Friday deadline + 1 → Monday
        ("2026-03-17", 1, "2026-03-25"),  # over Lebaran 2026
        ("2026-03-17", 3, "2026-03-27"),
        ("2026-12-23", 5, "2027-01-04"),  # over Natal and Tahun Baru
        ("2025-03-27", 2, "2025-04-09"),  # over Lebaran 2025
    ],
    ids=["zero", "negative", "wed+1", "fri+1=mon", "lebaran26+1", "lebaran26+3", "year-end+5", "lebaran25+2"],
)
def test_shift_deadline(deadline_date, n, shifted_date):
    deadline = end_of_day(deadline_date)
    assert NATIONAL.shift_deadline(deadline, n) == end_of_day(shifted_date)


def test_pause_then_resume_moves_deadline_by_working_days_waited():
    """Submitted Fri 2026-03-13 (WIB) with a 5-HK limit; paused Mon 03-16 10:00 waiting for
    the reporter; resumed Thu 03-26 09:00. Working days waited: 17, 25, 26 → 3; the deadline
    moves from 03-27 by 3 working days to 04-01."""
    submitted = local("2026-03-13T16:00")
    deadline = NATIONAL.add_working_days(submitted, 5)
    assert deadline == end_of_day("2026-03-27")
    waited = NATIONAL.working_days_between(local("2026-03-16T10:00"), local("2026-03-26T09:00"))
    assert waited == 3
    assert NATIONAL.shift_deadline(deadline, waited) == end_of_day("2026-04-01")


def test_shift_deadline_in_wit_keeps_local_end_of_day():
    cal = WorkCalendar(tz=WIT, holidays=HOLIDAYS)
    deadline = end_of_day("2026-12-31", WIT)  # 2026-12-31T14:59:59Z
    assert cal.shift_deadline(deadline, 1) == datetime(2027, 1, 4, 14, 59, 59, tzinfo=UTC)


# --- bad input ---------------------------------------------------------------------

NAIVE = datetime(2026, 11, 20, 19, 0)
AWARE = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "call",
    [
        lambda cal: cal.add_working_days(NAIVE, 3),
        lambda cal: cal.add_working_days(NAIVE, 0),
        lambda cal: cal.local_date(NAIVE),
        lambda cal: cal.working_days_between(NAIVE, AWARE),
        lambda cal: cal.working_days_between(AWARE, NAIVE),
        lambda cal: cal.shift_deadline(NAIVE, 2),
        lambda cal: cal.shift_deadline(NAIVE, 0),
    ],
    ids=[
        "add-naive", "add-naive-zero", "local-date-naive", "between-naive-start", "between-naive-end",
        "shift-naive", "shift-naive-zero",
    ],
)
def test_naive_datetimes_rejected(call):
    with pytest.raises(ValueError):
        call(NATIONAL)


@pytest.mark.parametrize(
    "call",
    [lambda cal: cal.add_working_days(AWARE, -1), lambda cal: cal.nth_working_day_after(d("2026-11-20"), -1)],
    ids=["add-negative", "nth-negative"],
)
def test_negative_limits_rejected(call):
    with pytest.raises(ValueError):
        call(NATIONAL)


def test_output_is_always_utc_whatever_the_input_offset():
    moment = datetime(2026, 11, 20, 19, 0, tzinfo=ZoneInfo("Asia/Jayapura"))
    for cal in (WorkCalendar(tz=WIB), WorkCalendar(tz=WITA), WorkCalendar(tz=WIT)):
        result = cal.add_working_days(moment, 2)
        assert result.utcoffset() == timedelta(0)
