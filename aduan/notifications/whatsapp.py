"""WhatsApp sender for the outbox (channel ``whatsapp``): one text message through the
WhatsApp Business Cloud API, ``POST {WHATSAPP_GRAPH_URL}/{WHATSAPP_PHONE_NUMBER_ID}/messages``
with the bearer ``WHATSAPP_ACCESS_TOKEN``::

    {"messaging_product": "whatsapp", "to": "6281234567001", "type": "text", "text": {"body": "…"}}

The text is the message's ``short`` variant (notifications/render.py: an official's override
or the shipped default; intake's ``channel_reply`` rows carry their own text), plus the
tracking link for ``report_submitted``. A non-2xx answer raises, so ``outbox_send_due``
retries the row; the error kept is Meta's error code and title, never the text.

Free-form text reaches a citizen only within WhatsApp's 24-hour customer-service window
(after their last message); later notifications need a pre-approved template message
(Meta error 131047). Until templates are configured such rows fail after their retries
like any undeliverable row.
"""

from __future__ import annotations

import re

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from .models import Outbox
from .render import message_render

TEXT_MAX = 4096  # Cloud API: text.body, at most 4096 characters
TIMEOUT = httpx.Timeout(20.0, connect=10.0)


class WhatsAppSendError(Exception):
    """The Cloud API refused the message (HTTP status, Meta's error code and title)."""


def chat_text(row: Outbox) -> str:
    """The text of an outbox row for a chat channel (WhatsApp, Telegram): the ``short``
    variant, with the tracking link after a submission confirmation."""
    text = message_render(row.template, "short", row.payload).strip()
    if row.template == "report_submitted" and row.payload.get("track_url"):
        text += "\n" + _("Pantau laporan Anda: %(url)s") % {"url": row.payload["track_url"]}
    return text


def _error(response: httpx.Response) -> str:
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    code = error.get("code", "")
    title = str(error.get("error_user_title") or error.get("type") or "")[:100]
    return f"HTTP {response.status_code}" + (f": code {code}" if code else "") + (f" {title}" if title else "")


def send_whatsapp(row: Outbox, *, client: httpx.Client | None = None) -> None:
    """The outbox sender for channel ``whatsapp``. ``client``: an ``httpx.Client`` to use
    (tests); by default one is opened for the call."""
    token, phone_id = settings.WHATSAPP_ACCESS_TOKEN, settings.WHATSAPP_PHONE_NUMBER_ID
    if not (token and phone_id):
        raise ImproperlyConfigured("WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID are required")
    to = re.sub(r"\D", "", row.recipient or "")  # the Cloud API takes the number without "+"
    if not to:
        raise ValueError("whatsapp row without a recipient")
    text = chat_text(row)
    if not text:
        raise ValueError("empty whatsapp text")
    body = {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": text[:TEXT_MAX]}}
    url = f"{settings.WHATSAPP_GRAPH_URL.rstrip('/')}/{phone_id}/messages"
    headers = {"Authorization": f"Bearer {token}"}
    if client is not None:
        response = client.post(url, json=body, headers=headers, timeout=TIMEOUT)
    else:
        with httpx.Client(timeout=TIMEOUT) as own:
            response = own.post(url, json=body, headers=headers)
    if not response.is_success:
        raise WhatsAppSendError(_error(response))
