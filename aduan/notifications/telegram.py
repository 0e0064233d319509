"""telegram sender for the outbox (being written)."""

from __future__ import annotations

from .models import Outbox


def send_telegram(row: Outbox) -> None:
    raise NotImplementedError("telegram sender not written yet")
