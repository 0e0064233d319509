"""Benchmark: the open-data exports stream N public reports in constant memory (issue #7).

    nice -n 19 .venv/bin/python bench/bench_opendata_export.py [--count 1000000] [--reuse]
        [--sample 400] [--dump] [--var-dir DIR]

Target (issue #7): exporting 1,000,000 rows keeps the process under 200 MB.

Data. ``--sample`` reports go through the real services (``bench_open311.make_sample``:
``report_submit`` and ``report_transition`` along the real paths, 10% anonymous, 5%
confidential, some left unverified or archived). The database is then topped up to
``--count`` *public* reports with ``bulk_create`` copies of the public sample reports, in
transactions of 5,000 with a progress bar: each copy shifts every timestamp of its template
by one random offset (never into the future) and gets a fresh reference, and its body gets
a few synthetic sentences (every 20th with a made-up phone number, so redaction has work).
No citizen's text is used. Events and dispositions are not copied: the export never reads
them. ``--reuse`` skips all of this and exports whatever the database holds.

Database: DATABASE_URL if set (never emptied: it is only topped up); otherwise SQLite in
``--var-dir`` (default /tmp/aduan-bench-opendata, kept between runs so ``--reuse`` works).
After loading, ``ANALYZE`` gives the planner statistics, as production has them.

Measurement runs in a fresh child process, so the peak RSS is the export's and not the
loader's: it GETs ``/data/laporan.csv`` and ``/data/laporan.jsonl`` through Django's test
client (the real URL, middleware, view and generator), writes the streamed bytes to
/dev/null and prints rows, seconds, rows/s, MB, the peak RSS (``ru_maxrss``) and its growth
over the baseline taken just before the first export. ``--dump`` also times the daily dump
(``opendata_dump``, gzip CSV + gzip JSON Lines in one pass) into the var dir. Prints
figures, never asserts (DESIGN.md §3).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import secrets
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_VAR_DIR = "/tmp/aduan-bench-opendata"
BATCH = 5000
SENTENCES = ["Kondisi ini sudah berlangsung cukup lama dan belum ada perbaikan dari pihak terkait.",
             "Warga sekitar sudah beberapa kali menyampaikan keluhan yang sama kepada ketua RT.",
             "Mohon petugas dapat segera meninjau lokasi dan memberi kepastian waktu penanganan.",
             "Pada malam hari keadaan semakin membahayakan karena penerangan sangat kurang.",
             "Anak-anak sekolah setiap hari melewati tempat ini sehingga perlu perhatian khusus.",
             "Kami berharap laporan ini ditindaklanjuti sesuai standar pelayanan yang berlaku."]
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="public reports to export (default 1000000)")
    parser.add_argument("--sample", type=int, default=400, help="reports made through the services (default 400)")
    parser.add_argument("--reuse", action="store_true", help="do not create reports: export what the database holds")
    parser.add_argument("--dump", action="store_true", help="also time the daily dump (gzip CSV + JSONL)")
    parser.add_argument("--var-dir", default=DEFAULT_VAR_DIR, help=f"SQLite database folder (default {DEFAULT_VAR_DIR})")
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    if args.count < 1 or args.sample < 1:
        parser.error("--count and --sample must be positive")
    return args


def setup_django(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DEBUG"] = "false"  # DEBUG keeps every query in memory
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    if not os.environ.get("DATABASE_URL"):
        Path(args.var_dir).mkdir(parents=True, exist_ok=True)
        os.environ["ADUAN_VAR_DIR"] = str(Path(args.var_dir).resolve())
    import django

    django.setup()


def rss_mib() -> float:
    """Peak resident set size of this process so far (Linux: ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# --- Loading -------------------------------------------------------------------------------

def reference_for(i: int, when) -> str:
    """Unique by construction (the index in base 32), shaped like ours."""
    symbols = ""
    for _ in range(8):
        i, digit = divmod(i, 32)
        symbols = ALPHABET[digit] + symbols
    return f"{when:%y%m}-{symbols[:4]}-{symbols[4:]}"


def top_up(args, rng: random.Random, now) -> int:
    """Add bulk_create copies of the public sample reports until ``--count`` are public."""
    from django.db import transaction
    from tqdm import tqdm

    from aduan.reports.models import Report
    from aduan.reports.selectors import public_reports

    have = public_reports().count()
    missing = args.count - have
    if missing <= 0:
        return 0
    templates = list(public_reports().order_by("pk")[:args.sample])
    if not templates:
        raise SystemExit("no public sample report to copy: raise --sample")
    fields = [f for f in Report._meta.concrete_fields if f.attname != "id"]
    start = Report.objects.count() + 1
    started = time.perf_counter()
    done = 0
    with tqdm(total=missing, desc="copies", unit=" report", unit_scale=True, file=sys.stderr, smoothing=0.05) as bar:
        while done < missing:
            size = min(BATCH, missing - done)
            batch = []
            for j in range(size):
                i = start + done + j
                template = rng.choice(templates)
                latest = (template.closed_at or template.first_response_at or template.verified_at or template.submitted_at)
                span = latest - template.submitted_at
                new_start = now - span - timedelta(minutes=5) - timedelta(seconds=rng.uniform(0, 365 * 86400))
                delta = new_start - template.submitted_at
                values = {}
                for f in fields:
                    value = getattr(template, f.attname)
                    if f.get_internal_type() == "DateTimeField" and value is not None:
                        value = value + delta
                    values[f.attname] = value
                extra = " ".join(rng.sample(SENTENCES, 3))
                if i % 20 == 0:
                    extra += f" Hubungi saya di 0812-0000-{i % 10000:04d}."
                values.update(reference=reference_for(i, new_start), token_hash=secrets.token_hex(32),
                              incident_date=new_start.date(), body=f"{template.body} {extra}")
                batch.append(Report(**values))
            with transaction.atomic():
                Report.objects.bulk_create(batch, batch_size=500)
            done += size
            bar.update(size)
    elapsed = time.perf_counter() - started
    print(f"copies (bulk_create): {missing} in {elapsed:.0f} s ({missing / elapsed:.0f}/s)")
    return missing


def analyze() -> None:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "ANALYZE reports_report")
    print(f"ANALYZE: {time.perf_counter() - started:.1f} s")


def load(args) -> None:
    from bench_open311 import db_description, ensure_directory, make_sample
    from django.core.management import call_command
    from django.utils import timezone

    from aduan.reports.models import Report
    from aduan.reports.selectors import public_reports

    print(f"database: {db_description()}")
    call_command("migrate", interactive=False, verbosity=0)
    now = timezone.now()
    if Report.objects.count() < args.sample:
        make_sample(args, random.Random(args.seed), ensure_directory(), now)
    if top_up(args, random.Random(args.seed + 1), now):
        analyze()
    print(f"reports: {Report.objects.count()} ({public_reports().count()} public)")


# --- Measuring (child process) ------------------------------------------------------------

def explain(sql_params) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    sql, params = sql_params
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        print("query plan: " + "; ".join(row[-1] for row in cursor.fetchall()))


def measure(args) -> None:
    from django.test import Client

    from aduan.analytics import opendata
    from aduan.reports.selectors import public_reports

    public = public_reports().count()
    explain(opendata.opendata_reports(filters=opendata.OpenDataFilters()).values_list("pk").query.sql_with_params())
    client = Client()
    # Warm up: URLconf, views, templates, the lookup dicts' code paths (a filter with no rows).
    b"".join(client.get("/data/laporan.csv?date_from=9998-01-01").streaming_content)
    baseline = current_rss_mib()
    print(f"public reports: {public}; baseline RSS before exporting {baseline:.0f} MiB (peak so far {rss_mib():.0f} MiB)")
    with open(os.devnull, "wb") as sink:
        for url, header_lines in [("/data/laporan.csv", 1), ("/data/laporan.jsonl", 0)]:
            started = time.perf_counter()
            response = client.get(url)
            size = lines = 0
            for piece in response.streaming_content:
                sink.write(piece)
                size += len(piece)
                # Synthetic texts hold no line breaks, so records = CRLF / LF line ends.
                lines += piece.count(b"\n")
            response.close()
            seconds = time.perf_counter() - started
            rows = lines - header_lines
            print(f"{url}: {rows} rows, {size / 2**20:.0f} MiB in {seconds:.1f} s = {rows / seconds:,.0f} rows/s; "
                  f"peak RSS {rss_mib():.0f} MiB (growth over baseline {rss_mib() - baseline:+.0f} MiB), "
                  f"RSS now {current_rss_mib():.0f} MiB")
    if args.dump:
        from aduan.analytics.opendata_dump import opendata_dir, opendata_dump

        started = time.perf_counter()
        manifest = opendata_dump()
        seconds = time.perf_counter() - started
        sizes = ", ".join(f"{f.name} {f.bytes / 2**20:.0f} MiB" for f in manifest.files)
        print(f"daily dump: {manifest.rows} rows in {seconds:.1f} s = {manifest.rows / seconds:,.0f} rows/s "
              f"({sizes}) in {opendata_dir()}; peak RSS {rss_mib():.0f} MiB")
    print(f"process peak RSS {rss_mib():.0f} MiB (target: under 200 MB = {200e6 / 2**20:.0f} MiB)")


def main(argv=None) -> int:
    args = parse_args(argv)
    setup_django(args)
    if args.measure:
        measure(args)
        return 0
    if not args.reuse:
        load(args)
    child = [sys.executable, __file__, "--measure", "--var-dir", args.var_dir, "--count", str(args.count)]
    if args.dump:
        child.append("--dump")
    return subprocess.run(child, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
