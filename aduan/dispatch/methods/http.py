"""The one HTTP call the senders make: standard library only, a timeout, no redirects
(a delivery goes to the address the agency registered and nowhere else), a bounded read."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from . import DeliveryError

USER_AGENT = "Aduan-Dispatch/1"
MAX_RESPONSE_BYTES = 1_000_000


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the 3xx itself is returned to the caller as a failure


_opener = urllib.request.build_opener(_NoRedirect)


@dataclass(frozen=True)
class HttpResult:
    status: int
    body: bytes
    content_type: str


def http_request(method: str, url: str, *, body: bytes | None = None, headers: dict | None = None,
                 timeout: float | None = None) -> HttpResult:
    if urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryError("alamat tujuan harus http:// atau https://")
    request = urllib.request.Request(url, data=body, method=method, headers={"User-Agent": USER_AGENT, **(headers or {})})
    timeout = timeout or settings.ADUAN_DISPATCH_TIMEOUT
    try:
        with _opener.open(request, timeout=timeout) as response:
            return HttpResult(response.status, response.read(MAX_RESPONSE_BYTES), response.headers.get("Content-Type", ""))
    except urllib.error.HTTPError as exc:
        try:
            data = exc.read(MAX_RESPONSE_BYTES)
        finally:
            exc.close()
        return HttpResult(exc.code, data, exc.headers.get("Content-Type", "") if exc.headers else "")
    except urllib.error.URLError as exc:
        raise DeliveryError(f"tidak tersambung: {exc.reason}") from None
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        raise DeliveryError(f"tidak tersambung: {type(exc).__name__}: {exc}") from None
