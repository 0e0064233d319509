"""WhatsApp adapter (WhatsApp Business Platform, Cloud API): one stored message → the
guided conversation (conversation.py).

The webhook view (views_chat.py) stores each element of ``entry[].changes[].value.messages[]``
as its own ``InboundMessage`` with ``payload = {"message": <the element>, "contact": <its
contacts[] entry>, "metadata": <value.metadata>}``, keyed by the message id (``wamid.…``).
Message types read here, as Meta documents them:

- ``text`` → ``text.body``; ``button`` → ``button.text``; ``interactive`` → the reply's title;
- ``image`` / ``document`` / ``video`` → the media id (downloaded when the report is built),
  ``caption`` as text, ``filename`` and ``mime_type`` for documents;
- ``location`` → ``latitude``/``longitude`` and the place's ``name``/``address``;
- ``request_welcome`` (the user opened the chat for the first time) → the welcome text;
- ``reaction``, ``system`` (number changed), ``ephemeral`` → ignored (nothing to answer);
- anything else (``audio``, ``sticker``, ``contacts``, ``unsupported``, …) → a polite
  "send text, a photo, a document or a location".

The sender is the phone number in ``from`` (``+62…`` after normalising); the profile name
becomes the reporter's name.
"""

from __future__ import annotations

from datetime import datetime, timezone as dt_timezone

from django.utils.translation import gettext as _

from .base import Ignore, ParseError
from .sms import sender_normalise

IGNORED_TYPES = {"reaction", "system", "ephemeral"}
MEDIA_TYPES = ("image", "document", "video")


def _timestamp(message, raw) -> tuple[datetime, float]:
    try:
        seconds = int(raw)
        return datetime.fromtimestamp(seconds, tz=dt_timezone.utc), float(seconds)
    except (TypeError, ValueError, OverflowError, OSError):
        return message.received_at, message.received_at.timestamp()


def whatsapp_input(message):
    """The stored message as a ``ChatInput``."""
    from ..conversation import ChatInput, ChatMedia

    payload = message.payload or {}
    item = payload.get("message")
    if not isinstance(item, dict):
        raise ParseError(_("Pesan WhatsApp tanpa isi message."), code="malformed")
    kind = item.get("type") or ""
    if kind in IGNORED_TYPES:
        raise Ignore(_("Pesan WhatsApp jenis %(kind)s tidak perlu dijawab.") % {"kind": kind}, code="not_a_message")
    phone = sender_normalise(str(item.get("from") or message.sender or ""))
    if not phone:
        raise ParseError(_("Pesan WhatsApp tanpa nomor pengirim."), code="no_sender")
    contact = payload.get("contact") or {}
    name = str((contact.get("profile") or {}).get("name") or "").strip()
    sent_at, order = _timestamp(message, item.get("timestamp"))
    fields: dict = {}
    if kind == "text":
        fields["text"] = str((item.get("text") or {}).get("body") or "")
    elif kind == "button":
        fields["text"] = str((item.get("button") or {}).get("text") or "")
    elif kind == "interactive":
        interactive = item.get("interactive") or {}
        reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
        fields["text"] = str(reply.get("title") or "")
    elif kind in MEDIA_TYPES:
        media = item.get(kind) or {}
        if not media.get("id"):
            raise ParseError(_("Lampiran WhatsApp tanpa id media."), code="malformed")
        fields["media"] = (ChatMedia(media_id=str(media["id"]), kind=kind, filename=str(media.get("filename") or ""),
                                     mime=str(media.get("mime_type") or "")),)
        fields["text"] = str(media.get("caption") or "")
    elif kind == "location":
        location = item.get("location") or {}
        try:
            fields["latitude"], fields["longitude"] = float(location["latitude"]), float(location["longitude"])
        except (KeyError, TypeError, ValueError):
            raise ParseError(_("Lokasi WhatsApp tanpa koordinat yang sah."), code="malformed") from None
        fields["place"] = ", ".join(str(location[k]).strip() for k in ("name", "address") if location.get(k))
    elif kind == "request_welcome":
        fields["command"] = "start"
    else:
        fields["unsupported"] = kind or "unknown"
    return ChatInput(channel="whatsapp", sender=phone, sent_at=sent_at, order=order,
                     reporter_name=name, reporter_phone=phone, **fields)


def whatsapp_parse(message):
    """The adapter: a stored WhatsApp message → command, reply or report draft."""
    from .. import conversation

    return conversation.conversation_step(message, whatsapp_input(message))
