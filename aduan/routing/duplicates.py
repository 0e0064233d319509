"""Similar open reports across all agencies (issue #6): the same problem reported twice,
with typos or abbreviations, or to two different agencies, is found at submission so the
citizen can support the existing report and officials can link "duplicate of".

Pure (layer 2): no model is imported. A layer-3 caller (``reports/services/duplicates.py``)
passes plain rows — dicts or tuples ``(key, title, body, region_code, latitude, longitude,
at, is_open)`` — and gets back ``Match`` rows naming the keys it passed in.

Three signals:

- **Text**: Jaccard similarity of character 4-grams of the normalised text (lower case,
  informal spellings expanded, stop words and long numbers dropped — so "jln rusak dpn sd"
  and "jalan rusak di depan SD" are the same string), estimated with a 32-value MinHash
  signature per report. Character n-grams survive typos ("rsak") that word matching loses.
- **Place**: ``same`` — same village code, or both coordinates within ``max_metres``;
  ``area`` — one code contains the other (a report that named only its regency);
  ``unknown`` — one side has no location; ``different`` — never a candidate.
- **Time**: submitted within ``window_days`` (default 30) of each other.

A candidate needs text similarity of at least ``TEXT_MIN[place]``: a low bar in the same
village (0.35: neighbours describe one broken road in different words), a high one without
a shared place (0.6). Two unrelated problems in the same village share little text and are
not candidates. The score ranks candidates: ``0.7 × text + place weight`` scaled down by up
to 30 % as the time gap approaches the window.

The index (``DuplicateIndex``) is built for a million open reports: numpy arrays, no Python
object per report. Reports are grouped by regency (every report of a regency, sorted by
time, is one contiguous slice, so a query compares the query's signature with the slice's
rows within the window — exact, no recall lost to hashing); coordinates go into a grid of
``max_metres`` cells (a neighbour across a regency border); reports with no shared place are
reached through MinHash LSH (8 bands × 4 rows: a pair with similarity 0.7 is found 86 % of
the time, 0.8: 97 %). Memory ≈ 270 bytes per report (bench/bench_duplicates.py).

Normalisation is a small private one here; when ``aduan.routing.normalise`` (the routing
classifier's normaliser with the shared slang list) is stable, ``_normalise`` should call
its ``normalise()`` and keep only the stop-word and number filtering below.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

NUM_PERM = 32
BANDS = 8
ROWS = NUM_PERM // BANDS
MAX_TEXT_CHARS = 600  # of normalised text: long bodies add cost, not evidence
WINDOW_DAYS = 30
MAX_METRES = 500
BUCKET_CAP = 2000  # an LSH bucket larger than this is boilerplate, not evidence

TEXT_MIN = {"same": 0.35, "area": 0.5, "unknown": 0.6}
PLACE_WEIGHT = {"same": 0.3, "area": 0.15, "unknown": 0.1}
TIME_PENALTY = 0.3

_SLANG = {
    "jln": "jalan", "jl": "jalan", "jalanan": "jalan", "dpn": "depan", "dpan": "depan", "blkg": "belakang",
    "yg": "yang", "tdk": "tidak", "gak": "tidak", "ga": "tidak", "nggak": "tidak", "sdh": "sudah", "udah": "sudah",
    "blm": "belum", "blum": "belum", "dgn": "dengan", "utk": "untuk", "krn": "karena", "dr": "dari", "kpd": "kepada",
    "sy": "saya", "kami": "saya", "bpk": "bapak", "pak": "bapak", "ibu": "ibu", "bu": "ibu", "thn": "tahun",
    "bln": "bulan", "hr": "hari", "skrg": "sekarang", "sklh": "sekolah", "skolah": "sekolah", "rmh": "rumah",
    "kec": "kecamatan", "kel": "kelurahan", "kab": "kabupaten", "desa": "desa", "pdam": "pdam", "pju": "lampu jalan",
    "lpju": "lampu jalan", "lampu2": "lampu", "bolong": "berlubang", "lubang": "berlubang", "rsk": "rusak",
    "rusaknya": "rusak", "mati2": "mati", "brlubang": "berlubang", "bsr": "besar", "gede": "besar", "negri": "negeri", "dekat": "depan", "dkt": "depan",
}
_STOP = frozenset("""
    ada adalah agar akan atas atau bagi bahwa banyak bapak belum bisa dan dari dengan di hal harus ibu ini itu
    jadi juga kami ke kepada karena kenapa kok lagi masih mohon oleh pada para saya sangat sejak sekali sudah
    supaya tapi telah tersebut tidak tolong untuk yang warga terima kasih mas mbak min admin lapor yth
    dimohon segera ditindaklanjuti tindak lanjut pihak terkait sebagai sehingga setiap tiap
""".split())
_NON_WORD = re.compile(r"[^0-9a-z]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")

_EMPTY = np.uint32(0xFFFFFFFF)


@dataclass(frozen=True)
class Match:
    key: object
    score: float
    text_score: float
    place: str  # same | area | unknown
    distance_m: float | None
    days_apart: float

    @property
    def same_place(self) -> bool:
        return self.place == "same"


# --- Text -------------------------------------------------------------------------------------

def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").lower()
    text = _REPEATS.sub(r"\1", text)
    out: list[str] = []
    for word in _NON_WORD.sub(" ", text).split():
        word = _SLANG.get(word, word)
        for part in word.split():
            if part in _STOP or (part.isdigit() and len(part) > 3):
                continue  # long numbers: phone, NIK — personal data, and no evidence
            out.append(part)
    return " ".join(out)[:MAX_TEXT_CHARS]


def _grams(norm: str) -> np.ndarray:
    raw = np.frombuffer(f" {norm} ".encode("ascii"), dtype=np.uint8).astype(np.uint32)
    if raw.size < 4:
        return np.empty(0, dtype=np.uint32)
    return (raw[:-3] << 24) | (raw[1:-2] << 16) | (raw[2:-1] << 8) | raw[3:]


def signature(title: str, body: str = "") -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` × uint32) of a report's text; all ``0xFFFFFFFF``
    when there is no text to compare."""
    return signatures([(title, body)])[0]


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a well-mixed 64-bit hash of each 4-gram code."""
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def signatures(texts: Sequence[tuple[str, str]], batch: int = 4000) -> np.ndarray:
    """MinHash signatures by one-permutation hashing (Li, Owen & Zhang 2012): each 4-gram is
    hashed once; its top 5 bits pick one of the 32 bins and the low 32 bits compete for that
    bin's minimum. Empty bins borrow from the next non-empty bin to the right with an offset
    per step (rotation densification, Shrivastava & Li 2014), so two texts agree on a bin with
    probability ≈ their Jaccard similarity. One hash per 4-gram instead of 32: a million
    reports in about a minute."""
    out = np.full((len(texts), NUM_PERM), _EMPTY, dtype=np.uint32)
    for lo in range(0, len(texts), batch):
        grams = [_grams(_normalise(f"{t} {b}")) for t, b in texts[lo:lo + batch]]
        lengths = np.array([g.size for g in grams], dtype=np.int64)
        if not lengths.any():
            continue
        flat = np.concatenate(grams).astype(np.uint64)
        h = _mix64(flat)
        bins = (h >> np.uint64(59)).astype(np.int64)
        values = (h & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        doc = np.repeat(np.arange(len(grams), dtype=np.int64), lengths)
        block = np.full(len(grams) * NUM_PERM, _EMPTY, dtype=np.uint32)
        np.minimum.at(block, doc * NUM_PERM + bins, values)
        block = block.reshape(len(grams), NUM_PERM)
        _densify(block, lengths > 0)
        out[lo:lo + len(grams)] = block
    return out


_DENSIFY_STEP = np.uint32(0x9E3779B1)


def _densify(sig: np.ndarray, has_text: np.ndarray) -> None:
    empty = (sig == _EMPTY) & has_text[:, None]
    if not empty.any():
        return
    source = sig.copy()
    filled = ~(source == _EMPTY)
    with np.errstate(over="ignore"):
        for shift in range(1, NUM_PERM):
            if not empty.any():
                break
            rolled_value = np.roll(source, -shift, axis=1)
            rolled_ok = np.roll(filled, -shift, axis=1)
            take = empty & rolled_ok
            sig[take] = rolled_value[take] + _DENSIFY_STEP * np.uint32(shift)
            empty &= ~take


def text_similarity(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    if sig_a[0] == _EMPTY and (sig_a == _EMPTY).all():
        return 0.0
    return float(np.mean(sig_a == sig_b))


# --- Place ------------------------------------------------------------------------------------

def _block(code: str | None) -> str:
    """The regency/city of a code (the slice a query compares in full); a province code is its own block."""
    if not code:
        return ""
    return ".".join(code.split(".")[:2])


def haversine_m(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=np.float64)) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def place_relation(code_a: str | None, lat_a, lon_a, code_b: str | None, lat_b, lon_b,
                   *, max_metres: float = MAX_METRES) -> tuple[str, float | None]:
    """``same`` / ``area`` / ``unknown`` / ``different`` and the distance in metres when both
    sides have coordinates. A village code is a code with four parts (Kemendagri)."""
    distance = None
    if None not in (lat_a, lon_a, lat_b, lon_b) and not any(_isnan(v) for v in (lat_a, lon_a, lat_b, lon_b)):
        distance = float(haversine_m(lat_a, lon_a, lat_b, lon_b))
        if distance <= max_metres:
            return "same", distance
    if code_a and code_b:
        if code_a == code_b and code_a.count(".") == 3:
            return "same", distance
        if code_a == code_b or code_a.startswith(code_b + ".") or code_b.startswith(code_a + "."):
            return ("area", distance) if distance is None else ("different", distance)
        return "different", distance
    if distance is not None:
        return "different", distance
    return "unknown", None


def _isnan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _score(text: float, place: str, days: float, window: float) -> float:
    return round((0.7 * text + PLACE_WEIGHT[place]) * (1 - TIME_PENALTY * min(days / window, 1.0)), 4)


# --- The index --------------------------------------------------------------------------------

def _epoch(at) -> float:
    if isinstance(at, datetime):
        return at.timestamp()
    return float(at)


def _row(row) -> tuple:
    if isinstance(row, dict):
        return (row["key"], row.get("title", ""), row.get("body", ""), row.get("region_code") or "",
                row.get("latitude"), row.get("longitude"), row["at"], row.get("is_open", True))
    row = tuple(row)
    return row if len(row) == 8 else row + (True,)


class DuplicateIndex:
    """In-memory index of open reports. Build once (``build``), then ``add`` new reports and
    ``close`` closed ones as they happen; ``query`` returns the best candidates. Added rows
    live in a small tail scanned in full until the next ``build``."""

    def __init__(self, *, window_days: float = WINDOW_DAYS, max_metres: float = MAX_METRES):
        self.window_days = float(window_days)
        self.max_metres = float(max_metres)
        self._keys = np.empty(0, np.int64)
        self._n = 0
        self._codes: list[str] = []
        self._blocks: dict[str, int] = {}
        self._set_arrays(np.empty((0, NUM_PERM), np.uint32), np.empty(0), np.empty(0, np.int32),
                         np.empty(0, np.int32), np.empty(0), np.empty(0), np.empty(0, bool))
        self._tail: list[int] = []

    # Building -------------------------------------------------------------------------------
    @classmethod
    def build(cls, rows: Iterable, *, window_days: float = WINDOW_DAYS, max_metres: float = MAX_METRES,
              sigs: np.ndarray | None = None) -> DuplicateIndex:
        """``sigs``: signatures already computed for the same rows (``signatures()``)."""
        index = cls(window_days=window_days, max_metres=max_metres)
        rows = [_row(r) for r in rows]
        n = len(rows)
        if sigs is None:
            sigs = signatures([(r[1], r[2]) for r in rows])
        codes_intern: dict[str, int] = {}
        code_ids = np.empty(n, np.int32)
        block_ids = np.empty(n, np.int32)
        at = np.empty(n, np.float64)
        lat = np.full(n, np.nan)
        lon = np.full(n, np.nan)
        is_open = np.empty(n, bool)
        for i, (key, _t, _b, code, la, lo, when, op) in enumerate(rows):
            code_ids[i] = codes_intern.setdefault(code, len(codes_intern))
            block = _block(code)
            block_ids[i] = index._blocks.setdefault(block, len(index._blocks)) if block else -1
            at[i] = _epoch(when)
            if la is not None and lo is not None:
                lat[i], lon[i] = float(la), float(lo)
            is_open[i] = bool(op)
        keys = [r[0] for r in rows]
        index._keys = np.array(keys, dtype=np.int64) if all(isinstance(k, (int, np.integer)) for k in keys) \
            else np.array(keys, dtype=object)
        index._n = n
        index._codes = [""] * len(codes_intern)
        for code, i in codes_intern.items():
            index._codes[i] = code
        index._code_lookup = codes_intern
        index._set_arrays(sigs, at, code_ids, block_ids, lat, lon, is_open)
        index._build_structures()
        return index

    def _set_arrays(self, sigs, at, code_ids, block_ids, lat, lon, is_open):
        self._sig, self._at, self._code, self._blockid = sigs, at, code_ids, block_ids
        self._lat, self._lon, self._open = lat, lon, is_open
        if not hasattr(self, "_code_lookup"):
            self._code_lookup = {}

    def _build_structures(self):
        n = self._n
        # Regency slices sorted by time.
        order = np.lexsort((self._at, self._blockid)).astype(np.int32)
        self._block_order = order
        self._block_at = self._at[order]
        bounds = np.searchsorted(self._blockid[order], np.arange(len(self._blocks) + 1))
        self._block_bounds = bounds  # block b → order[bounds[b]:bounds[b+1]]
        # Coordinates grid.
        cells = self._cells(self._lat, self._lon)
        has = ~np.isnan(self._lat)
        grid_rows = np.nonzero(has)[0].astype(np.int32)
        grid_order = np.argsort(cells[has], kind="stable")
        self._grid_cells = cells[has][grid_order]
        self._grid_rows = grid_rows[grid_order]
        # LSH bands.
        self._band_keys, self._band_rows = [], []
        for b in range(BANDS):
            keys = self._band_hash(self._sig[:, b * ROWS:(b + 1) * ROWS])
            empty = self._sig[:, 0] == _EMPTY
            keys = keys[~empty]
            rows = np.nonzero(~empty)[0].astype(np.int32)
            o = np.argsort(keys, kind="stable")
            self._band_keys.append(keys[o])
            self._band_rows.append(rows[o])
        self._tail = []

    @staticmethod
    def _band_hash(part: np.ndarray) -> np.ndarray:
        h = np.full(part.shape[0], np.uint64(1469598103934665603))
        for j in range(part.shape[1]):
            h = (h ^ part[:, j].astype(np.uint64)) * np.uint64(1099511628211)
        return h

    def _cells(self, lat, lon) -> np.ndarray:
        size = self.max_metres / 111_320.0
        with np.errstate(invalid="ignore"):
            y = np.floor((np.nan_to_num(lat) + 90) / size).astype(np.int64)
            x = np.floor((np.nan_to_num(lon) + 180) / size).astype(np.int64)
        return y * 10_000_000 + x

    # Changes --------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._n

    def _ensure_capacity(self, extra: int) -> None:
        need = self._n + extra
        if need <= self._sig.shape[0]:
            return
        cap = max(need, int(self._sig.shape[0] * 1.5) + 16)

        def grow(a, fill):
            out = np.full((cap,) + a.shape[1:], fill, dtype=a.dtype)
            out[:a.shape[0]] = a
            return out
        self._sig = grow(self._sig, _EMPTY)
        self._at, self._code, self._blockid = grow(self._at, 0), grow(self._code, 0), grow(self._blockid, -1)
        self._lat, self._lon, self._open = grow(self._lat, np.nan), grow(self._lon, np.nan), grow(self._open, False)
        self._keys = grow(self._keys, 0 if self._keys.dtype != object else None)

    def add(self, row) -> None:
        """A new open report: compared in full by every query until the next ``build``."""
        key, title, body, code, la, lo, when, op = _row(row)
        self._ensure_capacity(1)
        i = self._n
        if self._keys.dtype != object and not isinstance(key, (int, np.integer)):
            self._keys = self._keys.astype(object)
        self._keys[i] = key
        code_id = self._code_lookup.setdefault(code, len(self._codes))
        if code_id == len(self._codes):
            self._codes.append(code)
        block = _block(code)
        self._sig[i] = signature(title, body)
        self._at[i] = _epoch(when)
        self._code[i] = code_id
        self._blockid[i] = self._blocks.setdefault(block, len(self._blocks)) if block else -1
        self._lat[i] = np.nan if la is None else float(la)
        self._lon[i] = np.nan if lo is None else float(lo)
        self._open[i] = bool(op)
        self._tail.append(i)
        self._n += 1

    def close(self, key) -> None:
        """The report closed or was archived: it is no longer a candidate."""
        self._open[:self._n][self._keys[:self._n] == key] = False

    # Query ----------------------------------------------------------------------------------
    def _candidate_rows(self, sig, code, lat, lon, at) -> np.ndarray:
        window = self.window_days * 86400
        parts = []
        block = _block(code)
        blocks = [block] + ([code.split(".")[0]] if block and "." in block else [])
        for name in blocks:
            b = self._blocks.get(name)
            if b is None or b + 1 >= len(self._block_bounds):
                continue
            lo_, hi_ = self._block_bounds[b], self._block_bounds[b + 1]
            times = self._block_at[lo_:hi_]
            a = np.searchsorted(times, at - window, "left")
            z = np.searchsorted(times, at + window, "right")
            parts.append(self._block_order[lo_ + a:lo_ + z])
        if lat is not None and lon is not None and self._grid_cells.size:
            centre = self._cells(np.array([lat]), np.array([lon]))[0]
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    cell = centre + dy * 10_000_000 + dx
                    a = np.searchsorted(self._grid_cells, cell, "left")
                    z = np.searchsorted(self._grid_cells, cell, "right")
                    if z > a:
                        parts.append(self._grid_rows[a:z])
        if sig[0] != _EMPTY or not (sig == _EMPTY).all():
            for b in range(BANDS):
                key = self._band_hash(sig[None, b * ROWS:(b + 1) * ROWS])[0]
                keys = self._band_keys[b]
                a = np.searchsorted(keys, key, "left")
                z = np.searchsorted(keys, key, "right")
                if 0 < z - a <= BUCKET_CAP:
                    parts.append(self._band_rows[b][a:z])
        if self._tail:
            parts.append(np.array(self._tail, dtype=np.int32))
        if not parts:
            return np.empty(0, np.int32)
        return np.unique(np.concatenate(parts))

    def query(self, *, title: str, body: str = "", region_code: str | None = None, latitude=None, longitude=None,
              at, limit: int = 5, exclude: Iterable = ()) -> list[Match]:
        """The best ``limit`` open candidates for a report (or a draft not yet stored)."""
        sig = signature(title, body)
        if (sig == _EMPTY).all():
            return []
        code = region_code or ""
        t = _epoch(at)
        la = None if latitude is None else float(latitude)
        lo = None if longitude is None else float(longitude)
        rows = self._candidate_rows(sig, code, la, lo, t)
        if rows.size == 0:
            return []
        window = self.window_days * 86400
        rows = rows[self._open[rows] & (np.abs(self._at[rows] - t) <= window)]
        if rows.size == 0:
            return []
        text = (self._sig[rows] == sig).mean(axis=1)
        keep = text >= min(TEXT_MIN.values())
        rows, text = rows[keep], text[keep]
        excluded = set(exclude)
        found: list[Match] = []
        for row, score in zip(rows.tolist(), text.tolist(), strict=True):
            key = self._keys[row]
            key = key.item() if isinstance(key, np.generic) else key
            if key in excluded:
                continue
            lat_r, lon_r = self._lat[row], self._lon[row]
            place, distance = place_relation(
                code, la, lo, self._codes[self._code[row]],
                None if np.isnan(lat_r) else float(lat_r), None if np.isnan(lon_r) else float(lon_r),
                max_metres=self.max_metres)
            if place == "different" or score < TEXT_MIN[place]:
                continue
            days = float(abs(self._at[row] - t) / 86400)
            found.append(Match(key=key, score=_score(score, place, days, self.window_days), text_score=round(score, 4),
                               place=place, distance_m=None if distance is None else round(distance, 1),
                               days_apart=round(days, 2)))
        found.sort(key=lambda m: (-m.score, m.days_apart))
        return found[:limit]

    def memory_bytes(self) -> int:
        arrays = [self._keys, self._sig, self._at, self._code, self._blockid, self._lat, self._lon, self._open,
                  self._block_order, self._block_at, self._block_bounds, self._grid_cells, self._grid_rows,
                  *self._band_keys, *self._band_rows]
        return int(sum(a.nbytes for a in arrays))


def duplicates_find(query: dict, rows: Iterable, *, limit: int = 5, window_days: float = WINDOW_DAYS,
                    max_metres: float = MAX_METRES) -> list[Match]:
    """One-off search over a small set of candidate rows (the layer-3 caller's prefiltered
    open reports): builds a throw-away index and queries it. ``query`` has the row fields
    (``title``, ``body``, ``region_code``, ``latitude``, ``longitude``, ``at``, optional ``key``)."""
    index = DuplicateIndex.build(rows, window_days=window_days, max_metres=max_metres)
    exclude = [query["key"]] if query.get("key") is not None else []
    return index.query(title=query.get("title", ""), body=query.get("body", ""), region_code=query.get("region_code"),
                       latitude=query.get("latitude"), longitude=query.get("longitude"), at=query["at"],
                       limit=limit, exclude=exclude)
