"""Gammu SMSD ``RunOnReceive`` hook: ``RunOnReceive = /path/to/manage.py intake_gammu``.

SMSD runs the program once per received message — several physical messages when they
are the parts of one concatenated SMS — with the message in environment variables
(gammu-smsd-run(7)): ``SMS_MESSAGES`` physical messages with ``SMS_<n>_NUMBER``,
``SMS_<n>_TEXT``, ``SMS_<n>_CLASS``; ``DECODED_PARTS`` decoded parts with
``DECODED_<n>_TEXT`` (for a concatenated SMS Gammu has already joined the text there).
The backend's ids of the stored messages are appended as arguments; they key the row, so
SMSD running the hook again for the same message stores nothing new.
"""

from __future__ import annotations

import hashlib
import json
import os

from django.core.management.base import BaseCommand

from aduan.intake.services import inbound_receive

_PREFIXES = ("SMS_", "DECODED_")
_KEYS = ("SMS_MESSAGES", "DECODED_PARTS", "PHONE_ID")


def gammu_fields(environ) -> dict[str, str]:
    """Only Gammu's own variables: never store the rest of the process environment."""
    return {k: v for k, v in environ.items() if k in _KEYS or k.startswith(_PREFIXES)}


def gammu_text(fields: dict[str, str]) -> str:
    def count(name):
        try:
            return int(fields.get(name, "0"))
        except ValueError:
            return 0

    decoded = [fields.get(f"DECODED_{n}_TEXT", "") for n in range(1, count("DECODED_PARTS") + 1)]
    if any(decoded):
        return "".join(decoded)
    return "".join(fields.get(f"SMS_{n}_TEXT", "") for n in range(1, count("SMS_MESSAGES") + 1))


class Command(BaseCommand):
    help = "Store an SMS received by Gammu SMSD (RunOnReceive) and process it."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", help="message ids SMSD appends (file names or row ids)")

    def handle(self, *args, ids, **options):
        fields = gammu_fields(os.environ)
        if ids:
            external_id = "gammu:" + ",".join(ids)
        else:
            external_id = "gammu:sha256:" + hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()
        message = inbound_receive(
            channel="sms", gateway="gammu", external_id=external_id, sender=fields.get("SMS_1_NUMBER", ""),
            text=gammu_text(fields), payload=fields,
        )
        self.stdout.write(f"{message.pk} {message.state}")
