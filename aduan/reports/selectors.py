"""Reads of reports. Privacy is enforced here, not in templates (rule of the house 4).

- ``reports_visible_to(user)`` is the only base queryset for officials' lists.
- ``report_get_for_staff`` raises the same ``NotFound`` for a missing report and for one
  outside the official's scope, so existence never leaks (rule 3).
- ``public_*`` selectors return plain dicts built from redacted text; confidential reports
  and reports not yet published are absent; anonymous reports carry no reporter fields.
- ``report_reporter_identity`` is the one read of reporter identity for officials, and it
  writes an audit row every time it returns something.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from aduan.accounts.policies import grant_scopes
from aduan.audit.services import audit_log
from aduan.core.errors import NotFound
from aduan.core.redact import redact_text
from aduan.core.refs import reference_normalise, token_matches

from .actors import ReporterToken
from .models import Disposition, Event, Report
from .policies import can_view_reporter_identity
from .sla import overdue_clocks
from .workflow import PUBLISHED_STATUSES, ArchiveReason, Status


def reports_visible_to(user) -> QuerySet[Report]:
    national, scopes = grant_scopes(user, "report_view")
    if national:
        return Report.objects.all()
    if not scopes:
        return Report.objects.none()
    condition = Q()
    for scope in scopes:
        if scope.startswith("="):
            agency_id = int(scope[1:])
            in_history = Disposition.objects.filter(report=OuterRef("pk"), agency_id=agency_id)
            condition |= Q(agency_id=agency_id) | Q(coordinator_id=agency_id) | Q(Exists(in_history))
        else:
            in_history = Disposition.objects.filter(report=OuterRef("pk"), agency__path__startswith=scope)
            condition |= Q(agency__path__startswith=scope) | Q(coordinator__path__startswith=scope) | Q(Exists(in_history))
    return Report.objects.filter(condition)


def report_get_for_staff(*, user, report_id: int | None = None, reference: str | None = None) -> Report:
    qs = reports_visible_to(user).select_related("agency", "coordinator", "category", "region")
    try:
        if report_id is not None:
            return qs.get(pk=report_id)
        ref = reference_normalise(reference or "")
        if ref is None:
            raise Report.DoesNotExist
        return qs.get(reference=ref)
    except (Report.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def report_get_for_reporter(*, reference: str, token: str) -> tuple[Report, ReporterToken]:
    """Track a report without an account. A wrong token looks exactly like a missing report."""
    ref = reference_normalise(reference or "")
    report = Report.objects.filter(reference=ref).first() if ref else None
    if report is None or not token or not token_matches(token, report.token_hash):
        raise NotFound()
    return report, ReporterToken(report.pk)


def report_reporter_identity(*, user, report: Report, purpose: str = "") -> dict | None:
    if not can_view_reporter_identity(user, report):
        return None
    identity = {
        "name": report.reporter_name or (report.reporter.full_name if report.reporter_id else ""),
        "email": report.reporter_email or (report.reporter.email if report.reporter_id else ""),
        "phone": report.reporter_phone or (report.reporter.phone if report.reporter_id else ""),
        "account_id": report.reporter_id,
    }
    audit_log(actor=user, action="reporter_identity_read", obj=report,
              data={"anonymous": report.is_anonymous, "purpose": purpose[:200]})
    return identity


def _staff_event(event: Event, reporter_visible: bool) -> dict:
    if event.actor_kind == "reporter":
        by = (event.actor.full_name or event.actor.username) if reporter_visible and event.actor_id else "Pelapor"
    elif event.actor_kind == "system":
        by = "Sistem"
    else:
        by = (event.actor.full_name or event.actor.username) if event.actor_id else ""
    return {
        "at": event.at, "action": event.action, "from_status": event.from_status, "to_status": event.to_status,
        "by": by, "agency": event.agency.name if event.agency_id else "", "note": event.note,
        "is_public": event.is_public, "data": event.data,
    }


def report_detail_for_staff(*, user, report_id: int) -> dict:
    """Everything an official may see of one report, as plain data. Reporter identity is
    included (and audited) only when the official may see it; otherwise no field, no event
    and no account link carries it."""
    report = report_get_for_staff(user=user, report_id=report_id)
    reporter = report_reporter_identity(user=user, report=report, purpose="detail")
    now = timezone.now()
    return {
        "id": report.pk,
        "reference": report.reference,
        "kind": report.kind,
        "channel": report.channel,
        "status": report.status,
        "title": report.title,
        "body": report.body,
        "category": report.category.name if report.category_id else "",
        "region_code": report.region_id or "",
        "address": report.address,
        "incident_date": report.incident_date,
        "is_anonymous": report.is_anonymous,
        "is_confidential": report.is_confidential,
        "agency": report.agency.name if report.agency_id else "",
        "coordinator": report.coordinator.name if report.coordinator_id else "Admin nasional",
        "deadlines": {
            "verify": report.verify_due_at, "first_response": report.first_response_due_at,
            "resolution": report.resolution_due_at, "autoclose": report.autoclose_at,
        },
        "overdue": overdue_clocks(report, now),
        "escalation_level": report.escalation_level,
        "routing": report.routing or {},
        "reporter": reporter,
        "events": [_staff_event(e, reporter is not None) for e in report.events.select_related("actor", "agency")],
        "dispositions": [
            {"agency": d.agency.name, "disposed_at": d.disposed_at, "ended_at": d.ended_at, "end_reason": d.end_reason,
             "not_authority_reason": d.not_authority_reason,
             "suggested_agency": d.suggested_agency.name if d.suggested_agency_id else "",
             "suggested_agency_id": d.suggested_agency_id}
            for d in report.dispositions.select_related("agency", "suggested_agency")
        ],
        "attachments": [
            {"id": a.pk, "name": a.original_name, "content_type": a.content_type, "size": a.size}
            for a in report.attachments.all()
        ],
    }


# --- Public -----------------------------------------------------------------------------

def public_reports() -> QuerySet[Report]:
    return Report.objects.filter(status__in=PUBLISHED_STATUSES, is_confidential=False)


def _public_event(event: Event) -> dict:
    return {
        "at": event.at,
        "action": event.action,
        "status": event.to_status,
        "status_label": Status(event.to_status).label if event.to_status else "",
        "by": event.agency.name if event.agency_id else ("Pelapor" if event.actor_kind == "reporter" else "Admin SP4N-LAPOR!"),
        "note": redact_text(event.note),
    }


def public_report_get(*, reference: str) -> dict:
    ref = reference_normalise(reference or "")
    report = (
        public_reports().select_related("agency", "category", "region", "reporter").filter(reference=ref).first() if ref else None
    )
    if report is None:
        raise NotFound()
    now = timezone.now()
    data = {
        "reference": report.reference,
        "kind": report.kind,
        "title": redact_text(report.title),
        "body": redact_text(report.body),
        "category": report.category.name if report.category_id else "",
        "region_code": report.region_id or "",
        "region": report.region.name if report.region_id else "",
        "status": report.status,
        "status_label": Status(report.status).label,
        "agency": report.agency.name if report.agency_id else "",
        "submitted_at": report.submitted_at,
        "resolution_due_at": report.resolution_due_at,
        "overdue": bool(overdue_clocks(report, now)),
        "rating": report.rating,
        "support_count": report.support_count,
        "duplicate_of": report.duplicate_of.reference if report.duplicate_of_id else "",
        "timeline": [_public_event(e) for e in report.events.filter(is_public=True).select_related("agency")],
    }
    if not report.is_anonymous:
        # The public sees the name the reporter chose to show; never contact details.
        data["reporter_name"] = report.reporter_name or (report.reporter.full_name if report.reporter_id else "")
    return data


# --- The reporter's own report ---------------------------------------------------------
# The reporter is the account that submitted the report, or whoever proved reference +
# tracking token in this browser session (the portal keeps those report ids in the session).
# The reporter sees the own report whatever its status or privacy flags, with the full own
# text; everyone else gets the same NotFound as for a missing report.

def report_get_as_reporter(*, reference: str, user=None, report_ids=()) -> tuple[Report, object]:
    """Returns the report and the actor to act as: the account, or a ``ReporterToken``."""
    ref = reference_normalise(reference or "")
    report = (
        Report.objects.select_related("agency", "coordinator", "category", "region", "duplicate_of")
        .filter(reference=ref).first() if ref else None
    )
    if report is None:
        raise NotFound()
    if getattr(user, "is_authenticated", False) and report.reporter_id is not None and report.reporter_id == user.pk:
        return report, user
    if report.pk in {i for i in report_ids if isinstance(i, int)}:
        return report, ReporterToken(report.pk)
    raise NotFound()


def _reporter_event(event: Event) -> dict | None:
    """An event as the reporter sees it, or None when it is internal.

    Visible: every public event, the reporter's own events (with their own words, e.g. added
    information), and every change of status (so "postponed" and "archived" are never a
    silent surprise). The notes of internal official events stay internal; an archive shows
    its reason from the fixed list instead."""
    own = event.actor_kind == "reporter"
    status_changed = bool(event.to_status) and event.from_status != event.to_status
    if not (event.is_public or own or status_changed):
        return None
    if own:
        note = event.note
    elif event.is_public:
        note = redact_text(event.note)
    else:
        note = ""
    reason = event.data.get("reason") if event.action == "archive" else ""
    return {
        "at": event.at,
        "action": event.action,
        "status": event.to_status,
        "status_label": Status(event.to_status).label if event.to_status else "",
        "by_reporter": own,
        # The page words who acted: "you", the agency's name, the coordinating admin or the system.
        "by_kind": event.actor_kind,
        "by": event.agency.name if event.agency_id and not own else "",
        "note": note,
        "reason_label": ArchiveReason(reason).label if reason in ArchiveReason.values else "",
        "rating": event.data.get("rating") if own else None,
    }


def report_detail_for_reporter(*, report: Report, now) -> dict:
    """The reporter's view of the own report as plain data. No contact details: the page
    does not need them, and a session on a shared device should not reveal them."""
    events = report.events.select_related("agency")
    return {
        "reference": report.reference,
        "kind": report.kind,
        "title": report.title,
        "body": report.body,
        "category": report.category.name if report.category_id else "",
        "region_code": report.region_id or "",
        "region": report.region.name if report.region_id else "",
        "address": report.address,
        "status": report.status,
        "status_label": Status(report.status).label,
        "agency": report.agency.name if report.agency_id else "",
        "agency_slug": report.agency.slug if report.agency_id and report.agency.is_active else "",
        "submitted_at": report.submitted_at,
        "resolution_due_at": report.resolution_due_at,
        "overdue": bool(overdue_clocks(report, now)),
        "rating": report.rating,
        "support_count": report.support_count,
        "is_anonymous": report.is_anonymous,
        "is_confidential": report.is_confidential,
        "is_public": report.status in PUBLISHED_STATUSES and not report.is_confidential,
        "archive_reason": ArchiveReason(report.archive_reason).label if report.archive_reason in ArchiveReason.values else "",
        "duplicate_of": report.duplicate_of.reference if report.duplicate_of_id else "",
        "timeline": [e for e in (_reporter_event(event) for event in events) if e is not None],
    }


def reports_of_reporter(*, user) -> QuerySet[Report]:
    """The signed-in citizen's own reports, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Report.objects.none()
    return Report.objects.filter(reporter=user).select_related("agency").defer("body").order_by("-submitted_at", "-id")
