"""The SLA clock of a report: deadlines stored on the row, computed by the pure working-day
functions in ``aduan.core.calendar`` over the calendar of whoever owns the clock.

- Verification (3 HK from submission) runs on the coordinator's calendar (WIB for the
  national admin).
- First follow-up (5 HK) and resolution (tier: 2/5/14/60 HK) start at the *first*
  disposition and run on the agency's calendar; forwarding after "Bukan Wewenang" keeps
  them (DOMAIN-RULES §2.4: every bounce is logged and the citizen's wait is not reset).
- Waiting for the reporter pauses the clock; on resume, pending deadlines move by the
  working days spent waiting.
- Automatic close 10 HK after the last agency follow-up (SP4N-LAPOR!).
- Ombudsman referral 60 calendar days after submission (Perpres 76/2013; KemenPANRB 2016).

Functions here mutate a locked ``Report`` inside ``report_transition``; they never save.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from aduan.agencies.models import Agency, AgencyCategory
from aduan.core.calendar import WorkCalendar
from aduan.standards.deadlines import calendar_for, calendar_for_agency, limits_for, resolution_days

from .models import Report
from .workflow import AGENCY_OWES_WORK, AWAITING_VERIFICATION, Status


def clock_owner(report: Report) -> Agency | None:
    """Whose calendar and whose duty: the coordinator before disposition or after a return,
    the agency while it holds the report."""
    if report.status in AWAITING_VERIFICATION or report.status == Status.RETURNED or report.agency_id is None:
        return report.coordinator
    return report.agency


def calendar(agency: Agency | None, now: datetime) -> WorkCalendar:
    return calendar_for_agency(agency, now.year)


def calendar_key(agency: Agency | None) -> dict:
    """What identifies a calendar, stored on clock events so the clock can be replayed."""
    if agency is None:
        return {"region": None, "tz": "Asia/Jakarta"}
    return {"region": agency.seat_region_id, "tz": agency.timezone}


def _calendar_from_key(key: dict, now: datetime) -> WorkCalendar:
    return calendar_for(region_code=key["region"], tz_name=key["tz"], year=now.year)


def on_submit(report: Report, now: datetime) -> dict:
    limits = limits_for(report.coordinator)
    report.verify_due_at = calendar(report.coordinator, now).add_working_days(now, limits["verify_days"])
    report.ombudsman_due_at = now + timedelta(days=limits["ombudsman_calendar_days"])
    local_today = calendar(report.coordinator, now).local_date(now)
    report.late_filing_warning = (local_today - report.incident_date).days > limits["late_filing_calendar_days"]
    return {**calendar_key(report.coordinator), "verify_days": limits["verify_days"]}


def tier_for(report: Report, agency: Agency, requested: str | None) -> str:
    if requested:
        return requested
    if report.category_id:
        handler = (
            AgencyCategory.objects.filter(agency=agency, category_id=report.category_id).exclude(tier="").values_list("tier", flat=True).first()
        )
        if handler:
            return handler
        return report.category.default_tier
    return report.resolution_tier or "normative"


def on_dispose(report: Report, agency: Agency, now: datetime, tier: str) -> dict:
    """Returns the figures used, stored on the event so the clock can be replayed."""
    if report.verified_at is None:
        report.verified_at = now
    if report.first_response_due_at is not None:
        return {"clock": "kept"}
    limits = limits_for(agency)
    cal = calendar(agency, now)
    report.resolution_tier = tier
    days = resolution_days(limits, tier)
    report.first_response_due_at = cal.add_working_days(now, limits["first_response_days"])
    report.resolution_due_at = cal.add_working_days(now, days)
    return {"clock": "started", "first_response_days": limits["first_response_days"], "resolution_days": days,
            **calendar_key(agency)}


def on_first_response(report: Report, now: datetime) -> None:
    if report.first_response_at is None:
        report.first_response_at = now


def on_follow_up(report: Report, now: datetime) -> dict:
    on_first_response(report, now)
    report.last_agency_follow_up_at = now
    limits = limits_for(report.agency)
    report.autoclose_at = calendar(report.agency, now).add_working_days(now, limits["autoclose_days"])
    return {**calendar_key(report.agency), "autoclose_days": limits["autoclose_days"]}


def on_pause(report: Report, now: datetime) -> None:
    report.clock_paused_at = now


def on_resume(report: Report, now: datetime) -> dict:
    if report.clock_paused_at is None:
        return {"waited": 0}
    cal = calendar(report.agency, now)
    waited = cal.working_days_between(report.clock_paused_at, now)
    if report.first_response_at is None and report.first_response_due_at:
        report.first_response_due_at = cal.shift_deadline(report.first_response_due_at, waited)
    if report.resolution_due_at:
        report.resolution_due_at = cal.shift_deadline(report.resolution_due_at, waited)
    report.paused_working_days += waited
    report.clock_paused_at = None
    return {**calendar_key(report.agency), "waited": waited}


def on_reopen(report: Report) -> None:
    report.autoclose_at = None


def on_stop(report: Report, now: datetime) -> None:
    report.closed_at = now
    report.autoclose_at = None
    report.next_escalation_at = None


# --- Breaches ------------------------------------------------------------------------

def overdue_clocks(report: Report, now: datetime) -> list[str]:
    """Which deadlines are missed right now (the paused clock never is)."""
    missed = []
    if report.status in AWAITING_VERIFICATION and report.verify_due_at and report.verify_due_at < now:
        missed.append("verify")
    if report.status in AGENCY_OWES_WORK:
        if report.first_response_at is None and report.first_response_due_at and report.first_response_due_at < now:
            missed.append("first_response")
        if report.resolution_due_at and report.resolution_due_at < now:
            missed.append("resolution")
    return missed


def escalation_target(report: Report, level: int) -> Agency | None:
    """Level 1: the responsible agency's supervisors; 2: its parent agency; 3: national."""
    owner = clock_owner(report)
    if owner is None or level >= 3:
        return None
    if level == 1:
        return owner
    return owner.parent


# --- Replay ---------------------------------------------------------------------------

REPLAYED = ("verify_due_at", "first_response_due_at", "resolution_due_at", "autoclose_at", "first_response_at")


def deadlines_replay(report: Report) -> dict[str, datetime | None]:
    """Recompute the stored clock from the event log alone (rule of the house 6): each clock
    event carries the limits and the calendar it used; holidays are read afresh, so an
    edited calendar shows up as a difference."""
    out: dict[str, datetime | None] = dict.fromkeys(REPLAYED)
    paused_at = None
    for event in report.events.order_by("at", "id"):
        clock = event.data.get("clock_used") or {}
        at = event.at
        if event.action == "submit" and clock:
            out["verify_due_at"] = _calendar_from_key(clock, at).add_working_days(at, clock["verify_days"])
        elif event.action in ("verify_dispose", "auto_dispose") and clock.get("clock") == "started":
            cal = _calendar_from_key(clock, at)
            out["first_response_due_at"] = cal.add_working_days(at, clock["first_response_days"])
            out["resolution_due_at"] = cal.add_working_days(at, clock["resolution_days"])
        elif event.action == "start_follow_up":
            out["first_response_at"] = out["first_response_at"] or at
        elif event.action == "respond":
            out["first_response_at"] = out["first_response_at"] or at
            out["autoclose_at"] = _calendar_from_key(clock, at).add_working_days(at, clock["autoclose_days"])
        elif event.action == "request_clarification":
            paused_at = at
        elif event.action == "provide_clarification" and paused_at is not None and clock.get("tz"):
            cal = _calendar_from_key(clock, at)
            waited = cal.working_days_between(paused_at, at)
            if out["first_response_at"] is None and out["first_response_due_at"]:
                out["first_response_due_at"] = cal.shift_deadline(out["first_response_due_at"], waited)
            if out["resolution_due_at"]:
                out["resolution_due_at"] = cal.shift_deadline(out["resolution_due_at"], waited)
            paused_at = None
        elif event.action in ("reporter_reply", "admin_reply", "dispute", "confirm", "close", "auto_close", "archive"):
            out["autoclose_at"] = None
    return out
