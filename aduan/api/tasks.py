"""Periodic API housekeeping (Huey). Thin: each calls one service.

- ``idempotency_prune_task``: hourly at :20; stored responses older than 24 h go.
- ``citizen_tokens_prune_task``: daily at 03:40; expired citizen bearer tokens go.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .idempotency import idempotency_prune
from .v1.citizen_auth import citizen_tokens_prune


@db_periodic_task(crontab(minute="20"))
def idempotency_prune_task():
    return idempotency_prune()


@db_periodic_task(crontab(minute="40", hour="3"))
def citizen_tokens_prune_task():
    return citizen_tokens_prune()
