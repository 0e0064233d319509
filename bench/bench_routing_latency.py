"""Benchmark: routing + duplicate check per report, with 1,000,000 open reports indexed (issue #6).

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/bench_routing_latency.py \
        [--reports 1000000] [--queries 1000] [--models DIR] [--data /work/shared/data]

Needs a database prepared like ``make setup`` (regions, the demo directory, the default
rules); it only reads. What one submitted report costs, on the production code paths:

1. **routing** — ``reports.services.routing.route_suggest`` on an unsaved report placed in a
   random regency/city: the category (sector) model's top three, the rules engine for each
   sector at that place, the agency model's top three matched to the directory through the
   aliases, and the combination. The models are the promoted ones in ``--models`` or, by
   default, trained here on laporgub-jateng 80 %: ``kategori`` mapped to the demo
   directory's categories (their seed names the LaporGub! kategori) and ``diteruskan``;
2. **duplicate check** — ``DuplicateIndex.query`` over ``--reports`` synthetic open reports
   (``bench_duplicates.synthetic_reports``: no citizen's text), in the query's village,
   within the time window. In production ``duplicate_index.live_index`` first catches up
   with two indexed queries (new ids; ``updated_at``); their cost is printed separately on
   this database.

Query texts are the laporgub-jateng reports (real complaints, held in memory only, never
printed). Prints p50/p95/p99 per step and for the sum, the index memory and the process's
maximum RSS. Prints figures, never asserts. Target: p95 ≤ 10 ms for routing + duplicate check.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
csv.field_size_limit(10_000_000)


def pct(samples: list[float]) -> str:
    s = sorted(samples)

    def at(q):
        return s[min(len(s) - 1, int(q * len(s)))]
    return f"p50 {statistics.median(s):.2f} ms, p95 {at(0.95):.2f} ms, p99 {at(0.99):.2f} ms, max {s[-1]:.2f} ms"


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def laporgub_rows(data: Path) -> list[dict]:
    with open(data / "laporgub-jateng" / "laporgub_jateng_80.csv", newline="", encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if (r.get("laporan") or "").strip()]


def train_models(rows: list[dict], folder: Path) -> None:
    from aduan.routing.classifier import train_model
    from aduan.routing.management.commands.routing_models_seed import kategori_to_slug
    from aduan.routing.places import gazetteer_from_database

    gazetteer = gazetteer_from_database()
    slugs = kategori_to_slug()
    sectors = [(r["laporan"], slugs[r["kategori"].strip().upper()]) for r in rows
               if r["kategori"].strip().upper() in slugs]
    agencies = [(r["laporan"], r["diteruskan"].strip()) for r in rows if r["diteruskan"].strip()]
    for name, examples in (("category", sectors), ("agency", agencies)):
        t0 = time.perf_counter()
        result = train_model(examples, name=name, directory=folder, gazetteer=gazetteer, holdout=0.2)
        print(f"trained {name} model on {len(examples)} rows in {time.perf_counter() - t0:.0f} s "
              f"(held-out top-1 {result.new_metrics['top1_accuracy']:.3f}; file {result.path.stat().st_size / 2**20:.1f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--models", default=None, help="folder with promoted models (default: train them here)")
    parser.add_argument("--data", default="/work/shared/data")
    args = parser.parse_args()
    data = Path(args.data)

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from aduan.regions.models import Region
    from aduan.reports.models import Report
    from aduan.reports.services.routing import route_suggest, routing_cache_clear, routing_model
    from aduan.routing.duplicates import DuplicateIndex, signatures
    from bench_duplicates import synthetic_reports

    print(f"database: {connection.vendor}; regions {Region.objects.count()}")
    rows = laporgub_rows(data)
    folder = Path(args.models) if args.models else Path(tempfile.mkdtemp(prefix="aduan-bench-models-"))
    if not args.models:
        train_models(rows, folder)
    settings.ADUAN_ROUTING_MODEL_DIR = folder
    routing_cache_clear()
    before_models = rss_mib()
    t0 = time.perf_counter()
    loaded = [k for k in ("category", "agency", "kind") if routing_model(k) is not None]
    print(f"models loaded: {', '.join(loaded)} in {time.perf_counter() - t0:.2f} s; "
          f"max RSS {before_models:.0f} → {rss_mib():.0f} MiB")

    rng = np.random.default_rng(11)
    t0 = time.perf_counter()
    synthetic, texts, *_ = synthetic_reports(args.reports, data, rng)
    sigs = signatures(texts)
    index = DuplicateIndex.build(synthetic, sigs=sigs)
    del texts, sigs
    print(f"duplicate index: {len(index)} open reports built in {time.perf_counter() - t0:.0f} s; "
          f"index arrays {index.memory_bytes() / 2**20:.0f} MiB ({index.memory_bytes() / max(len(index), 1):.0f} B/report); "
          f"process max RSS {rss_mib():.0f} MiB")

    regencies = list(Region.objects.filter(level=2).values_list("code", flat=True))
    regions = Region.objects.in_bulk(regencies, field_name="code")
    villages = [r[3] for r in synthetic[: 200_000] if r[3]]
    now = timezone.now()
    route_ms, dup_ms, total_ms, queries, auto, suggested = [], [], [], [], 0, 0
    for q in range(args.queries):
        row = rows[int(rng.integers(len(rows)))]
        body = row["laporan"]
        title = body[:80]
        report = Report(title=title, body=body, region=regions[regencies[int(rng.integers(len(regencies)))]],
                        submitted_at=now)
        report.region_id = report.region.code
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            outcome = route_suggest(report)
            routed = time.perf_counter()
        village = villages[int(rng.integers(len(villages)))]
        at = float(synthetic[int(rng.integers(len(synthetic)))][6])
        t_dup = time.perf_counter()
        index.query(title=title, body=body, region_code=village, at=at, limit=5)
        done = time.perf_counter()
        route_ms.append((routed - start) * 1000)
        dup_ms.append((done - t_dup) * 1000)
        total_ms.append((routed - start + done - t_dup) * 1000)
        queries.append(len(captured))
        auto += outcome.auto
        suggested += bool(outcome.candidates)
    print(f"routing x{args.queries}: {pct(route_ms)}; {statistics.mean(queries):.1f} database queries per report; "
          f"a suggestion for {suggested}, automatic for {auto}")
    print(f"duplicate check x{args.queries}: {pct(dup_ms)}")
    print(f"routing + duplicate check per report: {pct(total_ms)}")

    # The live index's catch-up, on this database (two indexed queries).
    catch = []
    for _ in range(200):
        start = time.perf_counter()
        list(Report.objects.filter(pk__gt=10**9).values_list("pk"))
        list(Report.objects.filter(updated_at__gte=now).exclude(status__in=["submitted"]).values_list("pk"))
        catch.append((time.perf_counter() - start) * 1000)
    print(f"live-index catch-up (2 queries, {connection.vendor}): {pct(catch)}")
    print(f"process max RSS {rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
