"""The intake operator's writes (issue #5): a report entered for a caller or from a paper
form, and the operator queue — a stored message the adapters could not read becomes a
report, becomes added information on an existing report, or is dismissed with a note.

Who may: holders of ``intake_operate`` anywhere (verifiers of every coordinator desk and
national administrators). A message that could not be parsed has no region and no agency,
so there is no narrower scope to check it against (docs/decisions/0007).

Every queue action locks the message row and acts only on a message still in
``needs_operator``: a second click, a second tab or a second operator finds it handled and
gets ``MessageAlreadyHandled``, changing nothing. The raw message (text, raw body, payload,
attachments metadata, reason) is never changed or deleted; the action is recorded in
``state``, ``report``, ``handled_by``, ``handled_at``, ``operator_note`` and the audit log.
Audit rows never carry the message text or the sender.
"""

from __future__ import annotations

from dataclasses import replace

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.accounts.policies import user_has_perm_anywhere
from aduan.audit.services import audit_log
from aduan.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from aduan.reports.actors import ReporterToken
from aduan.reports.attachments import AttachmentUpload
from aduan.reports.models import Channel, Report
from aduan.reports.selectors import report_get_for_staff
from aduan.reports.services.submit import ReportDraft, SubmitResult, phone_normalise, report_submit
from aduan.reports.services.transition import report_transition
from aduan.reports.workflow import Action

from .models import InboundMessage
from .services import reply_recipient

OPERATOR_CHANNELS = (Channel.CALL_CENTRE, Channel.PAPER)
NOTE_MAX = 2000
# Channels whose sender is answered on the same channel once a report exists (notify.py).
_MESSAGE_CHANNELS = {Channel.SMS, Channel.WHATSAPP, Channel.EMAIL, Channel.TELEGRAM}


class MessageAlreadyHandled(InvalidTransition):
    """The message left the operator queue already (this operator's earlier click, or
    another operator): nothing was changed."""

    code = "already_handled"
    default_message = gettext_lazy("Pesan ini sudah ditangani dan tidak lagi ada di antrean operator.")


def _require_operator(operator) -> None:
    if not user_has_perm_anywhere(operator, "intake_operate"):
        raise PermissionDenied()


def report_enter(*, operator, channel: str, draft: ReportDraft, scans: list[AttachmentUpload] | tuple = ()) -> SubmitResult:
    """A report entered by an operator for a caller (``call_centre``) or from a paper form
    (``paper``), with the scanned form or photos as attachments.

    The caller is the reporter (name, phone, e-mail as they gave them, all optional); the
    operator is recorded as ``entered_by`` on the report, in the submit event and in the
    audit row. The confirmation goes to the caller's e-mail, else by SMS to their phone
    (reports/notify.py); the tracking code is returned once, to be read out to the caller."""
    _require_operator(operator)
    if channel not in OPERATOR_CHANNELS:
        raise ValidationFailed(field_errors={"channel": [_("Pilih telepon (pusat panggilan) atau kotak pengaduan/surat.")]})
    draft = replace(
        draft, channel=channel, entered_by=operator, attachments=[*draft.attachments, *scans],
        device_identity="", reply_address="",
    )
    # actor=None: the operator is not the reporter; report_submit audits as entered_by.
    return report_submit(draft=draft, actor=None)


def _locked_queued(message_id: int) -> InboundMessage:
    message = InboundMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None:
        raise NotFound()
    if message.state != InboundMessage.State.NEEDS_OPERATOR:
        raise MessageAlreadyHandled()
    return message


def _mark_handled(message: InboundMessage, *, state: str, operator, report: Report | None = None, note: str = "") -> None:
    message.state = state
    message.handled_by = operator
    message.handled_at = timezone.now()
    if report is not None:
        message.report = report
    if note:
        message.operator_note = note
    message.save(update_fields=["state", "handled_by", "handled_at", "report", "operator_note"])


def _contact_from_message(message: InboundMessage, draft: ReportDraft) -> ReportDraft:
    """The sender's own address becomes the reporter's, so the confirmation and every later
    step reach them on the channel they wrote from. The operator never has to copy (or see)
    the full number or address."""
    channel = message.channel
    address = reply_recipient(message)
    if channel in (Channel.SMS, Channel.WHATSAPP) and not draft.reporter_phone:
        phone = phone_normalise(address)
        if phone:
            draft = replace(draft, reporter_phone=phone)
    elif channel == Channel.EMAIL and not draft.reporter_email:
        try:
            validate_email(address)
        except DjangoValidationError:
            pass
        else:
            draft = replace(draft, reporter_email=address)
    elif channel == Channel.TELEGRAM and address:
        draft = replace(draft, reply_address=str(address)[:100])
    return draft


def inbound_make_report(*, message_id: int, operator, draft: ReportDraft) -> InboundMessage:
    """An operator turns a queued message into a report (the draft is what they typed,
    usually starting from the message text). The report keeps the message's channel and
    the sender's address; the operator is ``entered_by``. Returns the message, now
    ``report_created`` and linked to the report."""
    _require_operator(operator)
    with transaction.atomic():
        message = _locked_queued(message_id)
        channel = message.channel if message.channel in _MESSAGE_CHANNELS else Channel.ADMIN
        draft = replace(_contact_from_message(message, draft), channel=channel, entered_by=operator, device_identity="")
        result = report_submit(draft=draft, actor=None)
        _mark_handled(message, state=InboundMessage.State.REPORT_CREATED, operator=operator, report=result.report)
        audit_log(actor=operator, action="inbound_make_report", obj=message,
                  data={"report": result.report.pk, "channel": message.channel})
    return message


def inbound_attach_to_report(*, message_id: int, reference: str, operator) -> InboundMessage:
    """An operator adds a queued message's text to an existing report as added information
    (the reporter's ``add_information`` step, on the report's timeline for officials). The
    report must be one the operator may see; otherwise the same "not found" as a missing one."""
    _require_operator(operator)
    with transaction.atomic():
        message = _locked_queued(message_id)
        text = (message.text or "").strip()
        if not text:
            raise ValidationFailed(field_errors={"reference": [
                _("Pesan ini tidak berisi teks untuk ditambahkan. Buat laporan baru atau tutup pesan dengan catatan.")]})
        try:
            report = report_get_for_staff(user=operator, reference=reference)
        except NotFound:
            raise ValidationFailed(field_errors={"reference": [
                _("Laporan %(ref)s tidak ditemukan.") % {"ref": (reference or "").strip()[:20]}]}) from None
        try:
            report_transition(report=report, action=Action.ADD_INFORMATION, actor=ReporterToken(report.pk),
                              expected_status=report.status, note=text)
        except InvalidTransition:
            raise ValidationFailed(field_errors={"reference": [
                _("Laporan %(ref)s tidak dapat ditambah informasi pada status ini: %(status)s.")
                % {"ref": report.reference, "status": report.get_status_display()}]}) from None
        # The automated path ("<nomor laporan> <teks>") ends in the same state.
        _mark_handled(message, state=InboundMessage.State.COMMAND_ANSWERED, operator=operator, report=report)
        audit_log(actor=operator, action="inbound_attach_to_report", obj=message,
                  data={"report": report.pk, "channel": message.channel})
    return message


def inbound_dismiss(*, message_id: int, operator, note: str) -> InboundMessage:
    """An operator closes a queued message that is not a report (spam, empty, a test, a
    wrong number) with a note saying why. The message is kept, never deleted."""
    _require_operator(operator)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(field_errors={"note": [
            _("Tulis alasan menutup pesan ini, misalnya “spam” atau “pesan kosong”.")]})
    if len(note) > NOTE_MAX:
        raise ValidationFailed(field_errors={"note": [_("Catatan paling panjang %(n)s karakter.") % {"n": NOTE_MAX}]})
    with transaction.atomic():
        message = _locked_queued(message_id)
        _mark_handled(message, state=InboundMessage.State.DISMISSED, operator=operator, note=note)
        audit_log(actor=operator, action="inbound_dismiss", obj=message, data={"channel": message.channel})
    return message
