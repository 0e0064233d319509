"""Helpers for intake tests: signed generic webhook calls and Twilio-signed form posts."""

from __future__ import annotations

import json

from twilio.request_validator import RequestValidator

from aduan.dispatch.signing import signature_headers

SECRET = "uji-rahasia-sms"
TWILIO_TOKEN = "12345678901234567890123456789012"
GENERIC_URL = "/intake/sms/generic/"
TWILIO_URL = "/intake/sms/twilio/"
PHONE = "+6281234567001"
OTHER_PHONE = "+6281234567002"


def post_generic(client, fields: dict, *, secret: str = SECRET, headers: dict | None = None):
    body = json.dumps(fields).encode()
    signed = signature_headers(secret=secret, body=body)
    if headers is not None:
        signed = headers
    return client.post(GENERIC_URL, data=body, content_type="application/json",
                       headers=signed)


def twilio_fields(**overrides) -> dict:
    """A Twilio incoming-message webhook as documented (form-encoded)."""
    fields = {
        "ToCountry": "ID", "ToState": "", "SmsMessageSid": "SM0001", "NumMedia": "0", "ToCity": "",
        "FromZip": "", "SmsSid": "SM0001", "FromState": "", "SmsStatus": "received", "FromCity": "",
        "Body": "Jalan rusak di depan pasar", "FromCountry": "ID", "To": "+621708", "ToZip": "",
        "NumSegments": "1", "MessageSid": "SM0001", "AccountSid": "AC0000", "From": PHONE, "ApiVersion": "2010-04-01",
    }
    fields.update(overrides)
    return fields


def post_twilio(client, fields: dict, *, token: str = TWILIO_TOKEN):
    url = "http://testserver" + TWILIO_URL
    signature = RequestValidator(token).compute_signature(url, fields)
    return client.post(TWILIO_URL, data=fields, headers={"X-Twilio-Signature": signature})
