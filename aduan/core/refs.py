"""Human-friendly reference numbers and unguessable tracking tokens.

A reference looks like ``2611-K7QX-M9P3``: year and month of submission, then eight
Crockford base-32 symbols (no I, L, O, U: nothing to misread on a phone or over a call
centre line) of which the last is a mod-37 check symbol, so a mistyped reference is
rejected instead of finding somebody else's report.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = ALPHABET + "*~$=U"  # Crockford's check symbols for values 32..36
_DECODE = {c: i for i, c in enumerate(ALPHABET)}
_DECODE.update({"O": 0, "I": 1, "L": 1})


def _check_symbol(payload: str) -> str:
    value = 0
    for ch in payload:
        value = value * 32 + _DECODE[ch]
    return CHECK_ALPHABET[value % 37]


def reference_new(now: datetime) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(7))
    body += _check_symbol(body)
    return f"{now:%y%m}-{body[:4]}-{body[4:]}"


def reference_normalise(raw: str) -> str | None:
    """Return the canonical form of a typed reference, or None if it cannot be one of ours."""
    cleaned = "".join(ch for ch in raw.upper() if ch.isalnum() or ch in "*~$=")
    if len(cleaned) != 12 or not cleaned[:4].isdigit():
        return None
    prefix, body = cleaned[:4], cleaned[4:]
    try:
        payload = "".join(ALPHABET[_DECODE[ch]] for ch in body[:7])
    except KeyError:
        return None
    if body[7] != _check_symbol(payload):
        return None
    body = payload + body[7]
    return f"{prefix}-{body[:4]}-{body[4:]}"


def token_new() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash(token), stored_hash)
