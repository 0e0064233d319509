"""City monitoring devices (issue #5): machine-generated reports from CCTV analytics and
sensors, sent through the API with the device's identity, marked as such on the report
(``Report.device_identity``), and merged by place and time instead of flooding agencies.

Each detection is stored as a ``DeviceObservation`` (its delivered fields in ``payload``;
an image is kept as metadata there, its bytes only on the report it opens), idempotent on
(device, external id): a device that resends a detection gets the first answer back.

Merge rule: a detection joins an *open* machine report (any device: ``device_identity``
set) of the same category whose position is within ``DEVICE_MERGE_METRES`` (great-circle
distance) and whose latest detection is within ``DEVICE_MERGE_HOURS`` of this one. It is
linked to that report (``merged = True``) and nothing else happens: no new report, no
event, no notification — the agency sees one report, and officials see the number of
detections on its page (``selectors_backoffice.report_origin``). Otherwise a new report
is submitted through ``report_submit`` (channel ``api``), routed like any other report.

Concurrency: the device row is locked (one detection per device at a time, and the
idempotency check sees the previous one), then the category row (two devices seeing the
same thing at once cannot both open a report). Lock order is always device → category.

Devices are registered by agency administrators (``agency_manage`` on the device's agency);
a deactivated device's detections are refused.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.accounts.policies import grant_scopes, user_has_perm
from aduan.agencies.models import Agency, Category
from aduan.audit.services import audit_log
from aduan.core.errors import NotFound, PermissionDenied, ValidationFailed
from aduan.regions.boundaries import region_at_point
from aduan.reports.attachments import AttachmentUpload, attachments_clean
from aduan.reports.models import Channel, Report
from aduan.reports.services.submit import ReportDraft, report_submit
from aduan.reports.workflow import OPEN_STATUSES

from .models import Device, DeviceObservation

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
METRES_PER_DEGREE = 111_320.0
IDENTITY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,99}$")
DESCRIPTION_MAX = 2000
FUTURE_SLACK = timedelta(minutes=10)  # device clocks drift; a detection from the future is a bug
OLDEST = datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC"))


class DeviceInactive(PermissionDenied):
    code = "device_inactive"
    default_message = gettext_lazy("Perangkat ini sudah dinonaktifkan; deteksinya tidak diterima.")


class ObservationReceived(NamedTuple):
    observation: DeviceObservation
    created_report: bool  # this detection opened a new report
    created: bool  # False: a repeat of a detection already stored (the first answer)


def haversine_metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance between two points, in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


# --- Reads -------------------------------------------------------------------------------

def device_get_for_agency(*, identity: str, agency: Agency) -> Device:
    """The device, if it belongs to ``agency`` or one of its units; the same ``NotFound``
    for a missing device and for another agency's (rule of the house 3)."""
    device = (Device.objects.select_related("agency", "agency__seat_region")
              .filter(identity=(identity or "")[:100], agency__path__startswith=agency.path).first())
    if device is None:
        raise NotFound()
    return device


def devices_manageable_by(user) -> QuerySet[Device]:
    """Devices of the agencies ``user`` holds ``agency_manage`` on (all for a national grant)."""
    national, scopes = grant_scopes(user, "agency_manage")
    qs = Device.objects.select_related("agency")
    if national:
        return qs
    if not scopes:
        return qs.none()
    condition = Q(pk__in=[])
    for scope in scopes:
        condition |= Q(agency_id=int(scope[1:])) if scope.startswith("=") else Q(agency__path__startswith=scope)
    return qs.filter(condition)


# --- Device registry ----------------------------------------------------------------------

def device_create(*, actor, agency: Agency, identity: str, name: str, kind: str = Device.Kind.CCTV,
                  latitude=None, longitude=None) -> Device:
    if agency is None or not user_has_perm(actor, "agency_manage", agency):
        raise PermissionDenied()
    identity, name = (identity or "").strip(), (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not IDENTITY_RE.match(identity):
        errors["identity"] = [_("Identitas 3–100 karakter: huruf, angka, titik, garis bawah atau tanda hubung, "
                                "diawali huruf atau angka; misalnya cctv-simpang-lima-01.")]
    elif Device.objects.filter(identity=identity).exists():
        errors["identity"] = [_("Identitas ini sudah dipakai perangkat lain.")]
    if not name:
        errors["name"] = [_("Nama perangkat wajib diisi.")]
    elif len(name) > 150:
        errors["name"] = [_("Nama paling panjang 150 karakter.")]
    if kind not in Device.Kind.values:
        errors["kind"] = [_("Jenis perangkat tidak dikenal.")]
    lat, lng = _position(latitude, longitude, errors)
    if errors:
        raise ValidationFailed(field_errors=errors)
    try:
        with transaction.atomic():
            device = Device.objects.create(identity=identity, name=name, kind=kind, agency=agency,
                                           latitude=lat, longitude=lng)
            audit_log(actor=actor, action="device_create", obj=device,
                      data={"identity": identity, "agency": agency.pk})
    except IntegrityError:
        raise ValidationFailed(field_errors={"identity": [_("Identitas ini sudah dipakai perangkat lain.")]}) from None
    return device


def device_deactivate(*, actor, device: Device) -> Device:
    """Stop accepting a device's detections (a stolen or retired camera). Its reports and
    detections stay; deactivating twice changes nothing."""
    if not user_has_perm(actor, "agency_manage", device.agency):
        raise PermissionDenied()
    with transaction.atomic():
        device = Device.objects.select_for_update().get(pk=device.pk)
        if device.is_active:
            device.is_active = False
            device.save(update_fields=["is_active"])
            audit_log(actor=actor, action="device_deactivate", obj=device, data={"identity": device.identity})
    return device


def _position(latitude, longitude, errors: dict) -> tuple[Decimal | None, Decimal | None]:
    values = []
    for raw, limit, field_name, message in (
        (latitude, 90, "latitude", _("Lintang harus angka antara -90 dan 90.")),
        (longitude, 180, "longitude", _("Bujur harus angka antara -180 dan 180.")),
    ):
        if raw in (None, ""):
            values.append(None)
            continue
        try:
            value = Decimal(str(raw).strip().replace(",", ".")).quantize(Decimal("0.000001"))
        except ArithmeticError:
            value = None
        if value is None or not value.is_finite() or not -limit <= value <= limit:
            errors.setdefault(field_name, []).append(message)
            values.append(None)
        else:
            values.append(value)
    if (values[0] is None) != (values[1] is None) and not errors.get("latitude") and not errors.get("longitude"):
        errors.setdefault("latitude", []).append(_("Isi lintang dan bujur bersama-sama."))
    return values[0], values[1]


# --- Detections ---------------------------------------------------------------------------

def device_observation_receive(
    *,
    device: Device,
    external_id: str,
    observed_at: datetime,
    category: str,
    latitude=None,
    longitude=None,
    confidence: float | None = None,
    description: str = "",
    image: AttachmentUpload | None = None,
    payload: dict | None = None,
    now: datetime | None = None,
) -> ObservationReceived:
    """Store one detection and merge it into an open machine report or open a new one.

    A repeat of (device, external_id) returns the stored detection and its report, whatever
    the new body says. Bad input raises ``ValidationFailed`` and stores nothing."""
    now = now or timezone.now()
    external_id = (external_id or "").strip()
    existing = _existing(device, external_id)
    if existing is not None:
        return ObservationReceived(existing, False, False)
    cat, lat, lng = _validate(device, external_id, observed_at, category, latitude, longitude, confidence,
                              description, image, now)
    try:
        with transaction.atomic():
            locked = Device.objects.select_for_update().get(pk=device.pk)
            existing = _existing(locked, external_id)
            if existing is not None:
                return ObservationReceived(existing, False, False)
            if not locked.is_active:
                raise DeviceInactive()
            Category.objects.select_for_update().filter(pk=cat.pk).first()
            target = _merge_target(category=cat, lat=lat, lng=lng, observed_at=observed_at)
            if target is None:
                target = _open_report(locked, cat, lat, lng, observed_at, confidence, description, image, now)
            observation = DeviceObservation.objects.create(
                device=locked, external_id=external_id, observed_at=observed_at, received_at=now, category=cat.slug,
                latitude=lat, longitude=lng, confidence=confidence, payload=payload or {}, report=target.report,
                merged=not target.created,
            )
    except IntegrityError:
        # The same detection stored by a concurrent request between our check and insert.
        existing = _existing(device, external_id)
        if existing is None:
            raise
        return ObservationReceived(existing, False, False)
    return ObservationReceived(observation, target.created, True)


def _existing(device: Device, external_id: str) -> DeviceObservation | None:
    if not external_id:
        return None
    return DeviceObservation.objects.select_related("report").filter(device=device, external_id=external_id[:200]).first()


def _validate(device, external_id, observed_at, category, latitude, longitude, confidence, description, image, now):
    errors: dict[str, list[str]] = {}
    if not external_id:
        errors["external_id"] = [_("Pengenal deteksi wajib diisi.")]
    elif len(external_id) > 200:
        errors["external_id"] = [_("Pengenal deteksi paling panjang 200 karakter.")]
    if not isinstance(observed_at, datetime) or timezone.is_naive(observed_at):
        errors["observed_at"] = [_("Waktu deteksi wajib, dalam ISO 8601 dengan zona waktu.")]
    elif observed_at > now + FUTURE_SLACK:
        errors["observed_at"] = [_("Waktu deteksi tidak boleh di masa depan. Periksa jam perangkat.")]
    elif observed_at < OLDEST:
        errors["observed_at"] = [_("Waktu deteksi tidak valid.")]
    cat = Category.objects.filter(slug=(category or "").strip()[:80], is_active=True).first() if category else None
    if cat is None:
        errors["category"] = [_("Kategori tidak dikenal.")]
    if confidence is not None and not (isinstance(confidence, (int, float)) and 0 <= confidence <= 1):
        errors["confidence"] = [_("Tingkat keyakinan harus angka antara 0 dan 1.")]
    if len(description or "") > DESCRIPTION_MAX:
        errors["description"] = [_("Keterangan paling panjang %(n)s karakter.") % {"n": DESCRIPTION_MAX}]
    lat, lng = _position(latitude, longitude, errors)
    if lat is None and lng is None and not errors.get("latitude") and not errors.get("longitude"):
        lat, lng = device.latitude, device.longitude
        if lat is None or lng is None:
            errors["latitude"] = [_("Kirim lintang dan bujur deteksi; posisi perangkat ini belum tercatat.")]
    if image is not None:
        clean, image_errors = attachments_clean([image])
        if image_errors:
            errors["image"] = image_errors
        elif not clean[0].content_type.startswith("image/"):
            errors["image"] = [_("Gambar deteksi harus JPG, PNG atau WEBP.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return cat, lat, lng


class _Target(NamedTuple):
    report: Report
    created: bool


def _merge_target(*, category: Category, lat: Decimal, lng: Decimal, observed_at: datetime) -> _Target | None:
    """The nearest open machine report of this category within the merge distance whose
    latest detection is within the merge window, or None."""
    metres = float(settings.DEVICE_MERGE_METRES)
    window = timedelta(hours=settings.DEVICE_MERGE_HOURS)
    dlat = metres / METRES_PER_DEGREE
    dlng = metres / (METRES_PER_DEGREE * max(math.cos(math.radians(float(lat))), 0.01))
    latest = Subquery(DeviceObservation.objects.filter(report=OuterRef("pk")).order_by("-observed_at")
                      .values("observed_at")[:1])
    candidates = (
        Report.objects.filter(status__in=OPEN_STATUSES, category=category, latitude__isnull=False, longitude__isnull=False)
        .exclude(device_identity="")
        .filter(latitude__range=(_dec(float(lat) - dlat), _dec(float(lat) + dlat)),
                longitude__range=(_dec(float(lng) - dlng), _dec(float(lng) + dlng)))
        .annotate(latest_seen=latest)
        .filter(latest_seen__gte=observed_at - window, latest_seen__lte=observed_at + window)
        .only("pk", "reference", "latitude", "longitude", "status")
    )
    best, best_distance = None, None
    for report in candidates[:50]:
        distance = haversine_metres(float(lat), float(lng), float(report.latitude), float(report.longitude))
        if distance <= metres and (best_distance is None or distance < best_distance):
            best, best_distance = report, distance
    return _Target(best, False) if best is not None else None


def _dec(value: float) -> Decimal:
    return Decimal(str(round(value, 6)))


def _local_zone(device: Device, lat: Decimal, lng: Decimal) -> ZoneInfo:
    region = region_at_point(float(lat), float(lng))
    name = region.timezone if region is not None else device.agency.timezone
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return ZoneInfo(settings.TIME_ZONE)


def _open_report(device, category, lat, lng, observed_at, confidence, description, image, now) -> _Target:
    local = observed_at.astimezone(_local_zone(device, lat, lng))
    # The report is stored in the site's language, whatever language the API caller asked for.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Terdeteksi: %(category)s (%(device)s)") % {"category": category.name, "device": device.name}
        lines = [
            _("Laporan mesin dari perangkat pemantau %(device)s (%(kind)s), identitas %(identity)s.")
            % {"device": device.name, "kind": device.get_kind_display(), "identity": device.identity},
            _("Terdeteksi: %(category)s.") % {"category": category.name},
            _("Waktu deteksi: %(time)s.") % {"time": f"{local:%d-%m-%Y %H:%M} {local.tzname()}"},
        ]
        if confidence is not None:
            lines.append(_("Tingkat keyakinan: %(pct)s%%.") % {"pct": round(confidence * 100)})
        if description:
            lines.append(_("Keterangan perangkat: %(text)s") % {"text": description.strip()})
        lines.append(_("Deteksi berikutnya di tempat yang sama digabung ke laporan ini."))
    result = report_submit(draft=ReportDraft(
        title=title[: settings.ADUAN_TITLE_MAX], body="\n".join(lines), incident_date=local.date(),
        category=category.slug, latitude=lat, longitude=lng, channel=Channel.API,
        device_identity=device.identity, attachments=[image] if image is not None else [],
    ), actor=None, now=now)
    return _Target(result.report, True)
