"""Writing, sending and retrying deliveries to agencies' own systems; their settings.

- ``deliveries_enqueue_for_event`` runs inside ``report_transition``'s transaction (through
  the hook list in reports/notify.py): a disposition to an agency whose route is not "none"
  writes a report delivery; a later public event on a report that agency holds (or has just
  returned as not its authority) writes an update delivery. It only inserts rows, so a
  slow or broken agency system never blocks the workflow.
- ``delivery_send_due`` claims due rows (``SKIP LOCKED`` where the database has it), hands each
  to the sender of its method, and records success or schedules a retry with exponential
  backoff; after ``MAX_ATTEMPTS`` the row is failed: the dead letter an official sees in the
  back office and can send again with ``delivery_retry_now``.
- Updates wait until the report itself has reached the agency (a report delivery still
  pending defers them without using an attempt).
"""

from __future__ import annotations

import contextvars
import logging
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.policies import grant_scopes, user_has_perm
from aduan.agencies.models import Agency, Category
from aduan.api.models import ApiKey
from aduan.audit.services import audit_log
from aduan.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from aduan.reports.models import Event, Report
from aduan.reports.workflow import Action

from .methods import Deferred, senders
from .methods.email import recipients_of
from .models import Delivery, DeliveryRoute, Method, Open311Format
from .signing import secret_generate

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
BASE_BACKOFF_SECONDS = 60  # 1, 2, 4 … minutes: about 8½ hours from the first try to the dead letter
MAX_BACKOFF = timedelta(hours=6)
DEFER_LIMIT = timedelta(days=1)  # an update may wait this long for its report before it counts as failing
STUCK_AFTER = timedelta(minutes=15)


# --- Which route ---------------------------------------------------------------------------

def delivery_route_for(*, agency: Agency, category_id: int | None) -> DeliveryRoute | None:
    """The most specific active route: the agency's own before an ancestor's that applies to
    its units, and a category's before the agency's "all categories" one. A route whose
    method is "none" is an answer too (a unit that works in Aduan under a parent that does not)."""
    lineage = [int(p) for p in (agency.path or "").strip("/").split("/") if p] or [agency.pk]
    category_q = Q(category__isnull=True) | (Q(category_id=category_id) if category_id else Q(pk__in=[]))
    best, best_rank = None, None
    for route in DeliveryRoute.objects.filter(agency_id__in=lineage, is_active=True).filter(category_q):
        if route.agency_id != agency.pk and not route.applies_to_units:
            continue
        rank = (lineage.index(route.agency_id) if route.agency_id in lineage else -1, route.category_id is not None)
        if best_rank is None or rank > best_rank:
            best, best_rank = route, rank
    return best if best is not None and best.method != Method.NONE else None


# --- Writing deliveries (inside report_transition's transaction) ----------------------------

_origin_agency = contextvars.ContextVar("dispatch_origin_agency", default=None)


@contextmanager
def changes_from_agency_system(agency_id: int):
    """Marks report changes made on behalf of an agency's own system, so they are not sent back to it."""
    token = _origin_agency.set(agency_id)
    try:
        yield
    finally:
        _origin_agency.reset(token)


def deliveries_enqueue_for_event(report: Report, event: Event) -> Delivery | None:
    if event.action in (Action.VERIFY_DISPOSE, Action.AUTO_DISPOSE):
        agency, kind = report.agency, Delivery.Kind.REPORT
    else:
        if not event.is_public:
            return None
        agency = report.agency
        if agency is None and event.action == Action.NOT_AUTHORITY:
            agency = event.agency  # the agency that just returned it hears that it is done
        kind = Delivery.Kind.UPDATE
    if agency is None:
        return None
    route = delivery_route_for(agency=agency, category_id=report.category_id)
    if route is None:
        return None
    if kind == Delivery.Kind.UPDATE:
        origin = _origin_agency.get()
        # Open311 has no call to push a later step (methods/open311_client.py); an Open311
        # agency system can read our progress from Aduan's own Open311 server instead.
        if not route.send_updates or route.method == Method.OPEN311 or origin in (agency.pk, route.agency_id):
            return None
    delivery, _created = Delivery.objects.get_or_create(
        dedupe_key=f"event:{event.pk}:agency:{agency.pk}",
        defaults={"report": report, "agency": agency, "route": route, "event": event, "kind": kind,
                  "method": route.method, "next_attempt_at": event.at, "created_at": event.at},
    )
    return delivery


# --- Sending -------------------------------------------------------------------------------

def _claim(now: datetime, limit: int, ids: list[int] | None) -> list[int]:
    with transaction.atomic():
        qs = Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=now).order_by("id")
        if ids is not None:
            qs = qs.filter(pk__in=ids)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        claimed = list(qs.values_list("id", flat=True)[:limit])
        # next_attempt_at doubles as the claim time, so a row stuck in 'sending' can be released.
        Delivery.objects.filter(id__in=claimed).update(state=Delivery.State.SENDING, next_attempt_at=now)
    return claimed


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=BASE_BACKOFF_SECONDS * 2 ** (attempts - 1)), MAX_BACKOFF)


def _report_still_on_its_way(delivery: Delivery) -> bool:
    return Delivery.objects.filter(
        report_id=delivery.report_id, agency_id=delivery.agency_id, kind=Delivery.Kind.REPORT, id__lt=delivery.pk,
        state__in=[Delivery.State.PENDING, Delivery.State.SENDING],
    ).exists()


def _send_one(delivery_id: int, now: datetime, counts: dict[str, int], registry: dict) -> None:
    delivery = Delivery.objects.select_related(
        "route", "agency", "report", "report__agency", "report__category", "report__region", "report__reporter",
        "event", "event__agency",
    ).get(pk=delivery_id)
    fields = ["state", "attempts", "next_attempt_at", "last_error", "last_response_code", "sent_at", "external_id",
              "external_token"]
    try:
        if delivery.kind == Delivery.Kind.UPDATE and _report_still_on_its_way(delivery):
            raise Deferred()
        sender = registry.get(delivery.method)
        if sender is None:
            raise LookupError(f"tidak ada pengirim untuk metode {delivery.method!r}")
        result = sender(delivery)
    except Deferred:
        if now - delivery.created_at < DEFER_LIMIT:
            delivery.state = Delivery.State.PENDING
            delivery.next_attempt_at = now + timedelta(seconds=BASE_BACKOFF_SECONDS)
            delivery.save(update_fields=fields)
            counts["deferred"] += 1
            return
        _record_failure(delivery, now, counts, RuntimeError("menunggu laporan terkirim terlalu lama"))
    except Exception as exc:  # a sender may fail in any way; the row must survive it
        _record_failure(delivery, now, counts, exc)
    else:
        delivery.attempts += 1
        delivery.state = Delivery.State.SENT
        delivery.sent_at = now
        delivery.last_error = ""
        delivery.last_response_code = result.response_code
        delivery.external_id = result.external_id or delivery.external_id
        delivery.external_token = result.external_token or delivery.external_token
        counts["sent"] += 1
    delivery.save(update_fields=fields)


def _record_failure(delivery: Delivery, now: datetime, counts: dict[str, int], exc: Exception) -> None:
    delivery.attempts += 1
    delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    delivery.last_response_code = getattr(exc, "status_code", None)
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.state = Delivery.State.FAILED
        counts["failed"] += 1
    else:
        delivery.state = Delivery.State.PENDING
        delivery.next_attempt_at = now + _backoff(delivery.attempts)
        counts["retry"] += 1
    # The error text may quote the agency's answer; the log gets the kind only.
    logger.warning("delivery %s attempt %s failed: %s", delivery.pk, delivery.attempts, type(exc).__name__)


def delivery_send_due(*, now: datetime | None = None, limit: int = 100, ids: list[int] | None = None) -> dict[str, int]:
    """Send what is due at ``now``. Safe to run in several workers at once."""
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "failed": 0, "deferred": 0}
    registry = senders()
    for delivery_id in _claim(now, limit, ids):
        _send_one(delivery_id, now, counts, registry)
    return counts


def delivery_release_stuck(*, now: datetime | None = None, older_than: timedelta = STUCK_AFTER) -> int:
    """Rows left in 'sending' by a worker that died go back to the queue (at-least-once)."""
    cutoff = (now or timezone.now()) - older_than
    return Delivery.objects.filter(state=Delivery.State.SENDING, next_attempt_at__lte=cutoff).update(
        state=Delivery.State.PENDING)


def delivery_retry_now(*, actor, delivery_id: int, now: datetime | None = None) -> Delivery:
    """An official sends a dead (or waiting) delivery again at once, with a fresh set of attempts.
    Needs ``agency_manage`` on the delivery's agency (or national); anyone else gets the
    same NotFound as for a missing delivery."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or not user_has_perm(actor, "agency_manage", Agency.objects.get(pk=delivery.agency_id)):
            raise NotFound()
        if delivery.state not in (Delivery.State.FAILED, Delivery.State.PENDING):
            raise InvalidTransition(_("Pengiriman ini sedang berjalan atau sudah terkirim."))
        audit_log(actor=actor, action="delivery_retry_now", obj=delivery,
                  data={"state": delivery.state, "attempts": delivery.attempts, "last_error": delivery.last_error[:200]})
        delivery.state = Delivery.State.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = now
        delivery.save(update_fields=["state", "attempts", "next_attempt_at"])
        transaction.on_commit(lambda: _send_soon(delivery.pk))
    return delivery


def _send_soon(delivery_id: int) -> None:
    from .tasks import delivery_send_task

    delivery_send_task(delivery_id)


def agency_manage_q(user, field: str = "agency") -> Q:
    """Rows whose ``field`` is an agency ``user`` manages (``agency_manage``; national: all)."""
    national, scopes = grant_scopes(user, "agency_manage")
    if national:
        return Q()
    condition = Q(pk__in=[])
    for scope in scopes:
        condition |= Q(**{f"{field}_id": int(scope[1:])}) if scope.startswith("=") else Q(**{f"{field}__path__startswith": scope})
    return condition


def deliveries_visible_to(user):
    return Delivery.objects.filter(agency_manage_q(user))


def routes_visible_to(user):
    return DeliveryRoute.objects.filter(agency_manage_q(user))


# --- Settings ------------------------------------------------------------------------------

_url_validator = URLValidator(schemes=["http", "https"])


def delivery_route_save(
    *, actor, route: DeliveryRoute | None = None, agency: Agency, category: Category | None, method: str,
    endpoint_url: str = "", email_to: str = "", open311_api_key: str = "", open311_jurisdiction_id: str = "",
    open311_service_code: str = "", open311_format: str = Open311Format.JSON, updates_key: ApiKey | None = None,
    applies_to_units: bool = False, send_updates: bool = True, is_active: bool = True, new_secret: bool = False,
) -> tuple[DeliveryRoute, str | None]:
    """Create or change a route. Returns it and, when a webhook secret was made, the secret
    (shown to the official once; it is never displayed again)."""
    if not user_has_perm(actor, "agency_manage", agency) or (route is not None and not user_has_perm(actor, "agency_manage", route.agency)):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}
    if method not in Method.values:
        errors["method"] = [_("Pilih cara pengiriman.")]
    endpoint_url = (endpoint_url or "").strip()
    if method in (Method.WEBHOOK, Method.OPEN311):
        try:
            _url_validator(endpoint_url)
        except ValidationError:
            errors["endpoint_url"] = [_("Isi alamat http:// atau https:// yang lengkap.")]
    emails = recipients_of(email_to)
    if method == Method.EMAIL:
        if not emails:
            errors["email_to"] = [_("Isi sedikitnya satu alamat surel.")]
        for address in emails:
            try:
                validate_email(address)
            except ValidationError:
                errors["email_to"] = [_("Alamat surel tidak valid: %(address)s") % {"address": address}]
    api_key_value = (open311_api_key or "").strip() or (route.open311_api_key if route else "")
    if method == Method.OPEN311:
        if not api_key_value:
            errors["open311_api_key"] = [_("Isi api_key dari sistem Open311 instansi.")]
        if open311_format not in Open311Format.values:
            errors["open311_format"] = [_("Pilih JSON atau XML.")]
        if updates_key is None:
            errors["updates_key"] = [_("Pilih kunci API instansi untuk mencatat pembaruan dari sistemnya.")]
    if updates_key is not None and (updates_key.revoked_at is not None or not agency.path.startswith(updates_key.agency.path)):
        errors["updates_key"] = [_("Kunci API harus milik instansi ini (atau induknya) dan belum dicabut.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    creating = route is None
    route = route or DeliveryRoute()
    route.agency, route.category, route.method = agency, category, method
    route.endpoint_url = endpoint_url
    route.email_to = ", ".join(emails)
    route.open311_api_key = api_key_value if method == Method.OPEN311 else route.open311_api_key
    route.open311_jurisdiction_id = (open311_jurisdiction_id or "").strip()
    route.open311_service_code = (open311_service_code or "").strip()
    route.open311_format = open311_format or Open311Format.JSON
    route.updates_key = updates_key
    route.applies_to_units, route.send_updates, route.is_active = applies_to_units, send_updates, is_active
    secret = None
    if method == Method.WEBHOOK and (new_secret or not route.secret):
        secret = route.secret = secret_generate()
    try:
        with transaction.atomic():
            route.save()
            audit_log(actor=actor, action="delivery_route_create" if creating else "delivery_route_update", obj=route,
                      data={"agency": agency.pk, "category": category.pk if category else None, "method": method,
                            "endpoint_url": endpoint_url, "secret_rotated": secret is not None})
    except IntegrityError:
        raise ValidationFailed(field_errors={"category": [_("Instansi ini sudah punya pengaturan untuk kategori tersebut.")]}) from None
    return route, secret
