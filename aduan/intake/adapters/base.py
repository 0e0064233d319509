"""The types every channel adapter returns (see adapters/__init__.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from aduan.core.errors import DomainError


class ParseError(DomainError):
    """The message cannot be understood; it goes to the operator queue with this reason."""

    code = "unparseable"


class Ignore(DomainError):
    """The message is not from a person (an auto-reply, a bounce, a delivery receipt): it is
    kept with ``state = ignored`` and this reason, and nothing is answered."""

    code = "ignored"


@dataclass
class IntakeDraft:
    """What a channel knows about a new report; the service fills the rest.

    ``attachments`` are ``reports.attachments.AttachmentUpload`` objects (content in
    memory), checked by ``report_submit`` like any upload."""

    title: str
    body: str
    channel: str
    incident_date: date
    kind: str = "complaint"
    category: str | None = None  # slug
    region_code: str | None = None
    address: str = ""
    latitude: float | str | None = None
    longitude: float | str | None = None
    reporter_name: str = ""
    reporter_email: str = ""
    reporter_phone: str = ""
    reply_address: str = ""  # e.g. a Telegram chat id
    attachments: list = field(default_factory=list)
    location_from_photo: bool = False
    conversation_id: int | None = None  # the guided chat that collected it (linked to the report)


@dataclass(frozen=True)
class IntakeCommand:
    verb: str  # "status" | "add" | "withdraw"
    reference: str | None  # canonical reference, or None when what was typed cannot be one
    text: str = ""
    attachments: tuple = ()  # AttachmentUpload objects sent with added information (e-mail)


@dataclass(frozen=True)
class IntakeReply:
    """A guided conversation goes on: send ``text`` back and wait for the next message."""

    text: str
