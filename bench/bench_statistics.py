"""Benchmark: public statistics and APBD evidence on 10,000,000 reports in PostgreSQL (issue #7).

    DATABASE_URL=postgres://aduan:aduan-ci@127.0.0.1:5432/aduan_bench \\
        .venv/bin/python bench/bench_statistics.py [--reports 10000000] [--skip-load] [--repeat 5]

The database must be migrated with regions and the demo directory loaded (``migrate``,
``regions_load``, ``agencies_load_demo``); the script does it when they are missing.

1. **load** — synthetic reports (no citizen's text) are written with ``COPY`` in chunks,
   with a progress bar: regency/city weighted by population, a random district in it,
   category and agency from the demo directory, submission spread over 24 months, statuses
   and timestamps drawn so every figure has data.
2. **facts** — synthetic reports have no event log, so their ``ReportFact`` rows are
   derived in SQL from the stored timestamps (the production path, ``facts_compute``,
   reads the events; its throughput is printed on a sample).
3. **rollups** — ``rollups_rebuild`` (production code) over every month: the cost of the
   periodic job after a full rebuild. The incremental job rebuilds only the months touched.
4. **pages** — the public statistics page (national, a province, a regency/city), the agency
   league and an agency page through Django's test client (query + render), median of
   ``--repeat`` runs each; target under 1 second.
5. **APBD** — ``planning_evidence`` + PDF + XLSX for a province and a regency/city, when
   ``aduan.analytics.planning`` is present.

Prints figures, never asserts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

CHUNK = 200_000
MONTHS = 24
STATUSES = np.array(["submitted", "disposed", "in_progress", "responded", "closed", "archived", "awaiting_reporter"])
STATUS_P = np.array([0.04, 0.06, 0.10, 0.08, 0.62, 0.07, 0.03])
KINDS = np.array(["complaint", "aspiration", "information_request"])
KIND_P = np.array([0.72, 0.2, 0.08])
CHANNELS = np.array(["web", "api", "sms", "email", "whatsapp", "telegram", "call_centre", "paper"])
CHANNEL_P = np.array([0.35, 0.3, 0.08, 0.05, 0.14, 0.03, 0.03, 0.02])


def setup():
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    from aduan.agencies.models import Agency
    from aduan.regions.models import Region

    if not Region.objects.filter(population__isnull=False).exists():
        call_command("regions_load", verbosity=1)
    if not Agency.objects.exists():
        call_command("agencies_load_demo", verbosity=1)


def directory_arrays():
    from aduan.agencies.models import Agency, Category
    from aduan.regions.models import Region

    regencies = list(Region.objects.filter(level=2, population__isnull=False).values_list("code", "population"))
    codes = np.array([c for c, _ in regencies])
    weights = np.array([p for _, p in regencies], dtype=float)
    districts: dict[str, list[str]] = {}
    for code, parent in Region.objects.filter(level=3).values_list("code", "parent_id"):
        districts.setdefault(parent, []).append(code)
    categories = np.array(list(Category.objects.filter(is_active=True).values_list("id", flat=True)))
    cat_w = 1 / np.arange(1, len(categories) + 1)  # a few categories dominate, as in real data
    by_province: dict[str, list[int]] = {}
    national = []
    for pk, seat in Agency.objects.filter(accepts_reports=True).values_list("id", "seat_region_id"):
        if seat:
            by_province.setdefault(seat.split(".")[0], []).append(pk)
        else:
            national.append(pk)
    national = national or [pk for pks in by_province.values() for pk in pks]
    return codes, weights / weights.sum(), districts, categories, cat_w / cat_w.sum(), by_province, national


def _ts(moment: datetime | None) -> str:
    return "\\N" if moment is None else moment.isoformat()


def load(n: int, seed: int = 7) -> None:
    from django.db import connection
    from tqdm import tqdm

    codes, weights, districts, categories, cat_w, by_province, national = directory_arrays()
    rng = np.random.default_rng(seed)
    now = datetime.now(UTC)
    start = now - timedelta(days=30 * MONTHS)
    span = (now - start).total_seconds()
    columns = (
        "reference, token_hash, kind, channel, status, title, body, address, incident_date, is_anonymous, "
        "is_confidential, reporter_name, reporter_email, reporter_phone, reply_address, device_identity, is_urgent, "
        "emergency_kind, routing, resolution_tier, archive_reason, maladministration, late_filing_warning, "
        "support_count, submitted_at, paused_working_days, escalation_level, updated_at, region_id, category_id, "
        "agency_id, verify_due_at, verified_at, first_response_due_at, first_response_at, resolution_due_at, "
        "closed_at, rating"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM reports_report")
        base = cursor.fetchone()[0]
    bar = tqdm(total=n, desc="COPY laporan", unit=" laporan", unit_scale=True)
    done = 0
    while done < n:
        m = min(CHUNK, n - done)
        regency = rng.choice(codes, size=m, p=weights)
        cat = rng.choice(categories, size=m, p=cat_w)
        status = rng.choice(STATUSES, size=m, p=STATUS_P)
        kind = rng.choice(KINDS, size=m, p=KIND_P)
        channel = rng.choice(CHANNELS, size=m, p=CHANNEL_P)
        sub_s = rng.uniform(0, span, size=m)
        verify_h = rng.gamma(1.5, 20, size=m)
        first_h = rng.gamma(1.2, 40, size=m)
        resolve_h = rng.gamma(2.0, 120, size=m)
        rating = rng.integers(1, 6, size=m)
        confidential = rng.random(m) < 0.03
        anonymous = rng.random(m) < 0.08
        lines = []
        for i in range(m):
            rid = base + done + i + 1
            reg = regency[i]
            ds = districts.get(reg)
            region = ds[rng.integers(len(ds))] if ds else reg
            pool = by_province.get(reg.split(".")[0]) or national
            agency = pool[(rid * 7919) % len(pool)]
            st = status[i]
            submitted = start + timedelta(seconds=float(sub_s[i]))
            verified = first = closed = None
            vdue = submitted + timedelta(days=4)
            fdue = rdue = None
            rate = "\\N"
            if st not in ("submitted", "archived"):
                verified = submitted + timedelta(hours=float(verify_h[i]))
                fdue, rdue = verified + timedelta(days=7), verified + timedelta(days=20)
                if st in ("in_progress", "responded", "closed"):
                    first = verified + timedelta(hours=float(first_h[i]))
                if st == "closed":
                    closed = first + timedelta(hours=float(resolve_h[i]))
                    if rid % 3 == 0:
                        rate = str(int(rating[i]))
            ag = str(agency) if verified else "\\N"
            lines.append("\t".join((
                f"B{rid:011d}", "x", kind[i], channel[i], st, f"Laporan sintetis {rid}",
                "Teks sintetis untuk uji beban statistik.", "", submitted.date().isoformat(),
                "t" if anonymous[i] else "f", "t" if confidential[i] else "f", "", "", "", "", "", "f", "", "{}",
                "", "", "", "f", str(rid % 5), submitted.isoformat(), "0", "0", now.isoformat(), region, str(cat[i]),
                ag, _ts(vdue), _ts(verified), _ts(fdue), _ts(first), _ts(rdue), _ts(closed), rate,
            )))
        with connection.cursor() as cursor, cursor.copy(f"COPY reports_report ({columns}) FROM STDIN") as copy:
            copy.write("\n".join(lines) + "\n")
        done += m
        bar.update(m)
    bar.close()


FACTS_SQL = """
INSERT INTO analytics_reportfact (report_id, month, submitted_at, kind, channel, status, category_id, sector_id,
    province_code, regency_code, district_code, agency_id, is_public, is_duplicate, is_verified, forwarded, reopened,
    is_open, verify_hours, first_response_hours, resolution_hours, first_response_due, first_response_on_time,
    resolution_due, resolved_on_time, overdue_open, rating, support_count, computed_at)
SELECT r.id, date_trunc('month', r.submitted_at AT TIME ZONE 'Asia/Jakarta')::date, r.submitted_at, r.kind, r.channel,
    r.status, r.category_id, coalesce(c.parent_id, c.id), split_part(r.region_id, '.', 1),
    split_part(r.region_id, '.', 1) || '.' || split_part(r.region_id, '.', 2),
    CASE WHEN split_part(r.region_id, '.', 3) <> '' THEN split_part(r.region_id, '.', 1) || '.' ||
         split_part(r.region_id, '.', 2) || '.' || split_part(r.region_id, '.', 3) ELSE '' END,
    r.agency_id, r.status NOT IN ('submitted', 'archived') AND NOT r.is_confidential, false,
    r.verified_at IS NOT NULL, r.id %% 17 = 0, r.id %% 41 = 0, r.status NOT IN ('closed', 'archived'),
    extract(epoch FROM r.verified_at - r.submitted_at) / 3600,
    extract(epoch FROM r.first_response_at - r.verified_at) / 3600,
    extract(epoch FROM r.closed_at - r.submitted_at) / 3600,
    coalesce(r.first_response_at IS NOT NULL OR (r.first_response_due_at < now() AND r.status IN ('disposed', 'in_progress')), false),
    coalesce(r.first_response_at <= r.first_response_due_at, false),
    coalesce(r.closed_at IS NOT NULL OR (r.resolution_due_at < now() AND r.status IN ('disposed', 'in_progress')), false),
    coalesce(r.closed_at <= r.resolution_due_at, false),
    coalesce(r.status NOT IN ('closed', 'archived') AND (r.resolution_due_at < now() OR r.verify_due_at < now()), false),
    r.rating, r.support_count, now()
FROM reports_report r LEFT JOIN agencies_category c ON c.id = r.category_id
WHERE r.id > %s AND r.id <= %s
ON CONFLICT (report_id) DO NOTHING
"""


def facts(step: int = 500_000) -> None:
    from django.db import connection
    from tqdm import tqdm

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM reports_report")
        low, high = cursor.fetchone()
        with tqdm(total=high - low + 1, desc="Fakta (SQL)", unit=" laporan", unit_scale=True) as bar:
            for a in range(low - 1, high, step):
                cursor.execute(FACTS_SQL, [a, a + step])
                bar.update(min(step, high - a))
        cursor.execute("ANALYZE analytics_reportfact")


def timed(fn, repeat: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=10_000_000)
    parser.add_argument("--skip-load", action="store_true", help="Use the reports already in the database.")
    parser.add_argument("--skip-rollups", action="store_true", help="Use the rollups already in the database.")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup()
    from django.db import connection
    from django.test import Client

    from aduan.agencies.models import Agency
    from aduan.analytics.facts import facts_compute
    from aduan.analytics.models import AnalyticsState, ReportFact, StatRollup
    from aduan.analytics.rollups import rollups_rebuild
    from aduan.reports.models import Report

    if not args.skip_load:
        have = Report.objects.count()
        if have < args.reports:
            t = time.perf_counter()
            load(args.reports - have)
            print(f"load: {args.reports - have:,} reports by COPY in {time.perf_counter() - t:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reports_report")
        t = time.perf_counter()
        facts()
        print(f"facts (SQL): {ReportFact.objects.count():,} rows in {time.perf_counter() - t:.0f} s")
    total = Report.objects.count()
    print(f"reports in the database: {total:,}")

    sample = list(Report.objects.order_by("-id").values_list("id", flat=True)[:20_000])
    t = time.perf_counter()
    facts_compute(sample, now=datetime.now(UTC))
    rate = len(sample) / (time.perf_counter() - t)
    print(f"facts_compute (production path, events read): {rate:,.0f} reports/s on a sample of {len(sample):,}")

    if not args.skip_rollups:
        months = sorted(ReportFact.objects.values_list("month", flat=True).distinct())
        t = time.perf_counter()
        cells = rollups_rebuild(months=months, progress=True)
        took = time.perf_counter() - t
        print(f"rollups_rebuild: {len(months)} months, {cells:,} cells in {took:.0f} s "
              f"({took / max(len(months), 1):.1f} s per month: the periodic job's cost per month touched)")
        AnalyticsState.objects.update_or_create(name="facts", defaults={"value": {
            "wall": datetime.now(UTC).isoformat(), "now": datetime.now(UTC).isoformat(), "event_id": 0}})
    print(f"rollup table: {StatRollup.objects.count():,} cells")

    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    busiest = ReportFact.objects.values("agency_id").exclude(agency_id=None).order_by()[:1]
    agency = Agency.objects.filter(pk__in=busiest).first() or Agency.objects.first()
    pages = [
        ("statistics, national, 12 months", "/statistik/"),
        ("statistics, national, 24 months", f"/statistik/?dari={(datetime.now(UTC) - timedelta(days=730)):%Y-%m}"),
        ("statistics, Jawa Tengah", "/statistik/?wilayah=33"),
        ("statistics, Kota Semarang", "/statistik/?wilayah=33.74"),
        ("statistics CSV, categories", "/statistik/?unduh=kategori"),
        ("agency league", "/statistik/instansi/"),
        (f"agency page ({agency.slug})", f"/statistik/instansi/{agency.slug}/"),
    ]
    print(f"\npublic pages, median of {args.repeat} (query + render; target < 1000 ms):")
    for label, url in pages:
        ms, response = timed(lambda url=url: client.get(url), args.repeat)
        print(f"  {label:40s} {ms:8.1f} ms  (HTTP {response.status_code}, {len(response.content) / 1024:.0f} KiB)")

    try:
        from aduan.analytics import planning, planning_export
    except ImportError:
        print("\nAPBD: aduan.analytics.planning not present; skipped")
        return
    from datetime import date

    from aduan.regions.models import Region

    today = date.today()
    date_from, date_to = date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    print(f"\nAPBD evidence {date_from} – {date_to}, median of {args.repeat}:")
    for code in ("33", "33.74"):
        region = Region.objects.get(code=code)
        ms, evidence = timed(lambda region=region: planning.planning_evidence(
            region=region, date_from=date_from, date_to=date_to), args.repeat)
        print(f"  {region.name:30s} evidence {ms:8.1f} ms")
        for name in ("evidence_pdf", "evidence_xlsx", "planning_pdf", "planning_xlsx"):
            fn = getattr(planning_export, name, None)
            if fn:
                ms, out = timed(lambda fn=fn, evidence=evidence: fn(evidence), args.repeat)
                size = len(out) if isinstance(out, bytes | bytearray) else 0
                print(f"  {region.name:30s} {name:9s} {ms:8.1f} ms  ({size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
