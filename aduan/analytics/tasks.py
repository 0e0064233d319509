"""Periodic analytics jobs (Huey). Thin: each calls one service.

- ``stats_refresh_task``: every 15 minutes, the report facts and the rollups of the months
  they touched. The public statistics are therefore at most a quarter-hour behind (the
  pages say when they were last refreshed).

The early-warning and open-data jobs are declared in their own modules, imported here so
the consumer registers them.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .facts import facts_refresh


@db_periodic_task(crontab(minute="*/15"))
def stats_refresh_task():
    return facts_refresh()

from . import tasks_alerts  # noqa: E402,F401  (the daily early-warning job)
from . import tasks_opendata  # noqa: E402,F401  (the daily open-data dump)
