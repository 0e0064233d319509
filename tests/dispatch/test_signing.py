"""The webhook signature scheme: HMAC-SHA256 over "<timestamp>.<body>", fresh for 5 minutes."""

import hashlib
import hmac

from aduan.dispatch.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_headers, signature_verify

SECRET = "rahasia-uji"
BODY = b'{"type":"report.disposed"}'
T0 = 1_800_000_000


def test_the_signature_is_the_documented_hmac_of_timestamp_dot_body():
    headers = signature_headers(secret=SECRET, body=BODY, now=T0)
    expected = hmac.new(SECRET.encode(), f"{T0}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert headers == {TIMESTAMP_HEADER: str(T0), SIGNATURE_HEADER: f"sha256={expected}"}


def test_verify_accepts_its_own_signature_within_five_minutes_either_way():
    headers = signature_headers(secret=SECRET, body=BODY, now=T0)
    for now in (T0, T0 + 300, T0 - 300):
        assert signature_verify(secret=SECRET, body=BODY, timestamp=headers[TIMESTAMP_HEADER],
                                signature=headers[SIGNATURE_HEADER], now=now)


def test_verify_rejects_stale_tampered_or_foreign_signatures():
    headers = signature_headers(secret=SECRET, body=BODY, now=T0)
    ts, sig = headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER]
    assert not signature_verify(secret=SECRET, body=BODY, timestamp=ts, signature=sig, now=T0 + 301)  # replayed later
    assert not signature_verify(secret=SECRET, body=BODY + b" ", timestamp=ts, signature=sig, now=T0)  # body changed
    assert not signature_verify(secret=SECRET, body=BODY, timestamp=str(T0 + 1), signature=sig, now=T0)  # timestamp changed
    assert not signature_verify(secret="lain", body=BODY, timestamp=ts, signature=sig, now=T0)
    assert not signature_verify(secret=SECRET, body=BODY, timestamp=ts, signature=sig.replace("sha256=", "sha1="), now=T0)
    assert not signature_verify(secret=SECRET, body=BODY, timestamp=None, signature=sig, now=T0)
    assert not signature_verify(secret=SECRET, body=BODY, timestamp="kemarin", signature=sig, now=T0)
    assert not signature_verify(secret=SECRET, body=BODY, timestamp=ts, signature="", now=T0)
