"""``report_submit``: the one entry for new reports, whatever the channel.

Every check runs before anything is written, and the writes happen in one transaction,
so bad input changes nothing (rule of the house 8). Attachments are validated by their
bytes and images are stripped of EXIF before storage.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency, Category
from aduan.audit.services import audit_log
from aduan.core.errors import ValidationFailed
from aduan.core.refs import reference_new, token_hash, token_new
from aduan.regions.boundaries import region_at_point
from aduan.regions.models import Region
from aduan.accounts.selectors import officials_with_perm
from aduan.notifications.services import outbox_enqueue
from aduan.routing.emergency import Emergency, emergency_detect

from .. import sla
from ..attachments import AttachmentUpload, CleanAttachment, attachments_clean, image_gps
from ..models import Attachment, Channel, Event, Kind, Report
from ..notify import notify_reporter_submitted, official_email
from ..workflow import Status
from ..selectors import public_reports
from .duplicates import duplicate_candidates
from .routing import report_route


logger = logging.getLogger(__name__)


@dataclass
class ReportDraft:
    """What any channel hands to ``report_submit`` (adapters build it; they never touch Report)."""

    title: str
    body: str
    incident_date: date | str | None
    kind: str = Kind.COMPLAINT
    category: str | None = None  # slug
    region_code: str | None = None
    address: str = ""
    latitude: Decimal | float | str | None = None
    longitude: Decimal | float | str | None = None
    attachments: list[AttachmentUpload] = field(default_factory=list)
    is_anonymous: bool = False
    is_confidential: bool = False
    channel: str = Channel.WEB
    reporter_name: str = ""
    reporter_email: str = ""
    reporter_phone: str = ""
    suggested_agency_id: int | None = None
    # The reporter chose to share the photo's location: when no coordinates were given, the
    # first photo's EXIF GPS becomes the report's position. The stored photo never keeps it.
    location_from_photo: bool = False
    # Channel plumbing (issue #5): the Telegram chat id to answer on; the operator who
    # entered the report for a caller or a paper form; the monitoring device that saw it.
    reply_address: str = ""
    entered_by: object | None = None
    device_identity: str = ""


@dataclass(frozen=True)
class SubmitResult:
    report: Report
    token: str  # shown to the reporter once; only its hash is stored


_PHONE_CLEAN = re.compile(r"[\s().-]")


def phone_normalise(raw: str) -> str | None:
    phone = _PHONE_CLEAN.sub("", raw or "")
    if not phone:
        return ""
    if phone.startswith("+"):
        phone = phone[1:]
    if phone.startswith("0"):
        phone = "62" + phone[1:]
    if not phone.isdigit() or not 9 <= len(phone) <= 15:
        return None
    return "+" + phone


def _parse_decimal(raw, low: int, high: int) -> tuple[Decimal | None, bool]:
    if raw in (None, ""):
        return None, True
    try:
        value = Decimal(str(raw)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        return None, False
    return value, low <= value <= high


def _validate(draft: ReportDraft, now: datetime) -> tuple[dict, list[CleanAttachment]]:
    errors: dict[str, list[str]] = {}
    clean: dict = {}

    def err(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    title = (draft.title or "").strip()
    body = (draft.body or "").strip()
    if not title:
        err("title", _("Judul laporan wajib diisi."))
    elif len(title) > settings.ADUAN_TITLE_MAX:
        err("title", _("Judul paling panjang %(n)s karakter.") % {"n": settings.ADUAN_TITLE_MAX})
    if not body:
        err("body", _("Isi laporan wajib diisi."))
    elif len(body) > settings.ADUAN_BODY_MAX:
        err("body", _("Isi laporan paling panjang %(n)s karakter; Anda menulis %(m)s.") % {"n": settings.ADUAN_BODY_MAX, "m": len(body)})
    clean["title"], clean["body"] = title, body

    if draft.kind not in Kind.values:
        err("kind", _("Jenis laporan tidak dikenal."))
    if draft.channel not in Channel.values:
        err("channel", _("Kanal tidak dikenal."))

    incident = draft.incident_date
    if isinstance(incident, str):
        try:
            incident = date.fromisoformat(incident.strip())
        except ValueError:
            incident = None
            err("incident_date", _("Tanggal kejadian tidak valid. Gunakan format TTTT-BB-HH."))
    elif isinstance(incident, datetime):
        incident = incident.date()
    if draft.incident_date in (None, ""):
        err("incident_date", _("Tanggal kejadian wajib diisi."))
    elif isinstance(incident, date):
        # Allow one day of slack for the easternmost time zone (WIT is UTC+9).
        if incident > (now + timedelta(days=1)).date():
            err("incident_date", _("Tanggal kejadian tidak boleh di masa depan."))
        elif incident < date(1945, 8, 17):
            err("incident_date", _("Tanggal kejadian tidak valid."))
    clean["incident_date"] = incident

    clean["category"] = None
    if draft.category:
        clean["category"] = Category.objects.filter(slug=draft.category, is_active=True).first()
        if clean["category"] is None:
            err("category", _("Kategori tidak dikenal."))

    clean["region"] = None
    if draft.region_code:
        clean["region"] = Region.objects.filter(code=str(draft.region_code).strip()).first()
        if clean["region"] is None:
            err("region_code", _("Kode wilayah %(code)s tidak dikenal.") % {"code": str(draft.region_code)[:20]})

    latitude, longitude = draft.latitude, draft.longitude
    if draft.location_from_photo and latitude in (None, "") and longitude in (None, ""):
        for upload in draft.attachments or []:
            position = image_gps(upload.content)
            if position:
                latitude, longitude = position
                break
    lat, lat_ok = _parse_decimal(latitude, -90, 90)
    lng, lng_ok = _parse_decimal(longitude, -180, 180)
    if not lat_ok:
        err("latitude", _("Lintang harus angka antara -90 dan 90."))
    if not lng_ok:
        err("longitude", _("Bujur harus angka antara -180 dan 180."))
    if (lat is None) != (lng is None) and lat_ok and lng_ok:
        err("latitude", _("Isi lintang dan bujur bersama-sama."))
    clean["latitude"], clean["longitude"] = lat, lng
    if clean["region"] is None and lat is not None and lng is not None and not errors.get("region_code"):
        clean["region"] = region_at_point(float(lat), float(lng))

    address = (draft.address or "").strip()
    if len(address) > 300:
        err("address", _("Alamat paling panjang 300 karakter."))
    clean["address"] = address

    email = (draft.reporter_email or "").strip()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            err("reporter_email", _("Alamat surel tidak valid."))
    clean["reporter_email"] = email
    phone = phone_normalise(draft.reporter_phone)
    if phone is None:
        err("reporter_phone", _("Nomor telepon tidak valid."))
    clean["reporter_phone"] = phone or ""
    clean["reporter_name"] = (draft.reporter_name or "").strip()[:150]
    clean["reply_address"] = (draft.reply_address or "").strip()[:100]
    clean["device_identity"] = (draft.device_identity or "").strip()[:100]

    clean["suggested_agency"] = None
    if draft.suggested_agency_id:
        clean["suggested_agency"] = Agency.objects.filter(pk=draft.suggested_agency_id, is_active=True).first()
        if clean["suggested_agency"] is None:
            err("suggested_agency", _("Instansi tujuan tidak dikenal."))

    attachments, attachment_errors = attachments_clean(list(draft.attachments or []))
    for message in attachment_errors:
        err("attachments", message)

    if errors:
        raise ValidationFailed(field_errors=errors)
    return clean, attachments


def report_submit(*, draft: ReportDraft, actor=None, now: datetime | None = None) -> SubmitResult:
    now = now or timezone.now()
    clean, attachments = _validate(draft, now)
    # An emergency is recognised before anything is stored (issue #6): the reporter is told
    # to call 112 and officials see the report flagged urgent instead of waiting in a queue.
    emergency = emergency_detect(clean["title"], clean["body"])
    reporter = actor if getattr(actor, "is_authenticated", False) else None
    token = token_new()
    with transaction.atomic():
        report = Report(
            token_hash=token_hash(token),
            kind=draft.kind,
            channel=draft.channel,
            title=clean["title"],
            body=clean["body"],
            category=clean["category"],
            region=clean["region"],
            address=clean["address"],
            latitude=clean["latitude"],
            longitude=clean["longitude"],
            incident_date=clean["incident_date"],
            is_anonymous=bool(draft.is_anonymous),
            is_confidential=bool(draft.is_confidential),
            reporter=reporter,
            reporter_name=clean["reporter_name"] or (reporter.full_name if reporter else ""),
            reporter_email=clean["reporter_email"] or (reporter.email if reporter else ""),
            reporter_phone=clean["reporter_phone"] or (reporter.phone if reporter else ""),
            suggested_agency=clean["suggested_agency"],
            reply_address=clean["reply_address"],
            entered_by=draft.entered_by if getattr(draft.entered_by, "is_authenticated", False) else None,
            device_identity=clean["device_identity"],
            resolution_tier=clean["category"].default_tier if clean["category"] else "",
            submitted_at=now,
            status=Status.SUBMITTED,
            is_urgent=emergency is not None,
            emergency_kind=emergency.kind if emergency else "",
        )
        clock_used = sla.on_submit(report, now)
        for attempt in range(8):
            report.reference = reference_new(now)
            try:
                with transaction.atomic():
                    report.save()
                break
            except IntegrityError:
                if attempt == 7:
                    raise
        for item in attachments:
            attachment = Attachment(
                report=report, original_name=item.original_name, content_type=item.content_type,
                extension=item.extension, size=len(item.content), sha256=item.sha256,
            )
            attachment.file.save("upload", ContentFile(item.content), save=False)
            attachment.save()
        event = Event.objects.create(
            report=report, at=now, action="submit", actor=reporter, actor_kind="reporter",
            to_status=Status.SUBMITTED, is_public=True,
            data={"channel": report.channel, "attachments": len(attachments), "late_filing_warning": report.late_filing_warning,
                  "clock_used": clock_used,
                  **({"entered_by": report.entered_by_id} if report.entered_by_id else {}),
                  **({"device": report.device_identity} if report.device_identity else {}),
                  **({"emergency": emergency.kind} if emergency else {})},
        )
        audit_log(actor=reporter or report.entered_by, action="report_submit", obj=report,
                  data={"event": event.pk, "channel": report.channel,
                        **({"entered_by": report.entered_by_id} if report.entered_by_id else {})})
        notify_reporter_submitted(report, token, similar=_similar_for_reporter(report, draft.channel),
                                  emergency_numbers=list(emergency.numbers) if emergency else None)
        if emergency is not None:
            _notify_urgent(report, event, emergency)
    # Routing (issue #6) runs once the report is stored, in its own savepoint: a failure
    # there leaves the report in the verification queue, never loses it.
    report_route(report, now=now)
    return SubmitResult(report=report, token=token)


def _similar_for_reporter(report: Report, channel: str) -> list[dict]:
    """Up to two open public reports about the same problem, for the confirmation. Not on the
    web form, whose first step already offered them; never a failure that loses the report."""
    if channel == Channel.WEB:
        return []
    try:
        with transaction.atomic():
            found = duplicate_candidates(report, limit=2, base=public_reports())
    except Exception:
        logger.exception("similar reports for the confirmation of %s failed", report.reference)
        return []
    return [{"reference": c.report.reference, "support_count": c.report.support_count} for c in found]


def _notify_urgent(report: Report, event: Event, emergency: Emergency) -> None:
    """Outbox rows for an emergency, in report_submit's transaction (rule of the house 5): an
    internal ``report_urgent`` row to the national verifiers and to the agency the reporter
    chose, and an e-mail to each national verifier. (The reporter's confirmation carries the
    numbers to call: ``notify_reporter_submitted``.)"""
    numbers = list(emergency.numbers)
    payload = {
        "reference": report.reference, "title": report.title, "emergency_kind": emergency.kind,
        "emergency_numbers": numbers, "phrases": list(emergency.phrases),
        "region_code": report.region_id or "", "address": report.address,
        "agency": report.suggested_agency.name if report.suggested_agency_id else "",
    }
    recipients = ["national"] + ([f"agency:{report.suggested_agency_id}"] if report.suggested_agency_id else [])
    for recipient in recipients:
        outbox_enqueue(channel="internal", recipient=recipient, template="report_urgent", payload=payload,
                       dedupe_key=f"event:{event.pk}:urgent:{recipient}")
    for user in officials_with_perm(None, "report_verify"):
        official_email(user, template="report_urgent", payload=payload, dedupe_key=f"event:{event.pk}:urgent:official:{user.pk}")


def report_attachments_add(*, report: Report, uploads: list[AttachmentUpload]) -> list[Attachment]:
    """Files that came with added information (an e-mail reply, a chat photo) for a report
    that exists. Checked like any upload; raises ValidationFailed and stores nothing if one
    is refused. Call inside the transaction that records the information's event."""
    clean, errors = attachments_clean(list(uploads))
    if errors:
        raise ValidationFailed(field_errors={"attachments": errors})
    saved = []
    for item in clean:
        attachment = Attachment(
            report=report, original_name=item.original_name, content_type=item.content_type,
            extension=item.extension, size=len(item.content), sha256=item.sha256,
        )
        attachment.file.save("upload", ContentFile(item.content), save=False)
        attachment.save()
        saved.append(attachment)
    return saved
