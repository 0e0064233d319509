"""Reads for the citizen submission pages: the text location picker (province → regency/city
→ district → village, and a search by name), the category choices with their plain-language
help, the similar open reports offered before submitting, the boundary drawn as the
optional map pin (``maps``), and the confirmation page.

Page size: Indonesia has about 83,000 villages, so the picker never lists a level in full;
it lists only the children of the chosen region (at most about 110 rows) and at most
``SEARCH_LIMIT`` search matches.

Privacy (rule of the house 4): similar reports start from
``aduan.reports.selectors.public_reports()`` (published, never confidential), are limited to
open statuses by the matcher, and are returned as plain dicts with a redacted title and no
reporter field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, IntegerField, Value, When
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from shapely import wkb
from shapely.geometry.base import BaseGeometry

from aduan.agencies.models import Category
from aduan.core.redact import redact_text
from aduan.regions.models import Region, RegionBoundary
from aduan.reports.services.duplicates import duplicate_candidates
from aduan.routing.emergency import NUMBER_LABELS, emergency_numbers
from aduan.reports.models import Report
from aduan.reports.selectors import public_reports
from aduan.reports.workflow import Status

SEARCH_MIN_CHARS = 3
SEARCH_LIMIT = 20
SIMILAR_LIMIT = 5

_REGION_CODE = re.compile(r"^\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?$")
CHILD_LEVEL_LABELS = {
    None: _("Provinsi"),
    Region.Level.PROVINCE: _("Kabupaten/Kota"),
    Region.Level.REGENCY: _("Kecamatan"),
    Region.Level.DISTRICT: _("Desa/Kelurahan"),
}


# --- Location picker ----------------------------------------------------------------------

@dataclass
class LocationStep:
    """Where the picker stands: the chosen region (or none), its path from the province
    down to itself, and the regions that can be chosen next (provinces when nothing is
    chosen; nothing below a village)."""

    region: Region | None = None
    path: list[Region] = field(default_factory=list)
    children: list[Region] = field(default_factory=list)
    child_label: str = ""
    unknown_code: str = ""

    @property
    def code(self) -> str:
        return self.region.code if self.region else ""

    @property
    def parent_code(self) -> str:
        return self.path[-2].code if len(self.path) > 1 else ""

    @property
    def path_text(self) -> str:
        """Nearest first, as people write an address: “Miroto, Semarang Tengah, Kota Semarang, Jawa Tengah”."""
        return ", ".join(r.name for r in reversed(self.path))


def region_get(*, code: str) -> Region | None:
    code = (code or "").strip()
    if not _REGION_CODE.match(code):
        return None
    return Region.objects.filter(code=code).first()


def location_step(*, code: str) -> LocationStep:
    """Three queries at most: the region with its ancestors, and its children."""
    code = (code or "").strip()
    step = LocationStep()
    if code:
        codes = Region(code=code).ancestor_codes() if _REGION_CODE.match(code) else []
        path = list(Region.objects.filter(code__in=codes).order_by("level")) if codes else []
        if path and path[-1].code == code:
            step.region, step.path = path[-1], path
        else:
            step.unknown_code = code[:20]
    level = step.region.level if step.region else None
    if level != Region.Level.VILLAGE:
        children = Region.objects.filter(parent=step.region) if step.region else Region.objects.filter(parent__isnull=True)
        step.children = list(children.only("code", "name", "level").order_by("name"))
        step.child_label = CHILD_LEVEL_LABELS[level]
    return step


def _paths_by_code(regions: list[Region]) -> dict[str, str]:
    """“Semarang Tengah, Kota Semarang, Jawa Tengah” for each region's ancestors, in one query."""
    ancestor_codes = {c for r in regions for c in r.ancestor_codes()[1:]}
    names = dict(Region.objects.filter(code__in=ancestor_codes).values_list("code", "name")) if ancestor_codes else {}
    return {r.code: ", ".join(names.get(c, c) for c in r.ancestor_codes()[1:]) for r in regions}


def regions_search(*, q: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Regions whose name contains ``q``, best first: exact name, then names starting with
    ``q``, then the rest; villages and districts before regencies and provinces (the picker
    is most often used to find a village). Each row carries its full path. Two queries."""
    q = " ".join((q or "").split())[:120]
    if len(q) < SEARCH_MIN_CHARS:
        return []
    rank = Case(
        When(name__iexact=q, then=Value(0)),
        When(name__istartswith=q, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    found = list(
        Region.objects.filter(name__icontains=q).annotate(_rank=rank)
        .only("code", "name", "level").order_by("_rank", "-level", "name", "code")[:limit]
    )
    paths = _paths_by_code(found)
    return [
        {"code": r.code, "name": r.name, "level": r.level, "level_label": Region.Level(r.level).label, "path": paths[r.code]}
        for r in found
    ]


# --- Map of the chosen regency/city ------------------------------------------------------

@dataclass(frozen=True)
class MapArea:
    """A region that can be drawn as the pin map: its code, name and boundary polygon
    (shapely, x = longitude, y = latitude)."""

    code: str
    name: str
    geometry: BaseGeometry


def map_area_get(*, code: str) -> MapArea | None:
    """The boundary of exactly this region; None for an unknown code or a region without a
    shipped boundary (only provinces and regencies/cities have one). One query."""
    code = (code or "").strip()
    if not _REGION_CODE.match(code):
        return None
    row = RegionBoundary.objects.filter(region_id=code).values_list("region__name", "geometry_wkb").first()
    if row is None:
        return None
    return MapArea(code=code, name=row[0], geometry=wkb.loads(bytes(row[1])))


def map_area_for_region(*, code: str) -> MapArea | None:
    """The map shown for a chosen regency/city, district or village: its regency/city
    (districts and villages have no shipped boundary). None for a province or nothing."""
    parts = (code or "").strip().split(".")
    return map_area_get(code=".".join(parts[:2])) if len(parts) >= 2 else None


# --- Categories ---------------------------------------------------------------------------

def categories_for_submit() -> list[dict]:
    """Active categories, each top-level one followed by its sub-categories, with the
    plain-language description officials wrote for citizens."""
    rows = list(Category.objects.filter(is_active=True).values("slug", "name", "description", "parent_id", "id").order_by("name"))
    children: dict[int | None, list[dict]] = {}
    ids = {row["id"] for row in rows}
    for row in rows:
        parent = row["parent_id"] if row["parent_id"] in ids else None
        children.setdefault(parent, []).append(row)
    ordered: list[dict] = []
    for top in children.get(None, []):
        ordered.append({**top, "is_sub": False})
        ordered.extend({**sub, "is_sub": True} for sub in children.get(top["id"], []))
    return ordered


# --- Similar open reports -----------------------------------------------------------------

def reports_similar_open(*, title: str, category: str = "", region_code: str = "", body: str = "",
                         latitude=None, longitude=None, limit: int = SIMILAR_LIMIT) -> list[dict]:
    """Open public reports a citizen may want to support instead of filing a new one.

    The routing matcher (``reports.services.duplicates.duplicate_candidates``) scores the
    draft's title and body against open public reports by text similarity (character n-grams,
    robust to typos and abbreviations), place (same village or nearby coordinates; same
    regency/city when only that was chosen) and time (the last 30 days), across all agencies.
    The category is not required to match: the same problem is often filed under two.
    Best first; at most ``limit``.
    """
    region = region_get(code=region_code) if region_code else None
    if not (title or "").strip() and not (body or "").strip():
        return []
    draft = {"title": title or "", "body": body or "", "region_code": region.code if region else "",
             "latitude": latitude, "longitude": longitude}
    try:
        candidates = duplicate_candidates(draft, limit=limit, base=public_reports())
    except (TypeError, ValueError):  # unparsable typed coordinates: match without them
        candidates = duplicate_candidates({**draft, "latitude": None, "longitude": None}, limit=limit, base=public_reports())
    return [{**_similar_row(c.report), "score": c.score, "same_place": c.same_place} for c in candidates]


def _similar_row(report: Report) -> dict:
    return {
        "reference": report.reference,
        "title": redact_text(report.title),
        "region": report.region.name if report.region_id else "",
        "category": report.category.name if report.category_id else "",
        "status_label": Status(report.status).label,
        "submitted_at": report.submitted_at,
        "support_count": report.support_count,
    }


# --- Confirmation -------------------------------------------------------------------------

def report_submitted_get(*, reference: str, report_ids: list[int]) -> dict | None:
    """What the confirmation page may say about a report this browser has just submitted
    (its id is in the session). Any other reference gets None, so the page cannot be used
    to learn whether a reference exists or whom it would notify."""
    ids = [i for i in report_ids if isinstance(i, int)]
    if not ids:
        return None
    report = (Report.objects.filter(reference=reference, pk__in=ids)
              .only("reference", "reporter_email", "is_urgent", "emergency_kind").first())
    if report is None:
        return None
    emergency = None
    if report.is_urgent:
        emergency = {"kind": report.emergency_kind,
                     "numbers": [{"number": n, "label": NUMBER_LABELS.get(n, n)} for n in emergency_numbers(report.emergency_kind)]}
    return {"reference": report.reference, "notified_email": report.reporter_email, "emergency": emergency}


def upload_limits() -> dict:
    """The attachment limits shown beside every upload field (citizen and operator forms)."""
    return {
        "max_files": settings.ADUAN_ATTACHMENTS_MAX_COUNT,
        "max_file_size": filesizeformat(settings.ADUAN_ATTACHMENT_MAX_BYTES),
        "max_total_size": filesizeformat(settings.ADUAN_ATTACHMENTS_TOTAL_MAX_BYTES),
    }
