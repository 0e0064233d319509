"""The types every channel adapter returns (see adapters/__init__.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from aduan.core.errors import DomainError


class ParseError(DomainError):
    """The message cannot be understood; it goes to the operator queue with this reason."""

    code = "unparseable"


@dataclass
class IntakeDraft:
    """What a channel knows about a new report; the service fills the rest."""

    title: str
    body: str
    channel: str
    incident_date: date
    kind: str = "complaint"
    reporter_name: str = ""
    reporter_email: str = ""
    reporter_phone: str = ""
    attachments: list = field(default_factory=list)


@dataclass(frozen=True)
class IntakeCommand:
    verb: str  # "status" | "add" | "withdraw"
    reference: str | None  # canonical reference, or None when what was typed cannot be one
    text: str = ""
