"""Periodic early-warning job (Huey; issue #7). Thin: it calls the service.

- ``early_warning_run_task``: daily at 18:30 UTC = 01:30 WIB. The window is the 7 days
  ending yesterday (WIB), so it runs once the day is over everywhere in Indonesia (WIT ends
  at 15:00 UTC); officials find the alerts when the office opens. Idempotent: a retry or a
  second worker raises nothing new.

Imported by ``aduan/analytics/tasks.py`` (Huey discovers only ``tasks`` modules).
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .early_warning import early_warning_run


@db_periodic_task(crontab(hour="18", minute="30"))
def early_warning_run_task():
    return early_warning_run()
