"""Benchmark: N reports through the service layer, then the SLA breach job over them.

    .venv/bin/python bench/bench_reports.py [--count 100000] [--batch 1000] [--fresh]

1. submits ``--count`` synthetic reports with ``report_submit`` (the one write path for new
   reports), ``submitted_at`` spread over the past ``--days`` days so that many are overdue,
   in transactions of ``--batch`` reports; prints reports/s;
2. disposes ``--dispose`` (default 20%) of them to a province agency with ``report_transition``
   acting as a national administrator; prints transitions/s;
3. times ``sla_breach_scan(now=...)`` over all of them and prints the seconds and counts;
4. runs it again and prints the (near-zero) time and that it wrote nothing.

It prints figures and never asserts times (DESIGN.md §3). The database is whatever the
settings select: SQLite under var/ by default, PostgreSQL with DATABASE_URL. ``--fresh`` on
SQLite uses a throw-away database file in a temporary ADUAN_VAR_DIR, so earlier runs do not
skew the numbers. Titles and bodies are synthetic: no real citizen text is ever used here.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUBJECTS = ["Jalan berlubang", "Lampu penerangan jalan mati", "Saluran air tersumbat", "Antrean layanan KTP",
            "Sampah menumpuk", "Bantuan sosial belum cair", "Trotoar rusak", "Pungutan di sekolah",
            "Jadwal bus tidak tepat", "Air PDAM keruh", "Perizinan usaha lambat", "Pohon tumbang"]
PLACES = ["Jalan Melati", "Jalan Kenanga", "Gang Mawar", "Jalan Anggrek", "Perumahan Flamboyan", "Pasar Cempaka",
          "Terminal Dahlia", "Kelurahan Teratai", "Jalan Seruni", "Kampung Kamboja"]
DETAILS = ["sudah dua minggu belum ditangani", "membahayakan pengguna jalan", "sudah dilaporkan ke RT",
           "terjadi setiap hari sejak bulan lalu", "warga sekitar mengeluhkan hal yang sama",
           "mohon segera ditindaklanjuti", "mengganggu aktivitas warga"]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="reports to submit (default 100000)")
    parser.add_argument("--batch", type=int, default=1000, help="reports per transaction (default 1000)")
    parser.add_argument("--days", type=int, default=30, help="spread submitted_at over this many past days (default 30)")
    parser.add_argument("--dispose", type=float, default=0.2, help="fraction of reports disposed to an agency (default 0.2)")
    parser.add_argument("--seed", type=int, default=20261128, help="random seed (default 20261128)")
    parser.add_argument("--fresh", action="store_true",
                        help="SQLite only: use a temporary database file (ignored when DATABASE_URL is set)")
    parser.add_argument("--keep", action="store_true", help="with --fresh: keep the temporary directory")
    args = parser.parse_args(argv)
    if args.count < 1 or args.batch < 1 or not 0 <= args.dispose <= 1 or args.days < 1:
        parser.error("--count, --batch and --days must be positive; --dispose between 0 and 1")
    return args


def setup_django(args: argparse.Namespace) -> Path | None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    # The per-event log lines of the services would swamp the figures.
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    temp_dir = None
    if args.fresh:
        if os.environ.get("DATABASE_URL"):
            print("--fresh ignored: DATABASE_URL is set; using that database as it is.")
        else:
            temp_dir = Path(tempfile.mkdtemp(prefix="aduan-bench-"))
            os.environ["ADUAN_VAR_DIR"] = str(temp_dir)
    import django

    django.setup()
    return temp_dir


def db_description() -> str:
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        import sqlite3

        return f"sqlite {sqlite3.sqlite_version} ({connection.settings_dict['NAME']})"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        s = connection.settings_dict
        return f"postgresql {version} ({s.get('HOST') or 'socket'}:{s.get('PORT') or 5432}/{s['NAME']})"
    return connection.vendor


def ensure_directory():
    """A coordinator and a province agency over at least one region; reuse what exists."""
    from aduan.accounts.models import Membership, User
    from aduan.accounts.permissions import Role
    from aduan.agencies.models import Agency, AgencyCoverage
    from aduan.regions.models import Region

    if not Region.objects.exists():
        Region.objects.create(code="33", name="Jawa Tengah", level=Region.Level.PROVINCE, timezone="Asia/Jakarta")
        Region.objects.create(code="33.74", name="Kota Semarang", level=Region.Level.REGENCY, parent_id="33",
                              timezone="Asia/Jakarta")
        print("regions: table was empty; created 33 Jawa Tengah and 33.74 Kota Semarang")
    province_region = Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").first()
    region_codes = list(
        Region.objects.filter(code__startswith=province_region.code, level__lte=Region.Level.REGENCY)
        .values_list("code", flat=True)[:50]
    )

    coordinator = Agency.objects.filter(kind=Agency.Kind.COORDINATOR).order_by("pk").first()
    if coordinator is None:
        coordinator = Agency.objects.create(name="Koordinator Nasional (bench)", slug="bench-koordinator",
                                            kind=Agency.Kind.COORDINATOR)
    province = (
        Agency.objects.filter(kind=Agency.Kind.PROVINCE, is_active=True, accepts_reports=True).order_by("pk").first()
    )
    if province is None:
        province = Agency.objects.create(name=f"Pemerintah Provinsi {province_region.name} (bench)",
                                         slug="bench-pemprov", kind=Agency.Kind.PROVINCE, seat_region=province_region)
        AgencyCoverage.objects.get_or_create(agency=province, region=province_region)

    admin, _ = User.objects.get_or_create(username="bench-admin-nasional",
                                          defaults={"full_name": "Admin Nasional Bench", "email": "bench@example.test"})
    Membership.objects.get_or_create(user=admin, agency=None, role=Role.NATIONAL_ADMIN)
    return coordinator, province, admin, region_codes


def synthetic_draft(rng: random.Random, i: int, submitted_at, region_codes):
    from aduan.reports.services.submit import ReportDraft

    subject, place = rng.choice(SUBJECTS), rng.choice(PLACES)
    body = f"{subject} di {place} nomor {rng.randint(1, 200)}, {rng.choice(DETAILS)}. " \
           f"Laporan sintetis nomor {i} untuk uji kinerja; {rng.choice(DETAILS)}."
    with_email = rng.random() < 0.6
    return ReportDraft(
        title=f"{subject} di {place} (uji {i})",
        body=body,
        incident_date=(submitted_at - timedelta(days=rng.randint(0, 40))).date(),
        region_code=rng.choice(region_codes),
        is_anonymous=rng.random() < 0.1,
        is_confidential=rng.random() < 0.05,
        reporter_name=f"Pelapor Uji {i}",
        reporter_email=f"pelapor{i}@example.test" if with_email else "",
    )


def table_counts() -> dict[str, int]:
    from aduan.audit.models import AuditLog
    from aduan.notifications.models import Outbox
    from aduan.reports.models import Event, Report

    return {"reports": Report.objects.count(), "events": Event.objects.count(),
            "outbox": Outbox.objects.count(), "audit": AuditLog.objects.count()}


def main(argv=None) -> int:
    args = parse_args(argv)
    temp_dir = setup_django(args)
    try:
        return run(args)
    finally:
        if temp_dir is not None:
            if args.keep:
                print(f"kept {temp_dir}")
            else:
                shutil.rmtree(temp_dir, ignore_errors=True)


def run(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.db import transaction
    from django.db.models import Count, Q
    from django.utils import timezone
    from tqdm import tqdm

    from aduan.reports.models import Report
    from aduan.reports.services.sla_jobs import sla_breach_scan
    from aduan.reports.services.submit import report_submit
    from aduan.reports.services.transition import report_transition
    from aduan.reports.workflow import Action, Status

    print(f"database: {db_description()}")
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f} s")
    coordinator, province, admin, region_codes = ensure_directory()
    print(f"directory: coordinator={coordinator.name!r}, disposing to={province.name!r} ({province.timezone}), "
          f"{len(region_codes)} region codes")
    before = table_counts()
    print(f"before: {before}")

    rng = random.Random(args.seed)
    now = timezone.now()
    spread = timedelta(days=args.days).total_seconds()
    # Chronological order, as reports would really arrive.
    moments = sorted(now - timedelta(seconds=rng.uniform(60, spread)) for _ in range(args.count))

    # --- 1. submit -------------------------------------------------------------------------------
    created: list[tuple[int, object]] = []
    started = time.perf_counter()
    with tqdm(total=args.count, desc="submit", unit="report", file=sys.stderr, smoothing=0.05) as bar:
        for offset in range(0, args.count, args.batch):
            chunk = moments[offset:offset + args.batch]
            with transaction.atomic():
                for j, submitted_at in enumerate(chunk):
                    i = before["reports"] + offset + j + 1
                    result = report_submit(draft=synthetic_draft(rng, i, submitted_at, region_codes), now=submitted_at)
                    created.append((result.report.pk, submitted_at))
            bar.update(len(chunk))
    elapsed = time.perf_counter() - started
    print(f"submit: {args.count} reports in {elapsed:.1f} s = {args.count / elapsed:.0f} reports/s "
          f"(batch {args.batch})")

    # --- 2. dispose a fraction to the province agency --------------------------------------------
    to_dispose = sorted(rng.sample(created, round(len(created) * args.dispose)), key=lambda item: item[1])
    started = time.perf_counter()
    with tqdm(total=len(to_dispose), desc="dispose", unit="report", file=sys.stderr, smoothing=0.05) as bar:
        for offset in range(0, len(to_dispose), args.batch):
            chunk = to_dispose[offset:offset + args.batch]
            with transaction.atomic():
                for pk, submitted_at in chunk:
                    # Disposed between one hour and four days after submission, never in the future.
                    at = min(submitted_at + timedelta(hours=rng.uniform(1, 96)), now - timedelta(seconds=30))
                    report_transition(report=pk, action=Action.VERIFY_DISPOSE, actor=admin,
                                      expected_status=Status.SUBMITTED, now=at, agency=province)
            bar.update(len(chunk))
    elapsed = time.perf_counter() - started
    if to_dispose:
        print(f"dispose: {len(to_dispose)} transitions in {elapsed:.1f} s = {len(to_dispose) / elapsed:.0f} transitions/s")

    ids = [pk for pk, _ in created]
    ours = Report.objects.filter(pk__gte=min(ids), pk__lte=max(ids))
    overdue = ours.aggregate(
        verify=Count("pk", filter=Q(status=Status.SUBMITTED, verify_due_at__lt=now)),
        first_response=Count("pk", filter=Q(status=Status.DISPOSED, first_response_due_at__lt=now)),
        resolution=Count("pk", filter=Q(status=Status.DISPOSED, resolution_due_at__lt=now)),
    )
    print(f"overdue now among the new reports: {overdue}")

    # --- 3. the breach job -----------------------------------------------------------------------
    scan_at = now + timedelta(seconds=1)
    counts_before = table_counts()
    started = time.perf_counter()
    first = sla_breach_scan(now=scan_at)
    first_seconds = time.perf_counter() - started
    counts_after_first = table_counts()
    print(f"sla_breach_scan #1: {first_seconds:.2f} s, {first} "
          f"({first['escalated'] / first_seconds:.0f} escalations/s)" if first_seconds and first["escalated"]
          else f"sla_breach_scan #1: {first_seconds:.2f} s, {first}")
    breached = ours.aggregate(
        verify=Count("pk", filter=Q(breached_verify_at__isnull=False)),
        first_response=Count("pk", filter=Q(breached_first_response_at__isnull=False)),
        resolution=Count("pk", filter=Q(breached_resolution_at__isnull=False)),
        escalated=Count("pk", filter=Q(escalation_level__gt=0)),
    )
    print(f"  breaches recorded: {breached}; rows written: "
          f"{ {k: counts_after_first[k] - counts_before[k] for k in counts_before} }")

    # --- 4. again: idempotent, so nothing to do --------------------------------------------------
    started = time.perf_counter()
    second = sla_breach_scan(now=scan_at)
    second_seconds = time.perf_counter() - started
    counts_after_second = table_counts()
    changed = {k: counts_after_second[k] - counts_after_first[k] for k in counts_before}
    verdict = "changed nothing" if not any(changed.values()) and not second["escalated"] and not second["referred"] \
        else f"CHANGED SOMETHING: {changed}"
    print(f"sla_breach_scan #2: {second_seconds:.3f} s, {second}: {verdict}")
    print(f"after: {counts_after_second}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
