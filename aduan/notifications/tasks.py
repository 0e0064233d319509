"""Periodic delivery of the outbox. Schedule: every minute (citizens expect the confirmation
message at once; the minute granularity is Huey's)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import outbox_digest, outbox_release_stuck, outbox_send_due


@db_periodic_task(crontab(minute="*"))
def outbox_send_task():
    outbox_release_stuck()
    return outbox_send_due()


@db_periodic_task(crontab(hour="0", minute="0"))  # 07:00 WIB: the digest is there when the office opens
def outbox_digest_task():
    return outbox_digest()
