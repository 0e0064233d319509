"""Which outbox rows a report change writes. Called inside report_transition's transaction.

- The reporter hears about every public step, on the channel they used (e-mail, or SMS for a report that came by SMS;
  SMS is sent by notifications/sms.py; WhatsApp/Telegram senders come with their channel issue), including "not our
  authority" (the citizen is told the report is being re-routed).
- Reporters of linked duplicates hear the canonical report's public progress.
- Officials get internal notifications: the agency on disposition, the coordinator on a
  return, the escalation target on escalation.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings

from aduan.notifications.services import outbox_enqueue

from .models import Channel, Event, Report
from .workflow import ACTION_LABELS, Action, Status

# Handlers that layer-4 apps (dispatch) register from their AppConfig.ready(), so this layer
# never imports them (DESIGN.md §3). Each runs at the end of notify_event, inside
# report_transition's transaction, and may only write rows (rule of the house 5).
EVENT_HOOKS: list[Callable[[Report, Event], None]] = []


def _reporter_address(report: Report) -> tuple[str, str] | None:
    email = report.reporter_email or (report.reporter.email if report.reporter_id else "")
    if email:
        return "email", email
    # A report that came by SMS is answered by SMS (issue #5: reply on the channel used).
    if report.channel == Channel.SMS and report.reporter_phone:
        return "sms", report.reporter_phone
    return None


def notify_reporter_submitted(report: Report, token: str) -> None:
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
    if event.action == Action.VERIFY_DISPOSE:
        internal_to = report.agency_id and f"agency:{report.agency_id}"
    elif event.action == Action.NOT_AUTHORITY:
        internal_to = f"agency:{report.coordinator_id}" if report.coordinator_id else "national"
    elif event.action in (Action.ESCALATE, Action.INTERVENE):
        target = event.data.get("target_agency_id")
        internal_to = f"agency:{target}" if target else "national"
    if internal_to:
        outbox_enqueue(channel="internal", recipient=internal_to, template="report_event",
                       payload=payload, dedupe_key=f"event:{event.pk}:internal")
    for hook in EVENT_HOOKS:
        hook(report, event)
