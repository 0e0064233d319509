"""Parsing Open311 query and form parameters. Pure functions: strings in, values or a
``ParamError`` (→ HTTP 400 with the parameter named) out.

"Optional" means an empty parameter is the same as an absent one (GeoReport v2,
"Optional Arguments"), so every parser treats ``""`` as ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

# W3C date-time note profile: a complete date, or a date and time with a zone designator.
_W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")
_W3C_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A "+" not percent-encoded in a query string arrives as a space: "…T10:00:00 07:00".
_UNENCODED_PLUS = re.compile(r" (\d{2}:\d{2})$")

WINDOW = timedelta(days=90)  # GeoReport v2, GET Service Requests: "may not span more than 90 days"


class ParamError(ValueError):
    def __init__(self, param: str, message: str):
        self.param = param
        self.message = message
        super().__init__(f"{param}: {message}")


def optional(raw: str | None) -> str | None:
    value = (raw or "").strip()
    return value or None


def w3c_datetime(raw: str | None, param: str) -> datetime | None:
    """A W3C date-time (zone required) or a complete date (start of that day, WIB)."""
    value = optional(raw)
    if value is None:
        return None
    value = _UNENCODED_PLUS.sub(r"+\1", value)
    try:
        if _W3C_DATE.match(value):
            return datetime.combine(date.fromisoformat(value), time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
        if _W3C_DATETIME.match(value):
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    raise ParamError(param, _("Tanggal harus berformat W3C dengan zona waktu, misalnya 2026-11-29T10:00:00+07:00."))


def comma_list(raw: str | None, *, limit: int, param: str) -> list[str] | None:
    """``a,b,c`` → ``["a", "b", "c"]`` (empty items dropped, order kept, duplicates removed)."""
    value = optional(raw)
    if value is None:
        return None
    items = list(dict.fromkeys(item.strip() for item in value.split(",") if item.strip()))
    if len(items) > limit:
        raise ParamError(param, _("Paling banyak %(n)s nilai dipisahkan koma.") % {"n": limit})
    return items or None


def positive_int(raw: str | None, param: str, *, maximum: int | None = None) -> int | None:
    value = optional(raw)
    if value is None:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ParamError(param, _("Harus bilangan bulat positif."))
    number = int(value)
    if maximum is not None and number > maximum:
        raise ParamError(param, _("Paling besar %(n)s.") % {"n": maximum})
    return number


def boolean(raw: str | None, param: str) -> bool | None:
    value = optional(raw)
    if value is None:
        return None
    lowered = value.lower()
    if lowered in {"true", "1", "yes", "ya"}:
        return True
    if lowered in {"false", "0", "no", "tidak"}:
        return False
    raise ParamError(param, _("Isi true atau false."))


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def date_window(start_raw: str | None, end_raw: str | None, *, now: datetime) -> Window:
    """The requested_datetime window of GET requests (and of update feeds).

    Neither given: the most recent 90 days. One given: 90 days from/to it. Both given:
    as given, but never more than 90 days apart and never reversed."""
    start = w3c_datetime(start_raw, "start_date")
    end = w3c_datetime(end_raw, "end_date")
    if start is None and end is None:
        return Window(now - WINDOW, now)
    if start is None:
        return Window(end - WINDOW, end)
    if end is None:
        return Window(start, start + WINDOW)
    if end < start:
        raise ParamError("end_date", _("end_date tidak boleh sebelum start_date."))
    if end - start > WINDOW:
        raise ParamError("end_date", _("Rentang start_date sampai end_date paling lama 90 hari."))
    return Window(start, end)


def feed_window(start_raw: str | None, end_raw: str | None, *, now: datetime) -> Window:
    """The window of the updates feed (FixMyStreet's servicerequestupdates sets no span
    limit): as ``date_window`` but of any length, and from ``start_date`` up to now when only
    it is given, so a client catching up after a long pause gets the first page (oldest
    first) and continues from the last update it read instead of being refused."""
    start = w3c_datetime(start_raw, "start_date")
    end = w3c_datetime(end_raw, "end_date")
    end = end if end is not None else now
    start = start if start is not None else end - WINDOW
    if end < start:
        raise ParamError("end_date", _("end_date tidak boleh sebelum start_date."))
    return Window(start, end)
