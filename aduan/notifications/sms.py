"""SMS senders for the outbox (channel ``sms``), chosen by ``ADUAN_SMS_BACKEND``.

Backends (a dotted path to a class with ``send(to, segments)`` also works):

- ``console`` (default): logs the recipient's last 4 digits, length and segment count to
  the ``aduan.sms`` logger — never the text (it may carry a tracking token);
- ``locmem``: appends an ``SmsMessage`` to ``aduan.notifications.sms.outbox`` (tests);
- ``twilio``: Twilio REST ``messages.create`` per segment, with ``TWILIO_ACCOUNT_SID``,
  ``TWILIO_AUTH_TOKEN`` and ``TWILIO_FROM_NUMBER``.

The text is the message's ``short`` variant (notifications/render.py: an official's
override or the shipped default; intake's ``channel_reply`` rows carry their text) and made GSM-7-safe with
``sms_text.sms_segments``. Any exception propagates, so ``outbox_send_due`` retries the row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .models import Outbox
from .render import message_render
from .sms_text import sms_segments

logger = logging.getLogger("aduan.sms")


@dataclass(frozen=True)
class SmsMessage:
    to: str
    segments: list[str]

    @property
    def text(self) -> str:
        return "".join(self.segments)


# The locmem backend's mailbox, like django.core.mail.outbox.
outbox: list[SmsMessage] = []


def _masked(number: str) -> str:
    return f"…{number[-4:]}" if number else ""


class ConsoleBackend:
    def send(self, to: str, segments: list[str]) -> None:
        logger.info("sms to %s: %s chars in %s segment(s)", _masked(to), sum(len(s) for s in segments), len(segments))


class LocmemBackend:
    def send(self, to: str, segments: list[str]) -> None:
        outbox.append(SmsMessage(to=to, segments=list(segments)))


class TwilioBackend:
    """One REST call per segment, so each message stays GSM-7 and ≤160 characters.
    ``http_client`` is passed to twilio's Client (tests give it a fake transport)."""

    def __init__(self, http_client=None):
        sid, token, sender = settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM_NUMBER
        if not (sid and token and sender):
            raise ImproperlyConfigured("TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER are required")
        from twilio.rest import Client

        self.client = Client(sid, token, **({"http_client": http_client} if http_client else {}))
        self.sender = sender

    def send(self, to: str, segments: list[str]) -> None:
        for segment in segments:
            self.client.messages.create(to=to, from_=self.sender, body=segment)


BACKENDS = {"console": ConsoleBackend, "locmem": LocmemBackend, "twilio": TwilioBackend}


def get_backend():
    name = settings.ADUAN_SMS_BACKEND
    cls = BACKENDS.get(name) or import_string(name)
    return cls()


def sms_render(row: Outbox) -> list[str]:
    """The GSM-7-safe segments for an outbox row."""
    if row.template in ("sms_reply", "channel_reply") and not row.payload.get("text"):
        return sms_segments("".join(row.payload.get("segments") or []))
    template = "channel_reply" if row.template == "sms_reply" else row.template
    text = " ".join(message_render(template, "short", row.payload).split())
    if row.template == "report_submitted":
        # The tracking link only if the whole confirmation still fits one SMS.
        with_link = f"{text} Pantau: {row.payload.get('track_url', '')}"
        if row.payload.get("track_url") and len(sms_segments(with_link)) == 1:
            text = with_link
    return sms_segments(text)


def send_sms(row: Outbox) -> None:
    """The outbox sender for channel ``sms``."""
    if not row.recipient:
        raise ValueError("sms row without a recipient")
    segments = sms_render(row)
    if not segments:
        raise ValueError("empty sms text")
    get_backend().send(row.recipient, segments)
