"""Redaction of personal data from text shown to the public (rule of the house 4).

Phone numbers (Indonesian mobile/landline forms, +62/62/0 prefixes), e-mail addresses and
16-digit NIK / KK numbers are replaced by a marker. Pure functions, no Django.
"""

from __future__ import annotations

import re

REDACTED = "[disamarkan]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# 16 digits, possibly grouped by spaces, dots or dashes (NIK and KK are both 16 digits).
_NIK = re.compile(r"(?<!\d)(?:\d[ .-]?){15}\d(?!\d)")
# +62 / 62 / 0 followed by 7-13 more digits, allowing separators and an area code in brackets.
_PHONE = re.compile(r"(?<![\w])(?:\+62|62|\(0\d{1,3}\)|0)[\s.-]?\d(?:[\s.-]?\d){6,12}(?!\d)")


def redact_text(text: str | None) -> str:
    if not text:
        return text or ""
    if "@" in text:  # the e-mail pattern is the costly one; most texts have no "@"
        text = _EMAIL.sub(REDACTED, text)
    text = _NIK.sub(REDACTED, text)
    text = _PHONE.sub(REDACTED, text)
    return text
