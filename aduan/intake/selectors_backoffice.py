"""Reads for the officials' intake pages (/petugas/penerimaan/) and the origin line on the
officials' report page.

Privacy (rule of the house 4): the queue list never shows a sender in full — a phone
number keeps its last four digits, an e-mail address its domain. Opening one message
shows its text (officials holding ``intake_operate`` work the queue) and is audited like a
read of reporter identity; its sender stays masked there too, because the services take
the sender's address from the stored message themselves.
"""

from __future__ import annotations

from django.db.models import QuerySet

from aduan.accounts.policies import user_has_perm_anywhere
from aduan.audit.services import audit_log
from aduan.core.errors import NotFound, PermissionDenied
from aduan.core.refs import reference_normalise
from aduan.reports.models import Channel, Report
from aduan.reports.selectors import reports_visible_to

from .models import Device, DeviceObservation, InboundMessage
from .selectors import inbound_operator_queue

MASK = "•••"


def mask_sender(sender: str) -> str:
    """``+6281234567001`` → ``•••7001``; ``warga@example.test`` → ``•••@example.test``."""
    sender = (sender or "").strip()
    if not sender:
        return "—"
    if "@" in sender:
        return MASK + "@" + sender.rsplit("@", 1)[1][:100]
    return MASK + sender[-4:] if len(sender) > 4 else MASK


def _channel_label(channel: str) -> str:
    return str(Channel(channel).label) if channel in Channel.values else channel


def operator_queue_count() -> int:
    return inbound_operator_queue().count()


def operator_queue_rows(messages) -> list[dict]:
    """Rows of one queue page (the page's messages, already fetched)."""
    return [{
        "id": m.pk, "channel": m.channel, "channel_label": _channel_label(m.channel), "received_at": m.received_at,
        "sender": mask_sender(m.sender), "reason": m.reason,
    } for m in messages]


def operator_queue() -> QuerySet[InboundMessage]:
    """The operator queue, oldest first, with only what the list shows."""
    return inbound_operator_queue().only("id", "channel", "received_at", "sender", "reason")


def inbound_get_for_operator(*, user, message_id: int) -> dict:
    """One message for an operator: the text, its attachments' metadata, the reason it is in
    the queue and, once handled, what was done. Audited (``inbound_view``)."""
    if not user_has_perm_anywhere(user, "intake_operate"):
        raise PermissionDenied()
    message = (InboundMessage.objects.select_related("report", "handled_by")
               .filter(pk=message_id).exclude(state__in=[InboundMessage.State.PART]).first())
    if message is None:
        raise NotFound()
    audit_log(actor=user, action="inbound_view", obj=message, data={"channel": message.channel})
    attachments = []
    for item in message.attachments or []:
        if isinstance(item, dict):
            attachments.append({
                "name": str(item.get("name") or item.get("filename") or item.get("id") or "—")[:200],
                "content_type": str(item.get("content_type") or item.get("mime_type") or "")[:100],
                "size": item.get("size") if isinstance(item.get("size"), int) else None,
            })
    return {
        "id": message.pk, "channel": message.channel, "channel_label": _channel_label(message.channel),
        "gateway": message.gateway, "received_at": message.received_at, "sender": mask_sender(message.sender),
        "text": message.text, "reason": message.reason, "state": message.state,
        "state_label": (InboundMessage.State(message.state).label
                        if message.state in InboundMessage.State.values else message.state),
        "is_queued": message.state == InboundMessage.State.NEEDS_OPERATOR,
        "attachments": attachments,
        "report": ({"id": message.report_id, "reference": message.report.reference} if message.report_id else None),
        "handled_by": (message.handled_by.full_name or message.handled_by.username) if message.handled_by_id else "",
        "handled_at": message.handled_at, "operator_note": message.operator_note,
    }


def report_origin(*, report) -> dict | None:
    """Who brought a report in when it was not the reporter, for the officials' report page:
    ``{"kind": "operator", "operator", "channel_label"}`` for a report an operator entered,
    ``{"kind": "device", "device", "identity", "detections"}`` for a machine report, else
    None. ``report`` is one the caller already fetched within the official's scope; an
    ordinary report costs no query."""
    if report.device_identity:
        device = Device.objects.filter(identity=report.device_identity).only("name", "identity").first()
        return {
            "kind": "device", "identity": report.device_identity,
            "device": device.name if device else report.device_identity,
            "detections": DeviceObservation.objects.filter(report_id=report.pk).count(),
        }
    if report.entered_by_id:
        operator = report.entered_by
        return {
            "kind": "operator", "operator": operator.full_name or operator.username,
            "channel_label": _channel_label(report.channel),
        }
    return None


def devices_rows(devices) -> list[dict]:
    return [{
        "id": d.pk, "identity": d.identity, "name": d.name, "kind_label": d.get_kind_display(),
        "agency": d.agency.short_name or d.agency.name, "is_active": d.is_active,
        "position": f"{d.latitude}, {d.longitude}" if d.latitude is not None and d.longitude is not None else "",
    } for d in devices]


def report_entered_get(*, operator, reference: str) -> dict | None:
    """A report this operator entered, for the confirmation page: what to read out to the
    caller and where the written confirmation goes (masked). Anyone else's: None."""
    ref = reference_normalise(reference or "")
    if not ref or not getattr(operator, "is_authenticated", False):
        return None
    report = Report.objects.filter(reference=ref, entered_by=operator).only(
        "pk", "reference", "title", "channel", "reporter_email", "reporter_phone").first()
    if report is None:
        return None
    if report.reporter_email:
        confirmation = {"channel": "email", "to": mask_sender(report.reporter_email)}
    elif report.reporter_phone:
        confirmation = {"channel": "sms", "to": mask_sender(report.reporter_phone)}
    else:
        confirmation = None
    return {"id": report.pk, "reference": report.reference, "title": report.title,
            "channel": report.channel, "channel_label": _channel_label(report.channel), "confirmation": confirmation}
