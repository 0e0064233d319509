"""telegram adapter (being written)."""

from __future__ import annotations

from .base import ParseError


def telegram_parse(message):
    raise ParseError("telegram adapter not written yet")
