"""Periodic open-data jobs (Huey; issue #7). Thin: each calls one service in ``opendata_dump``.
Huey's crontab runs in UTC.

- ``opendata_dump_task``: daily at 18:30 UTC (01:30 WIB), when the site is quiet: the full
  dump of the public reports as gzip CSV and JSON Lines with its manifest.
- ``opendata_dump_refresh_task``: every 15 minutes, a new dump only if a report in the
  current one was made confidential or archived since (one indexed query otherwise); until
  then the download view refuses the stale files.

A run that finds another one writing (file lock) does nothing.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .opendata_dump import DumpRunning, opendata_dump, opendata_dump_refresh_if_stale


@db_periodic_task(crontab(hour="18", minute="30"))
def opendata_dump_task():
    try:
        manifest = opendata_dump()
    except DumpRunning:
        return "running"
    return {"rows": manifest.rows, "files": [f.name for f in manifest.files]}


@db_periodic_task(crontab(minute="*/15"))
def opendata_dump_refresh_task():
    try:
        manifest = opendata_dump_refresh_if_stale()
    except DumpRunning:
        return "running"
    return None if manifest is None else {"rows": manifest.rows, "files": [f.name for f in manifest.files]}
