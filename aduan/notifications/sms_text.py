"""GSM-7-safe SMS text (layer 2, so both notifications and intake can use it).

``sms_segments`` transliterates to the GSM 03.38 default alphabet (a single non-GSM
character would switch the whole message to UCS-2 and cut a segment from 160 to 70
characters) and splits into 160-septet segments, or 153 when concatenated (the 7 septets
go to the UDH, 3GPP TS 23.040 §9.2.3.24.1).
"""

from __future__ import annotations

import re
import unicodedata

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
