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

import re
import unicodedata
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from aduan.core.refs import reference_normalise
from aduan.reports.models import Channel, Kind

# report_submit stores phones in this form; commands compare the sender with it.
from aduan.reports.services.submit import phone_normalise as _report_phone

from .base import IntakeCommand, IntakeDraft, ParseError

STATUS_WORDS = {"CEK", "STATUS", "CEKSTATUS"}
WITHDRAW_WORDS = {"BATAL", "BATALKAN"}
TITLE_WORDS = 8

# GSM 03.38 default alphabet (one septet each) and its extension table (escape + one septet).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")
SINGLE_SEGMENT = 160
CONCAT_SEGMENT = 153

_TRANSLITERATE = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'", "´": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "«": '"', "»": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...", "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\t": " ", "\u2022": "-", "·": "-",
    "\u20ac": "€", "°": "o", "×": "x", "÷": "/", "\u2192": "->", "©": "(c)", "®": "(R)", "™": "TM",
}


def gsm7_safe(text: str) -> str:
    """``text`` in characters every GSM handset shows; emoji and the unmappable are dropped."""
    out = []
    for ch in text or "":
        if ch in GSM7_BASIC or ch in GSM7_EXTENDED:
            out.append(ch)
            continue
        if ch in _TRANSLITERATE:
            out.append(_TRANSLITERATE[ch])
            continue
        # Accented letters outside GSM-7 lose their accent (ā → a); other letters or symbols vanish.
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append("".join(c for c in base if c in GSM7_BASIC or c in GSM7_EXTENDED))
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def _septets(ch: str) -> int:
    return 2 if ch in GSM7_EXTENDED else 1


def sms_segments(text: str) -> list[str]:
    """GSM-7-safe ``text`` split into segments of ≤160 septets, or ≤153 each when it needs more
    than one. Splits at a space when one is near the end of a segment; never inside an
    escape pair (extension characters count two septets)."""
    safe = gsm7_safe(text)
    if sum(_septets(c) for c in safe) <= SINGLE_SEGMENT:
        return [safe] if safe else []
    segments, current, used = [], [], 0
    for ch in safe:
        cost = _septets(ch)
        if used + cost > CONCAT_SEGMENT:
            chunk = "".join(current)
            cut = chunk.rfind(" ")
            if cut >= CONCAT_SEGMENT // 2:  # break at a word when it costs at most half a segment
                segments.append(chunk[: cut + 1])
                current = list(chunk[cut + 1:])
            else:
                segments.append(chunk)
                current = []
            used = sum(_septets(c) for c in current)
        current.append(ch)
        used += cost
    if current:
        segments.append("".join(current))
    return segments


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
