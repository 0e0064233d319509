"""The guided conversation of the chat channels (WhatsApp, Telegram): a few short questions
in Bahasa Indonesia that collect what a report still lacks, then a draft for ``report_submit``.

The channel adapters turn a stored ``InboundMessage`` into a ``ChatInput`` and call
``conversation_step``, which returns what every adapter returns (adapters/base.py):

- an ``IntakeCommand`` for the SMS keyword grammar (adapters/sms.py, reused as it is):
  ``CEK <ref>`` / ``STATUS <ref>``, ``BATAL <ref>``, and — when no report is being drafted —
  ``<ref> <teks>``;
- an ``IntakeReply`` while questions remain (the service sends it; the message's state
  becomes ``conversing``);
- an ``IntakeDraft`` when nothing is missing; the service creates the report and
  ``reports/notify.py`` sends the confirmation on the same channel.

Steps (one open ``Conversation`` per channel + sender, ``step`` = the question last asked):

1. the first message (text, photo, document, location) starts a draft;
2. ``ask_description`` — only when the first message had no text (a photo or a location alone);
3. ``ask_location`` — a shared location (the region is resolved from the point by
   ``report_submit``) or a typed address/kelurahan (kept as the report's address);
4. ``ask_category`` — up to 9 active top-level categories numbered 1–9, ``0`` = skip / do not
   know (routing's classifier decides); the number or the name is accepted;
5. done: the draft, with every photo and document sent at any step.

``batal`` at any step cancels the draft. A conversation idle for more than 24 hours
(WhatsApp's customer-service window) is closed and the next message starts afresh. Media are
kept as ids in ``data`` and downloaded only when the draft is built (``download``, by
default ``chat_media.media_fetch``); a file that cannot be fetched or is refused by the
attachment checks is left out and the report body says how many were.

Out-of-order delivery (WhatsApp may deliver a later message first). Every message has an
ordering key (``ChatInput.order``: WhatsApp's ``timestamp``, Telegram's ``update_id``, which
Telegram increases by one per update). ``data["steps"]`` records from which key on each
question was being asked, so a message is read as the answer to the question that was open
when it was sent, not the one open when it arrived:

- a typed text sent before the location question was asked is description, never an address
  or a category choice;
- a location, an address or a category is stored with its key and only a *later* message
  replaces it: an older message never overwrites a newer answer (an older, invalid category
  answer is dropped; the message itself stays stored);
- description texts are joined in the order they were sent;
- a message sent before the draft was completed but delivered after it (a photo of the
  same burst) is added to the new report (``IntakeCommand`` ``add``); one sent before the
  draft was cancelled is ignored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from types import SimpleNamespace

import filetype
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aduan.agencies.models import Category
from aduan.reports.attachments import ALLOWED, AttachmentUpload, attachments_clean
from aduan.reports.models import Kind

from .adapters.base import Ignore, IntakeCommand, IntakeDraft, IntakeReply
from .adapters.sms import _title as sms_title
from .adapters.sms import sms_parse
from .models import Conversation, InboundMessage

logger = logging.getLogger(__name__)

IDLE_LIMIT = timedelta(hours=24)  # WhatsApp's customer-service window
MAX_CHOICES = 9  # one digit on a basic phone keypad; 0 = skip

START = "start"
ASK_DESCRIPTION = "ask_description"
ASK_LOCATION = "ask_location"
ASK_CATEGORY = "ask_category"
DONE = "done"
CANCELLED = "cancelled"
EXPIRED = "expired"

_CANCEL = object()
_SKIP_WORDS = {"lewati", "lewat", "tidak tahu", "tidak", "tdk tahu", "skip", "-"}
_KIND_NAMES = {"image": "foto", "document": "dokumen", "video": "video"}


@dataclass(frozen=True)
class ChatMedia:
    """A photo, document or video a chat message carries (the channel's media/file id)."""

    media_id: str
    kind: str  # "image" | "document" | "video"
    filename: str = ""
    mime: str = ""


@dataclass(frozen=True)
class ChatInput:
    """One chat message as the engine needs it, whatever the channel."""

    channel: str
    sender: str  # the conversation key: the phone (+62…) on WhatsApp, the user id on Telegram
    sent_at: datetime
    order: float  # ordering key: WhatsApp timestamp, Telegram update_id
    text: str = ""
    latitude: float | None = None
    longitude: float | None = None
    place: str = ""  # a shared location's name and address
    media: tuple[ChatMedia, ...] = ()
    reply_address: str = ""  # Telegram chat id (WhatsApp answers the phone)
    reporter_name: str = ""  # WhatsApp profile name, Telegram first + last name
    reporter_phone: str = ""  # WhatsApp: the sender's number
    contact_phone: str = ""  # Telegram: the user shared their own contact
    command: str = ""  # "start" | "help" (Telegram /start, WhatsApp request_welcome)
    unsupported: str = ""  # a kind of content we cannot use (sticker, voice note, …)


# --- Texts (short: they are read on small screens; numbered choices for keypads) -------------

def _welcome() -> str:
    return _("Selamat datang di layanan pengaduan Aduan.\n"
             "Ceritakan masalah Anda dalam satu pesan (boleh dengan foto). Kami akan menanyakan lokasi dan kategorinya.\n"
             "Ketik CEK <nomor laporan> untuk melihat status laporan, BATAL untuk membatalkan.")


def _question(step: str, data: dict) -> str:
    if step == ASK_DESCRIPTION:
        return _("Ceritakan singkat masalahnya: apa yang terjadi dan sejak kapan?")
    if step == ASK_LOCATION:
        return _("Di mana lokasinya? Kirim lokasi (📎 → Lokasi) atau ketik alamat/kelurahan.")
    if step == ASK_CATEGORY:
        names = dict(Category.objects.filter(slug__in=data.get("choices") or []).values_list("slug", "name"))
        lines = [_("Pilih kategori, balas dengan angka:")]
        lines += [f"{n}. {names.get(slug, slug)}" for n, slug in enumerate(data.get("choices") or [], 1)]
        lines.append("0. " + _("Lewati/tidak tahu"))
        return "\n".join(lines)
    return ""


# --- The engine -------------------------------------------------------------------------------

def conversation_step(message: InboundMessage, incoming: ChatInput, *, download=None, now: datetime | None = None):
    """One chat message → ``IntakeCommand`` | ``IntakeReply`` | ``IntakeDraft`` (or ``Ignore``).

    Runs inside ``inbound_process``'s transaction: the conversation row is locked, so two
    messages of one sender handled at once see each other, and a failed report submission
    rolls the conversation back with it. ``download(refs) -> [bytes | None]`` fetches media."""
    now = now or timezone.now()
    text = " ".join((incoming.text or "").split())
    conversation = _open_conversation(incoming, now)

    if incoming.command in ("start", "help"):
        reply = _welcome()
        if conversation is not None and conversation.step != START:
            reply += "\n\n" + _question(conversation.step, conversation.data)
        return IntakeReply(reply)

    command = _text_command(text, conversation, incoming.sent_at)
    if command is _CANCEL:
        return _cancel(conversation, incoming, now)
    if isinstance(command, IntakeCommand):
        if command.verb == "add" and incoming.media:
            uploads, _lost = _uploads(_refs(incoming.channel, incoming.media), download)
            command = replace(command, attachments=tuple(uploads))
        return command

    late = _late_addition(incoming, text, download)
    if late is not None:
        return late
    if conversation is None:
        if not (text or incoming.media or incoming.latitude is not None or incoming.contact_phone):
            if incoming.unsupported:
                return IntakeReply(_unsupported())
            raise Ignore(_("Pesan tanpa isi yang dapat dipakai."), code="empty")
        conversation = _conversation_start(incoming, now)
    return _conversation_continue(message, conversation, incoming, text, download, now)


def _unsupported() -> str:
    return _("Maaf, jenis pesan ini belum dapat kami terima. Kirim teks, foto, dokumen, atau lokasi.")


def _open_conversation(incoming: ChatInput, now: datetime) -> Conversation | None:
    conversation = (Conversation.objects.select_for_update()
                    .filter(channel=incoming.channel, sender=incoming.sender, closed_at__isnull=True).first())
    if conversation is not None and incoming.sent_at - conversation.updated_at > IDLE_LIMIT:
        conversation.step, conversation.closed_at = EXPIRED, now
        conversation.save(update_fields=["step", "closed_at"])
        return None
    return conversation


def _conversation_start(incoming: ChatInput, now: datetime) -> Conversation:
    try:
        with transaction.atomic():
            return Conversation.objects.create(
                channel=incoming.channel, sender=incoming.sender, reply_address=incoming.reply_address[:100],
                step=START, started_at=now, updated_at=now,
                data={"texts": [], "media": [], "steps": [], "messages": [], "last_order": incoming.order},
            )
    except IntegrityError:  # another message of this sender opened it first
        return Conversation.objects.select_for_update().get(
            channel=incoming.channel, sender=incoming.sender, closed_at__isnull=True)


def _text_command(text: str, conversation: Conversation | None, sent_at: datetime):
    """The SMS grammar (adapters/sms.py) applied to a chat text. While a draft is open only
    commands naming a valid reference count (and a bare BATAL cancels the draft); a text
    that merely starts like a command is an answer."""
    if not text:
        return None
    parsed = sms_parse(SimpleNamespace(text=text, received_at=sent_at, sender=""))
    if not isinstance(parsed, IntakeCommand):
        return None
    if parsed.verb == "withdraw" and parsed.reference is None:
        return _CANCEL if conversation is not None or len(text.split()) == 1 else None
    if conversation is not None and (parsed.reference is None or parsed.verb == "add"):
        return None
    return parsed


def _cancel(conversation: Conversation | None, incoming: ChatInput, now: datetime) -> IntakeReply:
    if conversation is None:
        return IntakeReply(_("Tidak ada laporan yang sedang dibuat. Kirim pesan untuk membuat laporan baru."))
    conversation.data["last_order"] = max(conversation.data.get("last_order", incoming.order), incoming.order)
    conversation.step, conversation.closed_at, conversation.updated_at = CANCELLED, now, now
    conversation.save()
    return IntakeReply(_("Laporan dibatalkan dan tidak dikirim. Kirim pesan kapan saja untuk membuat laporan baru."))


def _late_addition(incoming: ChatInput, text: str, download) -> IntakeCommand | None:
    """A message sent before the sender's last draft was completed (or cancelled) but
    delivered after it: it belongs to that report (or to nothing)."""
    last = (Conversation.objects.filter(channel=incoming.channel, sender=incoming.sender, closed_at__isnull=False)
            .order_by("-closed_at", "-id").first())
    if last is None or last.step not in (DONE, CANCELLED):
        return None
    last_order = last.data.get("last_order")
    # Same key as the last message: WhatsApp timestamps are seconds. A photo sent in the same
    # second as the final answer belongs to that report; a text in the same second as BATAL is new.
    if last_order is None or incoming.order > last_order or (incoming.order == last_order and last.step == CANCELLED):
        return None
    if last.step == CANCELLED:
        raise Ignore(_("Pesan ini dikirim sebelum laporan yang sedang dibuat dibatalkan."), code="cancelled")
    # A text that answered the category question was superseded by the answer that completed
    # the draft; description lines and addresses are information worth adding.
    parts = [text] if text and _step_at(last.data, incoming.order) != ASK_CATEGORY else []
    if incoming.latitude is not None and incoming.longitude is not None:
        parts.append(_("Lokasi: %(lat)s, %(lng)s") % {"lat": incoming.latitude, "lng": incoming.longitude}
                     + (f" ({incoming.place})" if incoming.place else ""))
    if not parts and not incoming.media:
        raise Ignore(_("Pesan susulan tanpa isi yang perlu ditambahkan."), code="superseded")
    reference = _report_reference(last)
    if reference is None:
        return None
    uploads, _lost = _uploads(_refs(incoming.channel, incoming.media), download)
    if not parts and not uploads:
        raise Ignore(_("Lampiran susulan tidak dapat diunduh atau ditolak."), code="empty")
    return IntakeCommand(verb="add", reference=reference, text="\n".join(parts), attachments=tuple(uploads))


def _report_reference(conversation: Conversation) -> str | None:
    if conversation.report_id:
        return conversation.report.reference
    row = (InboundMessage.objects.select_related("report")
           .filter(pk=conversation.data.get("final_message"), report__isnull=False).first())
    return row.report.reference if row else None


def _step_at(data: dict, order: float) -> str:
    """The question that was open when a message with this ordering key was sent."""
    step = START
    for since, name in data.get("steps") or []:
        if since <= order:
            step = name
    return step


def _set_newer(data: dict, key: str, value: dict, order: float) -> bool:
    current = data.get(key)
    if current is not None and current.get("order", 0) > order:
        return False  # an older message never overwrites a newer answer
    data[key] = {**value, "order": order}
    return True


def _missing(data: dict) -> str | None:
    if not data.get("texts"):
        return ASK_DESCRIPTION
    if not data.get("location") and not data.get("address"):
        return ASK_LOCATION
    if "category" not in data:
        return ASK_CATEGORY
    return None


def _conversation_continue(message, conversation: Conversation, incoming: ChatInput, text: str, download,
                           now: datetime):
    data = conversation.data
    order = incoming.order
    first = not data.get("messages")
    data.setdefault("messages", []).append(message.pk)
    asked = _step_at(data, order)
    notes: list[str] = []

    if incoming.reporter_name and not data.get("name"):
        data["name"] = incoming.reporter_name[:150]
    if incoming.reporter_phone:
        data["phone"] = incoming.reporter_phone
    if incoming.contact_phone:
        data["phone"] = incoming.contact_phone
        if not (text or incoming.media or incoming.latitude is not None):
            notes.append(_("Nomor telepon Anda dicatat."))
    if incoming.media:
        notes.append(_media_add(data, incoming))
    if incoming.latitude is not None and incoming.longitude is not None:
        _set_newer(data, "location", {"lat": incoming.latitude, "lng": incoming.longitude,
                                      "place": incoming.place[:300]}, order)
    invalid_choice = False
    if text:
        if asked in (START, ASK_DESCRIPTION) or incoming.media:  # a caption describes, whatever was asked
            data.setdefault("texts", []).append([order, text])
            data["texts"].sort(key=lambda item: item[0])
        elif asked == ASK_LOCATION:
            _set_newer(data, "address", {"text": text[:300]}, order)
        elif asked == ASK_CATEGORY:
            slug = _category_choice(text, data.get("choices") or [])
            if slug is not None:
                _set_newer(data, "category", {"slug": slug}, order)
            elif asked == conversation.step:
                invalid_choice = True
    if incoming.unsupported:
        notes.append(_unsupported())
    data["last_order"] = max(data.get("last_order", order), order)

    step = _missing(data)
    if step == ASK_CATEGORY and "choices" not in data:
        data["choices"] = _category_choices()
        if not data["choices"]:  # no categories configured: routing decides
            data["category"] = {"slug": "", "order": order}
            step = None
    if step is None:
        return _finish(message, conversation, download, now)
    if step != conversation.step:
        data.setdefault("steps", []).append([data["last_order"], step])
        conversation.step = step
    conversation.updated_at = now
    conversation.save()

    parts = [_("Terima kasih, laporan Anda sedang kami siapkan. Ketik BATAL untuk membatalkan.")] if first else []
    parts += notes
    if invalid_choice:
        parts.append(_("Pilihan tidak dikenali."))
    parts.append(_question(step, data))
    return IntakeReply("\n\n".join(p for p in parts if p))


def _media_add(data: dict, incoming: ChatInput) -> str:
    media = data.setdefault("media", [])
    known = {m["media_id"] for m in media}
    room = settings.ADUAN_ATTACHMENTS_MAX_COUNT - len(media)
    refused = 0
    for item in incoming.media:
        if item.media_id in known:
            continue
        if room <= 0:
            refused += 1
            continue
        media.append({"media_id": item.media_id, "kind": item.kind, "filename": item.filename[:200],
                      "mime": item.mime, "order": incoming.order})
        room -= 1
    media.sort(key=lambda m: m["order"])
    if refused:
        return (_("Lampiran paling banyak %(n)s berkas; lampiran ini tidak disimpan.")
                % {"n": settings.ADUAN_ATTACHMENTS_MAX_COUNT})
    return _("Lampiran diterima.")


def _category_choices() -> list[str]:
    """The categories offered by number: active top-level ones (a sub-category of an inactive
    parent counts as top-level), by name, at most nine, as the portal's picker lists them."""
    rows = (Category.objects.filter(is_active=True)
            .filter(Q(parent__isnull=True) | Q(parent__is_active=False)).order_by("name"))
    return list(rows.values_list("slug", flat=True)[:MAX_CHOICES])


def _category_choice(text: str, choices: list[str]) -> str | None:
    """The slug chosen by number or name; "" to skip; None when not understood."""
    answer = text.strip().strip(".)").strip()
    if answer.isdigit():
        number = int(answer)
        if number == 0:
            return ""
        return choices[number - 1] if 1 <= number <= len(choices) else None
    lowered = answer.casefold()
    if lowered in _SKIP_WORDS:
        return ""
    active = list(Category.objects.filter(is_active=True).values_list("slug", "name"))
    for slug, name in active:
        if lowered in (name.casefold(), slug.casefold()):
            return slug
    if len(lowered) >= 3:
        listed = [slug for slug, name in active if slug in choices and name.casefold().startswith(lowered)]
        if len(listed) == 1:
            return listed[0]
    return None


def _refs(channel: str, media) -> list[dict]:
    return [{"channel": channel, "media_id": m.media_id, "kind": m.kind, "filename": m.filename, "mime": m.mime}
            for m in media]


def _file_name(ref: dict, content: bytes, number: int) -> str:
    """The upload's name: the citizen's file name when its extension matches the bytes, else
    ``foto-1.jpg``-style (WhatsApp and Telegram photos have no name)."""
    kind = filetype.guess(content)
    extension = kind.extension if kind else ""
    name = (ref.get("filename") or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    accepted = ALLOWED.get(extension, ("", set()))[1]
    if name and "." in name and name.rsplit(".", 1)[-1].lower() in accepted:
        return name
    base = _KIND_NAMES.get(ref.get("kind", ""), "lampiran")
    return f"{base}-{number}.{extension}" if extension else f"{base}-{number}"


def _uploads(refs: list[dict], download) -> tuple[list[AttachmentUpload], int]:
    """Download and check each file; returns the uploads that pass and how many did not."""
    if not refs:
        return [], 0
    if download is None:
        from .chat_media import media_fetch as download
    try:
        contents = list(download(refs))
    except Exception as exc:  # the fetcher failed as a whole: the report goes without files
        logger.warning("chat media: download failed: %s", type(exc).__name__)
        contents = [None] * len(refs)
    uploads: list[AttachmentUpload] = []
    total = 0
    for number, (ref, content) in enumerate(zip(refs, contents), 1):
        if not content or total + len(content) > settings.ADUAN_ATTACHMENTS_TOTAL_MAX_BYTES:
            continue
        upload = AttachmentUpload(name=_file_name(ref, content, number), content=content)
        _clean, errors = attachments_clean([upload])
        if errors:
            continue
        uploads.append(upload)
        total += len(content)
    lost = len(refs) - len(uploads)
    if lost:
        logger.warning("chat media: %s of %s file(s) left out", lost, len(refs))
    return uploads, lost


def _finish(message, conversation: Conversation, download, now: datetime) -> IntakeDraft:
    data = conversation.data
    uploads, lost = _uploads([{"channel": conversation.channel, **m} for m in data.get("media") or []], download)
    texts = [t for _order, t in sorted(data.get("texts") or [], key=lambda item: item[0])]
    body = "\n".join(texts)
    if lost:
        body += "\n\n" + ngettext("(%(n)s lampiran tidak dapat diunduh atau ditolak.)",
                                  "(%(n)s lampiran tidak dapat diunduh atau ditolak.)", lost) % {"n": lost}
    location = data.get("location") or {}
    address = (data.get("address") or {}).get("text") or location.get("place") or ""
    category = (data.get("category") or {}).get("slug") or None
    if category and not Category.objects.filter(slug=category, is_active=True).exists():
        category = None  # deactivated while the citizen was answering
    conversation.step, conversation.closed_at, conversation.updated_at = DONE, now, now
    data["final_message"] = message.pk
    conversation.save()
    return IntakeDraft(
        title=sms_title(texts[0] if texts else body), body=body[: settings.ADUAN_BODY_MAX],
        channel=conversation.channel, kind=Kind.COMPLAINT, incident_date=timezone.localdate(now),
        category=category, address=address[:300], latitude=location.get("lat"), longitude=location.get("lng"),
        reporter_name=data.get("name", ""), reporter_phone=data.get("phone", ""),
        reply_address=conversation.reply_address, attachments=uploads, conversation_id=conversation.pk,
    )


def conversations_close_idle(*, now: datetime | None = None) -> int:
    """Close every open conversation idle for more than 24 hours (a periodic sweep; the
    engine also closes one lazily when its sender writes again)."""
    now = now or timezone.now()
    return (Conversation.objects.filter(closed_at__isnull=True, updated_at__lt=now - IDLE_LIMIT)
            .update(step=EXPIRED, closed_at=now))
