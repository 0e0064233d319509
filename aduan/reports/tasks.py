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


@db_periodic_task(crontab(day_of_week="0", hour="2", minute="20"))
def routing_learn_task():
    """Weekly, Sunday 02:20: the routing models learn from the week's decisions (issue #6);
    a new model replaces the current one only if it is not worse on held-out examples."""
    from .services.routing_learn import routing_learn

    return [(r.model, r.trained, r.promoted) for r in routing_learn()]
