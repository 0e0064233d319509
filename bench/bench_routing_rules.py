"""Benchmark: the routing rules engine and agency-name matching over the demo directory.

    DATABASE_URL=sqlite:////tmp/x.sqlite3 .venv/bin/python bench/bench_routing_rules.py [--count 2000]

Needs a database with the regions, the demo directory and the default rules
(``manage.py migrate && manage.py regions_load && manage.py agencies_load_demo &&
manage.py routing_rules_seed``); it only reads. It times ``rules_resolve`` for a fixed mix
of (category, region, asset owner) questions over the seeded rules, one call after
another, and ``agency_match`` over the distinct agency names of the shared LAPOR! CSV with
one prebuilt index, and prints p50/p95/max in ms and queries per resolution. It prints
figures and never asserts (DESIGN.md §3).
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

QUESTIONS = [
    ("infrastruktur", "33.74.10", "national"), ("infrastruktur", "33.74.10", "provincial"),
    ("infrastruktur", "33.74.10", "regency"), ("infrastruktur", "33.21", ""), ("kesehatan", "35.22", ""),
    ("jaminan-kesehatan", "62.71", ""), ("pertanahan", "33.74.10", ""), ("listrik", "33.74", ""),
    ("transportasi", "31.74", ""), ("pendidikan", None, ""), ("lain-lain", "12.71", ""), (None, "33.74", ""),
]


def percentiles(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[int(0.95 * (len(samples) - 1))]
    return f"p50 {statistics.median(samples):.2f} ms, p95 {p95:.2f} ms, max {samples[-1]:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aduan.routing.aliases import AliasIndex, agency_match
    from aduan.routing.models import RoutingRule
    from aduan.routing.rules import rules_resolve

    print(f"database: {connection.vendor}; active rules: {RoutingRule.objects.filter(is_active=True).count()}")
    with CaptureQueriesContext(connection) as queries:
        for category, region, owner in QUESTIONS:
            rules_resolve(category=category, region=region, asset_owner=owner)
    per_call = len(queries) / len(QUESTIONS)
    times, resolved = [], 0
    for i in range(args.count):
        category, region, owner = QUESTIONS[i % len(QUESTIONS)]
        start = time.perf_counter()
        match = rules_resolve(category=category, region=region, asset_owner=owner)
        times.append((time.perf_counter() - start) * 1000)
        resolved += match is not None
    print(f"rules_resolve x{args.count}: {percentiles(times)}; resolved {resolved}/{args.count}; "
          f"{per_call:.1f} queries per call")

    path = settings.SHARED_DATA_DIR / "lapor-stream-2017" / "agencies_yth_80.csv"
    if not path.exists():
        print("agency names CSV absent; agency_match not measured")
        return
    with open(path, newline="", encoding="utf-8") as handle:
        names = sorted({row["agency_yth"].strip() for row in csv.DictReader(handle) if row["agency_yth"].strip()})
    start = time.perf_counter()
    index = AliasIndex()
    built = (time.perf_counter() - start) * 1000
    times = []
    for name in names:
        start = time.perf_counter()
        agency_match(name, index=index)
        times.append((time.perf_counter() - start) * 1000)
    print(f"AliasIndex build: {built:.1f} ms; agency_match x{len(names)} names: {percentiles(times)}")


if __name__ == "__main__":
    main()
