"""Benchmark: inbound SMS webhook throughput and the outbox worker's send rate.

    .venv/bin/python bench/bench_intake.py [--messages 500] [--outbox 2000] [--fresh]

1. **Inbound SMS**: ``--messages`` signed calls to the generic SMS webhook
   (``POST /intake/sms/generic/``, X-Aduan-Signature) through Django's test ``Client`` (the
   whole middleware stack; no network), one after another, each a different free-text
   message. Each call stores the raw ``InboundMessage``, parses it, creates the report
   through ``report_submit`` (event, audit, deadlines) and writes the SMS confirmation to
   the outbox before answering — so messages/s here is "webhook to stored report".
2. **Outbox**: ``--outbox`` pending SMS rows and as many e-mail rows, drained by
   ``outbox_send_due`` in batches of 100 with a no-op SMS backend (defined here) and
   Django's in-memory e-mail backend: the figure is the worker's own cost per message
   (claim with SKIP LOCKED where available, render the template, mark sent), not a gateway's.

It prints figures and never asserts. The database is whatever the settings select
(SQLite under var/ by default, PostgreSQL with DATABASE_URL — use a throw-away database);
``--fresh`` (SQLite only) uses a temporary database file. Texts are synthetic.
"""

from __future__ import annotations

import argparse
import json
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
SECRET = "bench-sms-secret"
NOOP_MODULE = "bench_intake_noop"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=500, help="inbound SMS webhook calls (default 500)")
    parser.add_argument("--outbox", type=int, default=2000, help="outbox rows per channel to send (default 2000)")
    parser.add_argument("--fresh", action="store_true", help="SQLite only: a temporary database file")
    args = parser.parse_args(argv)
    if args.messages < 1 or args.outbox < 1:
        parser.error("--messages and --outbox must be positive")
    return args


def setup_django(args) -> Path | None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ["INTAKE_SMS_SECRET"] = SECRET
    temp_dir = None
    if args.fresh and not os.environ.get("DATABASE_URL"):
        temp_dir = Path(tempfile.mkdtemp(prefix="aduan-bench-intake-"))
        os.environ["ADUAN_VAR_DIR"] = str(temp_dir)
    import django

    django.setup()
    from django.conf import settings

    class NoopBackend:
        sent = 0

        def send(self, to, segments):
            NoopBackend.sent += 1

    module = types.ModuleType(NOOP_MODULE)
    module.NoopBackend = NoopBackend
    sys.modules[NOOP_MODULE] = module
    settings.ADUAN_SMS_BACKEND = f"{NOOP_MODULE}.NoopBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ALLOWED_HOSTS = ["*"]
    return temp_dir


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def db_description() -> str:
    from django.db import connection

    connection.ensure_connection()
    return f"{connection.vendor} ({connection.settings_dict['NAME']})"


def bench_inbound(count: int) -> None:
    from django.test import Client

    from aduan.dispatch.signing import signature_headers
    from aduan.intake.models import InboundMessage
    from aduan.reports.models import Report

    client = Client()
    run = int(time.time())
    before = Report.objects.count()
    latencies = []
    for i in range(count):
        body = json.dumps({"id": f"bench-{run}-{i}", "from": f"+62812{run % 100000:05d}{i % 1000:03d}",
                           "text": f"Uji kinerja {i}: saluran air tersumbat di gang nomor {i}, mohon dibersihkan"}).encode()
        began = time.perf_counter()
        response = client.post("/intake/sms/generic/", data=body, content_type="application/json",
                               headers=signature_headers(secret=SECRET, body=body))
        latencies.append(time.perf_counter() - began)
        if response.status_code != 200:
            raise SystemExit(f"webhook answered {response.status_code}: {response.content[:300]!r}")
    total = sum(latencies)
    q = statistics.quantiles(latencies, n=100) if count > 1 else [latencies[0]] * 99
    created = Report.objects.count() - before
    stored = InboundMessage.objects.filter(external_id__startswith=f"generic:bench-{run}-").count()
    print(f"inbound SMS webhook: {count} messages in {total:.2f} s = {count / total:.1f} messages/s "
          f"(to stored report); p50 {q[49] * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms; "
          f"{stored} inbound rows, {created} reports created")


def bench_outbox(count: int) -> None:
    from django.core import mail

    from aduan.notifications.models import Outbox
    from aduan.notifications.services import outbox_send_due

    run = int(time.time())
    for channel, recipient in (("sms", "+6281200000000"), ("email", "bench@example.test")):
        Outbox.objects.filter(state=Outbox.State.PENDING).update(state=Outbox.State.FAILED)  # only ours are due
        Outbox.objects.bulk_create([
            Outbox(channel=channel, recipient=recipient, template="report_event",
                   payload={"reference": "2611-K7QX-M9P3", "title": f"Uji {i}", "status_label": "Diteruskan",
                            "agency": "Dinas Uji", "note": ""},
                   dedupe_key=f"bench:{run}:{channel}:{i}") for i in range(count)
        ], batch_size=1000)
        mail.outbox = []
        began = time.perf_counter()
        sent = 0
        while True:
            counts = outbox_send_due(limit=100)
            if not any(counts.values()):
                break
            sent += counts["sent"]
        elapsed = time.perf_counter() - began
        print(f"outbox worker, {channel} (no-op sender): {sent} messages in {elapsed:.2f} s = {sent / elapsed:.1f} messages/s")


def main(argv=None) -> None:
    args = parse_args(argv)
    temp_dir = setup_django(args)
    try:
        migrate()
        print(f"database: {db_description()}")
        bench_inbound(args.messages)
        bench_outbox(args.outbox)
    finally:
        if temp_dir:
            shutil.rmtree(temp_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
