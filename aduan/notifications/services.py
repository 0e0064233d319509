"""Writing and sending outbox rows.

``outbox_enqueue`` must be called inside the transaction of the change it reports.
``outbox_send_due`` claims due rows (``SKIP LOCKED`` where the database has it), hands each
to the sender registered for its channel, and records success or schedules a retry with
exponential backoff; after ``MAX_ATTEMPTS`` a row is marked failed for an operator.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from .email import send_email
from .models import Outbox
from .render import message_render
from .sms import send_sms
from .telegram import send_telegram
from .whatsapp import send_whatsapp

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_BACKOFF_SECONDS = 30


def outbox_enqueue(
    *, channel: str, recipient: str, template: str, payload: dict, dedupe_key: str, hold_for_digest: bool = False,
) -> Outbox:
    """Write one notification (idempotent on ``dedupe_key``). ``hold_for_digest``: an
    official's e-mail that waits for their daily digest instead of going out now."""
    row, created = Outbox.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={"channel": channel, "recipient": recipient, "template": template, "payload": payload,
                  "state": Outbox.State.HELD if hold_for_digest else Outbox.State.PENDING},
    )
    row.created = created  # False for a repeat of the same cause
    return row


def outbox_digest(*, now=None) -> int:
    """Turn each recipient's held e-mails into one ``official_digest`` e-mail (sent by the
    worker like any row). Run daily; the held rows become ``digested`` in the same
    transaction, so a crash leaves either both or neither. Returns the digests written."""
    now = now or timezone.now()
    written = 0
    recipients = (Outbox.objects.filter(state=Outbox.State.HELD, channel="email")
                  .values_list("recipient", flat=True).distinct().order_by("recipient"))
    for recipient in list(recipients):
        with transaction.atomic():
            rows = list(Outbox.objects.select_for_update().filter(
                state=Outbox.State.HELD, channel="email", recipient=recipient).order_by("id"))
            if not rows:
                continue
            language = rows[-1].payload.get("language") or settings.LANGUAGE_CODE
            with translation.override(language):
                items = [{"subject": " ".join(message_render(r.template, "subject", r.payload).split()),
                          "reference": r.payload.get("reference", ""), "path": r.payload.get("path", "")}
                         for r in rows]
            outbox_enqueue(channel="email", recipient=recipient, template="official_digest",
                           payload={"items": items, "language": language},
                           dedupe_key=f"digest:{recipient}:{rows[0].pk}-{rows[-1].pk}")
            Outbox.objects.filter(pk__in=[r.pk for r in rows]).update(state=Outbox.State.DIGESTED, sent_at=now)
            written += 1
    return written


def _send_internal(row: Outbox) -> None:
    """Officials' in-app notifications: the row itself is the notification."""


# Channel → sender.
SENDERS: dict[str, Callable[[Outbox], None]] = {
    "email": send_email,  # SMTP or an anymail backend via EMAIL_BACKEND (notifications/email.py)
    "internal": _send_internal,
    "sms": send_sms,  # backend chosen by ADUAN_SMS_BACKEND (notifications/sms.py)
    "whatsapp": send_whatsapp,  # WhatsApp Cloud API (notifications/whatsapp.py)
    "telegram": send_telegram,  # Telegram Bot API (notifications/telegram.py)
}


def _claim(now, limit: int) -> list[int]:
    with transaction.atomic():
        qs = Outbox.objects.filter(state=Outbox.State.PENDING, next_attempt_at__lte=now).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        ids = list(qs.values_list("id", flat=True)[:limit])
        # next_attempt_at doubles as the claim time, so a row stuck in 'sending' can be released.
        Outbox.objects.filter(id__in=ids).update(state=Outbox.State.SENDING, next_attempt_at=now)
    return ids


def outbox_send_due(*, limit: int = 100) -> dict[str, int]:
    now = timezone.now()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for row_id in _claim(now, limit):
        row = Outbox.objects.get(pk=row_id)
        row.attempts += 1
        sender = SENDERS.get(row.channel)
        try:
            if sender is None:
                raise LookupError(f"no sender for channel {row.channel!r}")
            # Messages are written in the language the row asks for, else the site's
            # (Bahasa Indonesia), never in whatever language a previous request left active.
            with translation.override(row.payload.get("language") or settings.LANGUAGE_CODE):
                sender(row)
        except Exception as exc:  # a sender may fail in any way; the row must survive it
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if row.attempts >= MAX_ATTEMPTS:
                row.state = Outbox.State.FAILED
                counts["failed"] += 1
            else:
                row.state = Outbox.State.PENDING
                row.next_attempt_at = now + timedelta(seconds=BASE_BACKOFF_SECONDS * 2 ** (row.attempts - 1))
                counts["retry"] += 1
            logger.warning("outbox %s attempt %s failed: %s", row.pk, row.attempts, type(exc).__name__)
        else:
            row.state = Outbox.State.SENT
            row.sent_at = timezone.now()
            row.last_error = ""
            counts["sent"] += 1
        row.save(update_fields=["attempts", "state", "next_attempt_at", "last_error", "sent_at"])
    return counts


def outbox_release_stuck(*, older_than: timedelta = timedelta(minutes=15)) -> int:
    """Rows left in 'sending' by a worker that died go back to the queue (at-least-once)."""
    cutoff = timezone.now() - older_than
    return Outbox.objects.filter(state=Outbox.State.SENDING, next_attempt_at__lte=cutoff).update(state=Outbox.State.PENDING)
