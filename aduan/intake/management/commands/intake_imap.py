"""Poll the e-mail intake mailbox over IMAP once (or every ``--loop`` seconds).

The worker already does this every minute (``intake/tasks.py``) when ``INTAKE_IMAP_HOST``
is set; the command is for a deployment without the worker, a cron job, or a first check
of the settings: ``manage.py intake_imap``.
"""

from __future__ import annotations

import imaplib
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aduan.intake.email_inbound import imap_poll


class Command(BaseCommand):
    help = "Fetch new e-mail from the IMAP mailbox (INTAKE_IMAP_*), store and process it."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100, help="messages per poll (default 100)")
        parser.add_argument("--loop", type=float, default=0, metavar="SECONDS",
                            help="keep polling, this many seconds apart (Ctrl-C to stop)")

    def handle(self, *args, limit, loop, **options):
        if not settings.INTAKE_IMAP_HOST:
            raise CommandError("INTAKE_IMAP_HOST is not set: IMAP polling is off.")
        while True:
            try:
                counts = imap_poll(limit=limit)
            except (imaplib.IMAP4.error, OSError) as exc:
                if loop <= 0:
                    raise CommandError(f"IMAP poll failed: {type(exc).__name__}: {exc}") from exc
                # A mail server that is down for a while must not end the loop.
                self.stderr.write(f"IMAP poll failed: {type(exc).__name__}; trying again in {loop:g} s")
            else:
                self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))
            if loop <= 0:
                return
            time.sleep(loop)
