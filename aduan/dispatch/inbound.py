"""Status updates from agencies' own systems become report events, once each.

Two ways in, one path through: the agency POSTs to ``/dispatch/v1/updates/`` with its API
key (views.py), or Aduan pulls ``servicerequestupdates`` from the agency's Open311 server
(``open311_updates_pull``). Either way the update is stored raw in ``InboundUpdate`` keyed by
(source, update id) and applied through ``report_transition`` acting as the agency key's
service account, so the permission checks, clock effects, audit and notifications are the
same as when a liaison officer clicks the button (rules of the house 1 and 5).

- A replay of an update that was applied (or ignored) gets the stored answer and creates
  nothing; the same update id with different content is refused (422).
- An update that was rejected (unknown report, a step the report's status does not allow,
  a missing note) is kept with its answer for operators and is evaluated afresh when the
  agency sends it again, so a corrected resend is not stuck behind the first answer.
- A report the key cannot see answers exactly like a missing one (404, rule 3).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency
from aduan.api.models import ApiKey
from aduan.core.errors import DomainError, NotFound, ValidationFailed
from aduan.reports.models import Report
from aduan.reports.selectors import report_get_for_staff
from aduan.reports.services.transition import report_transition
from aduan.reports.workflow import Action

from .methods import DeliveryError
from .methods.open311_client import Open311Client
from .models import Delivery, DeliveryRoute, InboundUpdate, Method
from .services import changes_from_agency_system

logger = logging.getLogger(__name__)

UPDATE_ID_MAX = 100
PULL_OVERLAP = timedelta(minutes=10)  # re-read a little of the last window: clocks differ, replays are free
FIRST_PULL_LOOKBACK = timedelta(days=1)
PULL_WINDOW_CAP = 1000
PULL_WINDOW_MAX = timedelta(days=89)

# The agency system's status → the action it stands for. Our own vocabulary first, then the
# FixMyStreet extended Open311 statuses (perllib/Open311.pm) and Aduan's own statuses, so an
# Aduan instance can be another's agency system.
STATUS_ACTIONS: dict[str, Action] = {
    "in_progress": Action.START_FOLLOW_UP,
    "investigating": Action.START_FOLLOW_UP,
    "action_scheduled": Action.START_FOLLOW_UP,
    "responded": Action.RESPOND,
    "closed": Action.RESPOND,
    "fixed": Action.RESPOND,
    "no_further_action": Action.RESPOND,
    "not_authority": Action.NOT_AUTHORITY,
    "not_councils_responsibility": Action.NOT_AUTHORITY,
    "returned": Action.NOT_AUTHORITY,
    "clarification": Action.REQUEST_CLARIFICATION,
    "awaiting_reporter": Action.REQUEST_CLARIFICATION,
}
# Statuses that say "we have it" and change nothing here.
STATUSES_IGNORED = frozenset({"open", "received", "submitted", "disposed", "for_triage"})


@dataclass(frozen=True)
class InboundResult:
    status: int
    body: dict
    replayed: bool = False


@dataclass(frozen=True)
class _Update:
    """One update as both ways in hand it over, parsed."""

    update_id: str
    status_value: str
    description: str
    suggested_agency: str
    raw: dict


def _error(status: int, code: str, message, fields: dict | None = None, update_id: str = "") -> InboundResult:
    body = {"error": {"code": code, "message": str(message), "fields": fields or {}}}
    if update_id:
        body["update_id"] = update_id
    return InboundResult(status, body)


def _fingerprint(payload) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _clean(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _status_action(values: list[str]) -> tuple[str, Action | None]:
    """The first of ``values`` that we know, normalised, and its action (None = ignore)."""
    for raw in values:
        value = _clean(raw).lower().replace(" ", "_").replace("-", "_")
        if value in STATUS_ACTIONS:
            return value, STATUS_ACTIONS[value]
        if value in STATUSES_IGNORED:
            return value, None
    raise ValidationFailed(field_errors={"status": [
        _("Status tidak dikenal. Pakai in_progress, responded, closed, not_authority atau clarification.")]})


def _apply(*, update: _Update, report: Report, actor, now: datetime | None) -> tuple[int, dict, object]:
    """Run the update through the one write path. Returns (HTTP status, body, event or None)."""
    status_value, action = _status_action([update.status_value])
    if action is None:
        return 200, {"update_id": update.update_id, "report": report.reference, "outcome": InboundUpdate.Outcome.IGNORED,
                     "status": report.status}, None
    params: dict = {}
    if action == Action.NOT_AUTHORITY:
        suggested = Agency.objects.filter(slug=update.suggested_agency, is_active=True).first() if update.suggested_agency else None
        if suggested is None:
            raise ValidationFailed(field_errors={"suggested_agency": [
                _("Sebutkan slug instansi yang berwenang (suggested_agency).")]})
        params["suggested_agency"] = suggested.pk
    with changes_from_agency_system(report.agency_id):
        changed = report_transition(report=report, action=action, actor=actor, expected_status=report.status,
                                    note=update.description, now=now, **params)
    event = changed.events.filter(action=action.value).order_by("-id").first()
    return 200, {"update_id": update.update_id, "report": changed.reference, "outcome": InboundUpdate.Outcome.APPLIED,
                 "status": changed.status, "event_id": str(event.pk) if event else None}, event


def _receive(*, source: str, update: _Update, find_report, actor, api_key: ApiKey | None = None,
             route: DeliveryRoute | None = None, now: datetime | None = None) -> InboundResult:
    fingerprint = _fingerprint(update.raw)
    with transaction.atomic():
        row = InboundUpdate.objects.select_for_update().filter(source=source, update_id=update.update_id).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = InboundUpdate.objects.create(
                        source=source, update_id=update.update_id, api_key=api_key, route=route, fingerprint=fingerprint,
                        payload=update.raw, outcome=InboundUpdate.Outcome.REJECTED, response_status=500,
                    )
            except IntegrityError:
                # The same update is being applied by another request right now: answer from its row.
                row = InboundUpdate.objects.select_for_update().get(source=source, update_id=update.update_id)
        if row.outcome != InboundUpdate.Outcome.REJECTED:
            if row.fingerprint != fingerprint:
                return _error(422, "update_id_reused",
                              _("update_id ini sudah dipakai untuk pembaruan lain. Gunakan update_id baru."),
                              update_id=update.update_id)
            return InboundResult(row.response_status, row.response_body, replayed=True)
        row.fingerprint, row.payload, row.received_at = fingerprint, update.raw, timezone.now()
        report, event = None, None
        try:
            with transaction.atomic():
                report = find_report()
                status, body, event = _apply(update=update, report=report, actor=actor, now=now)
        except DomainError as exc:
            result = _error(exc.http_status, exc.code, exc.message,
                            {k: [str(m) for m in v] for k, v in exc.field_errors.items()}, update.update_id)
            status, body = result.status, result.body
        row.report = report
        row.event = event
        row.outcome = body.get("outcome", InboundUpdate.Outcome.REJECTED)
        row.response_status, row.response_body = status, body
        row.save()
    return InboundResult(status, body)


def inbound_update_receive(*, api_key: ApiKey, payload, now: datetime | None = None) -> InboundResult:
    """A status update POSTed by an agency system with its key (webhook endpoint)."""
    if not isinstance(payload, dict):
        return _error(400, "malformed_request", _("Kirim satu objek JSON."))
    update_id = _clean(payload.get("update_id"))
    fields = {}
    if not update_id or len(update_id) > UPDATE_ID_MAX:
        fields["update_id"] = [_("update_id wajib diisi, paling panjang 100 karakter.")]
    if not _clean(payload.get("report")):
        fields["report"] = [_("Sebutkan nomor laporan (report).")]
    if fields:
        return _error(400, "invalid", _("Data yang dikirim belum benar. Periksa isian yang ditandai."), fields)
    update = _Update(update_id=update_id, status_value=_clean(payload.get("status")),
                     description=_clean(payload.get("description")), suggested_agency=_clean(payload.get("suggested_agency")),
                     raw=payload)
    user = api_key.service_user

    def find_report() -> Report:
        # Missing and out of scope are the same NotFound (rule 3).
        return report_get_for_staff(user=user, reference=_clean(payload.get("report")))

    return _receive(source=f"key:{api_key.pk}", update=update, find_report=find_report, actor=user, api_key=api_key, now=now)


# --- Open311: pulling the agency's updates -------------------------------------------------

def _open311_status_values(record: dict) -> list[str]:
    extras = record.get("extras") if isinstance(record.get("extras"), dict) else {}
    # A specific code first (FMS external_status_code, CitySDK detailed_status), then the status.
    return [v for v in (record.get("external_status_code"), extras.get("detailed_status"), record.get("status")) if _clean(v)]


def _updated_at(record: dict) -> datetime | None:
    try:
        value = parse_datetime(_clean(record.get("updated_datetime")))
    except ValueError:
        return None
    return value if value is not None and value.tzinfo is not None else None


def _resolve_tokens(route: DeliveryRoute, client: Open311Client) -> None:
    for delivery in Delivery.objects.filter(route=route, kind=Delivery.Kind.REPORT, external_id="").exclude(external_token=""):
        try:
            external_id = client.token_resolve(delivery.external_token)
        except DeliveryError as exc:
            logger.info("open311 token for delivery %s not resolved: %s", delivery.pk, type(exc).__name__)
            continue
        if external_id:
            Delivery.objects.filter(pk=delivery.pk).update(external_id=external_id)


def open311_updates_pull(*, route: DeliveryRoute, now: datetime | None = None) -> dict[str, int]:
    """Pull one route's updates since the last pull and apply the ones about our reports."""
    now = now or timezone.now()
    counts = {"applied": 0, "ignored": 0, "rejected": 0, "replayed": 0, "unknown": 0}
    key = route.updates_key
    if key is None or key.revoked_at is not None or not key.service_user.is_active:
        logger.warning("open311 route %s has no usable updates key; not pulling", route.pk)
        return counts
    client = Open311Client.for_route(route)
    _resolve_tokens(route, client)
    if route.updates_pulled_until is not None:
        start = route.updates_pulled_until - PULL_OVERLAP
    else:
        first = Delivery.objects.filter(route=route, kind=Delivery.Kind.REPORT).order_by("created_at").first()
        start = first.created_at - PULL_OVERLAP if first else now - FIRST_PULL_LOOKBACK
    # GeoReport servers refuse windows over 90 days: after a long gap, catch up a window per run.
    end = min(now, start + PULL_WINDOW_MAX)
    records = client.updates_list(start=start, end=end)
    records.sort(key=lambda r: (_updated_at(r) or end, _clean(r.get("update_id"))))
    # A server caps a window (GeoReport: 1000 by default); when full, continue next time from
    # the last update read instead of skipping what did not fit.
    pulled_until = end
    if len(records) >= PULL_WINDOW_CAP and _updated_at(records[-1]) is not None:
        pulled_until = max(start, min(end, _updated_at(records[-1])))
    for record in records:
        srid = _clean(record.get("service_request_id"))
        update_id = _clean(record.get("update_id"))
        delivery = (Delivery.objects.filter(route=route, kind=Delivery.Kind.REPORT, external_id=srid).select_related("report")
                    .order_by("-id").first() if srid else None)
        if delivery is None or not update_id or len(update_id) > UPDATE_ID_MAX:
            counts["unknown"] += 1  # another client's request on a shared server: not ours to record
            continue
        extras = record.get("extras") if isinstance(record.get("extras"), dict) else {}
        try:
            status_value, _action = _status_action(_open311_status_values(record))
        except ValidationFailed:
            status_value = _clean(record.get("status"))
        update = _Update(update_id=update_id, status_value=status_value, description=_clean(record.get("description")),
                         suggested_agency=_clean(record.get("suggested_agency") or extras.get("suggested_agency")), raw=record)
        report_id = delivery.report_id

        def find_report(report_id=report_id) -> Report:
            report = Report.objects.filter(pk=report_id).first()
            if report is None:
                raise NotFound()
            return report

        result = _receive(source=f"route:{route.pk}", update=update, find_report=find_report, actor=key.service_user,
                          route=route, now=None)
        counts["replayed" if result.replayed else str(result.body.get("outcome", "rejected"))] += 1
    DeliveryRoute.objects.filter(pk=route.pk).update(updates_pulled_until=pulled_until)
    route.updates_pulled_until = pulled_until
    return counts


def open311_updates_pull_all(*, now: datetime | None = None) -> dict[str, int]:
    totals: dict[str, int] = {"routes": 0, "errors": 0}
    for route in DeliveryRoute.objects.filter(method=Method.OPEN311, is_active=True).select_related("updates_key__service_user"):
        totals["routes"] += 1
        try:
            counts = open311_updates_pull(route=route, now=now)
        except DeliveryError as exc:
            totals["errors"] += 1
            logger.warning("open311 pull for route %s failed: %s", route.pk, exc)
            continue
        for name, value in counts.items():
            totals[name] = totals.get(name, 0) + value
    return totals
