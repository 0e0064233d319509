"""Reminders that no transition causes, run hourly (idempotent: each reminder's dedupe key
names the report and the deadline it is about, so a rerun, or a second worker, writes
nothing new; a moved deadline gets its own reminder).

- The reporter, before a responded report closes itself: "reply before <date> if it is not
  resolved" (DOMAIN-RULES: 10 working days without a reply closes it), sent when the
  automatic close is at most ``ADUAN_AUTOCLOSE_REMINDER_DAYS`` working days away.
- Officials, before a deadline passes: the agency's officers for the first response and the
  resolution, the coordinator's verifiers for verification, ``ADUAN_DEADLINE_WARNING_HOURS``
  ahead.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aduan.accounts.selectors import officials_with_perm
from aduan.notifications.services import outbox_enqueue

from .. import sla
from ..models import Report
from ..notify import _reporter_address, local_label, official_email
from ..workflow import AGENCY_OWES_WORK, AWAITING_VERIFICATION, Status

# What the official must do, per deadline field (shown in the message).
_DEADLINES = {
    "verify_due_at": ("verifikasi", "report_verify"),
    "first_response_due_at": ("tanggapan pertama", "report_follow_up"),
    "resolution_due_at": ("penyelesaian", "report_follow_up"),
}


def autoclose_reminders(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    days = settings.ADUAN_AUTOCLOSE_REMINDER_DAYS
    # Prefilter generously (weekends, holidays); the exact working-day test is below.
    candidates = (Report.objects.filter(status=Status.RESPONDED, autoclose_at__gt=now,
                                        autoclose_at__lte=now + timedelta(days=days * 2 + 14))
                  .select_related("agency", "reporter").order_by("pk"))
    written = 0
    for report in candidates.iterator(chunk_size=500):
        if sla.calendar(report.agency, now).add_working_days(now, days) < report.autoclose_at:
            continue
        address = _reporter_address(report)
        if address is None:
            continue
        key = f"report:{report.pk}:autoclose_reminder:{report.autoclose_at:%Y%m%d%H%M}"
        row = outbox_enqueue(channel=address[0], recipient=address[1], template="report_autoclose_reminder",
                             payload={"reference": report.reference, "title": report.title,
                                      "close_date": local_label(report.autoclose_at, report.agency).split(" ")[0]},
                             dedupe_key=key)
        written += row.created
    return written


def deadline_warnings(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    horizon = now + timedelta(hours=settings.ADUAN_DEADLINE_WARNING_HOURS)
    written = 0
    windows = {
        "verify_due_at": Report.objects.filter(status__in=AWAITING_VERIFICATION, breached_verify_at__isnull=True),
        "first_response_due_at": Report.objects.filter(status__in=AGENCY_OWES_WORK, first_response_at__isnull=True,
                                                       breached_first_response_at__isnull=True),
        "resolution_due_at": Report.objects.filter(status__in=AGENCY_OWES_WORK, breached_resolution_at__isnull=True),
    }
    for field, reports in windows.items():
        what, code = _DEADLINES[field]
        due_soon = reports.filter(**{f"{field}__gt": now, f"{field}__lte": horizon}).select_related("agency", "coordinator")
        for report in due_soon.order_by("pk").iterator(chunk_size=500):
            due = getattr(report, field)
            owner = report.coordinator if field == "verify_due_at" else report.agency
            if field != "verify_due_at" and owner is None:
                continue
            payload = {"reference": report.reference, "title": report.title, "what": what,
                       "due": local_label(due, owner)}
            with transaction.atomic():
                for user in officials_with_perm(owner, code):
                    written += official_email(user, template="official_deadline", payload=payload,
                                              dedupe_key=f"report:{report.pk}:{field}:{due:%Y%m%d%H%M}:warn:{user.pk}")
    return written
