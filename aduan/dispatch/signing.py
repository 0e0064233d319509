"""The webhook signature scheme (documented for agencies in docs/dispatch.md).

Aduan signs each webhook body with the route's secret:

    X-Aduan-Timestamp: <unix seconds>
    X-Aduan-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>

Signing the timestamp with the body stops a captured request from being replayed later with
a fresh timestamp; receivers refuse timestamps more than ``TOLERANCE`` away from their own
clock. ``signature_verify`` is the receiver's check (used by our tests' fake agency system
and usable as the reference implementation).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SIGNATURE_HEADER = "X-Aduan-Signature"
TIMESTAMP_HEADER = "X-Aduan-Timestamp"
SCHEME = "sha256"
TOLERANCE = 300  # seconds: the 5 minutes receivers allow either side of their clock


def secret_generate() -> str:
    return secrets.token_urlsafe(32)


def signature_compute(*, secret: str, timestamp: str | int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_headers(*, secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(now if now is not None else time.time()))
    return {
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: f"{SCHEME}={signature_compute(secret=secret, timestamp=timestamp, body=body)}",
    }


def signature_verify(*, secret: str, body: bytes, timestamp: str | None, signature: str | None,
                     now: float | None = None, tolerance: int = TOLERANCE) -> bool:
    """True when ``signature`` is ours for ``body`` at ``timestamp`` and the timestamp is fresh."""
    if not secret or not timestamp or not signature:
        return False
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = now if now is not None else time.time()
    if abs(current - sent) > tolerance:
        return False
    scheme, _, digest = signature.partition("=")
    if scheme != SCHEME or not digest:
        return False
    expected = signature_compute(secret=secret, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected, digest.strip().lower())
