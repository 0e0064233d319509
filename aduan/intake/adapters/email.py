"""email adapter (being written)."""

from __future__ import annotations

from .base import ParseError


def email_parse(message):
    raise ParseError("email adapter not written yet")
