"""The long-lived duplicate index (issue #6): one ``DuplicateIndex`` per process over the
open reports of the time window, so a duplicate check costs a lookup in memory, not a scan
of the database (bench/bench_routing_latency.py: with a million open reports indexed).

- **Built** on the first check, from the open reports submitted within the window, in a
  background thread (checks ask the database until it is ready), and rebuilt the same way
  when the tail of added reports grows past ``ADUAN_DUPLICATE_INDEX_MAX_TAIL`` or the index
  is older than ``ADUAN_DUPLICATE_INDEX_MAX_AGE`` seconds (the window moves); the old index
  serves meanwhile. ``ADUAN_DUPLICATE_INDEX_BUILD = "sync"`` builds inline (tests).
- **Caught up** before every check with what other processes changed since: reports with
  an id above the last one seen are added; reports updated since the last catch-up that are
  no longer open (closed, archived, linked as duplicates) are closed in the index. Two
  indexed queries, both on indexes (primary key; ``updated_at``).
- **Checked**: the caller re-reads the candidates through its own queryset (visibility,
  still open), so a lagging index can never show a report a user may not see.

Memory ≈ 270 bytes per open report per process (a million: ≈ 270 MiB in each web worker).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from aduan.routing.duplicates import MAX_METRES, WINDOW_DAYS, DuplicateIndex

from ..models import Report
from ..workflow import OPEN_STATUSES

logger = logging.getLogger(__name__)

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
        self.builder: threading.Thread | None = None


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


def _build(now: datetime, config: dict) -> tuple[DuplicateIndex, int, datetime]:
    """A new index of the open reports of the window, with its watermarks."""
    since = now - timedelta(days=config["window"])
    # The watermarks are taken before reading, so nothing committed meanwhile is missed
    # (at worst it is added twice, which only repeats a candidate the caller de-duplicates).
    synced_at = timezone.now()
    last_id = Report.objects.aggregate(m=Max("pk"))["m"] or 0
    rows = (_row(v) for v in Report.objects.filter(status__in=OPEN_STATUSES, duplicate_of__isnull=True,
                                                    submitted_at__gte=since, pk__lte=last_id)
            .values_list(*_FIELDS).iterator(chunk_size=5000))
    index = DuplicateIndex.build(rows, window_days=config["window"], max_metres=config["metres"])
    return index, last_id, synced_at


def _install(built: tuple[DuplicateIndex, int, datetime], config: dict) -> None:
    """Swap in a built index (lock held). Its watermarks are those of the build's start, so
    the next catch-up adds what was committed while it was being built."""
    _live.index, _live.last_id, _live.synced_at = built
    _live.built_at, _live.tail, _live.config = time.monotonic(), 0, config


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


def _build_in_background(now: datetime, config: dict) -> None:
    """Build without holding the lock; checks keep using the old index (or the database)."""
    def run():
        from django.db import connection

        try:
            built = _build(now, config)
            with _live.lock:
                _install(built, config)
        except Exception:
            logger.exception("building the duplicate index failed; checks use the database meanwhile")
        finally:
            _live.builder = None
            connection.close()

    _live.builder = threading.Thread(target=run, name="aduan-duplicate-index", daemon=True)
    _live.builder.start()


def live_index(now: datetime | None = None) -> DuplicateIndex | None:
    """The process's index, built or caught up; None while the first build runs in the
    background (``ADUAN_DUPLICATE_INDEX_BUILD = "background"``): the caller then asks the
    database. A million open reports take ≈ 40 s to index, which no citizen should wait for."""
    now = now or timezone.now()
    config = _settings()
    background = getattr(settings, "ADUAN_DUPLICATE_INDEX_BUILD", "background") == "background"
    with _live.lock:
        stale = (_live.index is None or _live.config != config or _live.tail > config["max_tail"]
                 or time.monotonic() - _live.built_at > config["max_age"])
        if stale and background:
            if _live.builder is None:
                _build_in_background(now, config)
            if _live.index is None or _live.config != config:
                return None
        elif stale:
            _install(_build(now, config), config)
            return _live.index
        _catch_up()
        return _live.index


def live_index_wait(timeout: float = 120) -> None:
    """Wait for a background build to finish (tests, warm-up commands)."""
    builder = _live.builder
    if builder is not None:
        builder.join(timeout)


def live_index_reset() -> None:
    """Forget the index (tests; after a bulk import)."""
    live_index_wait()
    with _live.lock:
        _live.index, _live.last_id, _live.synced_at, _live.built_at, _live.tail = None, 0, None, 0.0, 0
        _live.config = None
