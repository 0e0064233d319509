"""Signed webhook: the delivery as JSON, POSTed to the agency's address with an HMAC-SHA256
signature over "<timestamp>.<body>" (signing.py, docs/dispatch.md). Any 2xx is success."""

from __future__ import annotations

import json

from ..models import Delivery
from ..payloads import delivery_payload
from ..signing import signature_headers
from . import DeliveryError, SendResult
from .http import http_request


def webhook_body(delivery: Delivery) -> bytes:
    return json.dumps(delivery_payload(delivery), ensure_ascii=False, separators=(",", ":")).encode()


def webhook_send(delivery: Delivery) -> SendResult:
    route = delivery.route
    if not route.endpoint_url or not route.secret:
        raise DeliveryError("webhook belum diatur: alamat dan rahasia wajib ada")
    body = webhook_body(delivery)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Aduan-Delivery": str(delivery.pk),
        "X-Aduan-Event": "report.disposed" if delivery.kind == Delivery.Kind.REPORT else "report.updated",
        # Signed with the wall clock, not the scheduler's "now": receivers compare with theirs.
        **signature_headers(secret=route.secret, body=body),
    }
    result = http_request("POST", route.endpoint_url, body=body, headers=headers)
    if not 200 <= result.status < 300:
        raise DeliveryError(f"HTTP {result.status}", status_code=result.status)
    return SendResult(response_code=result.status)
