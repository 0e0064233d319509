"""Write services and selectors for service targets (TimeLimits) and calendars (CalendarDay).

Only the national ``agency_manage`` holder edits these: time limits and calendars decide
every deadline in the country (rule of the house 6 and 7). Every write is atomic and audited.
National holidays are read from the ``holidays`` package and are not editable here; a
CalendarDay of kind ``working`` cancels one (e.g. a revoked cuti bersama).
"""

from __future__ import annotations

from datetime import date as Date
from typing import Any

import holidays as holidays_lib
from django.db import transaction

from aduan.accounts.policies import user_has_perm
from aduan.agencies.models import Agency
from aduan.audit.services import audit_log
from aduan.core.errors import PermissionDenied, ValidationFailed
from aduan.regions.models import Region

from .models import DEFAULT_LIMITS, CalendarDay, TimeLimits

LIMIT_FIELDS = tuple(DEFAULT_LIMITS)
# Longest target a row may set: the Ombudsman takes over after 60 days (Perpres 76/2013),
# calendar-day fields allow a year.
LIMIT_MAX = 366
NAME_MAX = CalendarDay._meta.get_field("name").max_length


def _require_national(actor) -> None:
    if not user_has_perm(actor, "agency_manage", None):
        raise PermissionDenied()


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(field_errors={field: [message]})


def time_limits_set(*, actor, agency: Agency | None, **fields: Any) -> TimeLimits:
    """Set the national row (``agency=None``) or an agency's overrides; ``None`` inherits."""
    _require_national(actor)
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(fields) - set(LIMIT_FIELDS))
    for name in unknown:
        errors[name] = ["Kolom ini tidak dikenal."]
    clean: dict[str, int | None] = {}
    for name in LIMIT_FIELDS:
        if name not in fields:
            continue
        value = fields[name]
        if value is None or value == "":
            clean[name] = None
        elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= LIMIT_MAX:
            errors[name] = [f"Isi dengan 1 sampai {LIMIT_MAX} hari, atau kosongkan."]
        else:
            clean[name] = value
    if errors:
        raise ValidationFailed(field_errors=errors)
    with transaction.atomic():
        if agency is not None:
            agency = Agency.objects.filter(pk=agency.pk).first()
            if agency is None:
                raise _invalid("agency", "Instansi tidak ditemukan.")
        row = TimeLimits.objects.select_for_update().filter(agency=agency).first() or TimeLimits(agency=agency)
        changes = {k: [getattr(row, k), v] for k, v in clean.items() if getattr(row, k) != v}
        for k, v in clean.items():
            setattr(row, k, v)
        if changes or row.pk is None:
            row.save()
            audit_log(actor=actor, action="time_limits_set", obj=row,
                      data={"agency": agency.pk if agency else None, "changes": changes})
    return row


def calendar_day_add(*, actor, date: Date, name: str, kind: str, region: Region | str | None = None) -> CalendarDay:
    _require_national(actor)
    errors: dict[str, list[str]] = {}
    if not isinstance(date, Date):
        errors["date"] = ["Tanggal wajib diisi dengan benar."]
    name = " ".join(str(name or "").split())
    if not name:
        errors["name"] = ["Nama hari wajib diisi."]
    elif len(name) > NAME_MAX:
        errors["name"] = [f"Paling banyak {NAME_MAX} karakter."]
    if kind not in CalendarDay.Kind.values:
        errors["kind"] = ["Jenis hari tidak dikenal."]
    region_obj = None
    if region not in (None, ""):
        code = region.code if isinstance(region, Region) else str(region).strip()
        region_obj = Region.objects.filter(code=code).first()
        if region_obj is None:
            errors["region"] = [f"Kode wilayah {code} tidak dikenal."]
    if not errors and CalendarDay.objects.filter(date=date, region=region_obj, kind=kind).exists():
        errors["date"] = ["Hari ini sudah tercatat untuk wilayah dan jenis yang sama."]
    if errors:
        raise ValidationFailed(field_errors=errors)
    with transaction.atomic():
        day = CalendarDay.objects.create(date=date, name=name, kind=kind, region=region_obj)
        audit_log(actor=actor, action="calendar_day_add", obj=day, data={
            "date": date.isoformat(), "name": name, "kind": kind, "region": region_obj.code if region_obj else None})
    return day


def calendar_day_remove(*, actor, calendar_day: CalendarDay) -> None:
    _require_national(actor)
    with transaction.atomic():
        day = CalendarDay.objects.select_for_update().filter(pk=calendar_day.pk).first()
        if day is None:
            raise _invalid("calendar_day", "Hari tidak ditemukan.")
        audit_log(actor=actor, action="calendar_day_remove", obj=day, data={
            "date": day.date.isoformat(), "name": day.name, "kind": day.kind, "region": day.region_id})
        day.delete()


# --- selectors ------------------------------------------------------------------------------

def national_holidays_for_year(year: int) -> list[tuple[Date, str]]:
    """National holidays and cuti bersama from the ``holidays`` package, read-only."""
    days = holidays_lib.country_holidays("ID", years=year, categories=("public", "government"), language="id")
    return sorted(days.items())


def calendar_days_for_year(year: int):
    return CalendarDay.objects.filter(date__year=year).select_related("region").order_by("date", "region_id")
