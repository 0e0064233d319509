"""Reads behind the Open311 endpoints, as plain data ready for ``render``.

Privacy (rules of the house 3 and 4) is enforced here:
- every request read starts from ``aduan.reports.selectors.public_reports()``: reports not
  yet verified and disposed (not published), archived and confidential reports are absent,
  and a lookup of one of them is the same ``NotFound`` as a missing id;
- no reporter field is ever read: not the name, contact details or account, whatever the
  anonymity flag, and the timeline never names an official — only the agency;
- every text shown (description, address, notes, status notes) passes ``redact_text``.

Jurisdictions (``jurisdiction_id``, optional everywhere): absent, empty or the national id
(``national_jurisdiction_id()``) means all of Indonesia; an active agency's slug
(``pemkot-semarang``) narrows to that agency and its units; a Kemendagri region code
(``33.74``) narrows to that region and everything below it. Slugs never look like region
codes (digits and dots), so one parameter carries both. Anything else is 404, as the spec
says for an unknown jurisdiction.

Status mapping (GeoReport v2 knows only ``open`` and ``closed`` = "it has been resolved"):
``closed`` is our ``CLOSED`` (confirmed by the reporter, closed by the coordinator, or
closed automatically after the agency's follow-up went unanswered); every other published
status — disposed, in progress, awaiting the reporter, responded (the reporter may still
dispute), returned as not the agency's authority — is ``open``. The detailed status is in
``extended_attributes`` with ``extensions=true``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from aduan.agencies.models import Agency, AgencyCategory, AgencyCoverage, Category
from aduan.core.errors import NotFound
from aduan.core.redact import redact_text
from aduan.core.refs import reference_normalise
from aduan.regions.models import Region
from aduan.reports.models import Event, Kind, Report
from aduan.reports.selectors import public_reports
from aduan.reports.workflow import ACTION_LABELS, PUBLISHED_STATUSES, Action, Status

from .attributes import service_attributes
from .render import w3c

MAX_RESULTS_DEFAULT = 1000  # GeoReport v2: "first 1000 requests returned"
_REGION_CODE = re.compile(r"^\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?$")

OPEN_PUBLISHED = frozenset(PUBLISHED_STATUSES) - {Status.CLOSED}

# CitySDK ``detailed_status`` vocabulary (PENDING|RECEIVED|IN_PROCESS|PROCESSED|REJECTED).
DETAILED_STATUS = {
    Status.DISPOSED: "RECEIVED",
    Status.IN_PROGRESS: "IN_PROCESS",
    Status.AWAITING_REPORTER: "IN_PROCESS",
    Status.RETURNED: "RECEIVED",
    Status.RESPONDED: "PROCESSED",
    Status.CLOSED: "PROCESSED",
}


def max_results() -> int:
    """First-1000 cap of GeoReport v2; ``OPEN311_MAX_RESULTS`` lowers it (tests, small servers)."""
    return int(getattr(settings, "OPEN311_MAX_RESULTS", MAX_RESULTS_DEFAULT))


def open311_status(status: str) -> str:
    return "closed" if status == Status.CLOSED else "open"


# --- Jurisdictions -----------------------------------------------------------------------

def national_jurisdiction_id() -> str:
    """``OPEN311_JURISDICTION_ID``, else the public site's host without ``www.`` (the spec's
    suggestion: the jurisdiction's main web domain)."""
    configured = getattr(settings, "OPEN311_JURISDICTION_ID", "")
    if configured:
        return configured
    host = urlsplit(settings.ADUAN_PUBLIC_URL).hostname or "localhost"
    return host.removeprefix("www.")


@dataclass(frozen=True)
class Jurisdiction:
    agency: Agency | None = None
    region: Region | None = None


NATIONAL = Jurisdiction()


def jurisdiction_get(*, jurisdiction_id: str | None) -> Jurisdiction:
    raw = (jurisdiction_id or "").strip()
    if not raw or raw.lower() == national_jurisdiction_id().lower():
        return NATIONAL
    if _REGION_CODE.match(raw):
        region = Region.objects.filter(code=raw).first()
        if region is not None:
            return Jurisdiction(region=region)
    elif len(raw) <= 120:
        agency = Agency.objects.filter(slug=raw, is_active=True).first()
        if agency is not None:
            return Jurisdiction(agency=agency)
    raise NotFound()


def _region_q(region: Region, relation: str = "region") -> Q:
    """The region and everything below it (``region__code`` is the foreign key column: no join)."""
    return Q(**{f"{relation}__code": region.code}) | Q(**{f"{relation}__code__startswith": region.code + "."})


# --- Services ----------------------------------------------------------------------------

def _categories_in(jurisdiction: Jurisdiction) -> QuerySet[Category]:
    categories = Category.objects.filter(is_active=True)
    if jurisdiction.agency is not None:
        handlers = AgencyCategory.objects.filter(agency__path__startswith=jurisdiction.agency.path,
                                                 agency__is_active=True)
        return categories.filter(pk__in=handlers.values("category_id"))
    if jurisdiction.region is not None:
        region = jurisdiction.region
        around = Q(region_id__in=region.ancestor_codes()) | _region_q(region)
        # Agencies with authority there, and national bodies (no coverage rows: all of Indonesia).
        covering = AgencyCoverage.objects.filter(around).values("agency_id")
        with_coverage = AgencyCoverage.objects.values("agency_id")
        handlers = AgencyCategory.objects.filter(agency__is_active=True).filter(
            Q(region__isnull=True) | around
        ).filter(Q(agency_id__in=covering) | ~Q(agency_id__in=with_coverage))
        return categories.filter(pk__in=handlers.values("category_id"))
    return categories


def _service(category: Category) -> dict:
    return {
        "service_code": category.slug,
        "service_name": category.name,
        "description": category.description or category.name,
        "metadata": True,
        "type": "realtime",
        # The kinds of report a service takes (Klarschiff puts its problem|idea|tip here).
        "keywords": ", ".join(str(label).lower() for label in Kind.labels),
        "group": category.parent.name if category.parent_id else category.name,
    }


def services_list(*, jurisdiction: Jurisdiction) -> list[dict]:
    return [_service(c) for c in _categories_in(jurisdiction).select_related("parent").order_by("name", "pk")]


def service_get(*, jurisdiction: Jurisdiction, service_code: str) -> Category:
    category = _categories_in(jurisdiction).filter(slug=service_code).first() if service_code else None
    if category is None:
        raise NotFound()
    return category


def service_definition(*, category: Category) -> dict:
    return {"service_code": category.slug, "attributes": service_attributes()}


# --- Service requests --------------------------------------------------------------------

def requests_public(
    *,
    jurisdiction: Jurisdiction,
    ids: list[str] | None = None,
    service_codes: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    statuses: list[str] | None = None,
) -> QuerySet[Report]:
    """Published, non-confidential reports. ``ids`` (references) override every other
    filter except the jurisdiction, as the spec says of ``service_request_id``."""
    reports = public_reports()
    if jurisdiction.agency is not None:
        reports = reports.filter(agency__path__startswith=jurisdiction.agency.path)
    elif jurisdiction.region is not None:
        reports = reports.filter(_region_q(jurisdiction.region))
    if ids is not None:
        references = [ref for ref in (reference_normalise(i) for i in ids) if ref]
        return reports.filter(reference__in=references)
    if service_codes:
        reports = reports.filter(category__slug__in=service_codes)
    if start is not None:
        reports = reports.filter(submitted_at__gte=start)
    if end is not None:
        reports = reports.filter(submitted_at__lte=end)
    if statuses:
        wanted = set()
        if "open" in statuses:
            wanted |= OPEN_PUBLISHED
        if "closed" in statuses:
            wanted.add(Status.CLOSED)
        reports = reports.filter(status__in=wanted)
    return reports


def request_get_public(*, service_request_id: str) -> Report:
    ref = reference_normalise(service_request_id or "")
    report = public_reports().filter(reference=ref).first() if ref else None
    if report is None:
        raise NotFound()
    return report


_ROW_FIELDS = (
    "id", "reference", "kind", "channel", "status", "title", "body", "address", "region_id", "latitude", "longitude",
    "submitted_at", "resolution_due_at", "closed_at", "category__slug", "category__name", "agency__name",
)
_EVENT_FIELDS = ("report_id", "at", "action", "note", "to_status")


def requests_page(reports: QuerySet[Report], *, offset: int, limit: int) -> list[dict]:
    """One page as plain rows, newest first (``-submitted_at, -id``). Plain values, not model
    instances: a 1,000-row page builds no objects it does not need."""
    return list(reports.order_by("-submitted_at", "-id").values(*_ROW_FIELDS)[offset:offset + limit])


def _public_note(note: str, action: str, to_status: str) -> str:
    """A public event's words (redacted), or the name of what happened when it has none."""
    if note:
        return redact_text(note)
    try:
        return str(ACTION_LABELS[Action(action)])
    except ValueError:
        return str(Status(to_status).label) if to_status in Status.values else action


def request_rows(reports: list[dict], *, extensions: bool = False) -> list[dict]:
    """GeoReport v2 ``<request>`` records from ``requests_page`` rows; one more query for
    all their public events (status notes, last update, and the notes extension)."""
    events: dict[int, list[tuple]] = {r["id"]: [] for r in reports}
    if reports:
        for event in (Event.objects.filter(report_id__in=list(events), is_public=True)
                      .order_by("at", "id").values_list(*_EVENT_FIELDS)):
            events[event[0]].append(event)
    rows = []
    for report in reports:
        timeline = events[report["id"]]
        responses = [e for e in timeline if e[2] == Action.RESPOND and e[3]]
        closed = report["status"] == Status.CLOSED
        if closed and report["closed_at"]:
            updated = report["closed_at"]
        else:
            updated = timeline[-1][1] if timeline else report["submitted_at"]
        latitude, longitude = report["latitude"], report["longitude"]
        row = {
            "service_request_id": report["reference"],
            "status": open311_status(report["status"]),
            "status_notes": redact_text(responses[-1][3]) if responses else None,
            "service_name": report["category__name"],
            "service_code": report["category__slug"],
            "description": redact_text(report["body"]),
            "agency_responsible": report["agency__name"],
            "service_notice": None,
            "requested_datetime": w3c(report["submitted_at"]),
            "updated_datetime": w3c(updated),
            "expected_datetime": None if closed else w3c(report["resolution_due_at"]),
            "address": redact_text(report["address"]) or None,
            "address_id": report["region_id"] or None,
            "zipcode": None,
            "lat": float(latitude) if latitude is not None else None,
            "long": float(longitude) if longitude is not None else None,
        }
        if extensions:
            row["extended_attributes"] = {
                "title": redact_text(report["title"]),
                "kind": report["kind"],
                "channel": report["channel"],
                "detailed_status": DETAILED_STATUS.get(report["status"], "RECEIVED"),
                "aduan_status": report["status"],
                "aduan_status_label": str(Status(report["status"]).label),
            }
            row["notes"] = [
                {"datetime": w3c(at), "description": _public_note(note, action, to_status), "type": action}
                for _, at, action, note, to_status in timeline
            ]
        rows.append(row)
    return rows


# --- Service request updates (FixMyStreet extension) ------------------------------------

def updates_public(*, jurisdiction: Jurisdiction, start: datetime, end: datetime,
                   offset: int, limit: int) -> list[dict]:
    """Public events of public reports, oldest first, as ``<request_update>`` records.

    The submission itself is not an update (it is the request). ``status`` is the
    request's Open311 status after the update; ``external_status_code`` is ours."""
    reports = requests_public(jurisdiction=jurisdiction)
    # EXISTS, not IN: the planner walks the ``at`` index in order and checks each event's
    # report, instead of listing every public report first (100,000 reports: 10 ms vs 200 ms).
    events = (
        Event.objects.filter(Exists(reports.filter(pk=OuterRef("report_id"))), is_public=True, at__gte=start, at__lte=end)
        .exclude(action="submit")
        .order_by("at", "id")
        .values_list("id", "report__reference", "at", "action", "note", "to_status")[offset:offset + limit]
    )
    return [
        {
            "update_id": str(pk),
            "service_request_id": reference,
            "status": open311_status(to_status),
            "updated_datetime": w3c(at),
            "description": _public_note(note, action, to_status),
            "external_status_code": to_status,
        }
        for pk, reference, at, action, note, to_status in events
    ]
