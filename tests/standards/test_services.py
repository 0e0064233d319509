"""Service targets and calendars: national agency_manage only, audited, validated."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from aduan.audit.models import AuditLog
from aduan.core.errors import PermissionDenied, ValidationFailed
from aduan.standards.deadlines import calendar_for, limits_for
from aduan.standards.models import CalendarDay, TimeLimits
from aduan.standards.services import (
    calendar_day_add,
    calendar_day_remove,
    national_holidays_for_year,
    time_limits_set,
)

pytestmark = pytest.mark.django_db


def test_agency_override_changes_effective_limits_for_agency_and_its_units(directory, national_admin):
    time_limits_set(actor=national_admin, agency=directory.jateng, tier_light_days=4, verify_days=None)
    assert limits_for(directory.jateng)["tier_light_days"] == 4
    assert limits_for(directory.dpu_jateng)["tier_light_days"] == 4
    assert limits_for(directory.semarang)["tier_light_days"] == 2
    assert AuditLog.objects.filter(action="time_limits_set").count() == 1


def test_time_limits_reject_bad_values_and_change_nothing(directory, national_admin):
    with pytest.raises(ValidationFailed) as caught:
        time_limits_set(actor=national_admin, agency=directory.jateng, tier_light_days=0, autoclose_days="x")
    assert set(caught.value.field_errors) == {"tier_light_days", "autoclose_days"}
    assert not TimeLimits.objects.exists()


def test_agency_admin_cannot_set_time_limits_or_calendar(directory, agency_admin):
    admin = agency_admin(directory.jateng)
    with pytest.raises(PermissionDenied):
        time_limits_set(actor=admin, agency=directory.jateng, tier_light_days=4)
    with pytest.raises(PermissionDenied):
        calendar_day_add(actor=admin, date=date(2026, 3, 2), name="Libur", kind="holiday", region="33")


def test_regional_holiday_shifts_deadline_and_removal_restores_it(directory, national_admin):
    monday = datetime(2026, 3, 2, 9, tzinfo=ZoneInfo("Asia/Jakarta"))
    before = calendar_for(region_code="33.74", tz_name="Asia/Jakarta", year=2026).add_working_days(monday, 1)
    day = calendar_day_add(actor=national_admin, date=date(2026, 3, 3), name="Libur daerah", kind="holiday", region="33")
    after = calendar_for(region_code="33.74", tz_name="Asia/Jakarta", year=2026).add_working_days(monday, 1)
    assert after > before
    elsewhere = calendar_for(region_code="31", tz_name="Asia/Jakarta", year=2026).add_working_days(monday, 1)
    assert elsewhere == before
    calendar_day_remove(actor=national_admin, calendar_day=day)
    assert not CalendarDay.objects.exists()
    assert calendar_for(region_code="33.74", tz_name="Asia/Jakarta", year=2026).add_working_days(monday, 1) == before


def test_calendar_day_add_reports_field_errors(directory, national_admin):
    with pytest.raises(ValidationFailed) as caught:
        calendar_day_add(actor=national_admin, date=None, name=" ", kind="libur", region="99.99")
    assert set(caught.value.field_errors) == {"date", "name", "kind", "region"}


def test_national_holidays_selector_lists_independence_day():
    assert date(2026, 8, 17) in dict(national_holidays_for_year(2026))
