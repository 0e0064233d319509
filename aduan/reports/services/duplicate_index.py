"""The long-lived duplicate index (issue #6): one ``DuplicateIndex`` per process over the
open reports of the time window, so a duplicate check costs a lookup in memory, not a scan
of the database (bench/bench_routing_latency.py: with a million open reports indexed).

- **Built** lazily on the first check, from the open reports submitted within the window,
  and rebuilt when the tail of added reports grows past ``ADUAN_DUPLICATE_INDEX_MAX_TAIL``
  or the index is older than ``ADUAN_DUPLICATE_INDEX_MAX_AGE`` seconds (the window moves).
- **Caught up** before every check with what other processes changed since: reports with
  an id above the last one seen are added; reports updated since the last catch-up that are
  no longer open (closed, archived, linked as duplicates) are closed in the index. Two
  indexed queries, both on indexes (primary key; ``updated_at``).
- **Checked**: the caller re-reads the candidates through its own queryset (visibility,
  still open), so a lagging index can never show a report a user may not see.

Memory ≈ 270 bytes per open report per process (a million: ≈ 270 MiB in each web worker).
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from aduan.routing.duplicates import MAX_METRES, WINDOW_DAYS, DuplicateIndex

from ..models import Report
from ..workflow import OPEN_STATUSES

_FIELDS = ("pk", "title", "body", "region_id", "latitude", "longitude", "submitted_at", "status", "duplicate_of_id")


class _Live:
    def __init__(self):
        self.lock = threading.Lock()
        self.index: DuplicateIndex | None = None
        self.last_id = 0
        self.synced_at: datetime | None = None
        self.built_at = 0.0
        self.tail = 0
        self.config: dict | None = None


_live = _Live()


def _settings() -> dict:
    return {
        "window": float(getattr(settings, "ADUAN_DUPLICATE_WINDOW_DAYS", WINDOW_DAYS)),
        "metres": float(getattr(settings, "ADUAN_DUPLICATE_MAX_METRES", MAX_METRES)),
        "max_tail": int(getattr(settings, "ADUAN_DUPLICATE_INDEX_MAX_TAIL", 20000)),
        "max_age": float(getattr(settings, "ADUAN_DUPLICATE_INDEX_MAX_AGE", 6 * 3600)),
    }


def _row(values) -> tuple:
    pk, title, body, region, lat, lng, submitted, status, duplicate_of = values
    return (pk, title, body, region or "", float(lat) if lat is not None else None,
            float(lng) if lng is not None else None, submitted,
            status in OPEN_STATUSES and duplicate_of is None)


def _build(now: datetime, config: dict) -> None:
    since = now - timedelta(days=config["window"])
    # The watermarks are taken before reading, so nothing committed meanwhile is missed
    # (at worst it is added twice, which only repeats a candidate the caller de-duplicates).
    synced_at = timezone.now()
    last_id = Report.objects.aggregate(m=Max("pk"))["m"] or 0
    rows = (_row(v) for v in Report.objects.filter(status__in=OPEN_STATUSES, duplicate_of__isnull=True,
                                                    submitted_at__gte=since, pk__lte=last_id)
            .values_list(*_FIELDS).iterator(chunk_size=5000))
    _live.index = DuplicateIndex.build(rows, window_days=config["window"], max_metres=config["metres"])
    _live.last_id, _live.synced_at, _live.built_at, _live.tail = last_id, synced_at, time.monotonic(), 0
    _live.config = config


def _catch_up() -> None:
    synced_at = timezone.now()
    index = _live.index
    for values in Report.objects.filter(pk__gt=_live.last_id).order_by("pk").values_list(*_FIELDS):
        row = _row(values)
        if row[-1]:
            index.add(row)
            _live.tail += 1
        _live.last_id = max(_live.last_id, values[0])
    gone = (Report.objects.filter(updated_at__gte=_live.synced_at - timedelta(seconds=1), pk__lte=_live.last_id)
            .exclude(status__in=OPEN_STATUSES, duplicate_of__isnull=True).values_list("pk", flat=True))
    for pk in gone:
        index.close(pk)
    _live.synced_at = synced_at


def live_index(now: datetime | None = None) -> DuplicateIndex:
    """The process's index, built or caught up."""
    now = now or timezone.now()
    config = _settings()
    with _live.lock:
        stale = (_live.index is None or _live.config != config or _live.tail > config["max_tail"]
                 or time.monotonic() - _live.built_at > config["max_age"])
        if stale:
            _build(now, config)
        else:
            _catch_up()
        return _live.index


def live_index_reset() -> None:
    """Forget the index (tests; after a bulk import)."""
    with _live.lock:
        _live.index, _live.last_id, _live.synced_at, _live.built_at, _live.tail = None, 0, None, 0.0, 0
        _live.config = None
