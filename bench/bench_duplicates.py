"""Benchmark: duplicate-check latency with 1,000,000 open reports indexed (issue #6).

    .venv/bin/python bench/bench_duplicates.py [--reports 1000000] [--queries 2000] [--data /work/shared/data]

Synthetic reports, never real texts: words are drawn (by frequency) from the vocabulary of
the shared datasets (lapor-stream-2017 ``subject``/``body``, laporgub-jateng ``laporan``;
alphabetic words of 3–14 letters seen in at least 3 reports, so no name or number of a
citizen survives), titles of 3–7 words and bodies of 12–45 words; places are real
Kemendagri village codes (``wilayah-kemendagri/wilayah.csv``), a few busy villages getting
many reports as cities do; 30 % carry coordinates, 5 % no place at all; submission times
spread over 120 days. Queries: half are near-repeats of an indexed report (two words
dropped, a letter changed, "jalan"→"jln"), half fresh texts.

Prints the build time and memory (index arrays; tracemalloc peak of the build; process
max RSS), then the duplicate-check latency per report (p50/p95/p99) and the share of
near-repeats found in the top 5. Prints figures only. Target: p95 ≤ 10 ms.
"""

from __future__ import annotations

import argparse
import csv
import re
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aduan.routing.duplicates import DuplicateIndex, signatures  # noqa: E402

csv.field_size_limit(10_000_000)
_WORD = re.compile(r"[a-z]{3,14}")


def vocabulary(data: Path) -> tuple[list[str], np.ndarray]:
    docs = Counter()
    for path, cols in [("lapor-stream-2017/lapor_stream_2017_80.csv", ("subject", "body")),
                       ("laporgub-jateng/laporgub_jateng_80.csv", ("laporan",))]:
        file = data / path
        if not file.exists():
            continue
        with file.open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                docs.update(set(_WORD.findall(" ".join(r.get(c, "") for c in cols).lower())))
    words = [w for w, n in docs.items() if n >= 3]
    if not words:
        words = "jalan rusak lampu mati sampah air bersih listrik sekolah guru pasar izin bansos".split()
        weights = np.ones(len(words))
    else:
        weights = np.array([docs[w] for w in words], dtype=float)
    return words, weights / weights.sum()


def villages(data: Path) -> list[str]:
    file = data / "wilayah-kemendagri/wilayah.csv"
    if not file.exists():
        return [f"33.74.01.{1000 + i}" for i in range(500)]
    with file.open(encoding="utf-8", newline="") as fh:
        return [r["kode"] for r in csv.DictReader(fh) if r["level"] in ("desa", "kelurahan", "desa_kelurahan") or r["kode"].count(".") == 3]


def perturb(text: str, rng) -> str:
    words = text.split()
    for _ in range(min(2, max(0, len(words) - 6))):
        words.pop(int(rng.integers(len(words))))
    i = int(rng.integers(len(words)))
    w = words[i]
    if len(w) > 4:
        j = int(rng.integers(1, len(w) - 1))
        words[i] = w[:j] + w[j + 1:]  # a dropped letter
    return " ".join("jln" if w == "jalan" else w for w in words)


def synthetic_reports(n: int, data: Path, rng):
    """``n`` synthetic open reports: (rows for ``DuplicateIndex.build``, (title, body) texts,
    the vocabulary and its probabilities, submission epochs, the window's start)."""
    words, p = vocabulary(data)
    codes = villages(data)
    # Places: 20 % of reports in 200 busy villages, the rest spread over all villages.
    busy = rng.choice(len(codes), size=200, replace=False)
    place_idx = np.where(rng.random(n) < 0.2, busy[rng.integers(0, 200, n)], rng.integers(0, len(codes), n))
    no_place = rng.random(n) < 0.05
    has_coord = (rng.random(n) < 0.3) & ~no_place
    lat = -6.0 - (place_idx % 5000) / 1000 + rng.normal(0, 0.002, n)
    lon = 106.0 + (place_idx // 5000) / 10 + rng.normal(0, 0.002, n)
    base = datetime(2026, 8, 1, tzinfo=UTC).timestamp()
    at = base + rng.random(n) * 120 * 86400
    title_len = rng.integers(3, 8, n)
    body_len = rng.integers(12, 46, n)
    drawn = rng.choice(len(words), size=int((title_len + body_len).sum()), p=p)
    rows, texts, pos = [], [], 0
    for i in range(n):
        t = " ".join(words[j] for j in drawn[pos:pos + title_len[i]])
        pos += title_len[i]
        b = " ".join(words[j] for j in drawn[pos:pos + body_len[i]])
        pos += body_len[i]
        texts.append((t, b))
        rows.append((i, "", "", "" if no_place[i] else codes[place_idx[i]],
                     float(lat[i]) if has_coord[i] else None, float(lon[i]) if has_coord[i] else None, float(at[i]), True))
    return rows, texts, words, p, at, base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--data", default="/work/shared/data")
    args = parser.parse_args()
    rng = np.random.default_rng(6)
    data = Path(args.data)

    t0 = time.perf_counter()
    n = args.reports
    rows, texts, words, p, at, base = synthetic_reports(n, data, rng)
    print(f"generated {n} synthetic reports from a vocabulary of {len(words)} words in {time.perf_counter() - t0:.1f} s")

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    sigs = signatures(texts)
    t_sig = time.perf_counter() - t0
    # tracemalloc slows Python allocation several-fold, so only the array-building step runs under it.
    tracemalloc.start()
    t1 = time.perf_counter()
    index = DuplicateIndex.build(rows, sigs=sigs)
    t_build = time.perf_counter() - t1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"index: {len(index)} reports; signatures {t_sig:.1f} s + structures {t_build:.1f} s (under tracemalloc) "
          f"= {t_sig + t_build:.1f} s")
    print(f"memory: index arrays {index.memory_bytes() / 2**20:.0f} MiB "
          f"({index.memory_bytes() / max(len(index), 1):.0f} B/report); tracemalloc peak while building the structures "
          f"{peak / 2**20:.0f} MiB; process max RSS {rss_before:.0f} MiB after generating the synthetic texts, "
          f"{rss:.0f} MiB after building")

    latencies, found_repeat, repeats = [], 0, 0
    for q in range(args.queries):
        i = int(rng.integers(n))
        repeat = q % 2 == 0
        if repeat:
            title, body = perturb(texts[i][0], rng), perturb(texts[i][1], rng)
            when = at[i] + rng.random() * 10 * 86400
        else:
            tl, bl = int(rng.integers(3, 8)), int(rng.integers(12, 46))
            ws = rng.choice(len(words), size=tl + bl, p=p)
            title, body = " ".join(words[j] for j in ws[:tl]), " ".join(words[j] for j in ws[tl:])
            when = base + rng.random() * 120 * 86400
        code = rows[i][3]
        la, lo = rows[i][4], rows[i][5]
        start = time.perf_counter()
        matches = index.query(title=title, body=body, region_code=code, latitude=la, longitude=lo, at=when, limit=5)
        latencies.append(time.perf_counter() - start)
        if repeat:
            repeats += 1
            found_repeat += any(m.key == i for m in matches)
    latencies.sort()

    def pct(x):
        return latencies[min(len(latencies) - 1, int(x * len(latencies)))] * 1000
    print(f"duplicate check: {len(latencies)} queries; p50 {statistics.median(latencies) * 1000:.2f} ms, "
          f"p95 {pct(0.95):.2f} ms, p99 {pct(0.99):.2f} ms, max {latencies[-1] * 1000:.2f} ms")
    print(f"near-repeats found in the top 5: {found_repeat}/{repeats} ({100 * found_repeat / max(repeats, 1):.1f} %)")


if __name__ == "__main__":
    main()
