"""Working-day arithmetic (hari kerja), pure: no database, no settings.

Rules encoded here:
- A working day (HK) is Monday-Friday that is not a national holiday, not a *cuti bersama*
  day and not a regional holiday of the place whose clock it is (DOMAIN-RULES §7).
- A limit of "N hari kerja" after an event ends at the close (23:59:59 local time) of the
  N-th working day after the local date of the event: "paling lambat 3 hari kerja setelah
  pengaduan dilakukan" (SP4N-LAPOR!, DOMAIN-RULES §1.1). The event's own day never counts,
  so a report sent on Friday evening is not penalised for the weekend.
- Local time is the time zone of the place that owns the clock: WIB (Asia/Jakarta),
  WITA (Asia/Makassar) or WIT (Asia/Jayapura). Inputs are aware datetimes; outputs are UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

END_OF_DAY = time(23, 59, 59)
WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")


def _require_aware(value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("working-day arithmetic needs aware datetimes")


@dataclass(frozen=True)
class WorkCalendar:
    tz: ZoneInfo = WIB
    holidays: frozenset[date] = frozenset()
    # Days declared working although they would otherwise be off (a cancelled cuti bersama).
    working_overrides: frozenset[date] = frozenset()
    weekend: frozenset[int] = field(default_factory=lambda: frozenset({5, 6}))

    def is_working_day(self, day: date) -> bool:
        if day in self.working_overrides:
            return True
        return day.weekday() not in self.weekend and day not in self.holidays

    def local_date(self, moment: datetime) -> date:
        _require_aware(moment)
        return moment.astimezone(self.tz).date()

    def end_of_day_utc(self, day: date) -> datetime:
        return datetime.combine(day, END_OF_DAY, tzinfo=self.tz).astimezone(UTC)

    def nth_working_day_after(self, day: date, n: int) -> date:
        if n < 0:
            raise ValueError("n must not be negative")
        current = day
        counted = 0
        while counted < n:
            current += timedelta(days=1)
            if self.is_working_day(current):
                counted += 1
        return current

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """Deadline of a limit of ``n`` working days counted from ``start`` (UTC)."""
        return self.end_of_day_utc(self.nth_working_day_after(self.local_date(start), n))

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days d with local(start) < d <= local(end); 0 if end is not after start."""
        first, last = self.local_date(start), self.local_date(end)
        count = 0
        current = first + timedelta(days=1)
        while current <= last:
            if self.is_working_day(current):
                count += 1
            current += timedelta(days=1)
        return count

    def shift_deadline(self, deadline: datetime, n: int) -> datetime:
        """Move a stored deadline ``n`` working days later (used when a paused clock resumes)."""
        _require_aware(deadline)
        if n <= 0:
            return deadline
        return self.end_of_day_utc(self.nth_working_day_after(self.local_date(deadline), n))
