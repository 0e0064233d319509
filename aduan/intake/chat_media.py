"""Downloading what citizens attach in a WhatsApp or Telegram chat.

Webhooks carry only a media id; the bytes are fetched when a report is built from the
conversation (conversation.py), so a draft the citizen cancels never downloads anything.

- WhatsApp Cloud API: ``GET {WHATSAPP_GRAPH_URL}/{media-id}`` with the bearer token answers
  ``{"url": …, "mime_type": …, "sha256": …, "file_size": …, "id": …}``; ``GET <url>`` with the
  same bearer token returns the bytes (the URL is valid for a few minutes).
- Telegram Bot API: ``getFile`` answers the ``file_path``; the bytes are at
  ``{TELEGRAM_API_URL}/file/bot<token>/<file_path>`` (python-telegram-bot's ``File``). Bots
  can download files up to 20 MB.

``media_fetch`` is the default ``download`` of ``conversation_step``; it never raises for one
file: a file that cannot be fetched (network, expired id, larger than
``ADUAN_ATTACHMENT_MAX_BYTES``) is ``None`` and the report is built without it.
"""

from __future__ import annotations

import asyncio
import logging

import httpx
from django.conf import settings

from aduan.notifications.telegram import redact_token, telegram_bot

logger = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class MediaUnavailable(Exception):
    """The file cannot be fetched (no credentials, refused, too large)."""


def media_fetch(refs: list[dict]) -> list[bytes | None]:
    """The bytes of each attachment reference (``{"channel", "media_id", "kind", …}``), in
    order; ``None`` for one that could not be fetched."""
    out: list[bytes | None] = [None] * len(refs)
    whatsapp = [i for i, ref in enumerate(refs) if ref.get("channel") == "whatsapp"]
    telegram = [i for i, ref in enumerate(refs) if ref.get("channel") == "telegram"]
    if whatsapp:
        with httpx.Client(timeout=TIMEOUT) as client:
            for i in whatsapp:
                out[i] = _guarded(refs[i], lambda ref: whatsapp_media_get(ref["media_id"], client=client))
    if telegram:
        for i, content in zip(telegram, telegram_files_get([refs[i]["media_id"] for i in telegram])):
            out[i] = content
    return out


def _guarded(ref: dict, fetch) -> bytes | None:
    try:
        return fetch(ref)
    except Exception as exc:  # one lost file must not lose the report
        logger.warning("chat media: %s %s not fetched: %s", ref.get("channel"), ref.get("kind"), type(exc).__name__)
        return None


def _limit() -> int:
    return settings.ADUAN_ATTACHMENT_MAX_BYTES


def whatsapp_media_get(media_id: str, *, client: httpx.Client) -> bytes:
    token = settings.WHATSAPP_ACCESS_TOKEN
    if not token:
        raise MediaUnavailable("WHATSAPP_ACCESS_TOKEN is not set")
    headers = {"Authorization": f"Bearer {token}"}
    meta = client.get(f"{settings.WHATSAPP_GRAPH_URL.rstrip('/')}/{media_id}", headers=headers)
    if not meta.is_success:
        raise MediaUnavailable(f"media lookup HTTP {meta.status_code}")
    info = meta.json()
    try:
        size = int(info.get("file_size") or 0)
    except (TypeError, ValueError):
        size = 0
    if size > _limit():
        raise MediaUnavailable("file too large")
    if not info.get("url"):
        raise MediaUnavailable("media lookup without a url")
    chunks, total = [], 0
    with client.stream("GET", info["url"], headers=headers) as response:
        if not response.is_success:
            raise MediaUnavailable(f"media download HTTP {response.status_code}")
        for chunk in response.iter_bytes():
            total += len(chunk)
            if total > _limit():
                raise MediaUnavailable("file too large")
            chunks.append(chunk)
    return b"".join(chunks)


def telegram_files_get(file_ids: list[str]) -> list[bytes | None]:
    """The bytes of each Telegram file id (``None`` where it failed), over one bot client."""
    token = settings.TELEGRAM_BOT_TOKEN
    if not token:
        logger.warning("chat media: TELEGRAM_BOT_TOKEN is not set; %s file(s) not fetched", len(file_ids))
        return [None] * len(file_ids)
    return asyncio.run(_telegram_files(token, file_ids))


async def _telegram_files(token: str, file_ids: list[str]) -> list[bytes | None]:
    bot = telegram_bot(token)
    out: list[bytes | None] = []
    try:
        for file_id in file_ids:
            try:
                file = await bot.get_file(file_id)
                if file.file_size and file.file_size > _limit():
                    raise MediaUnavailable("file too large")
                content = bytes(await file.download_as_bytearray())
                if len(content) > _limit():
                    raise MediaUnavailable("file too large")
                out.append(content)
            except Exception as exc:  # one lost file must not lose the report
                logger.warning("chat media: telegram file not fetched: %s", redact_token(type(exc).__name__))
                out.append(None)
    finally:
        await bot.request.shutdown()
    return out
