"""Periodic intake jobs (Huey). Thin: each calls one service.

- ``intake_imap_poll_task``: every minute, when ``INTAKE_IMAP_HOST`` is set. A citizen who
  writes an e-mail expects the confirmation with the reference soon; a minute is Huey's
  granularity. The lock keeps a slow poll and the next one from fetching the same mailbox
  at once (that would be harmless — storage is idempotent on Message-ID — but wasteful).
- ``conversations_close_idle_task``: hourly, guided chats idle for more than 24 hours are
  closed (the next message would close them anyway; this keeps the table honest).
- ``intake_sweep_incomplete_task``: every 15 minutes, concatenated SMS still missing parts
  an hour after the first arrived go to the operator queue with what did arrive.
"""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .conversation import conversations_close_idle
from .email_inbound import imap_poll
from .services import inbound_sweep_incomplete


@db_periodic_task(crontab(minute="*"))
def intake_imap_poll_task():
    if not settings.INTAKE_IMAP_HOST:
        return None
    with lock_task("intake-imap-poll"):
        return imap_poll()


@db_periodic_task(crontab(minute="*/15"))
def intake_sweep_incomplete_task():
    return inbound_sweep_incomplete()


@db_periodic_task(crontab(minute="45"))
def conversations_close_idle_task():
    return conversations_close_idle()
