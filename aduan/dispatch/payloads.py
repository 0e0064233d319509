"""What an agency system is told about a report, built when the delivery is sent.

The agency sees what its own officials would see in the back office (reports/selectors.py,
reports/policies.py): the full text, the location, the category, the deadlines and, for a
report that is not anonymous, the reporter's contact details. For an anonymous report no
field carries the reporter (DESIGN.md rule 4). Built at send time rather than when the row
was written, so a privacy flag raised in between (flags only go up) holds for every retry.
Each payload that carries the reporter's identity writes an audit row, like an official's read.
"""

from __future__ import annotations

from django.conf import settings

from aduan.audit.services import audit_log
from aduan.reports.models import Event, Report
from aduan.reports.workflow import ACTION_LABELS, Action, Status

from .models import Delivery


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def reporter_identity_for_agency(report: Report) -> dict | None:
    """An agency (liaison officers hold ``report_view_reporter``) sees the reporter of a
    report that is not anonymous; an anonymous report's reporter is for the verifying
    administrators only (reports/policies.py ``can_view_reporter_identity``)."""
    if report.is_anonymous:
        return None
    return {
        "name": report.reporter_name or (report.reporter.full_name if report.reporter_id else ""),
        "email": report.reporter_email or (report.reporter.email if report.reporter_id else ""),
        "phone": report.reporter_phone or (report.reporter.phone if report.reporter_id else ""),
    }


def report_summary(report: Report) -> dict:
    return {
        "reference": report.reference,
        "status": report.status,
        "status_label": str(Status(report.status).label),
        "agency": report.agency.slug if report.agency_id else None,
    }


def reporter_identity_dispatched(report: Report, delivery: Delivery | None) -> dict | None:
    """The identity as above, with the audit row every disclosure to an agency writes."""
    reporter = reporter_identity_for_agency(report)
    if reporter is not None:
        audit_log(actor=None, action="reporter_identity_dispatched", obj=report,
                  data={"agency": delivery.agency_id if delivery else None, "delivery": delivery.pk if delivery else None})
    return reporter


def report_payload(report: Report, *, delivery: Delivery | None = None) -> dict:
    reporter = reporter_identity_dispatched(report, delivery)
    return {
        **report_summary(report),
        "kind": report.kind,
        "channel": report.channel,
        "title": report.title,
        "body": report.body,
        "category": {"slug": report.category.slug, "name": report.category.name} if report.category_id else None,
        "region_code": report.region_id or None,
        "address": report.address,
        "latitude": float(report.latitude) if report.latitude is not None else None,
        "longitude": float(report.longitude) if report.longitude is not None else None,
        "incident_date": report.incident_date.isoformat() if report.incident_date else None,
        "submitted_at": _iso(report.submitted_at),
        "first_response_due_at": _iso(report.first_response_due_at),
        "resolution_due_at": _iso(report.resolution_due_at),
        "is_anonymous": report.is_anonymous,
        "is_confidential": report.is_confidential,
        "reporter": reporter,
        "attachments": [
            {"name": a.original_name, "content_type": a.content_type, "size": a.size, "sha256": a.sha256}
            for a in report.attachments.all()
        ],
        "url": f"{settings.ADUAN_PUBLIC_URL}/petugas/laporan/{report.pk}/",
    }


def event_payload(event: Event) -> dict:
    try:
        label = str(ACTION_LABELS[Action(event.action)])
    except (KeyError, ValueError):
        label = event.action
    return {
        "id": str(event.pk),
        "action": event.action,
        "action_label": label,
        "at": _iso(event.at),
        "from_status": event.from_status,
        "to_status": event.to_status,
        "note": event.note,
        # Who acted, as a kind only: officials' and reporters' names are not the agency's business here.
        "by": event.actor_kind,
        "agency": event.agency.slug if event.agency_id else None,
        "data": {k: v for k, v in event.data.items() if k in ("suggested_agency", "reason", "rating")},
    }


def delivery_payload(delivery: Delivery) -> dict:
    """The JSON body of a webhook delivery."""
    report = delivery.report
    body = {
        "type": "report.disposed" if delivery.kind == Delivery.Kind.REPORT else "report.updated",
        "delivery_id": str(delivery.pk),
        "agency": delivery.agency.slug,
        "report": report_payload(report, delivery=delivery) if delivery.kind == Delivery.Kind.REPORT else report_summary(report),
        "event": event_payload(delivery.event) if delivery.event_id else None,
        "updates_url": f"{settings.ADUAN_PUBLIC_URL}/dispatch/v1/updates/",
    }
    return body
