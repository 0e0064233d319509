"""At-least-once delivery survives a worker killed mid-send (issue #5, "must hold"): a real
worker process is SIGKILLed after the gateway took the message but before the row was
marked sent (or just before sending). After the stuck row is released and a new worker
runs, the citizen got the message at most twice and never zero times."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection

from aduan.notifications.models import Outbox
from aduan.notifications.services import outbox_release_stuck, outbox_send_due

from ..factories import submit

ROOT = Path(__file__).resolve().parents[2]

WORKER = """
import os, sys
import django
django.setup()
from django.conf import settings
from django.db import connections
connections["default"].settings_dict["NAME"] = sys.argv[1]
settings.ADUAN_SMS_BACKEND = sys.argv[2]
from aduan.notifications.services import outbox_send_due
outbox_send_due()
print("finished without being killed")
"""


def run_worker(backend: str, log: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "ADUAN_TEST_DELIVERY_LOG": str(log)}
    return subprocess.run([sys.executable, "-c", WORKER, connection.settings_dict["NAME"], backend],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("backend, deliveries", [
    ("tests.notifications.crash_backends.DieAfterSend", 2),  # one duplicate, at most
    ("tests.notifications.crash_backends.DieBeforeSend", 1),  # not lost
])
def test_killed_worker_sends_at_most_one_duplicate_never_zero(tmp_path, settings, directory, backend, deliveries):
    report, _token = submit(channel="sms", reporter_email="", reporter_phone="081234567001")
    row = Outbox.objects.get(template="report_submitted")
    log = tmp_path / "deliveries.txt"
    log.touch()

    killed = run_worker(backend, log)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    row.refresh_from_db()
    assert row.state == Outbox.State.SENDING  # the dead worker never marked it

    # The stuck row goes back to the queue after the lease; a healthy worker sends it.
    assert outbox_release_stuck(older_than=timedelta(minutes=15)) == 0  # not yet: another worker may still be on it
    assert outbox_release_stuck(older_than=timedelta(0)) == 1
    os.environ["ADUAN_TEST_DELIVERY_LOG"] = str(log)
    try:
        settings.ADUAN_SMS_BACKEND = "tests.notifications.crash_backends.FileBackend"
        assert outbox_send_due() == {"sent": 1, "retry": 0, "failed": 0}
    finally:
        del os.environ["ADUAN_TEST_DELIVERY_LOG"]
    row.refresh_from_db()
    assert row.state == Outbox.State.SENT
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == deliveries
    assert all(line.startswith("+6281234567001\t") and report.reference in line for line in lines)
    assert outbox_send_due() == {"sent": 0, "retry": 0, "failed": 0}  # and never again
