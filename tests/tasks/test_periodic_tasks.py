"""The periodic tasks are registered with Huey and each runs its one service."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.notifications.models import Outbox
from aduan.notifications.tasks import outbox_send_task
from aduan.reports.tasks import reports_autoclose_task, sla_breach_scan_task
from aduan.reports.workflow import Status

from ..reports.helpers import report_in

pytestmark = pytest.mark.django_db


def test_periodic_tasks_are_registered():
    from huey.contrib.djhuey import HUEY

    names = {t.name for t in HUEY._registry.periodic_tasks}
    assert {"outbox_send_task", "sla_breach_scan_task", "reports_autoclose_task"} <= names


def test_tasks_run_their_services(directory, national_admin, mailoutbox):
    report, _ = report_in(Status.SUBMITTED, directory, national_admin)
    # The report was submitted "now" by the helper's clock (2026-11-23); today is later.
    assert sla_breach_scan_task.call_local()["escalated"] >= 1
    assert reports_autoclose_task.call_local() == 0
    result = outbox_send_task.call_local()
    assert result["sent"] >= 1
    assert Outbox.objects.filter(state=Outbox.State.PENDING, next_attempt_at__lte=timezone.now() - timedelta(seconds=1)).count() == 0
    assert any(report.reference in m.subject for m in mailoutbox)


def test_api_housekeeping_tasks_prune_only_what_has_expired(db):
    from huey.contrib.djhuey import HUEY

    from aduan.api.models import IdempotencyRecord
    from aduan.api.tasks import citizen_tokens_prune_task, idempotency_prune_task

    names = {t.name for t in HUEY._registry.periodic_tasks}
    assert {"idempotency_prune_task", "citizen_tokens_prune_task"} <= names
    old = IdempotencyRecord.objects.create(scope="s", key="lama", fingerprint="x")
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    IdempotencyRecord.objects.create(scope="s", key="baru", fingerprint="x")
    assert idempotency_prune_task.call_local() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["baru"]
    assert citizen_tokens_prune_task.call_local() == 0


def test_database_optimize_task_gives_sqlite_planner_statistics(db):
    from django.db import connection

    from aduan.core.tasks import database_optimize_task

    result = database_optimize_task.call_local()
    if connection.vendor != "sqlite":
        assert result == "skipped"
        return
    assert result in ("analyzed", "optimized")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        assert cursor.fetchone() is not None
    assert database_optimize_task.call_local() == "optimized"


def test_channel_and_notification_tasks_are_registered_and_run(directory, national_admin):
    from huey.contrib.djhuey import HUEY

    from aduan.intake.tasks import intake_sweep_incomplete_task
    from aduan.notifications.tasks import outbox_digest_task
    from aduan.reports.tasks import reminders_task

    names = {t.name for t in HUEY._registry.periodic_tasks}
    assert {"intake_imap_poll_task", "intake_sweep_incomplete_task", "outbox_digest_task", "reminders_task"} <= names
    assert intake_sweep_incomplete_task.call_local() == 0
    assert outbox_digest_task.call_local() == 0
    report, _ = report_in(Status.RESPONDED, directory, national_admin)
    report.autoclose_at = timezone.now() + timedelta(hours=5)  # closes itself today
    report.save(update_fields=["autoclose_at"])
    assert reminders_task.call_local()["autoclose_reminders"] == 1
    assert reminders_task.call_local()["autoclose_reminders"] == 0
