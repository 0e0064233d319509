"""Cursor (keyset) pagination for every list of the REST API (issue #4).

A cursor is an opaque token holding the sort values of the last row of a page; the next
page is "rows strictly after it in the sort order", one indexed range query however deep
the client pages, and stable while new reports arrive (an offset would skip or repeat rows).

The sort is a tuple of ``Key`` ending in a unique column (the primary key). A key may be
nullable (an inbox sorted by deadline: reports without a running clock come last), which
DRF's ``CursorPagination`` cannot express; hence this small paginator.

Envelope: ``{"results": [...], "next": <url or null>, "next_cursor": <str or null>}``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Sequence

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.utils.urls import replace_query_param

from aduan.core.errors import ValidationFailed

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@dataclass(frozen=True)
class Key:
    field: str
    descending: bool = False
    nullable: bool = False  # NULLs sort last in either direction

    def order_by(self):
        if self.nullable:
            expression = F(self.field)
            return expression.desc(nulls_last=True) if self.descending else expression.asc(nulls_last=True)
        return f"-{self.field}" if self.descending else self.field


NEWEST_FIRST = (Key("submitted_at", descending=True), Key("id", descending=True))


@dataclass
class Page:
    items: list
    next_cursor: str | None
    next_url: str | None

    def envelope(self, results: list) -> dict:
        return {"results": results, "next": self.next_url, "next_cursor": self.next_cursor}


PAGINATION_PARAMETERS = [
    OpenApiParameter("cursor", OpenApiTypes.STR, description=gettext_lazy("Nilai `next_cursor` dari halaman sebelumnya.")),
    OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
                     description=gettext_lazy("Jumlah baris per halaman (1–100, bawaan 20).")),
]


def _encode_value(value: Any):
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"dec": str(value)}
    return value


def _decode_value(raw: Any):
    if isinstance(raw, dict) and len(raw) == 1:
        (kind, value), = raw.items()
        if not isinstance(value, str):
            raise ValueError(kind)
        if kind == "dt":
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise ValueError(value)
            return parsed
        if kind == "d":
            return date.fromisoformat(value)
        if kind == "dec":
            return Decimal(value)
    if raw is None or isinstance(raw, (int, str)) and not isinstance(raw, bool):
        return raw
    raise ValueError(raw)


def _keys_id(keys: Sequence[Key]) -> str:
    return hashlib.sha256(repr(keys).encode()).hexdigest()[:8]


def cursor_encode(keys: Sequence[Key], values: Sequence[Any]) -> str:
    payload = json.dumps({"k": _keys_id(keys), "v": [_encode_value(v) for v in values]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def cursor_decode(keys: Sequence[Key], cursor: str) -> list[Any]:
    invalid = ValidationFailed(field_errors={"cursor": [_("Kursor tidak valid. Mulai lagi dari halaman pertama.")]})
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if not isinstance(data, dict) or data.get("k") != _keys_id(keys):
            raise invalid
        values = data.get("v")
        if not isinstance(values, list) or len(values) != len(keys):
            raise invalid
        return [_decode_value(v) for v in values]
    except (ValueError, TypeError, UnicodeError, binascii.Error, json.JSONDecodeError):
        raise invalid from None


def _after(keys: Sequence[Key], values: Sequence[Any]) -> Q:
    """Rows strictly after ``values`` in the order of ``keys`` (NULLs last)."""
    condition: Q | None = None
    equal = Q()
    for key, value in zip(keys, values):
        if value is None:
            if not key.nullable:
                raise ValidationFailed(field_errors={"cursor": [_("Kursor tidak valid. Mulai lagi dari halaman pertama.")]})
            step, same = None, Q(**{f"{key.field}__isnull": True})
        else:
            step = Q(**{f"{key.field}__{'lt' if key.descending else 'gt'}": value})
            if key.nullable:
                step |= Q(**{f"{key.field}__isnull": True})
            same = Q(**{key.field: value})
        if step is not None:
            term = equal & step
            condition = term if condition is None else condition | term
        equal &= same
    return condition if condition is not None else Q(pk__in=[])


def _limit(request) -> int:
    raw = request.query_params.get("limit")
    if raw in (None, ""):
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except (TypeError, ValueError):
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(field_errors={"limit": [_("Isi bilangan 1 sampai %(max)s.") % {"max": MAX_LIMIT}]})
    return limit


def _value(item, field: str):
    return item[field] if isinstance(item, dict) else getattr(item, field)


def paginate(request, queryset: QuerySet, keys: Sequence[Key]) -> Page:
    """One page of ``queryset`` in the order of ``keys`` after the request's ``cursor``."""
    limit = _limit(request)
    queryset = queryset.order_by(*(k.order_by() for k in keys))
    cursor = request.query_params.get("cursor")
    if cursor:
        queryset = queryset.filter(_after(keys, cursor_decode(keys, cursor)))
    rows = list(queryset[: limit + 1])
    items, more = rows[:limit], len(rows) > limit
    next_cursor = cursor_encode(keys, [_value(items[-1], k.field) for k in keys]) if more else None
    next_url = replace_query_param(request.build_absolute_uri(), "cursor", next_cursor) if next_cursor else None
    return Page(items=items, next_cursor=next_cursor, next_url=next_url)


def page_serializer(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The envelope of one page of ``item`` rows, for the OpenAPI document."""
    return type(name, (serializers.Serializer,), {
        "results": item(many=True),
        "next": serializers.URLField(allow_null=True, help_text=gettext_lazy("Alamat halaman berikutnya; null di halaman terakhir.")),
        "next_cursor": serializers.CharField(allow_null=True),
        "__module__": __name__,
    })
