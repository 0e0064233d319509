"""Helpers for the chat channel tests: documented webhook payloads (WhatsApp Cloud API,
Telegram Bot API Updates) and a fake of the two off-machine APIs on 127.0.0.1.

The fake answers what Meta's Graph API and Telegram's Bot API document:

- ``GET /v21.0/<media-id>`` → ``{"messaging_product", "url", "mime_type", "sha256", "file_size", "id"}``,
  ``GET <url>`` → the bytes (both need the bearer token);
- ``POST /v21.0/<phone-number-id>/messages`` → ``{"messaging_product", "contacts", "messages": [{"id"}]}``;
- ``POST /bot<token>/getFile`` → ``{"ok": true, "result": {"file_id", "file_unique_id", "file_size", "file_path"}}``,
  ``GET /file/bot<token>/<file_path>`` → the bytes;
- ``POST /bot<token>/sendMessage`` → ``{"ok": true, "result": <Message>}``.

All test data is invented.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from PIL import Image

# --- WhatsApp ----------------------------------------------------------------------------------

APP_SECRET = "uji-app-secret"
VERIFY_TOKEN = "uji-verify-token"
ACCESS_TOKEN = "uji-access-token"
PHONE_NUMBER_ID = "106540352242922"
WA_FROM = "6281234567001"
WA_PHONE = "+6281234567001"
WA_OTHER = "6281234567002"
WA_NAME = "Budi Penguji"
WA_URL = "/intake/whatsapp/"

# --- Telegram ----------------------------------------------------------------------------------

BOT_TOKEN = "123456789:UJI-token-bukan-asli"
TG_SECRET = "uji-telegram-secret"
TG_USER = 5550001
TG_URL = "/intake/telegram/"


def jpeg_bytes(size=(64, 48), color=(200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
             b"trailer<</Root 1 0 R>>\n%%EOF\n")


# --- WhatsApp Cloud API webhook payloads (developers.facebook.com, "messages" webhook) ----------

def wa_webhook(*messages: dict, statuses: list | None = None, contacts: list | None = None) -> dict:
    value: dict = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID},
    }
    if messages:
        value["contacts"] = contacts if contacts is not None else [{"profile": {"name": WA_NAME}, "wa_id": WA_FROM}]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = statuses
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}]}


def wa_text(body: str, wamid: str, ts: int, sender: str = WA_FROM) -> dict:
    return {"from": sender, "id": wamid, "timestamp": str(ts), "text": {"body": body}, "type": "text"}


def wa_image(media_id: str, wamid: str, ts: int, caption: str | None = None, sender: str = WA_FROM) -> dict:
    image = {"mime_type": "image/jpeg", "sha256": "VbhLWG7QVTMhsV4kFXMMTfbmaVHpfqyxMoG1wOzUB4M=", "id": media_id}
    if caption is not None:
        image["caption"] = caption
    return {"from": sender, "id": wamid, "timestamp": str(ts), "type": "image", "image": image}


def wa_document(media_id: str, wamid: str, ts: int, filename="surat-kelurahan.pdf", caption: str | None = None) -> dict:
    document = {"filename": filename, "mime_type": "application/pdf",
                "sha256": "Yr5mXjtd5wHV4ObN3Kkbz8sZs0nPmDzkqCM7x6XvjwI=", "id": media_id}
    if caption is not None:
        document["caption"] = caption
    return {"from": WA_FROM, "id": wamid, "timestamp": str(ts), "type": "document", "document": document}


def wa_location(wamid: str, ts: int, lat=-6.981234, lng=110.409876, name="Simpang Lima",
                address="Jl. Pahlawan, Semarang") -> dict:
    location = {"latitude": lat, "longitude": lng}
    if name:
        location["name"] = name
    if address:
        location["address"] = address
    return {"from": WA_FROM, "id": wamid, "timestamp": str(ts), "type": "location", "location": location}


def wa_status(wamid: str, ts: int, status="delivered") -> dict:
    return {"id": wamid, "status": status, "timestamp": str(ts), "recipient_id": WA_FROM,
            "conversation": {"id": "CONVERSATION_ID", "origin": {"type": "service"}},
            "pricing": {"billable": True, "pricing_model": "CBP", "category": "service"}}


def wa_sign(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_wa(client, payload: dict, *, secret: str = APP_SECRET, signature: str | None = None):
    body = json.dumps(payload).encode()
    headers = {"X-Hub-Signature-256": signature if signature is not None else wa_sign(body, secret)}
    return client.post(WA_URL, data=body, content_type="application/json", headers=headers)


# --- Telegram Bot API Updates (core.telegram.org/bots/api#update) -------------------------------

def tg_user(user_id: int = TG_USER) -> dict:
    return {"id": user_id, "is_bot": False, "first_name": "Sari", "last_name": "Penguji", "language_code": "id"}


def tg_update(update_id: int, *, date: int = 1764400000, user_id: int = TG_USER, chat: dict | None = None,
              key: str = "message", **content) -> dict:
    message = {"message_id": update_id - 9000, "from": tg_user(user_id),
               "chat": chat or {"id": user_id, "first_name": "Sari", "last_name": "Penguji", "type": "private"},
               "date": date, **content}
    if str(content.get("text", "")).startswith("/"):
        message["entities"] = [{"offset": 0, "length": len(content["text"].split()[0]), "type": "bot_command"}]
    return {"update_id": update_id, key: message}


def tg_photo(file_id: str = "AgACAgUAAxkBAAIBuji") -> list:
    return [
        {"file_id": file_id + "-s", "file_unique_id": "AQADuji-s", "file_size": 1290, "width": 90, "height": 68},
        {"file_id": file_id, "file_unique_id": "AQADuji-m", "file_size": 20510, "width": 800, "height": 600},
    ]


def tg_document(file_id: str = "BQACAgUAAxkBAAIBujidoc", name: str = "surat-kelurahan.pdf") -> dict:
    return {"file_name": name, "mime_type": "application/pdf", "file_id": file_id,
            "file_unique_id": "AgADujidoc", "file_size": len(PDF_BYTES)}


def post_tg(client, update: dict, *, secret: str | None = TG_SECRET):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return client.post(TG_URL, data=json.dumps(update).encode(), content_type="application/json", headers=headers)


# --- The fake Graph API / Bot API --------------------------------------------------------------

@dataclass
class FakeApi:
    url: str = ""
    requests: list = field(default_factory=list)
    # media id / file id → (bytes, mime type)
    files: dict = field(default_factory=dict)
    # (status, JSON body) answered to the next sends instead of success
    send_error: tuple | None = None

    def sent(self, path_end: str) -> list[dict]:
        return [r for r in self.requests if r["method"] == "POST" and r["path"].endswith(path_end)]


OAUTH_ERROR = {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}
UNKNOWN_MEDIA = {"error": {"message": "Unsupported get request.", "type": "GraphMethodException", "code": 100}}


def _handler(fake: FakeApi):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output clean
            pass

        def _reply(self, status: int, body, content_type="application/json"):
            data = json.dumps(body).encode() if not isinstance(body, bytes) else body
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _record(self) -> dict:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            parsed: dict = {}
            if raw:
                if "json" in (self.headers.get("Content-Type") or ""):
                    parsed = json.loads(raw)
                else:
                    parsed = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            split = urlsplit(self.path)
            parsed.update({k: v[0] for k, v in parse_qs(split.query).items()})
            # python-telegram-bot percent-encodes the token's ":" in file URLs; Telegram accepts both.
            entry = {"method": self.command, "path": unquote(split.path), "headers": dict(self.headers),
                     "body": raw, "json": parsed}
            fake.requests.append(entry)
            return entry

        def _authorised(self) -> bool:
            return self.headers.get("Authorization") == f"Bearer {ACCESS_TOKEN}"

        def do_GET(self):  # noqa: N802
            entry = self._record()
            path = entry["path"]
            if path.startswith("/v21.0/"):
                media_id = path.rsplit("/", 1)[-1]
                if not self._authorised():
                    return self._reply(401, OAUTH_ERROR)
                if media_id not in fake.files:
                    return self._reply(404, UNKNOWN_MEDIA)
                content, mime = fake.files[media_id]
                return self._reply(200, {"messaging_product": "whatsapp", "url": f"{fake.url}/whatsapp-media/{media_id}",
                                         "mime_type": mime, "sha256": hashlib.sha256(content).hexdigest(),
                                         "file_size": str(len(content)), "id": media_id})
            if path.startswith("/whatsapp-media/"):
                if not self._authorised():
                    return self._reply(401, b"", "text/plain")
                content, mime = fake.files[path.rsplit("/", 1)[-1]]
                return self._reply(200, content, mime)
            if path.startswith(f"/file/bot{BOT_TOKEN}/"):
                file_id = path.rsplit("/", 1)[-1]
                if file_id not in fake.files:
                    return self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                return self._reply(200, fake.files[file_id][0], "application/octet-stream")
            if path.startswith(f"/bot{BOT_TOKEN}/"):
                return self._bot(entry)
            return self._reply(404, {"error": "not found"})

        def do_POST(self):  # noqa: N802
            entry = self._record()
            path = entry["path"]
            if path == f"/v21.0/{PHONE_NUMBER_ID}/messages":
                if not self._authorised():
                    return self._reply(401, OAUTH_ERROR)
                if fake.send_error:
                    return self._reply(*fake.send_error)
                to = entry["json"].get("to", "")
                return self._reply(200, {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                                         "messages": [{"id": f"wamid.KELUAR{len(fake.requests)}"}]})
            if path.startswith(f"/bot{BOT_TOKEN}/"):
                return self._bot(entry)
            if path.startswith("/bot"):
                return self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return self._reply(404, {"error": "not found"})

        def _bot(self, entry):
            method = entry["path"].rsplit("/", 1)[-1]
            params = entry["json"]
            if method == "getFile":
                file_id = params.get("file_id", "")
                if file_id not in fake.files:
                    return self._reply(400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"})
                return self._reply(200, {"ok": True, "result": {
                    "file_id": file_id, "file_unique_id": "uniq-" + file_id[-6:], "file_size": len(fake.files[file_id][0]),
                    "file_path": f"documents/{file_id}"}})
            if method == "sendMessage":
                if fake.send_error:
                    return self._reply(*fake.send_error)
                return self._reply(200, {"ok": True, "result": {
                    "message_id": len(fake.requests), "date": 1764400000,
                    "from": {"id": 123456789, "is_bot": True, "first_name": "Aduan", "username": "aduan_uji_bot"},
                    "chat": {"id": int(params.get("chat_id", 0)), "type": "private"}, "text": params.get("text", "")}})
            return self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})

    return Handler


@pytest.fixture
def fake_api():
    fake = FakeApi()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def chat_settings(settings, fake_api):
    """Both channels configured against the fake APIs."""
    settings.WHATSAPP_APP_SECRET = APP_SECRET
    settings.WHATSAPP_VERIFY_TOKEN = VERIFY_TOKEN
    settings.WHATSAPP_ACCESS_TOKEN = ACCESS_TOKEN
    settings.WHATSAPP_PHONE_NUMBER_ID = PHONE_NUMBER_ID
    settings.WHATSAPP_GRAPH_URL = f"{fake_api.url}/v21.0"
    settings.TELEGRAM_BOT_TOKEN = BOT_TOKEN
    settings.TELEGRAM_WEBHOOK_SECRET = TG_SECRET
    settings.TELEGRAM_API_URL = fake_api.url
    return settings
