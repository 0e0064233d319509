"""Which outbox rows a report change writes. Called inside report_transition's transaction.

- The reporter hears about every public step on their chosen channel (account) or the channel they used
  (``_reporter_address``), including "not our authority" (the citizen is told the report is being re-routed).
- Reporters of linked duplicates hear the canonical report's public progress.
- Officials get internal notifications: the agency on disposition, the coordinator on a
  return, the escalation target on escalation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings

from aduan.accounts.selectors import officials_with_perm
from aduan.agencies.models import Agency
from aduan.notifications.services import outbox_enqueue

from .models import Channel, Event, Report
from .workflow import ACTION_LABELS, Action, Status

# Handlers that layer-4 apps (dispatch) register from their AppConfig.ready(), so this layer
# never imports them (DESIGN.md §3). Each runs at the end of notify_event, inside
# report_transition's transaction, and may only write rows (rule of the house 5).
EVENT_HOOKS: list[Callable[[Report, Event], None]] = []


def _reporter_address(report: Report) -> tuple[str, str] | None:
    """(channel, recipient) for telling the reporter, or None when there is no way back.

    A reporter with an account who chose a channel is told there; otherwise on the channel
    the report came by (SMS, WhatsApp and Telegram answer where they were asked), else by
    e-mail, else by SMS to the phone a call-centre or paper report left."""
    user = report.reporter if report.reporter_id else None
    email = report.reporter_email or (user.email if user else "")
    phone = report.reporter_phone or (user.phone if user else "")
    chosen = getattr(user, "notify_channel", "") if user else ""
    if chosen == "email" and email:
        return "email", email
    if chosen in ("sms", "whatsapp") and phone:
        return chosen, phone
    if report.channel in (Channel.SMS, Channel.WHATSAPP) and report.reporter_phone:
        return report.channel, report.reporter_phone
    if report.channel == Channel.TELEGRAM and report.reply_address:
        return "telegram", report.reply_address
    if email:
        return "email", email
    if report.channel in (Channel.CALL_CENTRE, Channel.PAPER) and report.reporter_phone:
        return "sms", report.reporter_phone
    return None


def notify_reporter_submitted(report: Report, token: str, *, similar: list[dict] | None = None,
                              emergency_numbers: list[str] | None = None) -> None:
    """The reporter's confirmation. ``similar``: open public reports about the same problem
    ({reference, support_count}), offered for support (issue #6) — on SMS, e-mail and chat
    the citizen never saw the web form's "support this report instead?" step.
    ``emergency_numbers``: an emergency was recognised; every channel opens with "call 112"."""
    address = _reporter_address(report)
    if address is None:
        return
    channel, recipient = address
    outbox_enqueue(
        channel=channel, recipient=recipient, template="report_submitted",
        payload={
            "reference": report.reference,
            "title": report.title,
            "track_url": f"{settings.ADUAN_PUBLIC_URL}/lacak/?{urlencode({'ref': report.reference, 'token': token})}",
            "late_filing_warning": report.late_filing_warning,
            **({"similar": similar} if similar else {}),
            **({"emergency_numbers": list(emergency_numbers), "emergency_kind": report.emergency_kind}
               if emergency_numbers else {}),
        },
        dedupe_key=f"report:{report.pk}:submitted",
    )


def notify_event(report: Report, event: Event) -> None:
    payload = {
        "reference": report.reference,
        "title": report.title,
        "action": event.action,
        "action_label": str(ACTION_LABELS.get(Action(event.action), event.action)),
        "status_label": str(Status(report.status).label),
        "note": event.note if event.is_public else "",
        "agency": report.agency.name if report.agency_id else "",
    }
    if event.is_public and event.actor_kind != "reporter":
        address = _reporter_address(report)
        if address:
            outbox_enqueue(channel=address[0], recipient=address[1], template="report_event",
                           payload=payload, dedupe_key=f"event:{event.pk}:reporter")
        for dup in report.duplicates.select_related("reporter"):
            dup_address = _reporter_address(dup)
            if dup_address:
                outbox_enqueue(channel=dup_address[0], recipient=dup_address[1], template="report_event",
                               payload={**payload, "via_duplicate": dup.reference},
                               dedupe_key=f"event:{event.pk}:dup:{dup.pk}")
    internal_to = None
    if event.action in (Action.VERIFY_DISPOSE, Action.AUTO_DISPOSE):
        internal_to = report.agency_id and f"agency:{report.agency_id}"
    elif event.action == Action.NOT_AUTHORITY:
        internal_to = f"agency:{report.coordinator_id}" if report.coordinator_id else "national"
    elif event.action in (Action.ESCALATE, Action.INTERVENE):
        target = event.data.get("target_agency_id")
        internal_to = f"agency:{target}" if target else "national"
    if internal_to:
        outbox_enqueue(channel="internal", recipient=internal_to, template="report_event",
                       payload=payload, dedupe_key=f"event:{event.pk}:internal")
    _notify_officials(report, event)
    for hook in EVENT_HOOKS:
        hook(report, event)


_TZ_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def local_label(moment: datetime | None, agency: Agency | None) -> str:
    """A deadline as officials read it: local date and time with WIB/WITA/WIT."""
    if moment is None:
        return ""
    tz = getattr(agency, "timezone", "") or "Asia/Jakarta"
    return f"{moment.astimezone(ZoneInfo(tz)):%d-%m-%Y %H:%M} {_TZ_NAMES.get(tz, tz)}"


def official_email(user, *, template: str, payload: dict, dedupe_key: str) -> bool:
    """One e-mail to an official, honouring their choice: now, in the daily digest, or not at
    all. True when a new row was written."""
    if not user.email or user.email_digest == "off":
        return False
    row = outbox_enqueue(channel="email", recipient=user.email, template=template, payload=payload,
                         dedupe_key=dedupe_key, hold_for_digest=user.email_digest == "daily")
    return row.created


def _notify_officials(report: Report, event: Event) -> None:
    """E-mail to the officials who must act: the agency's officers on a new assignment, the
    coordinator's verifiers when an agency returns a report, the target on an escalation."""
    base = {"reference": report.reference, "title": report.title, "note": event.note if event.is_public else ""}
    if event.action in (Action.VERIFY_DISPOSE, Action.AUTO_DISPOSE) and report.agency_id:
        recipients = officials_with_perm(report.agency, "report_follow_up")
        template = "official_assignment"
        payload = {**base, "agency": report.agency.name,
                   "due": local_label(report.first_response_due_at, report.agency)}
    elif event.action == Action.NOT_AUTHORITY:
        coordinator = report.coordinator
        recipients = officials_with_perm(coordinator, "report_verify")
        template = "official_assignment"
        payload = {**base, "agency": coordinator.name if coordinator else "Admin nasional",
                   "due": local_label(report.verify_due_at, coordinator)}
    elif event.action in (Action.ESCALATE, Action.INTERVENE):
        target_id = event.data.get("target_agency_id")
        target = Agency.objects.filter(pk=target_id).first() if target_id else None
        recipients = officials_with_perm(target, "report_receive_escalation")
        template = "official_escalation"
        payload = {**base, "target": target.name if target else "Admin nasional"}
    else:
        return
    for user in recipients:
        official_email(user, template=template, payload=payload, dedupe_key=f"event:{event.pk}:official:{user.pk}")
