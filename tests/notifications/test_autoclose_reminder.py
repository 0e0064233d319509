"""The reporter is reminded before a responded report closes itself (issue #5: "reminder
before auto-close"), on their channel, once per close date."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aduan.notifications.models import Outbox
from aduan.reports.services.reminders import autoclose_reminders
from aduan.reports.workflow import Status

from ..reports.helpers import report_in

pytestmark = pytest.mark.django_db


def reminders():
    return list(Outbox.objects.filter(template="report_autoclose_reminder"))


def test_reminder_two_working_days_before_the_close(directory, national_admin, settings):
    settings.ADUAN_AUTOCLOSE_REMINDER_DAYS = 2
    report, _token = report_in(Status.RESPONDED, directory, national_admin)
    report.refresh_from_db()
    close = report.autoclose_at
    assert autoclose_reminders(now=close - timedelta(days=9)) == 0
    assert reminders() == []

    assert autoclose_reminders(now=close - timedelta(days=1)) == 1
    (row,) = reminders()
    assert (row.channel, row.recipient) == ("email", "warga@example.test")
    assert row.payload["reference"] == report.reference
    assert row.payload["close_date"] == f"{close.astimezone(__import__('zoneinfo').ZoneInfo('Asia/Jakarta')):%d-%m-%Y}"
    assert autoclose_reminders(now=close - timedelta(hours=20)) == 0  # once


def test_sms_reporter_is_reminded_by_sms_in_one_segment(directory, national_admin):
    from aduan.notifications.sms import sms_render

    report, _token = report_in(Status.RESPONDED, directory, national_admin, channel="sms", reporter_email="",
                       reporter_phone="081234567001")
    report.refresh_from_db()
    autoclose_reminders(now=report.autoclose_at - timedelta(hours=12))
    (row,) = reminders()
    assert (row.channel, row.recipient) == ("sms", "+6281234567001")
    segments = sms_render(row)
    assert len(segments) == 1 and report.reference in segments[0]


def test_closed_or_replied_reports_are_not_reminded(directory, national_admin):
    report, _token = report_in(Status.CLOSED, directory, national_admin)
    assert autoclose_reminders(now=report.submitted_at + timedelta(days=12)) == 0
    assert reminders() == []
