"""Telegram adapter (Bot API, webhook mode): one stored ``Update`` → the guided conversation
(conversation.py).

The webhook view (views_chat.py) stores each Update as delivered, plus ``chat_id`` (where
answers go), keyed by ``update_id``. The Update is read with python-telegram-bot's
``telegram.Update.de_json``. Only a new ``message`` in a private chat is a citizen writing
to us; edited messages, channel posts, group chats, callback queries and other bots are
kept and ignored.

- ``text`` (or a media ``caption``) → text; ``/start``, ``/bantuan``, ``/help`` → the welcome;
  ``/batal`` → BATAL; ``/cek <ref>``, ``/status <ref>`` → CEK; ``/lapor <teks>`` → the text;
  other commands → the welcome;
- ``photo`` → the largest size's ``file_id``; ``document``, ``video`` → their ``file_id``;
- ``location`` / ``venue`` → latitude/longitude (and the venue's title and address);
- ``contact`` that is the sender's own → the reporter's phone;
- ``voice``, ``audio``, ``sticker``, ``animation``, ``video_note``, … → a polite
  "send text, a photo, a document or a location".

The sender is ``from.id``; the conversation's and the report's reply address is the chat id.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from aduan.reports.services.submit import phone_normalise

from .base import Ignore, ParseError

WELCOME_COMMANDS = {"start", "mulai", "help", "bantuan"}
COMMAND_WORDS = {"batal": "BATAL", "cek": "CEK", "status": "STATUS"}
UNSUPPORTED = ("voice", "audio", "sticker", "animation", "video_note", "poll", "dice", "game", "contact", "story")


def telegram_input(message):
    """The stored Update as a ``ChatInput``."""
    from telegram import Update

    from ..conversation import ChatInput, ChatMedia

    data = {k: v for k, v in (message.payload or {}).items() if k != "chat_id"}
    try:
        update = Update.de_json(data, bot=None)
    except (KeyError, TypeError, ValueError) as exc:
        raise ParseError(_("Update Telegram tidak dapat dibaca (%(error)s).") % {"error": type(exc).__name__},
                         code="malformed") from None
    if update is None:
        raise ParseError(_("Update Telegram kosong."), code="malformed")
    msg = update.message
    if msg is None:
        raise Ignore(_("Update Telegram tanpa pesan baru (pesan yang diedit, tombol, kanal, …)."), code="not_a_message")
    if msg.chat.type != "private":
        raise Ignore(_("Pesan dari grup atau kanal Telegram tidak diproses."), code="not_private")
    user = msg.from_user
    if user is None or user.is_bot:
        raise Ignore(_("Pesan dari bot lain."), code="bot")

    fields: dict = {"text": msg.text or msg.caption or ""}
    text = fields["text"].strip()
    if msg.text and text.startswith("/"):
        word, _space, rest = text.partition(" ")
        name = word[1:].split("@", 1)[0].lower()
        if name in COMMAND_WORDS:
            fields["text"] = f"{COMMAND_WORDS[name]} {rest}".strip()
        elif name == "lapor" and rest.strip():
            fields["text"] = rest.strip()
        else:
            fields["command"], fields["text"] = ("start" if name in WELCOME_COMMANDS else "help"), ""
    if msg.photo:
        largest = max(msg.photo, key=lambda size: size.width * size.height)
        fields["media"] = (ChatMedia(media_id=largest.file_id, kind="image", mime="image/jpeg"),)
    elif msg.animation is None and msg.document is not None:
        doc = msg.document
        fields["media"] = (ChatMedia(media_id=doc.file_id, kind="document", filename=doc.file_name or "",
                                     mime=doc.mime_type or ""),)
    elif msg.video is not None:
        video = msg.video
        fields["media"] = (ChatMedia(media_id=video.file_id, kind="video", filename=video.file_name or "",
                                     mime=video.mime_type or ""),)
    if msg.location is not None:
        fields["latitude"], fields["longitude"] = msg.location.latitude, msg.location.longitude
        if msg.venue is not None:
            fields["place"] = ", ".join(p for p in (msg.venue.title, msg.venue.address) if p)
    own_phone = msg.contact is not None and msg.contact.user_id == user.id and phone_normalise(msg.contact.phone_number)
    if own_phone:
        fields["contact_phone"] = own_phone
    elif not (fields["text"] or fields.get("media") or "latitude" in fields or fields.get("command")):
        kind = next((k for k in UNSUPPORTED if getattr(msg, k, None)), "unknown")
        fields["unsupported"] = kind
    chat_id = str(msg.chat.id)
    return ChatInput(channel="telegram", sender=str(user.id), sent_at=msg.date, order=float(update.update_id),
                     reply_address=chat_id, reporter_name=user.full_name or "", **fields)


def telegram_parse(message):
    """The adapter: a stored Telegram Update → command, reply or report draft."""
    from .. import conversation

    return conversation.conversation_step(message, telegram_input(message))
