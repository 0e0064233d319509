"""Benchmark: latency of ``GET /open311/v2/requests.json`` (default window and with filters)
over N reports; prints p50/p95 per query, never asserts (DESIGN.md §3).

    .venv/bin/python bench/bench_open311.py [--count 100000] [--sample 400] [--requests 200]
        [--concurrency 8] [--workers 2] [--in-process] [--var-dir DIR] [--keep]

Data. ``--sample`` reports go through the real services: ``report_submit`` (synthetic
Indonesian text, 5 categories, 10% anonymous, 5% confidential) and ``report_transition``
along the real paths (10% left submitted, 3% archived, the rest disposed → follow-up →
response → confirmation in realistic proportions), at times spread over the last 120 days
so the 90-day default window cuts some off. The rest of ``--count`` are copies of those
service-made rows written with ``bulk_create`` for speed: each copy takes a sample report
with its events and dispositions, shifts every timestamp by one random offset (never into
the future), and gets a fresh reference and token hash. Copies therefore have the same
status mix, timelines, deadlines and privacy flags as reports the services made; only the
audit rows and outbox rows (which Open311 never reads) are not copied. Existing reports
are kept: a second run against the same database only tops up to ``--count``.

Database: a throw-away SQLite file in a temporary ADUAN_VAR_DIR by default (``--var-dir``
to keep and reuse one, ``--keep`` not to delete the temporary one), or PostgreSQL when
DATABASE_URL is set. It prints the query plan of the default-window query, then refreshes
the planner statistics (``ANALYZE``, as production has them; ``--no-analyze`` to skip) and
prints the plan again: without statistics SQLite sorts the whole 90-day window.

Load: gunicorn (``--workers`` sync workers) on a free 127.0.0.1 port driven by a thread
pool of ``--concurrency`` clients, ``--requests`` requests per query after a warm-up;
``--in-process`` uses Django's test client in this process instead (no HTTP server). Only
127.0.0.1 is contacted. On a shared 2-core machine the load generator and the server
compete for the CPU: compare runs on the same machine, not absolute numbers.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CATEGORIES = [("jalan-bench", "Jalan dan jembatan"), ("air-bench", "Air bersih dan saluran"),
              ("ktp-bench", "Administrasi kependudukan"), ("sampah-bench", "Kebersihan dan sampah"),
              ("bansos-bench", "Bantuan sosial")]
SUBJECTS = ["Jalan berlubang", "Lampu jalan mati", "Saluran tersumbat", "Antrean KTP lama", "Sampah menumpuk",
            "Bantuan belum cair", "Trotoar rusak", "Air keruh", "Jembatan retak", "Pohon tumbang"]
PLACES = ["Jalan Melati", "Jalan Kenanga", "Gang Mawar", "Pasar Cempaka", "Terminal Dahlia", "Kelurahan Teratai"]
# Final status of a sample report → share of the sample.
PATHS = [("submitted", 0.10), ("archived", 0.03), ("disposed", 0.17), ("in_progress", 0.20),
         ("responded", 0.20), ("closed", 0.30)]
SPREAD_DAYS = 120


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="reports in the database (default 100000)")
    parser.add_argument("--sample", type=int, default=400, help="reports made through the services (default 400)")
    parser.add_argument("--requests", type=int, default=200, help="requests per query (default 200)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--in-process", action="store_true", help="Django test client instead of gunicorn")
    parser.add_argument("--var-dir", help="SQLite: keep the database in this directory (reused by later runs)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database directory")
    parser.add_argument("--no-analyze", action="store_true",
                        help="do not refresh the planner statistics (ANALYZE) after loading the data")
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args(argv)
    if args.count < 1 or args.sample < 1 or args.requests < 1 or args.concurrency < 1:
        parser.error("--count, --sample, --requests and --concurrency must be positive")
    args.sample = min(args.sample, args.count)
    return args


def setup_django(args) -> Path | None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # The load generator is one client at 127.0.0.1: lift the per-address rate limit for the run.
    os.environ.setdefault("API_RATE_ANON", "100000000/min")
    os.environ.setdefault("API_RATE_KEY", "100000000/min")
    temp = None
    if not os.environ.get("DATABASE_URL"):
        if args.var_dir:
            Path(args.var_dir).mkdir(parents=True, exist_ok=True)
            os.environ["ADUAN_VAR_DIR"] = str(Path(args.var_dir).resolve())
        else:
            temp = Path(tempfile.mkdtemp(prefix="aduan-bench-open311-"))
            os.environ["ADUAN_VAR_DIR"] = str(temp)
    import django

    django.setup()
    return temp


def db_description() -> str:
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        import sqlite3

        return f"sqlite {sqlite3.sqlite_version} ({connection.settings_dict['NAME']})"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"{connection.vendor} {version} ({connection.settings_dict['NAME']})"


# --- Data ------------------------------------------------------------------------------------

def ensure_directory():
    from aduan.accounts.models import Membership, User
    from aduan.agencies.models import Agency, AgencyCategory, AgencyCoverage, Category
    from aduan.regions.models import Region

    for code, name, level, parent in [("33", "Jawa Tengah", 1, None), ("33.74", "Kota Semarang", 2, "33"),
                                      ("33.74.01", "Semarang Tengah", 3, "33.74")]:
        Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
    city, _ = Agency.objects.get_or_create(slug="bench-pemkot", defaults={"name": "Pemerintah Kota (bench)", "kind": "city"})
    unit, _ = Agency.objects.get_or_create(slug="bench-dinas", defaults={"name": "Dinas Pekerjaan Umum (bench)", "kind": "unit",
                                                                         "parent": city})
    social, _ = Agency.objects.get_or_create(slug="bench-dinsos", defaults={"name": "Dinas Sosial (bench)", "kind": "unit",
                                                                            "parent": city})
    for agency in (city, unit, social):
        AgencyCoverage.objects.get_or_create(agency=agency, region_id="33.74")
    categories = []
    for slug, name in CATEGORIES:
        category, _ = Category.objects.get_or_create(slug=slug, defaults={"name": name})
        categories.append(category)
        AgencyCategory.objects.get_or_create(agency=social if slug == "bansos-bench" else unit, category=category,
                                             region=None)
    admin, _ = User.objects.get_or_create(username="bench-open311-admin", defaults={"full_name": "Admin Bench"})
    Membership.objects.get_or_create(user=admin, agency=None, role="national_admin")
    return {"city": city, "unit": unit, "social": social, "categories": categories, "admin": admin}


def pick_path(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for status, share in PATHS:
        total += share
        if roll < total:
            return status
    return PATHS[-1][0]


def make_sample(args, rng, directory, now) -> int:
    """``--sample`` reports through report_submit and report_transition."""
    from django.db import transaction

    from aduan.reports.actors import ReporterToken
    from aduan.reports.models import Channel
    from aduan.reports.services.submit import ReportDraft, report_submit
    from aduan.reports.services.transition import report_transition

    admin = directory["admin"]
    made = 0
    started = time.perf_counter()
    for i in range(args.sample):
        category = rng.choice(directory["categories"])
        agency = directory["social"] if category.slug == "bansos-bench" else directory["unit"]
        submitted = now - timedelta(seconds=rng.uniform(3600 * 24 * 3, SPREAD_DAYS * 86400))
        subject, place = rng.choice(SUBJECTS), rng.choice(PLACES)
        with transaction.atomic():
            report = report_submit(draft=ReportDraft(
                title=f"{subject} di {place}", body=f"{subject} di {place} nomor {rng.randint(1, 200)}; laporan sintetis {i}.",
                incident_date=(submitted - timedelta(days=rng.randint(0, 10))).date(), category=category.slug,
                region_code=rng.choice(["33.74", "33.74.01"]), latitude=round(-6.98 + rng.uniform(-0.05, 0.05), 6),
                longitude=round(110.41 + rng.uniform(-0.05, 0.05), 6), address=f"{place} no. {rng.randint(1, 99)}",
                is_anonymous=rng.random() < 0.10, is_confidential=rng.random() < 0.05,
                channel=rng.choice([Channel.WEB, Channel.WEB, Channel.OPEN311, Channel.SMS, Channel.API]),
                reporter_name=f"Pelapor Bench {i}", reporter_email=f"pelapor{i}@example.test",
            ), now=submitted).report
            target = pick_path(rng)
            at = submitted
            step = lambda: at + timedelta(hours=rng.uniform(2, 72))  # noqa: E731

            def go(action, actor, expected, **params):
                nonlocal at
                at = step()
                report_transition(report=report.pk, action=action, actor=actor, expected_status=expected, now=at, **params)

            if target == "archived":
                go("archive", admin, "submitted", reason="unclear")
            elif target != "submitted":
                go("verify_dispose", admin, "submitted", agency=agency)
                if target in ("in_progress", "responded", "closed"):
                    go("start_follow_up", admin, "disposed", note="Petugas meninjau lokasi.")
                if target in ("responded", "closed"):
                    go("respond", admin, "in_progress", note=f"Sudah ditindaklanjuti: {subject.lower()} ditangani.")
                if target == "closed":
                    go("confirm", ReporterToken(report.pk), "responded", rating=rng.randint(3, 5))
        made += 1
    elapsed = time.perf_counter() - started
    print(f"sample through the services: {made} reports in {elapsed:.1f} s ({made / elapsed:.0f}/s)")
    return made


def clone_to(args, rng, now, target: int) -> int:
    """Top up to ``target`` reports with shifted copies of service-made ones (bulk_create)."""
    from django.db import transaction

    from aduan.core.refs import reference_new
    from aduan.reports.models import Disposition, Event, Report

    have = Report.objects.count()
    if have >= target:
        return 0
    templates = list(Report.objects.order_by("pk")[:max(args.sample, 1)])
    events, dispositions = {}, {}
    for e in Event.objects.filter(report__in=templates).order_by("at", "id"):
        events.setdefault(e.report_id, []).append(e)
    for d in Disposition.objects.filter(report__in=templates):
        dispositions.setdefault(d.report_id, []).append(d)
    used = set(Report.objects.values_list("reference", flat=True))
    report_fields = [f for f in Report._meta.concrete_fields if f.attname != "id"]
    event_fields = [f for f in Event._meta.concrete_fields if f.attname not in ("id", "report_id")]
    disposition_fields = [f for f in Disposition._meta.concrete_fields if f.attname not in ("id", "report_id")]

    def shifted(obj, fields, delta):
        values = {}
        for f in fields:
            value = getattr(obj, f.attname)
            if f.get_internal_type() == "DateTimeField" and value is not None:
                value = value + delta
            values[f.attname] = value
        return values

    missing = target - have
    batch = 2000
    started = time.perf_counter()
    done = 0
    while done < missing:
        size = min(batch, missing - done)
        reports, plans = [], []
        for _ in range(size):
            template = rng.choice(templates)
            timeline = events.get(template.pk, [])
            span = (timeline[-1].at - template.submitted_at) if timeline else timedelta(0)
            latest = now - span - timedelta(minutes=5)
            new_start = latest - timedelta(seconds=rng.uniform(0, SPREAD_DAYS * 86400))
            delta = new_start - template.submitted_at
            values = shifted(template, report_fields, delta)
            reference = reference_new(new_start)
            while reference in used:
                reference = reference_new(new_start)
            used.add(reference)
            values.update(reference=reference, token_hash=secrets.token_hex(32))
            reports.append(Report(**values))
            plans.append((template, delta))
        with transaction.atomic():
            Report.objects.bulk_create(reports, batch_size=500)
            new_events, new_dispositions = [], []
            for report, (template, delta) in zip(reports, plans):
                for e in events.get(template.pk, []):
                    new_events.append(Event(report_id=report.pk, **shifted(e, event_fields, delta)))
                for d in dispositions.get(template.pk, []):
                    new_dispositions.append(Disposition(report_id=report.pk, **shifted(d, disposition_fields, delta)))
            Event.objects.bulk_create(new_events, batch_size=1000)
            Disposition.objects.bulk_create(new_dispositions, batch_size=1000)
        done += size
        print(f"  copies: {done}/{missing}", file=sys.stderr, end="\r")
    elapsed = time.perf_counter() - started
    print(f"copies of service-made reports (bulk_create): {missing} in {elapsed:.1f} s ({missing / elapsed:.0f}/s)")
    return missing


def analyze() -> float:
    """Refresh the planner's statistics, as a production database has them (PostgreSQL's
    autovacuum does it by itself; SQLite needs ``ANALYZE`` or ``PRAGMA optimize``). Without
    them SQLite picks the ``status`` index for the default window and sorts the whole window."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "ANALYZE reports_report, reports_event")
    return time.perf_counter() - started


def explain_default_window(now) -> None:
    from django.db import connection

    from aduan.api.open311.selectors import NATIONAL, requests_page, requests_public  # noqa: F401

    qs = requests_public(jurisdiction=NATIONAL, start=now - timedelta(days=90), end=now)
    qs = qs.select_related("category", "agency").order_by("-submitted_at", "-id")[:1000]
    sql, params = qs.query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        rows = cursor.fetchall()
    print("plan of the default-window query:")
    for row in rows:
        print("   ", row[-1] if connection.vendor == "sqlite" else row[0])


# --- Load --------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(sorted_values, q: float) -> float:
    index = max(0, min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def measure(fetch, path: str, total: int, concurrency: int) -> dict:
    for _ in range(min(5, total)):
        fetch(path)
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(lambda _: fetch(path), range(total)))
    elapsed = time.perf_counter() - started
    latencies = sorted(r[0] for r in results)
    return {"rps": total / elapsed, "p50": statistics.median(latencies) * 1000, "p95": percentile(latencies, 0.95) * 1000,
            "statuses": sorted({r[1] for r in results}), "bytes": results[-1][2], "items": results[-1][3]}


def http_fetcher(port: int):
    import json

    def fetch(path):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        start = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        took = time.perf_counter() - start
        conn.close()
        items = len(json.loads(body)) if path.split("?")[0].endswith(".json") and response.status == 200 else None
        return took, response.status, len(body), items
    return fetch


def client_fetcher():
    import json

    from django.test import Client

    def fetch(path):
        client = Client(HTTP_HOST="127.0.0.1")
        start = time.perf_counter()
        response = client.get(path)
        took = time.perf_counter() - start
        items = len(json.loads(response.content)) if path.split("?")[0].endswith(".json") and response.status_code == 200 else None
        return took, response.status_code, len(response.content), items
    return fetch


def queries(now, directory) -> list[tuple[str, str]]:
    from urllib.parse import urlencode

    from aduan.reports.selectors import public_reports

    refs = list(public_reports().order_by("-submitted_at").values_list("reference", flat=True)[:50])
    week = {"start_date": (now - timedelta(days=7)).isoformat(timespec="seconds"), "end_date": now.isoformat(timespec="seconds")}
    base = "/open311/v2/requests"
    return [
        ("default window (90 d, first 1000)", f"{base}.json"),
        ("default window, XML", f"{base}.xml"),
        ("status=open", f"{base}.json?status=open"),
        ("status=closed&service_code=1", f"{base}.json?status=closed&service_code=jalan-bench"),
        ("last 7 days", f"{base}.json?{urlencode(week)}"),
        ("extensions=true", f"{base}.json?extensions=true"),
        ("page=5&page_size=100", f"{base}.json?page=5&page_size=100"),
        ("jurisdiction=agency slug", f"{base}.json?jurisdiction_id=bench-dinsos"),
        ("service_request_id x50", f"{base}.json?service_request_id={','.join(refs)}"),
        ("servicerequestupdates (7 d)", f"/open311/v2/servicerequestupdates.json?{urlencode(week)}"),
    ]


def main(argv=None) -> int:
    args = parse_args(argv)
    temp = setup_django(args)
    server = None
    try:
        from django.core.management import call_command
        from django.utils import timezone

        from aduan.reports.models import Event, Report
        from aduan.reports.selectors import public_reports

        print(f"database: {db_description()}")
        call_command("migrate", interactive=False, verbosity=0)
        rng = random.Random(args.seed)
        now = timezone.now()
        directory = ensure_directory()
        have = Report.objects.count()
        if have < args.sample:
            make_sample(args, random.Random(args.seed), directory, now)
        clone_to(args, rng, now, args.count)
        window = public_reports().filter(submitted_at__gte=now - timedelta(days=90)).count()
        print(f"reports: {Report.objects.count()} ({public_reports().count()} public, {window} public in the last 90 days); "
              f"events: {Event.objects.count()}")
        explain_default_window(now)
        if not args.no_analyze:
            print(f"ANALYZE: {analyze():.1f} s")
            explain_default_window(now)

        if args.in_process:
            fetch = client_fetcher()
            how = "Django test client in process"
        else:
            port = free_port()
            env = os.environ.copy()
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                 "--workers", str(args.workers), "--timeout", "120", "--log-level", "warning"], cwd=ROOT, env=env)
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            fetch = http_fetcher(port)
            how = f"gunicorn {args.workers} sync workers on 127.0.0.1:{port}"
        print(f"load: {how}; {args.concurrency} concurrent clients; {args.requests} requests per query")
        print(f"{'query':<36} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'items':>6} {'KiB':>7}  statuses")
        for label, path in queries(now, directory):
            r = measure(fetch, path, args.requests, args.concurrency)
            items = "-" if r["items"] is None else str(r["items"])
            print(f"{label:<36} {r['rps']:7.1f} {r['p50']:8.1f} {r['p95']:8.1f} {items:>6} {r['bytes'] / 1024:7.1f}  {r['statuses']}")
        return 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        if temp is not None:
            if args.keep:
                print(f"kept {temp}")
            else:
                shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
