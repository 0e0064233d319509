"""Channel adapters: one-method plug-ins that turn a stored ``InboundMessage`` into an
``IntakeDraft`` (a new report) or an ``IntakeCommand`` (a question or an addition about an
existing report). Adapters never touch ``Report``; the intake service acts on what they
return. ``ADAPTERS`` maps channel → adapter; no import-time magic (STYLE.md §7).
"""

from __future__ import annotations

from collections.abc import Callable

from .base import Ignore, IntakeCommand, IntakeDraft, IntakeReply, ParseError
from .email import email_parse
from .sms import sms_parse
from .telegram import telegram_parse
from .whatsapp import whatsapp_parse

__all__ = ["ADAPTERS", "Ignore", "IntakeCommand", "IntakeDraft", "IntakeReply", "ParseError"]

ADAPTERS: dict[str, Callable] = {
    "sms": sms_parse,
    "email": email_parse,
    "whatsapp": whatsapp_parse,
    "telegram": telegram_parse,
}
