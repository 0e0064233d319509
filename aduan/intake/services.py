"""Intake services: store first, then parse, then act (rule of the house 5).

``inbound_receive`` writes the raw ``InboundMessage`` in its own transaction before any
parsing, so nothing a gateway delivered can be lost to a parser bug. The unique key
(channel, external_id) makes a repeated delivery return the existing row and create
nothing. ``inbound_process`` then parses with the channel's adapter and acts — a new
report through ``report_submit``, or a command answered — with the reply written to the
outbox in the same transaction. Whatever cannot be parsed or acted on stays with
``state = needs_operator`` and a reason: the operator queue.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.core.errors import DomainError, InvalidTransition, StaleState
from aduan.notifications.services import outbox_enqueue
from aduan.reports.actors import ReporterToken
from aduan.reports.services.submit import ReportDraft, report_attachments_add, report_submit
from aduan.reports.services.transition import report_transition
from aduan.reports.workflow import Action, Status

from .adapters import ADAPTERS, Ignore, IntakeCommand, IntakeDraft, IntakeReply, ParseError
from .adapters.sms import sender_normalise
from .models import Conversation, InboundMessage
from .selectors import report_get_for_sender

logger = logging.getLogger(__name__)

WITHDRAW_NOTE = "Pelapor meminta laporan dibatalkan"

# What "<ref> <teks>" becomes, by the report's status: the reporter's answer to a
# clarification request resumes the clock, a reply to a follow-up reopens it, anything else
# is added information (workflow.py).
_ADD_ACTION = {
    Status.AWAITING_REPORTER: Action.PROVIDE_CLARIFICATION,
    Status.RESPONDED: Action.REPORTER_REPLY,
}


@dataclass(frozen=True)
class PartInfo:
    """One part of a concatenated SMS (UDH: reference, part number, total parts)."""

    reference: str
    number: int
    total: int


def inbound_receive(
    *,
    channel: str,
    external_id: str,
    sender: str,
    payload: dict | str,
    raw_body: str = "",
    text: str = "",
    gateway: str = "",
    recipient: str = "",
    received_at: datetime | None = None,
    attachments: list | None = None,
    part: PartInfo | None = None,
    parse_error: str = "",
) -> InboundMessage:
    """Store the message (idempotent on channel + external_id), then process it.

    Returns the stored row; for a repeat delivery, the row of the first one."""
    fields = {
        "gateway": gateway, "sender": (sender or "")[:254], "recipient": (recipient or "")[:254],
        "received_at": received_at or timezone.now(), "text": text or "", "attachments": attachments or [],
        "payload": payload if isinstance(payload, dict) else {},
        "raw_body": raw_body or (payload if isinstance(payload, str) else ""),
    }
    if parse_error:
        fields.update(state=InboundMessage.State.NEEDS_OPERATOR, reason=parse_error, handled_at=timezone.now())
    to_process = None
    with transaction.atomic():
        if part is not None and part.total > 1 and not parse_error:
            message, to_process = _receive_part(channel=channel, external_id=external_id, part=part, fields=fields)
        else:
            message = _store(channel=channel, external_id=external_id, fields=fields)
            if message is None:  # a repeat: the first delivery's row
                message = InboundMessage.objects.get(channel=channel, external_id=external_id)
            to_process = message
    if to_process is not None and to_process.state == InboundMessage.State.RECEIVED:
        processed = inbound_process(message_id=to_process.pk)
        if processed.pk == message.pk:
            message = processed
    return message


def _store(*, channel: str, external_id: str, fields: dict) -> InboundMessage | None:
    try:
        with transaction.atomic():
            return InboundMessage.objects.create(channel=channel, external_id=external_id[:200], **fields)
    except IntegrityError:
        return None


def _receive_part(
    *, channel: str, external_id: str, part: PartInfo, fields: dict,
) -> tuple[InboundMessage, InboundMessage | None]:
    """Keep one part; when the group is complete, the head row gets the joined text.

    The head row is locked first, so two parts arriving at once see each other. A group
    whose head already completed (or already holds this part number) is an older message
    with a reused UDH reference: the part starts a new group."""
    key = f"{fields['sender']}|{part.reference}|{part.total}"[:200]
    existing = InboundMessage.objects.filter(channel=channel, external_id=external_id[:200]).first()
    if existing is not None:
        return existing, None
    head = None
    for _attempt in range(3):
        head = (InboundMessage.objects.select_for_update()
                .filter(channel=channel, part_of=key, part_number__isnull=True).order_by("-pk").first())
        taken = head is not None and InboundMessage.objects.filter(
            channel=channel, part_of=key, part_number=part.number, pk__gt=head.pk).exists()
        if head is not None and head.state == InboundMessage.State.WAITING_PARTS and not taken:
            break
        generation = 1 + InboundMessage.objects.filter(channel=channel, part_of=key, part_number__isnull=True).count()
        head = _store(channel=channel, external_id=f"concat:{key}#{generation}", fields={
            **fields, "text": "", "payload": {"parts": []}, "raw_body": "",
            "part_of": key, "part_total": part.total, "state": InboundMessage.State.WAITING_PARTS,
        })
        if head is not None:
            break
    if head is None:
        raise IntegrityError("could not open a concatenated SMS group")
    message = _store(channel=channel, external_id=external_id, fields={
        **fields, "part_of": key, "part_number": part.number, "part_total": part.total, "state": InboundMessage.State.PART,
    })
    if message is None:
        return InboundMessage.objects.get(channel=channel, external_id=external_id[:200]), None
    parts = {p.part_number: p for p in InboundMessage.objects.filter(
        channel=channel, part_of=key, part_number__isnull=False, pk__gt=head.pk).order_by("pk")}
    head.payload = {"parts": sorted(parts)}
    if set(parts) >= set(range(1, part.total + 1)):
        ordered = [parts[n] for n in range(1, part.total + 1)]
        head.text = "".join(p.text for p in ordered)
        head.attachments = [a for p in ordered for a in p.attachments]
        head.received_at = min(p.received_at for p in ordered)
        head.payload = {"parts": [p.external_id for p in ordered]}
        head.state = InboundMessage.State.RECEIVED
        head.save()
        return message, head
    head.save(update_fields=["payload"])
    return message, None


def inbound_process(*, message_id: int) -> InboundMessage:
    """Parse a stored message and act on it, once: the row is locked and only a message
    still in ``received`` is processed."""
    with transaction.atomic():
        message = InboundMessage.objects.select_for_update().get(pk=message_id)
        if message.state != InboundMessage.State.RECEIVED:
            return message
        adapter = ADAPTERS.get(message.channel)
        try:
            with transaction.atomic():
                if adapter is None:
                    raise ParseError(_("Tidak ada adapter untuk kanal %(c)s.") % {"c": message.channel})
                intent = adapter(message)
                message.state = InboundMessage.State.PARSED
                if isinstance(intent, IntakeDraft):
                    _create_report(message, intent)
                elif isinstance(intent, IntakeReply):
                    message.state = InboundMessage.State.CONVERSING
                    _reply(message, intent.text)
                else:
                    _answer(message, intent)
        except Ignore as exc:
            message.state = InboundMessage.State.IGNORED
            message.reason = _reason(exc)
        except DomainError as exc:
            message.state = InboundMessage.State.NEEDS_OPERATOR
            message.reason = _reason(exc)
        except Exception as exc:  # a bug must not lose the message: it waits for an operator
            logger.exception("intake: processing inbound message %s failed", message.pk)
            message.state = InboundMessage.State.NEEDS_OPERATOR
            message.reason = f"internal error: {type(exc).__name__}"
        message.handled_at = timezone.now()
        message.save()
    return message


def _reason(exc: DomainError) -> str:
    parts = [f"[{exc.code}] {exc.message}"]
    for field_name, messages in (exc.field_errors or {}).items():
        parts.append(f"{field_name}: {' '.join(str(m) for m in messages)}")
    return "\n".join(parts)[:2000]


def _create_report(message: InboundMessage, draft: IntakeDraft) -> None:
    # The confirmation with the reference is the "submitted" outbox row report_submit writes
    # for the reporter's address (reports/notify.py: the phone, for SMS reports).
    result = report_submit(draft=ReportDraft(
        title=draft.title, body=draft.body, incident_date=draft.incident_date, kind=draft.kind,
        channel=draft.channel, category=draft.category, region_code=draft.region_code, address=draft.address,
        latitude=draft.latitude, longitude=draft.longitude, attachments=list(draft.attachments),
        location_from_photo=draft.location_from_photo, reporter_name=draft.reporter_name,
        reporter_email=draft.reporter_email, reporter_phone=draft.reporter_phone, reply_address=draft.reply_address,
    ))
    message.report = result.report
    if draft.conversation_id:
        Conversation.objects.filter(pk=draft.conversation_id).update(report=result.report)
    message.state = InboundMessage.State.REPORT_CREATED
    message.reason = ""


def reply_recipient(message: InboundMessage) -> str:
    """Where an answer to this message goes on its own channel: the phone for SMS and
    WhatsApp (``+62…``), the chat id for Telegram (``payload["chat_id"]``),
    the sender's address for e-mail."""
    if message.channel in ("sms", "whatsapp"):
        return sender_normalise(message.sender)
    if message.channel == "telegram":
        return message.payload.get("chat_id") and str(message.payload["chat_id"]) or message.sender
    return message.sender


def _reply(message: InboundMessage, text: str, reference: str = "") -> None:
    """The answer, on the channel the message came by, written to the outbox now (sent by
    the worker). One reply per inbound message: a redelivered message is not answered twice."""
    outbox_enqueue(
        channel=message.channel, recipient=reply_recipient(message), template="channel_reply",
        payload={
            "text": text, "reference": reference, "gateway": message.gateway,
            # e-mail threading: answer under the citizen's own subject and message id
            "subject": message.payload.get("subject", ""), "in_reply_to": message.payload.get("message_id", ""),
        },
        dedupe_key=f"inbound:{message.pk}:reply",
    )


def _answer(message: InboundMessage, command: IntakeCommand) -> None:
    message.state = InboundMessage.State.COMMAND_ANSWERED
    if command.reference is None:
        _reply(message, _("Nomor laporan tidak dikenali. Contoh: CEK 2611-K7QX-M9P3"))
        return
    ref = command.reference
    report = report_get_for_sender(reference=ref, channel=message.channel, sender=reply_recipient(message))
    if report is None:
        # The same answer for a missing report and for somebody else's (rule of the house 3).
        _reply(message, _("Laporan %(ref)s tidak ditemukan untuk nomor Anda. Periksa kembali nomor laporan.") % {"ref": ref}, ref)
        return
    message.report = report
    if command.verb == "status":
        text = _("Laporan %(ref)s: %(status)s.") % {"ref": ref, "status": Status(report.status).label}
        if report.agency_id:
            text += " " + _("Instansi: %(agency)s.") % {"agency": report.agency.short_name or report.agency.name}
        _reply(message, text, ref)
        return
    if command.verb == "withdraw":
        # The workflow has no reporter withdrawal (workflow.py): the request is recorded for
        # the officer, who archives the report if it is to be withdrawn.
        note = WITHDRAW_NOTE + (f": {command.text}" if command.text else ".")
        if _add(report, Action.ADD_INFORMATION, note):
            text = _("Permintaan pembatalan laporan %(ref)s sudah dicatat. Pembatalan diputuskan oleh petugas.")
        else:
            text = _("Laporan %(ref)s tidak dapat dibatalkan lewat SMS pada status ini. Hubungi petugas.")
        _reply(message, text % {"ref": ref}, ref)
        return
    action = _ADD_ACTION.get(report.status, Action.ADD_INFORMATION)
    if _add(report, action, command.text, attachments=command.attachments):
        _reply(message, _("Informasi tambahan untuk laporan %(ref)s sudah kami terima. Terima kasih.") % {"ref": ref}, ref)
    else:
        _reply(message, _("Laporan %(ref)s tidak dapat ditambah informasi pada status ini: %(status)s.")
               % {"ref": ref, "status": Status(report.status).label}, ref)


def _add(report, action: Action, note: str, attachments=()) -> bool:
    try:
        with transaction.atomic():
            report_transition(report=report, action=action, actor=ReporterToken(report.pk),
                              expected_status=report.status, note=note or _("(lampiran)"))
            if attachments:
                report_attachments_add(report=report, uploads=list(attachments))
    except (InvalidTransition, StaleState):
        return False
    return True


def inbound_sweep_incomplete(*, older_than=None, now: datetime | None = None) -> int:
    """Concatenated SMS whose parts never all arrived go to the operator queue with the
    parts that did, joined in order with a marker for each gap — nothing is lost waiting
    for a part the network dropped. Run periodically; the head row is locked and only a
    head still waiting is moved, so a late part and the sweep never both act."""
    from datetime import timedelta

    now = now or timezone.now()
    cutoff = now - (older_than or timedelta(hours=1))
    moved = 0
    heads = InboundMessage.objects.filter(state=InboundMessage.State.WAITING_PARTS, received_at__lte=cutoff)
    for head_id in list(heads.values_list("pk", flat=True)):
        with transaction.atomic():
            head = InboundMessage.objects.select_for_update().get(pk=head_id)
            if head.state != InboundMessage.State.WAITING_PARTS:
                continue
            parts = {p.part_number: p for p in InboundMessage.objects.filter(
                channel=head.channel, part_of=head.part_of, part_number__isnull=False, pk__gt=head.pk).order_by("pk")}
            later = InboundMessage.objects.filter(channel=head.channel, part_of=head.part_of,
                                                  part_number__isnull=True, pk__gt=head.pk).order_by("pk").first()
            if later is not None:  # parts after the next head belong to the next message
                parts = {n: p for n, p in parts.items() if p.pk < later.pk}
            total = head.part_total or 0
            missing = [n for n in range(1, total + 1) if n not in parts]
            head.text = "".join(parts[n].text if n in parts else " […] " for n in range(1, total + 1)).strip()
            head.attachments = [a for n in sorted(parts) for a in parts[n].attachments]
            head.state = InboundMessage.State.NEEDS_OPERATOR
            head.reason = _("SMS bersambung tidak lengkap: bagian %(missing)s dari %(total)s tidak pernah tiba.") % {
                "missing": ", ".join(str(n) for n in missing), "total": total}
            head.handled_at = now
            head.save()
            moved += 1
    return moved
