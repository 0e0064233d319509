"""SMS adapter: the keyword grammar (Bahasa Indonesia) and GSM-7-safe reply segments.

Grammar of an inbound SMS (keywords are case-insensitive; a reference may be typed with
or without dashes or spaces, and is checked with its check symbol, core/refs.py):

    CEK <ref>  /  STATUS <ref>   → the report's status (only to the phone that reported it)
    BATAL <ref> [alasan]         → the reporter asks to withdraw the report
    <ref> <teks>                 → more information for that report
    anything else                → a new complaint (pengaduan)

Many citizens live where only SMS works (LAPOR! takes SMS at 1708), so replies must reach
any handset: ``sms_segments`` transliterates to the GSM 03.38 default alphabet (a single
non-GSM character would switch the whole message to UCS-2 and cut a segment from 160 to 70
characters) and splits into 160-septet segments, or 153 when concatenated (the 7 septets
go to the UDH, 3GPP TS 23.040 §9.2.3.24.1).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from aduan.core.refs import reference_normalise
# GSM-7 text lives in layer 2 (notifications) so senders can use it; re-exported here.
from aduan.notifications.sms_text import (  # noqa: F401
    CONCAT_SEGMENT, GSM7_BASIC, GSM7_EXTENDED, SINGLE_SEGMENT, gsm7_safe, sms_segments,
)
from aduan.reports.models import Channel, Kind

# report_submit stores phones in this form; commands compare the sender with it.
from aduan.reports.services.submit import phone_normalise as _report_phone

from .base import IntakeCommand, IntakeDraft, ParseError

STATUS_WORDS = {"CEK", "STATUS", "CEKSTATUS"}
WITHDRAW_WORDS = {"BATAL", "BATALKAN"}
TITLE_WORDS = 8

def sender_normalise(raw: str) -> str:
    """The sender in the form report_submit stores (``+62…``); unchanged if it is not a phone
    number (an alphanumeric sender id), so it never matches a reporter."""
    return _report_phone(raw) or (raw or "").strip()


def _reference_and_rest(words: list[str]) -> tuple[str | None, list[str]]:
    """A reference at the start of ``words``: typed as one token (2611-K7QX-M9P3 or
    2611K7QXM9P3) or as three (2611 K7QX M9P3)."""
    for take in (1, 3):
        if len(words) >= take:
            ref = reference_normalise("".join(words[:take]))
            if ref:
                return ref, words[take:]
    return None, words


def _title(text: str) -> str:
    words = text.split()
    title = " ".join(words[:TITLE_WORDS])
    if len(words) > TITLE_WORDS:
        title += " ..."
    return title[: settings.ADUAN_TITLE_MAX]


def sms_parse(message) -> IntakeDraft | IntakeCommand:
    """The adapter: an SMS ``InboundMessage`` → a new-report draft or a command."""
    text = " ".join((message.text or "").split())
    if not text:
        raise ParseError(_("Pesan SMS kosong."), code="empty")
    words = text.split(" ")
    keyword = words[0].upper().rstrip(":.")
    if keyword in STATUS_WORDS or keyword in WITHDRAW_WORDS:
        ref, rest = _reference_and_rest(words[1:])
        verb = "status" if keyword in STATUS_WORDS else "withdraw"
        return IntakeCommand(verb=verb, reference=ref, text=" ".join(rest))
    ref, rest = _reference_and_rest(words)
    if ref:
        # A reference alone is read as a status question.
        return IntakeCommand(verb="add" if rest else "status", reference=ref, text=" ".join(rest))
    local_date = message.received_at.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    return IntakeDraft(
        title=_title(text), body=text, channel=Channel.SMS, kind=Kind.COMPLAINT,
        incident_date=local_date, reporter_phone=message.sender,
    )
