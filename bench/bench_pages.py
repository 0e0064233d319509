"""Benchmark: the public report page and the search page under concurrent load, against a
bare Django view (``/ping``: no database, no template) on the same server; prints req/s,
latency percentiles and the ratio to the bare view.

    .venv/bin/python bench/bench_pages.py [--reports 2000] [--requests 600] [--concurrency 8] [--workers 2]

It builds a throw-away SQLite database (or uses DATABASE_URL) with ``--reports`` published
reports made through the service layer, starts gunicorn on a free loopback port with
``--workers`` sync workers, and drives it from this process with a thread pool. Only
127.0.0.1 is ever contacted; every loop is bounded by ``--requests``. Prints figures, never
asserts (DESIGN.md §3). On a 2-core machine the load generator shares the CPU with the
server, so compare the ratios, not the absolute numbers, between runs.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(count: int) -> str:
    """Create ``count`` published reports; return one reference to fetch."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from aduan.accounts.models import Membership, User
    from aduan.agencies.models import Agency
    from aduan.regions.models import Region
    from aduan.reports.models import Report
    from aduan.reports.services.submit import ReportDraft, report_submit
    from aduan.reports.services.transition import report_transition

    Region.objects.get_or_create(code="33", defaults={"name": "Jawa Tengah", "level": 1})
    agency, _ = Agency.objects.get_or_create(slug="bench-dinas", defaults={"name": "Dinas Bench", "kind": "province"})
    admin, _ = User.objects.get_or_create(username="bench-admin")
    Membership.objects.get_or_create(user=admin, agency=None, role="national_admin")
    existing = Report.objects.filter(status="disposed").count()
    now = timezone.now()
    for i in range(existing, count):
        report = report_submit(draft=ReportDraft(
            title=f"Jalan rusak nomor {i}", body=f"Laporan uji beban {i}: jalan berlubang di ruas {i % 50}.",
            incident_date=date.today() - timedelta(days=3), region_code="33"), now=now).report
        report_transition(report=report, action="verify_dispose", actor=admin, expected_status="submitted", agency=agency.pk)
        if i % 500 == 0:
            print(f"  prepared {i}/{count}", file=sys.stderr)
    return Report.objects.filter(status="disposed").values_list("reference", flat=True).first()


def hammer(port: int, path: str, total: int, concurrency: int) -> dict:
    def one(_):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        conn.close()
        return time.perf_counter() - start, response.status

    for _ in range(10):  # warm-up
        one(None)
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(one, range(total)))
    elapsed = time.perf_counter() - started
    latencies = sorted(r[0] for r in results)
    statuses = {s for _, s in results}
    return {
        "rps": total / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "statuses": sorted(statuses),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DEBUG"] = "false"
    if not os.environ.get("DATABASE_URL"):
        os.environ["ADUAN_VAR_DIR"] = tempfile.mkdtemp(prefix="aduan-bench-pages-")
    reference = prepare(args.reports)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=os.environ.copy(),
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        import django.db

        print(f"database: {django.db.connection.vendor}; {args.reports} published reports; "
              f"{args.workers} gunicorn workers; {args.concurrency} concurrent clients; {args.requests} requests each")
        baseline = hammer(port, "/ping", args.requests, args.concurrency)
        rows = [("bare view /ping", baseline)]
        for label, path in (("report page", f"/laporan/{reference}/"), ("search", "/laporan/?q=jalan"),
                            ("search, page 5", "/laporan/?q=jalan&page=5")):
            rows.append((label, hammer(port, path, args.requests, args.concurrency)))
        print(f"{'endpoint':<18} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'vs bare':>8}  statuses")
        for label, r in rows:
            print(f"{label:<18} {r['rps']:8.1f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} "
                  f"{r['rps'] / baseline['rps']:8.2f}  {r['statuses']}")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
