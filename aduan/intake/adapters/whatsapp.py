"""whatsapp adapter (being written)."""

from __future__ import annotations

from .base import ParseError


def whatsapp_parse(message):
    raise ParseError("whatsapp adapter not written yet")
