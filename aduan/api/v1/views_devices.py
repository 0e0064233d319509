"""City monitoring devices through the API (issue #5): a CCTV analytics system or a sensor
gateway posts each detection with its agency's API key; the detection becomes a machine
report, or joins an open one nearby (``aduan.intake.devices`` owns the rules).

The device must belong to the key's agency or one of its units: any other identity — a
missing device or another agency's — answers the same 404 (rule of the house 3). A
deactivated device answers 403 ``device_inactive``. A detection sent again with the same
``external_id`` answers 200 with the first answer; nothing new is stored.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math

import filetype
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from aduan.core.errors import ValidationFailed
from aduan.intake.devices import device_get_for_agency, device_observation_receive
from aduan.reports.attachments import AttachmentUpload

from .serializers import IDEMPOTENCY_PARAMETER, POST_ERRORS, error_responses
from .views_official import TAG_OFFICIAL, OfficialView

# Base64 is 4 characters per 3 bytes; the image limit is the attachment limit.
IMAGE_BASE64_MAX = 4 * math.ceil(settings.ADUAN_ATTACHMENT_MAX_BYTES / 3) + 4
PAYLOAD_FIELDS = ("external_id", "observed_at", "category", "latitude", "longitude", "confidence", "description")


class DeviceObservationSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=200, help_text=gettext_lazy(
        "Pengenal deteksi di sistem perangkat; kirim ulang dengan pengenal yang sama bila ragu sudah terkirim."))
    observed_at = serializers.DateTimeField(help_text=gettext_lazy(
        "Waktu deteksi, ISO 8601 dengan zona waktu (mis. 2026-11-20T07:15:00+07:00); tanpa zona dibaca sebagai WIB."))
    category = serializers.CharField(max_length=80, help_text=gettext_lazy("Slug kategori, mis. `sampah`."))
    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90,
                                      help_text=gettext_lazy("Bila kosong, posisi perangkat yang tercatat dipakai."))
    longitude = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    confidence = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=1,
                                        help_text=gettext_lazy("Tingkat keyakinan analitik, 0 sampai 1."))
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    image_base64 = serializers.CharField(required=False, allow_blank=True, max_length=IMAGE_BASE64_MAX,
                                         help_text=gettext_lazy("Cuplikan gambar (JPG, PNG, WEBP) dalam base64, tidak wajib."))


class DeviceObservationResultSerializer(serializers.Serializer):
    observation_id = serializers.IntegerField()
    reference = serializers.CharField(help_text=gettext_lazy("Nomor laporan tempat deteksi ini tercatat."))
    merged = serializers.BooleanField(help_text=gettext_lazy(
        "true: digabung ke laporan mesin yang sudah terbuka di dekatnya; false: laporan baru dibuat."))


def _image(raw: str) -> tuple[AttachmentUpload | None, dict]:
    raw = (raw or "").strip()
    if not raw:
        return None, {}
    try:
        content = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(field_errors={"image_base64": [_("Gambar bukan base64 yang sah.")]}) from None
    kind = filetype.guess(content)
    name = f"deteksi.{kind.extension}" if kind is not None else "deteksi"
    return AttachmentUpload(name=name, content=content), {
        "size": len(content), "sha256": hashlib.sha256(content).hexdigest(), "type": kind.mime if kind else ""}


class DeviceObservationView(OfficialView):
    @extend_schema(
        operation_id="device_observation_create", tags=[TAG_OFFICIAL], summary="Kirim deteksi perangkat pemantau",
        description="Deteksi CCTV beranalitik atau sensor milik instansi pemanggil (atau unitnya). Deteksi kategori yang "
                    "sama dalam jarak `DEVICE_MERGE_METRES` dan waktu `DEVICE_MERGE_HOURS` dari laporan mesin yang masih "
                    "terbuka digabung ke laporan itu (`merged: true`); selain itu laporan baru dibuat (201). Mengirim "
                    "ulang `external_id` yang sama → 200 dengan jawaban pertama. Perangkat yang tidak ada atau milik "
                    "instansi lain → 404; perangkat nonaktif → 403 `device_inactive`.",
        parameters=[OpenApiParameter("identity", str, OpenApiParameter.PATH, description="Identitas perangkat."),
                    IDEMPOTENCY_PARAMETER],
        request=DeviceObservationSerializer,
        responses={201: DeviceObservationResultSerializer, 200: DeviceObservationResultSerializer,
                   **error_responses(401, 403, 404, 415, *POST_ERRORS)},
        examples=[OpenApiExample("Sampah tidak terangkut", request_only=True, value={
            "external_id": "evt-000123", "observed_at": "2026-11-20T07:15:00+07:00", "category": "sampah",
            "latitude": -6.990012, "longitude": 110.422981, "confidence": 0.87,
            "description": "Tumpukan sampah di trotoar lebih dari 2 jam"})],
    )
    def post(self, request, identity: str):
        device = device_get_for_agency(identity=identity, agency=request.auth.agency)
        body = DeviceObservationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        image, image_meta = _image(data.get("image_base64", ""))
        delivered = request.data if isinstance(request.data, dict) else {}
        payload = {name: delivered.get(name) for name in PAYLOAD_FIELDS if name in delivered}
        if image_meta:
            payload["image"] = image_meta
        try:
            received = device_observation_receive(
                device=device, external_id=data["external_id"], observed_at=data["observed_at"],
                category=data["category"], latitude=data.get("latitude"), longitude=data.get("longitude"),
                confidence=data.get("confidence"), description=data.get("description", ""), image=image,
                payload=payload,
            )
        except ValidationFailed as exc:
            if "image" in exc.field_errors:
                exc.field_errors["image_base64"] = exc.field_errors.pop("image")
            raise
        observation = received.observation
        return Response(DeviceObservationResultSerializer({
            "observation_id": observation.pk, "reference": observation.report.reference, "merged": observation.merged,
        }).data, status=status.HTTP_201_CREATED if received.created else status.HTTP_200_OK)
