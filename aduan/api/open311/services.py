"""Open311 writes, translated onto the one write path of each kind (rule of the house 1):

- ``open311_request_submit``: POST requests → ``ReportDraft`` → ``report_submit`` with
  ``channel=OPEN311``. The API key's service account is never the reporter (``actor=None``):
  the citizen is whoever the client names in ``first_name``/``last_name``/``email``/``phone``.
- ``open311_update_submit``: POST servicerequestupdates (an agency's own system reports its
  progress, FixMyStreet style) → the dispatch app's one inbound-update path, which applies
  it with ``report_transition`` as the key's service account (liaison-officer role on the
  key's agency and units): the same permission checks, clock effects, events, audit and
  outbox as the back office.

Field names in errors are the Open311 parameter names the client sent, so a 400 says
which parameter to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.core.errors import DomainError, NotFound, ValidationFailed
from aduan.dispatch.inbound import inbound_update_receive  # same layer (4): the one inbound-update path
from aduan.reports.models import Channel, Kind
from aduan.reports.services.submit import ReportDraft, SubmitResult, report_submit

from ..models import ApiKey
from .params import ParamError, boolean, w3c_datetime
from .render import w3c
from .selectors import Jurisdiction, service_get

DERIVED_TITLE_MAX = 100

# Our draft's field → the Open311 parameter that carried it.
_SUBMIT_PARAMS = {
    "title": "attribute[title]",
    "body": "description",
    "incident_date": "attribute[incident_date]",
    "kind": "attribute[kind]",
    "category": "service_code",
    "region_code": "address_id",
    "latitude": "lat",
    "longitude": "long",
    "address": "address_string",
    "reporter_email": "email",
    "reporter_phone": "phone",
    "suggested_agency": "jurisdiction_id",
}


@dataclass
class RequestForm:
    """The parameters of POST requests, as sent (strings, empty = absent)."""

    service_code: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    description: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)


def title_from(description: str) -> str:
    """The first sentence (or line) of the description, cut at a word near 100 characters."""
    text = " ".join(description.split())
    first_line = description.strip().splitlines()[0].strip() if description.strip() else ""
    sentence = re.match(r"(.+?[.!?])(?:\s|$)", first_line)
    title = (sentence.group(1) if sentence else first_line) or text
    if len(title) > DERIVED_TITLE_MAX:
        cut = title[:DERIVED_TITLE_MAX - 1]
        title = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:-") + "…"
    return title


def _attribute(form: RequestForm, code: str) -> str:
    values = [v.strip() for v in form.attributes.get(code, []) if v.strip()]
    return values[0] if values else ""


def _incident_date(raw: str, now: datetime) -> date:
    if not raw:
        return timezone.localdate(now)
    parsed = w3c_datetime(raw, "attribute[incident_date]")
    return timezone.localdate(parsed)


def open311_request_submit(*, form: RequestForm, jurisdiction: Jurisdiction, now: datetime | None = None) -> SubmitResult:
    now = now or timezone.now()
    service_code = form.service_code.strip()
    if not service_code:
        raise ValidationFailed(field_errors={"service_code": [_("service_code wajib diisi.")]})
    category = service_get(jurisdiction=jurisdiction, service_code=service_code)  # NotFound → 404

    errors: dict[str, list[str]] = {}
    lat, lng = form.lat.strip(), form.long.strip()
    address, address_id = form.address_string.strip(), form.address_id.strip()
    if not ((lat and lng) or address or address_id):
        errors["location"] = [_("Kirim lokasi: lat dan long, atau address_string, atau address_id (kode wilayah Kemendagri).")]
    description = form.description.strip()
    if not description:
        errors["description"] = [_("description wajib diisi: uraikan apa yang terjadi.")]
    kind = _attribute(form, "kind") or Kind.COMPLAINT
    if kind not in Kind.values:
        errors["attribute[kind]"] = [_("Pilih salah satu: %(values)s.") % {"values": ", ".join(Kind.values)}]
    flags = {}
    for code in ("anonymous", "confidential"):
        try:
            flags[code] = bool(boolean(_attribute(form, code), f"attribute[{code}]"))
        except ParamError as exc:
            errors[exc.param] = [exc.message]
    incident = None
    try:
        incident = _incident_date(_attribute(form, "incident_date"), now)
    except ParamError as exc:
        errors[exc.param] = [exc.message]
    if errors:
        raise ValidationFailed(field_errors=errors)

    region_code = address_id or None
    if region_code is None and not (lat and lng) and jurisdiction.region is not None:
        region_code = jurisdiction.region.code
    draft = ReportDraft(
        title=_attribute(form, "title") or title_from(description),
        body=description,
        incident_date=incident,
        kind=kind,
        category=category.slug,
        region_code=region_code,
        address=address,
        latitude=lat or None,
        longitude=lng or None,
        is_anonymous=flags["anonymous"],
        is_confidential=flags["confidential"],
        channel=Channel.OPEN311,
        reporter_name=" ".join(p for p in (form.first_name.strip(), form.last_name.strip()) if p),
        reporter_email=form.email.strip(),
        reporter_phone=form.phone.strip(),
        suggested_agency_id=jurisdiction.agency.pk if jurisdiction.agency is not None else None,
    )
    try:
        return report_submit(draft=draft, actor=None, now=now)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, field_errors={
            _SUBMIT_PARAMS.get(name, name): messages for name, messages in exc.field_errors.items()
        }) from None


# --- Service request updates from an agency's own system --------------------------------

@dataclass
class UpdateForm:
    """The parameters of POST servicerequestupdates, as sent. The citizen fields FixMyStreet
    also sends (first_name, last_name, email, phone, media_url) are not read."""

    service_request_id: str = ""
    update_id: str = ""
    status: str = ""
    description: str = ""
    updated_datetime: str = ""
    suggested_agency: str = ""  # Aduan extension, for NOT_COUNCILS_RESPONSIBILITY: the agency with authority (slug)


@dataclass(frozen=True)
class UpdateResult:
    update_id: str  # our id of the update (the event), or the client's when the update changed nothing
    replayed: bool


# The one inbound path's field names → the Open311 parameters that carried them.
_UPDATE_PARAMS = {"report": "service_request_id", "note": "description"}


def open311_update_submit(*, api_key: ApiKey, form: UpdateForm, now: datetime | None = None) -> UpdateResult:
    """Hand the update to ``aduan.dispatch.inbound.inbound_update_receive``, the one path for
    status updates from agencies' systems (also behind ``/dispatch/v1/updates/``): stored raw,
    idempotent by (key, update_id) in the same namespace whichever door it came through,
    applied with ``report_transition`` as the key's service account, never echoed back to
    the agency's own system. Its status vocabulary (FixMyStreet's extended statuses and ours)
    is documented there. Errors come back as domain errors with Open311 parameter names;
    a report the key may not act on is the same ``NotFound`` as a missing one (rule 3)."""
    try:
        updated_at = w3c_datetime(form.updated_datetime, "updated_datetime")
    except ParamError as exc:
        raise ValidationFailed(field_errors={exc.param: [exc.message]}) from None
    payload = {"update_id": form.update_id.strip(), "report": form.service_request_id.strip(),
               "status": form.status.strip(), "description": form.description.strip()}
    if form.suggested_agency.strip():
        payload["suggested_agency"] = form.suggested_agency.strip()
    if updated_at is not None:
        payload["updated_datetime"] = w3c(updated_at)
    result = inbound_update_receive(api_key=api_key, payload=payload, now=now)
    body = result.body
    if result.status == 200:
        return UpdateResult(update_id=str(body.get("event_id") or payload["update_id"]), replayed=result.replayed)
    error = body.get("error", {})
    if result.status in (403, 404):
        raise NotFound()
    fields = {_UPDATE_PARAMS.get(name, name): messages for name, messages in (error.get("fields") or {}).items()}
    if fields:
        raise ValidationFailed(error.get("message"), field_errors=fields)
    refused = DomainError(error.get("message") or None, code=error.get("code") or None)
    refused.http_status = result.status  # 409 (workflow), 422 (update_id reused): the body code, under HTTP 400
    raise refused
