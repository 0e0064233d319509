"""SMS gateway webhooks. They only check the caller, pick the fields the stored row is keyed
on, and call ``inbound_receive``; replies go through the outbox, never inline.

A forged or unsigned call gets 403 and stores nothing; it leaves one line on the
``aduan.security`` logger (never the message text). An endpoint whose secret is not
configured answers 503, so a gateway learns the channel is off instead of being accepted.
"""

from __future__ import annotations

import hashlib
import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from aduan.dispatch.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_verify

from .services import PartInfo, inbound_receive

security_log = logging.getLogger("aduan.security")

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def _rejected(request: HttpRequest, gateway: str) -> JsonResponse:
    security_log.warning("intake webhook signature rejected: gateway=%s remote=%s", gateway, request.META.get("REMOTE_ADDR", ""))
    return JsonResponse({"code": "forbidden", "message": "invalid signature"}, status=403)


def _fields_hash(fields: dict) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@csrf_exempt
@require_POST
def sms_generic(request: HttpRequest) -> HttpResponse:
    secret = settings.INTAKE_SMS_SECRET
    if not secret:
        return JsonResponse({"code": "unavailable", "message": "INTAKE_SMS_SECRET is not set"}, status=503)
    body = request.body
    if not signature_verify(secret=secret, body=body, timestamp=request.headers.get(TIMESTAMP_HEADER),
                            signature=request.headers.get(SIGNATURE_HEADER)):
        return _rejected(request, "generic")
    parse_error = ""
    if request.content_type == "application/json":
        try:
            fields = json.loads(body)
            if not isinstance(fields, dict):
                raise ValueError("not an object")
        except ValueError:
            fields, parse_error = {}, "invalid JSON body"
    else:
        fields = request.POST.dict()
    raw = body.decode("utf-8", errors="replace")
    # Signed, so worth keeping even without an id: the body's hash keys it (retries still dedupe).
    external_id = str(fields.get("id") or "") or "sha256:" + hashlib.sha256(body).hexdigest()
    part = None
    total, number = _int(fields.get("concat_total")), _int(fields.get("concat_part"))
    if fields.get("concat_ref") not in (None, "") and total and number and 1 <= number <= total <= 255:
        part = PartInfo(reference=str(fields["concat_ref"]), number=number, total=total)
    message = inbound_receive(
        channel="sms", gateway="generic", external_id=f"generic:{external_id}",
        sender=str(fields.get("from") or ""), recipient=str(fields.get("to") or ""),
        text=str(fields.get("text") or ""), payload=fields, raw_body=raw, part=part, parse_error=parse_error,
    )
    return JsonResponse({"id": message.pk, "state": message.state})


@csrf_exempt
@require_POST
def sms_twilio(request: HttpRequest) -> HttpResponse:
    token = settings.TWILIO_AUTH_TOKEN
    if not token:
        return HttpResponse("TWILIO_AUTH_TOKEN is not set", status=503, content_type="text/plain")
    url = request.build_absolute_uri()
    if not RequestValidator(token).validate(url, request.POST, request.headers.get("X-Twilio-Signature", "")):
        return _rejected(request, "twilio")
    fields = request.POST.dict()
    sid = fields.get("MessageSid") or fields.get("SmsSid") or ""
    media = [
        {"url": fields.get(f"MediaUrl{i}", ""), "content_type": fields.get(f"MediaContentType{i}", "")}
        for i in range(_int(fields.get("NumMedia")) or 0)
    ]
    # Twilio joins concatenated SMS itself: Body is the whole text, NumSegments how many parts it had.
    inbound_receive(
        channel="sms", gateway="twilio", external_id=f"twilio:{sid or 'sha256:' + _fields_hash(fields)}",
        sender=fields.get("From", ""), recipient=fields.get("To", ""), text=fields.get("Body", ""),
        payload=fields, attachments=media,
    )
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")
