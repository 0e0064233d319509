"""Periodic report jobs (Huey). Thin: each calls one service.

- ``sla_breach_scan_task``: every 15 minutes. Deadlines end at 23:59:59 local time, so a
  quarter-hour is ample precision, and the job is idempotent.
- ``reminders_task``: every hour at :35 — reporters before the automatic close, officials
  before a deadline (services/reminders.py; idempotent by dedupe key).
- ``reports_autoclose_task``: every hour at :05. The 10-working-day close is counted in
  days; an hour's lag is invisible to the citizen.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services.reminders import autoclose_reminders, deadline_warnings
from .services.sla_jobs import reports_autoclose, sla_breach_scan


@db_periodic_task(crontab(minute="*/15"))
def sla_breach_scan_task():
    return sla_breach_scan()


@db_periodic_task(crontab(minute="5"))
def reports_autoclose_task():
    return reports_autoclose()


@db_periodic_task(crontab(minute="35"))
def reminders_task():
    return {"autoclose_reminders": autoclose_reminders(), "deadline_warnings": deadline_warnings()}
