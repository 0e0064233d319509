"""Benchmark: how many real reports the emergency detector flags (issue #6).

    .venv/bin/python bench/bench_emergency.py [--data /work/shared/data]

Runs ``aduan.routing.emergency.emergency_detect`` over every report of the shared real
datasets — lapor-stream-2017 (``subject`` + ``body``), laporgub-jateng (``laporan``) and
the Jakarta Barat CRM file (``pengaduan``) — and prints, per dataset, the number of reports,
the number flagged and the flags per kind; for laporgub-jateng also the flags per portal
``kategori`` (the only label that says "BENCANA"), and the detection time per report.
Counts only: no report text, phrase match or row number is printed (the texts are real
citizens' words). These reports are complaints filed days or weeks after the fact, so
almost none should be flagged; every flag is a candidate false alarm to review by hand
(privately) before changing the phrase list.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aduan.routing.emergency import emergency_detect  # noqa: E402  (pure module, no Django needed)

csv.field_size_limit(10_000_000)

DATASETS = [
    ("lapor-stream-2017", "lapor-stream-2017/lapor_stream_2017_80.csv", "subject", "body", None),
    ("laporgub-jateng", "laporgub-jateng/laporgub_jateng_80.csv", None, "laporan", "kategori"),
    ("crm-jakbar-2017", "laporgub-jateng/crm_jakbar_2017_80.csv", None, "pengaduan", "kategori"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="/work/shared/data")
    args = parser.parse_args()
    data = Path(args.data)
    total_rows = total_flags = 0
    timings: list[float] = []
    for name, path, title_col, body_col, group_col in DATASETS:
        file = data / path
        if not file.exists():
            print(f"{name}: missing ({file}), skipped")
            continue
        kinds: Counter = Counter()
        groups: Counter = Counter()
        flagged_groups: Counter = Counter()
        rows = flagged = 0
        with file.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                rows += 1
                start = time.perf_counter()
                found = emergency_detect(row.get(title_col, "") if title_col else "", row.get(body_col, ""))
                timings.append(time.perf_counter() - start)
                group = (row.get(group_col) or "").strip() if group_col else ""
                groups[group] += 1
                if found is not None:
                    flagged += 1
                    kinds[found.kind] += 1
                    flagged_groups[group] += 1
        total_rows += rows
        total_flags += flagged
        share = 100 * flagged / rows if rows else 0.0
        print(f"{name}: {rows} reports, {flagged} flagged ({share:.2f} %)"
              + (": " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) if kinds else ""))
        if group_col and flagged_groups:
            print(f"  flagged per {group_col}: "
                  + ", ".join(f"{g or '(empty)'} {n}/{groups[g]}" for g, n in flagged_groups.most_common()))
    if timings:
        timings.sort()
        p95 = timings[int(0.95 * (len(timings) - 1))]
        print(f"all: {total_rows} reports, {total_flags} flagged; detection p50 {statistics.median(timings) * 1000:.3f} ms, "
              f"p95 {p95 * 1000:.3f} ms per report")


if __name__ == "__main__":
    main()
