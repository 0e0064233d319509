"""Chat webhooks: WhatsApp Business (Cloud API) and the Telegram bot (webhook mode).

Like the SMS webhooks (views.py) they only check the caller, split the delivery into
messages, and call ``inbound_receive`` for each; answers go through the outbox. A forged
call gets 403, stores nothing and leaves one line on the ``aduan.security`` logger; an
endpoint whose secret is not configured answers 503.

WhatsApp (``/intake/whatsapp/``):

- ``GET`` is Meta's verification handshake: ``hub.mode=subscribe`` and ``hub.verify_token``
  equal to ``WHATSAPP_VERIFY_TOKEN`` → ``hub.challenge`` echoed as text/plain, else 403.
- ``POST`` carries ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the
  app secret>`` (``WHATSAPP_APP_SECRET``). Each ``entry[].changes[].value.messages[]``
  element is stored as its own message (key: its ``wamid``); ``statuses[]`` (sent /
  delivered / read receipts) are acknowledged and not stored. A correctly signed delivery
  always gets 200, or Meta retries it.

Telegram (``/intake/telegram/``): the ``X-Telegram-Bot-Api-Secret-Token`` header must equal
``TELEGRAM_WEBHOOK_SECRET`` (set with ``setWebhook(secret_token=…)``). One row per Update,
keyed by ``update_id``; the chat id is added to the payload for the answers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timezone as dt_timezone

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .services import inbound_receive
from .views import _rejected

WHATSAPP_SIGNATURE_HEADER = "X-Hub-Signature-256"
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _unavailable(setting: str) -> JsonResponse:
    return JsonResponse({"code": "unavailable", "message": f"{setting} is not set"}, status=503)


def _when(seconds) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(seconds), tz=dt_timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _json_object(body: bytes) -> dict | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _store_unreadable(channel: str, gateway: str, body: bytes) -> HttpResponse:
    """A signed body that is not a JSON object: kept raw for an operator (rule 5)."""
    message = inbound_receive(
        channel=channel, gateway=gateway, external_id="sha256:" + hashlib.sha256(body).hexdigest(), sender="",
        payload={}, raw_body=body.decode("utf-8", errors="replace"), parse_error="invalid JSON body",
    )
    return JsonResponse({"id": message.pk, "state": message.state})


# --- WhatsApp ---------------------------------------------------------------------------------

def whatsapp_signature_valid(*, secret: str, body: bytes, header: str | None) -> bool:
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256="):].strip().lower())


def _whatsapp_verify(request: HttpRequest) -> HttpResponse:
    token = settings.WHATSAPP_VERIFY_TOKEN
    if not token:
        return _unavailable("WHATSAPP_VERIFY_TOKEN")
    given = request.GET.get("hub.verify_token", "")
    if request.GET.get("hub.mode") != "subscribe" or not hmac.compare_digest(given.encode(), token.encode()):
        return HttpResponse("forbidden", status=403, content_type="text/plain")
    return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")


def _whatsapp_messages(data: dict):
    """(message, contact, metadata) for every message of a Cloud API webhook."""
    for entry in data.get("entry") or []:
        if not isinstance(entry, dict):
            continue
        for change in entry.get("changes") or []:
            if not isinstance(change, dict) or change.get("field", "messages") != "messages":
                continue
            value = change.get("value") or {}
            if not isinstance(value, dict):
                continue
            metadata = value.get("metadata") or {}
            contacts = [c for c in value.get("contacts") or [] if isinstance(c, dict)]
            for item in value.get("messages") or []:
                if not isinstance(item, dict):
                    continue
                alone = contacts[0] if len(contacts) == 1 else {}
                contact = next((c for c in contacts if c.get("wa_id") == item.get("from")), alone)
                yield item, contact, metadata


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _whatsapp_verify(request)
    secret = settings.WHATSAPP_APP_SECRET
    if not secret:
        return _unavailable("WHATSAPP_APP_SECRET")
    body = request.body
    if not whatsapp_signature_valid(secret=secret, body=body, header=request.headers.get(WHATSAPP_SIGNATURE_HEADER)):
        return _rejected(request, "whatsapp")
    data = _json_object(body)
    if data is None:
        return _store_unreadable("whatsapp", "cloud_api", body)
    messages = list(_whatsapp_messages(data))
    # The delivered body is kept on the row when it holds just this message (the usual case);
    # a batch is not copied onto every row of it — each row keeps its own element.
    raw = body.decode("utf-8", errors="replace") if len(messages) == 1 else ""
    stored = []
    for item, contact, metadata in messages:
        kind = item.get("type") or ""
        content = item.get(kind) if isinstance(item.get(kind), dict) else {}
        text = (content.get("body") or content.get("caption") or "") if kind in ("text", "image", "document", "video") else ""
        attachments = [{"media_id": content.get("id", ""), "kind": kind, "mime_type": content.get("mime_type", ""),
                        "filename": content.get("filename", "")}] if content.get("id") else []
        external_id = str(item.get("id") or "") or "sha256:" + hashlib.sha256(
            json.dumps(item, sort_keys=True).encode()).hexdigest()
        message = inbound_receive(
            channel="whatsapp", gateway="cloud_api", external_id=external_id, sender=str(item.get("from") or ""),
            recipient=str(metadata.get("display_phone_number") or ""), text=str(text),
            payload={"message": item, "contact": contact, "metadata": metadata}, raw_body=raw,
            received_at=_when(item.get("timestamp")), attachments=attachments,
        )
        stored.append(message.pk)
    return JsonResponse({"stored": stored})


# --- Telegram ---------------------------------------------------------------------------------

_UPDATE_MESSAGE_KEYS = ("message", "edited_message", "channel_post", "edited_channel_post",
                        "business_message", "edited_business_message")


@csrf_exempt
@require_POST
def telegram_webhook(request: HttpRequest) -> HttpResponse:
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    if not secret:
        return _unavailable("TELEGRAM_WEBHOOK_SECRET")
    given = request.headers.get(TELEGRAM_SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return _rejected(request, "telegram")
    body = request.body
    update = _json_object(body)
    if update is None or "update_id" not in update:
        return _store_unreadable("telegram", "bot_api", body)
    msg = next((update[k] for k in _UPDATE_MESSAGE_KEYS if isinstance(update.get(k), dict)), None)
    callback = update.get("callback_query") if isinstance(update.get("callback_query"), dict) else {}
    if msg is None:
        msg = callback.get("message") if isinstance(callback.get("message"), dict) else {}
    sender = (msg.get("from") or callback.get("from") or {}).get("id", "")
    chat_id = (msg.get("chat") or {}).get("id")
    message = inbound_receive(
        channel="telegram", gateway="bot_api", external_id=str(update["update_id"]), sender=str(sender),
        payload={**update, "chat_id": chat_id}, raw_body=body.decode("utf-8", errors="replace"),
        text=str(msg.get("text") or msg.get("caption") or ""), received_at=_when(msg.get("date")),
    )
    return JsonResponse({"id": message.pk, "state": message.state})
