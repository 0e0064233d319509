"""Deadline computation over an agency's calendar (rule of the house 6).

``calendar_for(region_code, tz_name)`` builds a pure ``WorkCalendar`` from the ``holidays``
package (Indonesian public holidays and the government's cuti bersama) plus the editable
``CalendarDay`` rows: national ones and those of the region or any of its ancestors.
``limits_for(agency)`` resolves the time limits: agency row, then its ancestors', then the
national row, then the statutory defaults.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from time import monotonic
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from django.db.models import Q

from aduan.agencies.models import Agency, ResolutionTier
from aduan.core.calendar import WorkCalendar

from .models import DEFAULT_LIMITS, TIER_FIELD, CalendarDay, TimeLimits

_YEARS_AROUND = 2


@lru_cache(maxsize=64)
def _national_holidays(first_year: int, last_year: int) -> frozenset[date]:
    days = holidays_lib.country_holidays(
        "ID", years=range(first_year, last_year + 1), categories=("public", "government")
    )
    return frozenset(days.keys())


def _region_chain(region_code: str | None) -> list[str]:
    if not region_code:
        return []
    parts = region_code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


# Built calendars, per process, for a minute: a transition or a breach scan asks for the same
# calendar thousands of times. Editing a CalendarDay clears this process's cache at once;
# other processes see the edit within CALENDAR_TTL_SECONDS.
CALENDAR_TTL_SECONDS = 60.0
_calendars: dict[tuple[str | None, str, int], tuple[float, WorkCalendar]] = {}


def calendar_cache_clear() -> None:
    _calendars.clear()


def calendar_for(*, region_code: str | None, tz_name: str, year: int) -> WorkCalendar:
    key = (region_code, tz_name, year)
    cached = _calendars.get(key)
    if cached is not None and cached[0] > monotonic():
        return cached[1]
    calendar = _calendar_build(region_code=region_code, tz_name=tz_name, year=year)
    _calendars[key] = (monotonic() + CALENDAR_TTL_SECONDS, calendar)
    return calendar


def _calendar_build(*, region_code: str | None, tz_name: str, year: int) -> WorkCalendar:
    first, last = year - 1, year + _YEARS_AROUND
    off = set(_national_holidays(first, last))
    working: set[date] = set()
    scope = Q(region__isnull=True)
    chain = _region_chain(region_code)
    if chain:
        scope |= Q(region_id__in=chain)
    rows = CalendarDay.objects.filter(scope, date__year__gte=first, date__year__lte=last).values_list("date", "kind", "region_id")
    # For each date the most specific row decides (national < province < regency/city < ...):
    # a province's own day off stands even if the nation cancelled a cuti bersama that day, and
    # a city may keep its offices open on a province's day off. At the same level, working wins.
    decided: dict[date, tuple[int, str]] = {}
    for day, kind, region_id in rows:
        depth = len(region_id.split(".")) if region_id else 0
        current = decided.get(day)
        if current is None or depth > current[0] or (depth == current[0] and kind == CalendarDay.Kind.WORKING):
            decided[day] = (depth, kind)
    for day, (_depth, kind) in decided.items():
        if kind == CalendarDay.Kind.WORKING:
            working.add(day)
        else:
            off.add(day)
    return WorkCalendar(tz=ZoneInfo(tz_name), holidays=frozenset(off - working), working_overrides=frozenset(working))


def calendar_for_agency(agency: Agency | None, year: int) -> WorkCalendar:
    if agency is None:
        # The national coordinator's clock runs on WIB.
        return calendar_for(region_code=None, tz_name="Asia/Jakarta", year=year)
    return calendar_for(region_code=agency.seat_region_id, tz_name=agency.timezone, year=year)


def limits_for(agency: Agency | None) -> dict[str, int]:
    chain: list[Agency | None] = []
    if agency is not None:
        chain = [agency, *agency.ancestors()]
    rows = {tl.agency_id: tl for tl in TimeLimits.objects.filter(Q(agency__in=[a for a in chain if a]) | Q(agency__isnull=True))}
    resolved: dict[str, int] = {}
    for field, default in DEFAULT_LIMITS.items():
        value = None
        for node in [*chain, None]:
            row = rows.get(node.pk if node else None)
            if row is not None and getattr(row, field) is not None:
                value = getattr(row, field)
                break
            # Agency.first_response_days is the agency's own target ("empty = inherit from the
            # parent, then the national defaults"), so it ranks with that agency's row, above
            # its ancestors' and the national row.
            if field == "first_response_days" and node is not None and node.first_response_days is not None:
                value = node.first_response_days
                break
        resolved[field] = value if value is not None else default
    return resolved


def resolution_days(limits: dict[str, int], tier: str | None) -> int:
    return limits[TIER_FIELD.get(tier or ResolutionTier.NORMATIVE, "tier_normative_days")]
