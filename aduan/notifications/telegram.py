"""Telegram sender for the outbox (channel ``telegram``): the Bot API ``sendMessage`` through
python-telegram-bot's ``telegram.Bot``, to the chat id the report or the message came from
(``Report.reply_address``, ``InboundMessage.payload["chat_id"]``).

The text is the message's ``short`` variant (``whatsapp.chat_text``, shared with WhatsApp),
sent as plain text (no ``parse_mode``: a citizen's ``*`` or ``_`` must not become markup).
``TELEGRAM_API_URL`` is the API's base (``https://api.telegram.org``; a local Bot API server
or a test's fake server otherwise). Any error propagates, so ``outbox_send_due`` retries the
row; the error kept in ``last_error`` names the Bot API's description, never the text or the token.

Two libraries log what must not be logged: httpx logs every request URL at INFO, and a Bot
API URL carries the bot token (``/bot<token>/sendMessage``); python-telegram-bot logs the
parameters of every call (the message text) at DEBUG. ``bot_logs_redact`` puts a filter on
both loggers before the first call.
"""

from __future__ import annotations

import asyncio
import logging
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .models import Outbox
from .whatsapp import chat_text

TEXT_MAX = 4096  # Bot API: sendMessage text, 1-4096 characters after entities parsing
# A bot token is "<bot id>:<secret>"; in file URLs python-telegram-bot percent-encodes the colon.
_TOKEN_IN_URL = re.compile(r"/(file/)?bot\d+(?::|%3A)[A-Za-z0-9_-]+", re.IGNORECASE)


class TelegramSendError(Exception):
    """The Bot API refused the message (its description, without the token)."""


class _BotLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("telegram") and record.levelno < logging.INFO:
            return False  # "Calling Bot API endpoint … with parameters {… text …}"
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is not ours to fix
            return True
        if "/bot" in message:
            record.msg, record.args = _TOKEN_IN_URL.sub(r"/\1bot<token>", message), None
        return True


_FILTER = _BotLogFilter()
_FILTERED_LOGGERS = ("httpx", "telegram.Bot", "telegram.request.BaseRequest", "telegram.request.HTTPXRequest")


def bot_logs_redact() -> None:
    """Idempotent: attach the redacting filter to the loggers of httpx and python-telegram-bot."""
    for name in _FILTERED_LOGGERS:
        log = logging.getLogger(name)
        if _FILTER not in log.filters:
            log.addFilter(_FILTER)


def redact_token(text: str) -> str:
    token = settings.TELEGRAM_BOT_TOKEN
    text = _TOKEN_IN_URL.sub(r"/\1bot<token>", text)
    return text.replace(token, "<token>") if token else text


def telegram_bot(token: str):
    """A ``telegram.Bot`` on ``TELEGRAM_API_URL`` with its own HTTP client; close it with
    ``await bot.request.shutdown()`` (``Bot.shutdown`` only closes what ``initialize`` opened,
    and ``initialize`` would spend a ``getMe`` call per message)."""
    from telegram import Bot
    from telegram.request import HTTPXRequest

    bot_logs_redact()
    base = settings.TELEGRAM_API_URL.rstrip("/")
    request = HTTPXRequest(connection_pool_size=2, connect_timeout=10.0, read_timeout=30.0, write_timeout=30.0)
    return Bot(token=token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot", request=request)


async def _send(token: str, chat_id: str, text: str) -> None:
    from telegram.error import TelegramError

    bot = telegram_bot(token)
    try:
        await bot.send_message(chat_id=chat_id, text=text)
    except TelegramError as exc:
        raise TelegramSendError(redact_token(f"{type(exc).__name__}: {exc.message}")[:300]) from None
    finally:
        await bot.request.shutdown()


def send_telegram(row: Outbox) -> None:
    """The outbox sender for channel ``telegram``: one ``sendMessage`` to the row's chat id."""
    token = settings.TELEGRAM_BOT_TOKEN
    if not token:
        raise ImproperlyConfigured("TELEGRAM_BOT_TOKEN is not set")
    chat_id = (row.recipient or "").strip()
    if not re.fullmatch(r"-?\d+", chat_id):
        raise ValueError("telegram row without a numeric chat id")
    text = chat_text(row)
    if not text:
        raise ValueError("empty telegram text")
    asyncio.run(_send(token, chat_id, text[:TEXT_MAX]))
