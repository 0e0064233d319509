"""Benchmark: report creation through the REST API against a bare DRF endpoint.

    .venv/bin/python bench/bench_api.py [--count 300] [--warmup 20] [--auth key|anon|citizen] [--fresh]

Both endpoints are called in this process through Django's test ``Client`` (the whole
middleware stack, DRF authentication, throttles, parsing and rendering; no network), one
request after another, with the same JSON payload and the same credential:

- ``POST /api/v1/reports/`` — ``report_submit``: validation, region and category lookup,
  deadlines on the working-day calendar, the report row, its ``submit`` event, the audit row
  and the confirmation in the outbox, in one transaction (agency routing joins this path
  when the routing app lands; the figure then includes it);
- ``POST /bench/bare/`` — a DRF view defined here, in the benchmark's own URLconf (never in
  the app), that validates the same three fields and inserts one row (an ``AuditLog`` row).

It prints requests/s and p50/p95 latency of each and their ratio, plus the rows written, so
the figures show the work really happened. It prints figures and never asserts (DESIGN.md
§3). Rate limits are lifted for the run. The database is whatever the settings select:
SQLite under var/ by default, PostgreSQL when DATABASE_URL is set (a throw-away database is
best: the reports stay). ``--fresh`` (SQLite only) uses a temporary database file.
Titles and bodies are synthetic; no real citizen text is used.

``--auth key`` (default) sends an agency API key (the integration path), ``citizen`` a
citizen bearer token, ``anon`` nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

URLCONF = "bench_api_urls"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=300, help="measured requests per endpoint (default 300)")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests per endpoint first (default 20)")
    parser.add_argument("--auth", choices=("key", "anon", "citizen"), default="key", help="credential sent (default key)")
    parser.add_argument("--fresh", action="store_true",
                        help="SQLite only: use a temporary database file (ignored when DATABASE_URL is set)")
    args = parser.parse_args(argv)
    if args.count < 1 or args.warmup < 0:
        parser.error("--count must be positive and --warmup not negative")
    return args


def setup_django(args: argparse.Namespace) -> Path | None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("LOG_LEVEL", "ERROR")  # no "Bad Request" lines between the figures
    for scope in ("ANON", "KEY", "USER", "SUBMIT", "SUBMIT_KEY"):  # one local client: no rate limits in the way
        os.environ.setdefault(f"API_RATE_{scope}", "100000000/min")
    temp_dir = None
    if args.fresh:
        if os.environ.get("DATABASE_URL"):
            print("--fresh ignored: DATABASE_URL is set; using that database as it is.")
        else:
            temp_dir = Path(tempfile.mkdtemp(prefix="aduan-bench-api-"))
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


def build_urlconf() -> None:
    """The benchmark's URLconf: the bare endpoint beside the project's own URLs."""
    from django.urls import include, path
    from rest_framework import serializers, status
    from rest_framework.response import Response
    from rest_framework.views import APIView

    from aduan.audit.models import AuditLog

    class BareSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        body = serializers.CharField()
        incident_date = serializers.DateField()

    class BareView(APIView):
        """Same DRF stack (default authentication, throttles, parser, renderer); one INSERT."""

        def post(self, request):
            data = BareSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            row = AuditLog.objects.create(action="bench_bare", object_type="bench", object_id="0",
                                          data={"title": data.validated_data["title"]})
            return Response({"id": row.pk}, status=status.HTTP_201_CREATED)

    module = types.ModuleType(URLCONF)
    module.urlpatterns = [path("bench/bare/", BareView.as_view()), path("", include("config.urls"))]
    sys.modules[URLCONF] = module


def ensure_directory() -> dict:
    """A region pair, a category and an agency for the key; reuse what exists."""
    from aduan.accounts.models import Membership, User
    from aduan.accounts.permissions import Role
    from aduan.agencies.models import Agency, Category
    from aduan.regions.models import Region

    Region.objects.get_or_create(code="33", defaults={"name": "Jawa Tengah", "level": Region.Level.PROVINCE})
    Region.objects.get_or_create(code="33.74", defaults={"name": "Kota Semarang", "level": Region.Level.REGENCY,
                                                         "parent_id": "33"})
    Category.objects.get_or_create(slug="bench-jalan", defaults={"name": "Jalan (bench)"})
    agency, _ = Agency.objects.get_or_create(slug="bench-pemkot", defaults={"name": "Pemerintah Kota (bench)",
                                                                            "kind": Agency.Kind.CITY})
    admin, _ = User.objects.get_or_create(username="bench-api-admin")
    Membership.objects.get_or_create(user=admin, agency=None, role=Role.NATIONAL_ADMIN)
    return {"agency": agency, "admin": admin}


def credential(kind: str, directory: dict) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    if kind == "key":
        from aduan.api.keys import api_key_issue

        return {"HTTP_X_API_KEY": api_key_issue(actor=directory["admin"], agency=directory["agency"], name="bench").raw}
    if kind == "citizen":
        from aduan.accounts.login_codes import login_code_issue
        from aduan.api.v1.citizen_auth import citizen_token_issue

        now = timezone.now()
        identifier = f"bench-{int(now.timestamp())}@example.test"
        code = login_code_issue(identifier=identifier, now=now - timedelta(seconds=1))
        return {"HTTP_AUTHORIZATION": f"Bearer {citizen_token_issue(identifier=identifier, code=code, now=now).raw}"}
    return {}


def payload(i: int) -> str:
    import json
    from datetime import date

    return json.dumps({
        "title": f"Lampu jalan mati di Jalan Uji {i}",
        "body": f"Laporan sintetis nomor {i} untuk uji kinerja API: lampu mati sejak tiga hari, rawan di malam hari.",
        "incident_date": date.today().isoformat(),
        "category": "bench-jalan",
        "region_code": "33.74",
        "reporter_name": f"Pelapor Uji {i}",
        "reporter_email": f"pelapor{i}@example.test",
    })


def drive(client, url: str, headers: dict, start: int, count: int) -> list[float]:
    """``count`` POSTs; the latency of each in seconds. A non-201 stops the run loudly."""
    latencies = []
    for i in range(start, start + count):
        began = time.perf_counter()
        response = client.post(url, data=payload(i), content_type="application/json", **headers)
        latencies.append(time.perf_counter() - began)
        if response.status_code != 201:
            raise SystemExit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    return latencies


def describe(name: str, latencies: list[float]) -> tuple[float, float]:
    total = sum(latencies)
    rate = len(latencies) / total
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
    print(f"{name}: {len(latencies)} requests in {total:.2f} s = {rate:.1f} req/s; "
          f"p50 {q[49] * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms")
    return rate, q[49]


def table_counts() -> dict[str, int]:
    from aduan.audit.models import AuditLog
    from aduan.notifications.models import Outbox
    from aduan.reports.models import Event, Report

    return {"reports": Report.objects.count(), "events": Event.objects.count(), "outbox": Outbox.objects.count(),
            "audit": AuditLog.objects.count(), "bare_rows": AuditLog.objects.filter(action="bench_bare").count()}


def run(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client, override_settings

    print(f"database: {db_description()}")
    call_command("migrate", interactive=False, verbosity=0)
    build_urlconf()
    directory = ensure_directory()
    headers = credential(args.auth, directory)
    framework = dict(settings.REST_FRAMEWORK)
    framework["DEFAULT_THROTTLE_RATES"] = {name: "1000000/min" for name in framework["DEFAULT_THROTTLE_RATES"]}
    client = Client(HTTP_HOST="localhost")
    with override_settings(ROOT_URLCONF=URLCONF, REST_FRAMEWORK=framework, DEBUG=False):
        cache.clear()
        drive(client, "/api/v1/reports/", headers, 0, args.warmup)
        drive(client, "/bench/bare/", headers, 0, args.warmup)
        before = table_counts()
        full = drive(client, "/api/v1/reports/", headers, args.warmup, args.count)
        bare = drive(client, "/bench/bare/", headers, args.warmup, args.count)
        after = table_counts()
    print(f"credential: {args.auth}; {args.warmup} warm-up requests per endpoint not counted")
    full_rate, full_p50 = describe("POST /api/v1/reports/ (report_submit: checks, region/category, deadlines, event, audit, "
                         "outbox)", full)
    bare_rate, bare_p50 = describe("POST /bench/bare/     (bare DRF endpoint, one INSERT)", bare)
    print(f"ratio: report creation through the API runs at {full_rate / bare_rate:.3f}× the bare endpoint's "
          f"throughput ({bare_rate / full_rate:.1f}× the time per request); median latency "
          f"{full_p50 / bare_p50:.1f}× the bare one's (steadier when other processes share the CPU)")
    print(f"rows written: { {k: after[k] - before[k] for k in before} }")
    return 0


def main(argv=None) -> int:
    args = parse_args(argv)
    temp_dir = setup_django(args)
    try:
        return run(args)
    finally:
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
