"""Receiving e-mail: IMAP polling of a mailbox and provider webhooks (django-anymail).

Both roads end in ``email_receive_raw``, which stores the whole RFC 5322 message as an
``InboundMessage`` (channel ``email``) before anything is parsed (rule of the house 5); the
adapter (``adapters/email.py``) then reads it. The key is the ``Message-ID``, so the same
mail arriving twice — a webhook retried by the provider, a message that reached both the
polled mailbox and the webhook, a poll that crashed before it could file the message — is
stored once and answered once. A message without ``Message-ID`` is keyed by a SHA-256 of
its headers and decoded contents (not of its bytes: a provider that rebuilds the MIME
from parsed fields picks a new boundary each time).

IMAP (``imap_poll``): log in, select ``INTAKE_IMAP_FOLDER``, fetch each message with
``BODY.PEEK[]`` (which does not mark it read), store it, and only then file it: moved to
``INTAKE_IMAP_DONE_FOLDER`` (``UID MOVE``, RFC 6851, else ``COPY`` + ``\\Deleted`` +
``UID EXPUNGE``), or flagged ``\\Seen`` when no done folder is set. A message that could
not be stored is left as it was and is fetched again by the next poll: mail is never lost.
With a done folder, every undeleted message in the folder is a candidate (someone reading
the mailbox in a mail client cannot hide one); without, only unseen ones are.
"""

from __future__ import annotations

import hashlib
import imaplib
import logging
import re
import ssl
import time
from datetime import UTC, datetime
from email import encoders

from django.conf import settings
from django.utils import timezone

from .adapters.email import (
    attachment_summary, body_text, email_headers, message_parse, raw_encode, sender_of,
)
from .models import InboundMessage
from .services import inbound_receive

logger = logging.getLogger(__name__)

IMAP_TIMEOUT = 60  # seconds per network operation


def _content_key(msg) -> str:
    digest = hashlib.sha256()
    for name in ("From", "To", "Cc", "Date", "Subject"):
        digest.update(f"{name}:{msg.get(name, '')}\n".encode("utf-8", "replace"))
    for part in msg.walk():
        if not part.is_multipart():
            digest.update((part.get_payload(decode=True) or b"") + b"\x00")
    return digest.hexdigest()


def email_external_id(msg, raw: bytes) -> str:
    """The ``Message-ID`` (as written, brackets included), or a content hash."""
    try:
        message_id = "".join(str(msg.get("Message-ID") or "").split())
    except Exception:
        message_id = ""
    if message_id and len(message_id) <= 200:
        return message_id
    try:
        return "sha256:" + _content_key(msg)
    except Exception:
        return "sha256:" + hashlib.sha256(raw).hexdigest()


def email_receive_raw(
    raw_bytes: bytes, *, gateway: str, recipient: str = "", received_at: datetime | None = None,
) -> InboundMessage:
    """Store one raw message and process it (idempotent on its Message-ID)."""
    raw_text, encoding = raw_encode(raw_bytes)
    payload: dict = {"raw_encoding": encoding}
    sender, text, attachments, parse_error = "", "", [], ""
    try:
        msg = message_parse(raw_bytes)
        payload.update(email_headers(msg))
        sender = sender_of(msg)[1]
        recipient = recipient or next(iter(payload["to"]), "")
        text = body_text(msg)
        attachments = attachment_summary(msg)
    except Exception as exc:  # keep the bytes whatever happens; an operator will look
        msg = None
        parse_error = f"unreadable e-mail: {type(exc).__name__}"
    external_id = email_external_id(msg, raw_bytes) if msg is not None else "sha256:" + hashlib.sha256(raw_bytes).hexdigest()
    seen_before = InboundMessage.objects.filter(channel="email", external_id=external_id).exists()
    message = inbound_receive(
        channel="email", gateway=gateway, external_id=external_id, sender=sender, recipient=recipient,
        payload=payload, raw_body=raw_text, text=text, attachments=attachments, received_at=received_at,
        parse_error=parse_error,
    )
    message.created = not seen_before  # for counts only (a concurrent twin may also say True)
    return message


# --- provider webhooks (django-anymail) ------------------------------------------------------

def anymail_inbound_receiver(sender, event, esp_name, **kwargs) -> None:
    """``anymail.signals.inbound`` → store the message. An exception here makes anymail
    answer 500, and the provider retries later; the Message-ID key makes the retry safe."""
    message = event.message
    # A provider's parsed form (Mailgun, Postmark, …) is rebuilt by anymail with files as
    # bare binary payloads, which do not survive serialising: give them base64 first.
    for part in message.walk():
        if (not part.is_multipart() and part.get_content_maintype() not in ("text", "message")
                and "Content-Transfer-Encoding" not in part):
            encoders.encode_base64(part)
    try:
        raw = message.as_bytes()
    except (UnicodeError, LookupError, ValueError):
        raw = message.as_string().encode("utf-8", errors="surrogateescape")
    email_receive_raw(raw, gateway=str(esp_name or "anymail").lower()[:20],
                      recipient=str(getattr(message, "envelope_recipient", "") or ""))


# --- IMAP polling -----------------------------------------------------------------------------

def _mailbox(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _connect() -> imaplib.IMAP4:
    host, port = settings.INTAKE_IMAP_HOST, settings.INTAKE_IMAP_PORT
    context = ssl.create_default_context()
    if settings.INTAKE_IMAP_SSL:
        return imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=IMAP_TIMEOUT)
    conn = imaplib.IMAP4(host, port, timeout=IMAP_TIMEOUT)
    if "STARTTLS" in conn.capabilities:
        conn.starttls(ssl_context=context)
    return conn


def _capabilities(conn: imaplib.IMAP4) -> set[str]:
    typ, data = conn.capability()
    if typ != "OK" or not data or not data[0]:
        return set(conn.capabilities)
    return {c.upper() for c in data[0].decode("ascii", "replace").split()}


_INTERNALDATE = re.compile(rb'INTERNALDATE "[^"]+"')


def _fetched(data) -> tuple[bytes | None, datetime | None]:
    for item in data or []:
        if isinstance(item, tuple) and len(item) == 2:
            head, raw = item
            when = None
            match = _INTERNALDATE.search(head)
            if match:
                parsed = imaplib.Internaldate2tuple(b"* 1 FETCH (" + match.group(0) + b")")
                if parsed:
                    when = datetime.fromtimestamp(time.mktime(parsed), tz=UTC)
            return raw, when
    return None, None


def _file(conn: imaplib.IMAP4, uid: bytes, capabilities: set[str]) -> bool:
    """Take a stored message out of the way of the next poll. True when moved."""
    done = settings.INTAKE_IMAP_DONE_FOLDER
    if done:
        if "MOVE" in capabilities and conn.uid("MOVE", uid, _mailbox(done))[0] == "OK":
            return True
        if conn.uid("COPY", uid, _mailbox(done))[0] == "OK":
            conn.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)")
            if "UIDPLUS" in capabilities:
                conn.uid("EXPUNGE", uid)
            else:
                conn.expunge()
            return True
        logger.warning("imap: could not move message uid %s to the done folder; flagging it seen", uid.decode())
    conn.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen)")
    return False


def imap_poll(*, limit: int = 100) -> dict[str, int]:
    """Fetch, store and file up to ``limit`` messages. Returns counts: ``fetched``,
    ``stored`` (new or repeated, all now filed), ``new`` (rows created), ``failed``
    (left in the mailbox for the next poll)."""
    counts = {"fetched": 0, "stored": 0, "new": 0, "failed": 0}
    if not settings.INTAKE_IMAP_HOST:
        return counts
    conn = _connect()
    try:
        conn.login(settings.INTAKE_IMAP_USER, settings.INTAKE_IMAP_PASSWORD)
        capabilities = _capabilities(conn)
        if settings.INTAKE_IMAP_DONE_FOLDER:
            conn.create(_mailbox(settings.INTAKE_IMAP_DONE_FOLDER))  # "NO" when it exists: fine
        typ, data = conn.select(_mailbox(settings.INTAKE_IMAP_FOLDER))
        if typ != "OK":
            raise imaplib.IMAP4.error(f"cannot select folder {settings.INTAKE_IMAP_FOLDER!r}")
        criteria = "UNDELETED" if settings.INTAKE_IMAP_DONE_FOLDER else "UNSEEN UNDELETED"
        typ, data = conn.uid("SEARCH", None, criteria)
        uids = (data[0] or b"").split() if typ == "OK" and data else []
        for uid in uids[:limit]:
            counts["fetched"] += 1
            try:
                typ, data = conn.uid("FETCH", uid, "(INTERNALDATE BODY.PEEK[])")
                raw, when = _fetched(data) if typ == "OK" else (None, None)
                if raw is None:
                    raise imaplib.IMAP4.error("empty FETCH response")
                received = min(when, timezone.now()) if when else None
                message = email_receive_raw(raw, gateway="imap", received_at=received)
                counts["new"] += int(message.created)
            except (imaplib.IMAP4.abort, OSError):
                raise  # the connection is gone: stop; the rest waits for the next poll
            except Exception:
                logger.exception("imap: storing message uid %s failed; it stays for the next poll", uid.decode())
                counts["failed"] += 1
                continue
            counts["stored"] += 1
            _file(conn, uid, capabilities)
    finally:
        try:
            conn.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
    return counts
