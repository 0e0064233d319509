"""The daily full dump of the open data (issue #7): every public report as gzip CSV and gzip
JSON Lines in ``VAR_DIR/opendata/``, described by ``manifest.json``.

Why a dump beside the streamed exports: someone who wants everything downloads one file
made once a day, instead of every such download running the whole query again.

- **Atomic.** Each file is written to a temporary file in the same folder, flushed to disk
  and moved into place with ``os.replace``; the manifest is replaced last. File names carry
  the moment of the dump, so a new dump never overwrites a file an old manifest names; the
  previous dump's files are deleted only after the new manifest is in place (a download
  already running keeps its open file). A crash leaves the previous dump intact.
- **One at a time.** An exclusive ``flock`` on ``.lock`` in the folder; a second run while
  one is writing gets ``DumpRunning``.
- **One pass.** Both files are written from the same rows, so they always agree.
- **Never serves what became private.** A report made confidential, or archived after it
  was published, after the dump's snapshot makes the dump *stale*: the download view
  refuses it and ``opendata_dump_refresh_if_stale`` (every 15 minutes) writes a new one.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.core.errors import DomainError, NotFound
from aduan.reports.models import Event
from aduan.reports.workflow import PUBLISHED_STATUSES, Action

from .opendata import ROWS_PER_WRITE, SCHEMA_VERSION, csv_header, csv_line, jsonl_line, opendata_rows

MANIFEST = "manifest.json"
PREFIX = "aduan-laporan-"
FORMATS = {  # format → (file suffix, media type of the uncompressed content)
    "csv": (".csv.gz", "text/csv"),
    "jsonl": (".jsonl.gz", "application/jsonl"),
}
COMPRESSLEVEL = 6  # level 9 takes twice as long for a few per cent
# A transition that commits just after the snapshot may carry a time just before it.
STALE_MARGIN = timedelta(minutes=5)


class DumpRunning(DomainError):
    code = "opendata_dump_running"
    http_status = 409
    default_message = _("Berkas data terbuka sedang dibuat oleh proses lain.")


@dataclass(frozen=True)
class DumpFile:
    name: str
    format: str
    media_type: str
    compression: str
    bytes: int
    sha256: str
    rows: int


@dataclass(frozen=True)
class DumpManifest:
    schema_version: str
    generated_at: str  # when the files were complete (UTC, ISO 8601)
    snapshot_at: str  # when the rows were read: later changes are not in the files
    rows: int
    files: tuple[DumpFile, ...]

    def as_dict(self) -> dict:
        return asdict(self)

    def file(self, name: str) -> DumpFile | None:
        return next((f for f in self.files if f.name == name), None)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def opendata_dir() -> Path:
    return Path(settings.VAR_DIR) / "opendata"


# --- Reading --------------------------------------------------------------------------------

def opendata_manifest() -> DumpManifest | None:
    """The latest dump's manifest, or None when there is none (or it cannot be read)."""
    try:
        data = json.loads((opendata_dir() / MANIFEST).read_text(encoding="utf-8"))
        files = tuple(DumpFile(**f) for f in data.pop("files"))
        return DumpManifest(files=files, **data)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def opendata_dump_file(*, name: str) -> tuple[Path, DumpFile]:
    """The path of a file of the latest dump. Only names listed in the manifest are served,
    and a listed name is a plain file name (never a path), so nothing else can be reached."""
    manifest = opendata_manifest()
    entry = manifest.file(name) if manifest else None
    if entry is None or Path(name).name != name or not name.startswith(PREFIX):
        raise NotFound()
    path = opendata_dir() / name
    if not path.is_file():
        raise NotFound()
    return path, entry


def opendata_dump_is_stale(*, manifest: DumpManifest) -> bool:
    """True when a report in the dump may have left the public since its snapshot: raised to
    confidential (privacy flags are recorded in ``Event.data["raised"]``; an anonymity raise
    counts too, which costs at most one needless new dump) or archived after it was published."""
    since = datetime.fromisoformat(manifest.snapshot_at) - STALE_MARGIN
    return Event.objects.filter(at__gte=since).filter(
        Q(data__has_key="raised") | Q(action=Action.ARCHIVE, from_status__in=PUBLISHED_STATUSES)
    ).exists()


# --- Writing --------------------------------------------------------------------------------

class _HashingSink:
    """The raw file under the gzip stream: counts and hashes the bytes that reach the disk."""

    def __init__(self, raw):
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.bytes = 0

    def write(self, data) -> int:
        self.raw.write(data)
        self.sha256.update(data)
        self.bytes += len(data)
        return len(data)

    def flush(self) -> None:
        self.raw.flush()


@contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    with open(folder / ".lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DumpRunning() from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _Writer:
    """One output file: a temporary file, gzip over a hashing sink, text batched into writes."""

    def __init__(self, folder: Path, name: str, mtime: float):
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        self.tmp = Path(tmp)
        self.raw = os.fdopen(fd, "wb")
        self.sink = _HashingSink(self.raw)
        self.gz = gzip.GzipFile(filename=name, mode="wb", fileobj=self.sink, compresslevel=COMPRESSLEVEL, mtime=mtime)
        self.pending: list[str] = []

    def add(self, text: str) -> None:
        self.pending.append(text)
        if len(self.pending) >= ROWS_PER_WRITE:
            self.flush_pending()

    def flush_pending(self) -> None:
        if self.pending:
            self.gz.write("".join(self.pending).encode("utf-8"))
            self.pending = []

    def finish(self) -> None:
        self.flush_pending()
        self.gz.close()  # writes the gzip trailer through the sink
        self.raw.flush()
        os.fsync(self.raw.fileno())
        self.raw.close()

    def discard(self) -> None:
        for closer in (self.gz.close, self.raw.close):
            try:
                closer()
            except (OSError, ValueError):
                pass
        self.tmp.unlink(missing_ok=True)


def _write_manifest(folder: Path, manifest: DumpManifest) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(manifest.as_dict(), handle, ensure_ascii=False, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, folder / MANIFEST)


def _remove_other_files(folder: Path, keep: set[str]) -> None:
    for path in folder.iterdir():
        if path.name in keep or path.name in (MANIFEST, ".lock"):
            continue
        if path.name.startswith((PREFIX, ".tmp-")) and path.is_file():
            path.unlink(missing_ok=True)


def opendata_dump(*, now: datetime | None = None, progress: Callable[[int], None] | None = None) -> DumpManifest:
    """Write a new full dump of the public reports and make it the latest. ``progress`` is
    called with the number of rows written since its last call."""
    folder = opendata_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with _exclusive(folder):
        _remove_other_files(folder, keep=_current_names())  # leftovers of a crashed run
        snapshot = (now or timezone.now()).astimezone(UTC)
        stamp = snapshot.strftime("%Y%m%dT%H%M%SZ")
        names = {fmt: f"{PREFIX}{stamp}{suffix}" for fmt, (suffix, _media) in FORMATS.items()}
        writers = {fmt: _Writer(folder, names[fmt], snapshot.timestamp()) for fmt in FORMATS}
        rows = 0
        try:
            writers["csv"].add(csv_header())
            for row in opendata_rows():
                writers["csv"].add(csv_line(row))
                writers["jsonl"].add(jsonl_line(row))
                rows += 1
                if progress is not None and rows % ROWS_PER_WRITE == 0:
                    progress(ROWS_PER_WRITE)
            if progress is not None and rows % ROWS_PER_WRITE:
                progress(rows % ROWS_PER_WRITE)
            for writer in writers.values():
                writer.finish()
        except BaseException:
            for writer in writers.values():
                writer.discard()
            raise
        files = []
        for fmt, writer in writers.items():
            os.replace(writer.tmp, folder / names[fmt])
            files.append(DumpFile(name=names[fmt], format=fmt, media_type=FORMATS[fmt][1], compression="gzip",
                                  bytes=writer.sink.bytes, sha256=writer.sink.sha256.hexdigest(), rows=rows))
        manifest = DumpManifest(
            schema_version=SCHEMA_VERSION,
            generated_at=_iso(timezone.now()),
            snapshot_at=_iso(snapshot),
            rows=rows,
            files=tuple(files),
        )
        _write_manifest(folder, manifest)
        _remove_other_files(folder, keep=set(names.values()))
        return manifest


def _current_names() -> set[str]:
    manifest = opendata_manifest()
    return {f.name for f in manifest.files} if manifest else set()


def opendata_dump_refresh_if_stale(*, now: datetime | None = None) -> DumpManifest | None:
    """Write a new dump when the latest one is stale; None when it is fresh or there is none
    yet (the daily job makes the first one)."""
    manifest = opendata_manifest()
    if manifest is None or not opendata_dump_is_stale(manifest=manifest):
        return None
    return opendata_dump(now=now)
