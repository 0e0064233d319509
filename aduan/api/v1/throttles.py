"""Rate limits per API key, per signed-in account, or per address (issue #4): 429 with
``Retry-After``. Counters live in the default cache, so production points ``CACHES`` at
Redis to share them across processes."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from ..models import ApiKey


class ClientRateThrottle(SimpleRateThrottle):
    """One bucket per client: the API key if any, else the account, else the address."""

    @property
    def THROTTLE_RATES(self):  # noqa: N802  (DRF's name)
        # Read per request, not frozen at import, so changed settings (tests) take effect.
        return api_settings.DEFAULT_THROTTLE_RATES

    def get_rate(self):
        return None  # decided per request in allow_request

    def allow_request(self, request, view):
        if isinstance(request.auth, ApiKey):
            self.scope, ident = "api_key", f"key{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            self.scope, ident = "user", f"user{request.user.pk}"
        else:
            self.scope, ident = "anon", self.get_ident(request)
        self.rate = self.THROTTLE_RATES.get(self.scope)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = self.cache_format % {"scope": self.scope, "ident": ident}
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.key


class SubmitRateThrottle(ClientRateThrottle):
    """A tighter bucket for creating reports and asking for sign-in codes."""

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        if isinstance(request.auth, ApiKey):
            self.scope, ident = "submit_api_key", f"key{request.auth.pk}"
        else:
            self.scope, ident = "submit", self.get_ident(request)
        self.rate = self.THROTTLE_RATES.get(self.scope)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = self.cache_format % {"scope": self.scope, "ident": ident}
        return SimpleRateThrottle.allow_request(self, request, view)
