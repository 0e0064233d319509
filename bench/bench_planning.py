"""Benchmark: APBD planning evidence (issue #7) — ``planning_evidence`` + PDF + XLSX for a
province and for a regency/city, on the ``ReportFact`` rows already in the database or on
synthetic ones it creates.

    # against an existing database (e.g. after bench/bench_statistics.py loaded 10,000,000 reports)
    DATABASE_URL=postgres://…/aduan_bench .venv/bin/python bench/bench_planning.py
    # create N synthetic reports and their facts first (bulk inserts, progress bar)
    DATABASE_URL=postgres://…/aduan_bench .venv/bin/python bench/bench_planning.py --create 1000000
    # SQLite in a throw-away folder
    .venv/bin/python bench/bench_planning.py --fresh --create 200000

The period is the last full calendar year (compared with the year before, as on the page).
``--create`` spreads reports over the regencies/cities weighted by population and over the
last 24 months, and publishes a budget for the agencies seated in the chosen province when
it has none (``--seed-budget`` does that alone). Without those two flags the run only reads,
so it can time a database another benchmark is using. Titles are synthetic: no citizen's text
is used. The database needs regions and the demo directory; the script loads them when missing
(``regions_load``, ``agencies_load_demo``). Prints figures, never asserts (DESIGN.md §3).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STATUSES = ["submitted", "disposed", "in_progress", "responded", "closed", "archived"]
STATUS_W = [0.05, 0.08, 0.12, 0.08, 0.60, 0.07]
KINDS = ["complaint", "aspiration", "information_request"]
KIND_W = [0.72, 0.2, 0.08]
PUBLISHED = {"disposed", "in_progress", "responded", "closed"}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--create", type=int, default=0, metavar="N", help="first insert N synthetic reports and facts")
    parser.add_argument("--batch", type=int, default=5000, help="rows per bulk insert (default 5000)")
    parser.add_argument("--province", default="33", help="province code to time (default 33, Jawa Tengah)")
    parser.add_argument("--regency", default="33.74", help="regency/city code to time (default 33.74, Kota Semarang)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is printed (default 3)")
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--seed-budget", action="store_true",
                        help="publish a synthetic budget for the province's agencies when it has none (always with --create)")
    parser.add_argument("--fresh", action="store_true", help="SQLite only: a temporary database (ignored with DATABASE_URL)")
    parser.add_argument("--keep", action="store_true", help="with --fresh: keep the temporary folder")
    args = parser.parse_args(argv)
    if args.create < 0 or args.batch < 1 or args.repeat < 1:
        parser.error("--create must be >= 0, --batch and --repeat positive")
    return args


def setup_django(args) -> Path | None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    temp_dir = None
    if args.fresh:
        if os.environ.get("DATABASE_URL"):
            print("--fresh ignored: DATABASE_URL is set; using that database as it is.")
        else:
            temp_dir = Path(tempfile.mkdtemp(prefix="aduan-bench-planning-"))
            os.environ["ADUAN_VAR_DIR"] = str(temp_dir)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from aduan.agencies.models import Agency
    from aduan.regions.models import Region

    # Timing an existing database (another bench may be using it) is read-only: migrate only
    # a database that is new or that this run writes to.
    if args.fresh or args.create or "analytics_reportfact" not in connection.introspection.table_names():
        call_command("migrate", interactive=False, verbosity=0)
    if not Region.objects.filter(population__isnull=False).exists():
        call_command("regions_load", verbosity=1)
    if not Agency.objects.exists():
        call_command("agencies_load_demo", verbosity=1)
    return temp_dir


class _Inserter:
    """Multi-row INSERTs without a model instance per row: every column starts from a prototype
    row prepared once by Django (so columns added later with defaults still get them) and each
    row overrides only the columns it draws. Ten times faster than ``bulk_create``."""

    def __init__(self, model, prototype):
        from django.db import connection

        self.connection = connection
        fields = model._meta.concrete_fields
        self.columns = [f.column for f in fields]
        self.base = {f.column: f.get_db_prep_save(f.pre_save(prototype, add=True), connection) for f in fields}
        quote = connection.ops.quote_name
        self.sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in self.columns)}) "
                    f"VALUES ({', '.join(['%s'] * len(self.columns))})")

    def insert(self, rows: list[dict]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(self.sql, [tuple({**self.base, **row}[c] for c in self.columns) for row in rows])


def create(n: int, *, batch: int, seed: int) -> None:
    """N reports and their facts by bulk inserts (the facts are derived here from the same
    draws: synthetic reports have no event log for ``facts_compute`` to read)."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone
    from tqdm import tqdm

    from aduan.agencies.models import Agency, Category
    from aduan.analytics.facts import month_of
    from aduan.analytics.models import ReportFact
    from aduan.regions.models import Region
    from aduan.reports.models import Report

    rng = random.Random(seed)
    regencies = list(Region.objects.filter(level=2, population__isnull=False).values_list("code", "population"))
    codes, weights = [c for c, _ in regencies], list(accumulate(p for _, p in regencies))
    parents = dict(Category.objects.values_list("id", "parent_id"))
    categories = list(parents)
    cat_w = list(accumulate(1 / (i + 1) for i in range(len(categories))))  # a few categories dominate, as in real data
    by_province: dict[str, list[int]] = {}
    for pk, seat in Agency.objects.filter(accepts_reports=True).values_list("id", "seat_region_id"):
        by_province.setdefault((seat or "").split(".")[0], []).append(pk)
    anywhere = [pk for pks in by_province.values() for pk in pks]
    now = timezone.now()
    start = datetime(now.year - 2, 1, 1, tzinfo=UTC)
    span = (now - start).total_seconds()
    stamp = f"{seed % 1000:03d}{int(time.time()) % 100000:05d}"
    status_w, kind_w = list(accumulate(STATUS_W)), list(accumulate(KIND_W))
    reports = _Inserter(Report, Report(reference="x", token_hash="x", title="x", body="Teks sintetis.",
                                       incident_date=now.date(), submitted_at=now))
    facts = _Inserter(ReportFact, ReportFact(report_id=0, month=now.date(), submitted_at=now, kind="complaint",
                                             channel="web", status="submitted", computed_at=now))
    next_id = (Report.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    with tqdm(total=n, desc="Laporan + fakta", unit=" laporan", unit_scale=True) as bar:
        done = 0
        while done < n:
            m = min(batch, n - done)
            report_rows, fact_rows = [], []
            regency_draw = rng.choices(codes, cum_weights=weights, k=m)
            category_draw = rng.choices(categories, cum_weights=cat_w, k=m)
            status_draw = rng.choices(STATUSES, cum_weights=status_w, k=m)
            kind_draw = rng.choices(KINDS, cum_weights=kind_w, k=m)
            for i in range(m):
                rid = next_id + done + i
                regency, category, status = regency_draw[i], category_draw[i], status_draw[i]
                submitted = start + timedelta(seconds=rng.uniform(0, span))
                pool = by_province.get(regency.split(".")[0]) or anywhere
                agency = rng.choice(pool) if pool and status not in ("submitted", "archived") else None
                confidential = rng.random() < 0.03
                report_rows.append({
                    "id": rid, "reference": f"P{stamp}{done + i:07x}", "kind": kind_draw[i], "status": status,
                    "title": f"Laporan sintetis {rid}", "incident_date": submitted.date(), "submitted_at": submitted,
                    "updated_at": now, "region_id": regency, "category_id": category, "agency_id": agency,
                    "is_confidential": confidential, "is_anonymous": rng.random() < 0.08,
                })
                fact_rows.append({
                    "report_id": rid, "month": month_of(submitted), "submitted_at": submitted, "kind": kind_draw[i],
                    "status": status, "category_id": category, "sector_id": parents.get(category) or category,
                    "province_code": regency.split(".")[0], "regency_code": regency, "agency_id": agency,
                    "is_public": status in PUBLISHED and not confidential, "is_verified": agency is not None,
                    "is_open": status not in ("closed", "archived"),
                })
            with transaction.atomic():
                reports.insert(report_rows)
                facts.insert(fact_rows)
            done += m
            bar.update(m)
    with connection.cursor() as cursor:  # explicit ids were used: move the id sequence past them
        for statement in connection.ops.sequence_reset_sql(no_style(), [Report]):
            cursor.execute(statement)


def budget_seed(province: str, year: int) -> None:
    """A budget for the agencies seated in the province, when none is published for ``year``."""
    from django.utils import timezone

    from aduan.agencies.models import Category
    from aduan.analytics.models import BudgetLine
    from aduan.analytics.planning import agencies_in_region
    from aduan.regions.models import Region

    region = Region.objects.get(code=province)
    agencies = list(agencies_in_region(region)[:50])
    if BudgetLine.objects.filter(agency__in=agencies, year=year).exists():
        return
    sectors = list(Category.objects.filter(parent__isnull=True)[:12])
    rng = random.Random(year)
    BudgetLine.objects.bulk_create([
        BudgetLine(agency=a, year=year, sector=s, amount=Decimal(rng.randrange(100, 90_000)) * 1_000_000,
                   uploaded_at=timezone.now())
        for a in agencies for s in sectors
    ], ignore_conflicts=True)


def median_ms(fn, repeat: int):
    samples, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples), result


def run(args) -> None:
    from django.db import connection

    from aduan.analytics.models import ReportFact
    from aduan.analytics.planning import _day_start, planning_evidence
    from aduan.analytics.planning_export import planning_pdf, planning_xlsx
    from aduan.regions.models import Region

    if args.create:
        t = time.perf_counter()
        create(args.create, batch=args.batch, seed=args.seed)
        took = time.perf_counter() - t
        print(f"created {args.create:,} reports + facts in {took:.1f} s ({args.create / took:,.0f} per s)")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE analytics_reportfact")
    today = date.today()
    date_from, date_to = date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if args.create or args.seed_budget:
        budget_seed(args.province, date_from.year)
    print(f"database: {connection.vendor}; facts: {ReportFact.objects.count():,}")
    print(f"period {date_from} – {date_to} (compared with the year before); median of {args.repeat} runs\n")
    print(f"{'region':32s} {'facts in period':>15s} {'evidence':>10s} {'PDF':>10s} {'XLSX':>10s} {'total':>10s}")
    for code in (args.province, args.regency):
        region = Region.objects.filter(code=code).first()
        if region is None:
            print(f"{code}: unknown region; skipped")
            continue
        scope = {"province_code": code} if region.level == 1 else {"regency_code": code}
        rows = ReportFact.objects.filter(submitted_at__gte=_day_start(date_from),
                                         submitted_at__lt=_day_start(date_to + timedelta(days=1)), **scope).count()
        ms_e, evidence = median_ms(lambda region=region: planning_evidence(region=region, date_from=date_from,
                                                                           date_to=date_to), args.repeat)
        ms_p, pdf = median_ms(lambda evidence=evidence: planning_pdf(evidence), args.repeat)
        ms_x, xlsx = median_ms(lambda evidence=evidence: planning_xlsx(evidence), args.repeat)
        label = f"{region.name} ({code})"[:32]
        print(f"{label:32s} {rows:>15,} {ms_e:>8.1f}ms {ms_p:>8.1f}ms {ms_x:>8.1f}ms {ms_e + ms_p + ms_x:>8.1f}ms")
        print(f"{'':32s} {'':>15s} {'':>10s} {len(pdf) / 1024:>8.0f}KB {len(xlsx) / 1024:>8.0f}KB")


def main() -> None:
    args = parse_args()
    temp_dir = setup_django(args)
    try:
        run(args)
    finally:
        if temp_dir is not None:
            if args.keep:
                print(f"kept {temp_dir}")
            else:
                shutil.rmtree(temp_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
