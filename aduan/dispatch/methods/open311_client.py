"""Open311 GeoReport v2 client (PEERS.md §3; wiki.open311.org/GeoReport_v2) with the
FixMyStreet service-request-update extension.

- ``POST {endpoint}/requests.{fmt}`` (form-encoded, ``api_key``, ``jurisdiction_id`` when set,
  ``service_code``, one location, ``description`` ≤ 4000 characters, personal fields only for
  a report that is not anonymous) → ``service_request_id``, or a ``token`` resolved through
  ``GET tokens/{token}.{fmt}``.
- ``GET {endpoint}/servicerequestupdates.{fmt}?start_date&end_date&api_key`` pulls the agency's
  updates back (inbound.py turns them into events).

Later steps are not pushed to an Open311 agency: GeoReport v2 has no such call, and
``POST servicerequestupdates`` means opposite things on different servers (FixMyStreet's
adapters take the citizen's comments; Aduan's own server takes the agency's follow-up), so
a pushed reply could be recorded as the agency's answer. The hook writes no update
deliveries for Open311 routes (services.py).

Aduan's extension attributes ``attribute[anonymous]`` / ``attribute[confidential]`` are sent
only when the flag is raised, so a peer Aduan keeps the report's privacy and a server that
does not know them sees nothing unusual on ordinary reports.

Both formats are read: JSON in the spec's convention (lists are bare arrays, even of one) and
XML (``<service_requests><request>…``, ``<service_requests_updates><request_update>…``); ids
are read as strings. Errors (``[{"code", "description"}]`` / ``<errors><error>``) become a
``DeliveryError`` carrying the HTTP status.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from ..models import Delivery, DeliveryRoute
from ..payloads import reporter_identity_dispatched
from . import DeliveryError, SendResult
from .http import http_request

DESCRIPTION_MAX = 4000  # GeoReport v2, POST Service Request: "description … up to 4,000 characters"
FORM = "application/x-www-form-urlencoded; charset=utf-8"


def w3c(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _xml_records(root: ET.Element) -> list[dict]:
    records = []
    for child in root:
        record: dict = {}
        for field in child:
            if len(field):  # nested (e.g. <extras>): keep its leaves, one level down
                record[field.tag] = {leaf.tag: (leaf.text or "").strip() for leaf in field}
            else:
                record[field.tag] = (field.text or "").strip()
        records.append(record)
    return records


def parse_records(body: bytes, fmt: str) -> list[dict]:
    """The list of records in a GeoReport response, in either format."""
    if fmt == "xml":
        try:
            root = ET.fromstring(body)
        except ET.ParseError as exc:
            raise DeliveryError(f"jawaban XML tidak terbaca: {exc}") from None
        return _xml_records(root)
    try:
        data = json.loads(body or b"null")
    except ValueError:
        raise DeliveryError("jawaban JSON tidak terbaca") from None
    if isinstance(data, dict):
        # Tolerate servers that wrap the list in its XML root name.
        for key in ("service_requests", "service_requests_updates", "service_request_updates", "request_update",
                    "request", "errors"):
            if isinstance(data.get(key), list):
                return data[key]
        return [data]
    if isinstance(data, list):
        return [r for r in data if isinstance(r, dict)]
    raise DeliveryError("jawaban Open311 tidak berbentuk daftar")


def _error_message(status: int, body: bytes, fmt: str) -> str:
    try:
        errors = parse_records(body, fmt) if body else []
    except DeliveryError:
        errors = []
    details = "; ".join(f"{_text(e.get('code'))}: {_text(e.get('description'))}" for e in errors if isinstance(e, dict))
    return f"Open311 HTTP {status}" + (f" — {details[:500]}" if details else "")


@dataclass(frozen=True)
class Open311Client:
    endpoint: str
    api_key: str
    jurisdiction_id: str = ""
    fmt: str = "json"

    @classmethod
    def for_route(cls, route: DeliveryRoute) -> "Open311Client":
        if not route.endpoint_url or not route.open311_api_key:
            raise DeliveryError("Open311 belum diatur: alamat dan api_key wajib ada")
        return cls(route.endpoint_url, route.open311_api_key, route.open311_jurisdiction_id, route.open311_format or "json")

    def url(self, resource: str, query: dict | None = None) -> str:
        base = self.endpoint if self.endpoint.endswith("/") else self.endpoint + "/"
        url = f"{base}{resource}.{self.fmt}"
        return f"{url}?{urlencode(query)}" if query else url

    def _common(self) -> dict:
        return {"jurisdiction_id": self.jurisdiction_id} if self.jurisdiction_id else {}

    def _records(self, method: str, url: str, form: dict | None = None) -> list[dict]:
        body = urlencode(form, doseq=True).encode() if form is not None else None
        result = http_request(method, url, body=body, headers={"Content-Type": FORM} if body is not None else None)
        if not 200 <= result.status < 300:
            raise DeliveryError(_error_message(result.status, result.body, self.fmt), status_code=result.status)
        return parse_records(result.body, self.fmt)

    def request_create(self, params: dict) -> dict:
        """POST Service Request → the first record (``service_request_id`` or ``token``)."""
        records = self._records("POST", self.url("requests"), {"api_key": self.api_key, **self._common(), **params})
        if not records:
            raise DeliveryError("Open311 tidak mengembalikan service_request_id maupun token")
        return records[0]

    def token_resolve(self, token: str) -> str:
        records = self._records("GET", self.url(f"tokens/{token}", self._common() or None))
        return _text(records[0].get("service_request_id")) if records else ""

    def updates_list(self, *, start: datetime | None, end: datetime) -> list[dict]:
        # W3C dates here carry whole seconds: round the end up so the last second is not cut off.
        if end.microsecond:
            end = end.replace(microsecond=0) + timedelta(seconds=1)
        query = {"api_key": self.api_key, **self._common(), "end_date": w3c(end)}
        if start is not None:
            query["start_date"] = w3c(start)
        return self._records("GET", self.url("servicerequestupdates", query))


def _request_params(delivery: Delivery) -> dict:
    report, route = delivery.report, delivery.route
    service_code = route.open311_service_code or (report.category.slug if report.category_id else "")
    if not service_code:
        raise DeliveryError("kode layanan Open311 belum diatur dan laporan tidak berkategori")
    footer = f"\n\n— Aduan {report.reference}"
    text = f"{report.title}\n\n{report.body}"
    if len(text) + len(footer) > DESCRIPTION_MAX:
        text = text[: DESCRIPTION_MAX - len(footer) - 1] + "…"
    params = {"service_code": service_code, "description": text + footer}
    # One location is required: coordinates when known, and always a text address.
    if report.latitude is not None and report.longitude is not None:
        params.update({"lat": str(report.latitude), "long": str(report.longitude)})
    params["address_string"] = report.address or (report.region.name if report.region_id else "") or "Indonesia"
    for flag in ("anonymous", "confidential"):
        if getattr(report, f"is_{flag}"):
            params[f"attribute[{flag}]"] = "true"
    reporter = reporter_identity_dispatched(report, delivery)
    if reporter is not None:
        first, _, last = (reporter["name"] or "").partition(" ")
        params.update({k: v for k, v in {"email": reporter["email"], "first_name": first, "last_name": last,
                                          "phone": reporter["phone"]}.items() if v})
    return params


def open311_send(delivery: Delivery) -> SendResult:
    if delivery.kind != Delivery.Kind.REPORT:
        raise DeliveryError("Open311 tidak mengenal pengiriman perkembangan; hanya laporan yang dikirim")
    client = Open311Client.for_route(delivery.route)
    record = client.request_create(_request_params(delivery))
    external_id = _text(record.get("service_request_id"))
    token = _text(record.get("token"))
    if not external_id and token:
        external_id = client.token_resolve(token)  # may still be empty: resolved again when pulling
    if not external_id and not token:
        raise DeliveryError("Open311 tidak mengembalikan service_request_id maupun token")
    return SendResult(response_code=200, external_id=external_id, external_token=token)
