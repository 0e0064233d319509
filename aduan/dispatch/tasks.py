"""Periodic delivery jobs (Huey). Thin: each calls one service.

- ``delivery_send_due_task``: every minute. A disposition should reach the agency's own
  system within the minute; retries are spaced by the backoff, not by this schedule.
- ``open311_updates_pull_task``: every 5 minutes. Agencies' follow-ups are counted in days;
  five minutes keeps their servers' load small and the citizen's timeline fresh.
- ``delivery_send_task``: on demand, for "retry now" in the back office.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .inbound import open311_updates_pull_all
from .services import delivery_release_stuck, delivery_send_due


@db_periodic_task(crontab(minute="*"))
def delivery_send_due_task():
    delivery_release_stuck()
    return delivery_send_due()


@db_periodic_task(crontab(minute="*/5"))
def open311_updates_pull_task():
    return open311_updates_pull_all()


@db_task()
def delivery_send_task(delivery_id: int):
    return delivery_send_due(ids=[delivery_id])
