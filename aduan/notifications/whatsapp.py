"""whatsapp sender for the outbox (being written)."""

from __future__ import annotations

from .models import Outbox


def send_whatsapp(row: Outbox) -> None:
    raise NotImplementedError("whatsapp sender not written yet")
