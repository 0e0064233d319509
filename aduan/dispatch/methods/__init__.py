"""Senders: one function per delivery method, chosen by the data on the route
(STYLE.md §7: one-method plug-ins selected by data, a registry dict, no import-time magic).

A sender takes a ``Delivery`` (its route, report and event loaded), sends it, and returns a
``SendResult``; it raises ``DeliveryError`` when the agency system did not take it (the
worker retries with backoff) or ``Deferred`` when it must wait for something else first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class DeliveryError(Exception):
    def __init__(self, message: str, *, status_code: int | None = None):
        self.status_code = status_code
        super().__init__(message)


class Deferred(Exception):
    """Not now, and not a failure: try again later without using up an attempt."""


@dataclass(frozen=True)
class SendResult:
    response_code: int | None = None
    external_id: str = ""
    external_token: str = ""


def senders() -> dict[str, Callable]:
    from .email import email_send
    from .open311_client import open311_send
    from .webhook import webhook_send

    return {"webhook": webhook_send, "open311": open311_send, "email": email_send}
