"""A fixed-window rate limit for the plain Django views of Open311 (the REST API uses DRF's
throttles with the same rates, ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``). Counters
live in the default cache (Redis in production, so every process shares them)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def _parse(rate: str) -> tuple[int, int]:
    count, period = rate.split("/")
    return int(count), _UNITS[period.strip().lower()]


def rate_limited(*, scope: str, ident: str, now: float | None = None) -> int | None:
    """Count one request for (scope, ident); the seconds to wait if over the limit, else None."""
    rate = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(scope)
    if not rate:
        return None
    limit, period = _parse(rate)
    now = time.time() if now is None else now
    window = int(now // period)
    key = f"rl:{scope}:{ident}:{window}"
    if cache.add(key, 1, timeout=period + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=period + 1)
            count = 1
    if count > limit:
        return max(1, int((window + 1) * period - now))
    return None
