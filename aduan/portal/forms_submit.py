"""Parsing of the citizen report form. It only parses: every rule (what is required, the
date, the file types and sizes, the region code) lives in
``aduan.reports.services.submit.report_submit``, whose ``ValidationFailed.field_errors``
use the field names below. What the citizen typed is kept verbatim (``typed``) so that an
error page shows it back unchanged.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from aduan.reports.attachments import AttachmentUpload
from aduan.reports.models import Channel, Kind
from aduan.reports.services.submit import ReportDraft

from .maps import parse_coordinate

TEXT_FIELDS = (
    "kind", "title", "body", "category", "region_code", "address", "latitude", "longitude", "incident_date",
    "reporter_name", "reporter_email", "reporter_phone",
)
FLAG_FIELDS = ("is_anonymous", "is_confidential", "location_from_photo")
CONTACT_FIELDS = ("reporter_name", "reporter_email", "reporter_phone")
# Longest value kept from any text field: above every limit the service checks, so the
# service (not this parser) reports a too-long value, and the value is shown back whole.
_TYPED_MAX = settings.ADUAN_BODY_MAX * 2

# One sentence per kind of report, shown under its choice.
KIND_HINTS = {
    Kind.COMPLAINT: _("Pelayanan publik tidak berjalan semestinya, misalnya jalan rusak, pungutan liar atau "
                      "layanan yang lambat."),
    Kind.ASPIRATION: _("Saran atau usulan untuk perbaikan pelayanan dan pembangunan."),
    Kind.INFORMATION_REQUEST: _("Permintaan data atau dokumen publik dari instansi pemerintah."),
}


def kind_choices() -> list[dict]:
    return [{"value": value, "label": label, "hint": KIND_HINTS.get(value, "")} for value, label in Kind.choices]


# Service field name → id of the control the error summary links to, in page order.
FIELD_ANCHORS = {
    "kind": "f-kind-complaint",
    "title": "f-title",
    "body": "f-body",
    "incident_date": "f-incident-date",
    "category": "f-category-none",
    "region_code": "f-region-q",
    "address": "f-address",
    "latitude": "f-latitude",
    "longitude": "f-longitude",
    "attachments": "f-attachments",
    "reporter_name": "f-reporter-name",
    "reporter_email": "f-reporter-email",
    "reporter_phone": "f-reporter-phone",
}


def typed_initial(*, region_code: str = "") -> dict:
    typed = {name: "" for name in TEXT_FIELDS}
    typed.update({name: False for name in FLAG_FIELDS})
    typed["kind"] = Kind.COMPLAINT
    typed["region_code"] = region_code[:20]
    return typed


def typed_from_post(post, *, signed_in: bool) -> dict:
    """Everything the citizen sent, as sent (text capped only against abuse)."""
    typed = {name: post.get(name, "")[:_TYPED_MAX] for name in TEXT_FIELDS}
    typed.update({name: post.get(name) == "1" for name in FLAG_FIELDS})
    if signed_in:
        # A signed-in citizen's contact details come from the account.
        typed.update({name: "" for name in CONTACT_FIELDS})
    return typed


def pin_from_post(post) -> tuple[int, int] | None:
    """The pixel clicked on the map (``<input type="image" name="pin">`` sends ``pin.x``
    and ``pin.y``), or None when the map was not what submitted the form."""
    try:
        x, y = int(post.get("pin.x", "")[:6]), int(post.get("pin.y", "")[:6])
    except ValueError:
        return None
    return x, y


def coordinates_from_typed(typed: dict) -> tuple[float, float] | None:
    """The typed latitude and longitude as numbers when both read as such (a decimal comma
    is accepted, as on submission), else None. For drawing the marker only: the service
    decides what is stored."""
    lat, lon = parse_coordinate(typed["latitude"], 90), parse_coordinate(typed["longitude"], 180)
    return (lat, lon) if lat is not None and lon is not None else None


def uploads_from_files(files) -> list[AttachmentUpload]:
    """The uploaded files as ``AttachmentUpload``s for the service to check.

    Reads are bounded: at most one file more than the allowed count, and at most one byte
    more than the per-file limit of each, which is all the service needs to refuse an
    oversized file with its own message.
    """
    uploads = []
    for upload in files.getlist("attachments")[: settings.ADUAN_ATTACHMENTS_MAX_COUNT + 1]:
        upload.seek(0)
        uploads.append(AttachmentUpload(name=upload.name or "", content=upload.read(settings.ADUAN_ATTACHMENT_MAX_BYTES + 1)))
    return uploads


def draft_from_typed(typed: dict, *, attachments: list[AttachmentUpload]) -> ReportDraft:
    return ReportDraft(
        kind=typed["kind"],
        title=typed["title"],
        body=typed["body"],
        category=typed["category"] or None,
        region_code=typed["region_code"] or None,
        address=typed["address"],
        # A decimal comma is how Indonesians write numbers: "-6,98" means -6.98.
        latitude=typed["latitude"].strip().replace(",", ".") or None,
        longitude=typed["longitude"].strip().replace(",", ".") or None,
        incident_date=typed["incident_date"].strip() or None,
        attachments=attachments,
        is_anonymous=typed["is_anonymous"],
        is_confidential=typed["is_confidential"],
        location_from_photo=typed["location_from_photo"],
        channel=Channel.WEB,
        reporter_name=typed["reporter_name"],
        reporter_email=typed["reporter_email"],
        reporter_phone=typed["reporter_phone"],
    )


def error_summary(field_errors: dict, message: str) -> list[dict]:
    """Rows for the error summary at the top of the page, in page order: the message and
    the id of the control it belongs to ("" when it belongs to no control on the page)."""
    rows = []
    for name, anchor in FIELD_ANCHORS.items():
        rows.extend({"message": str(m), "anchor": anchor} for m in field_errors.get(name, []))
    for name, messages in field_errors.items():
        if name not in FIELD_ANCHORS:
            rows.extend({"message": str(m), "anchor": ""} for m in messages)
    if not rows:
        rows.append({"message": str(message), "anchor": ""})
    return rows
