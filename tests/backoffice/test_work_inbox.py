"""Inboxes per persona, overdue list, counts, sorting and pinned query counts."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from aduan.reports.models import Report
from aduan.reports.workflow import Action, Status
from tests.reports.helpers import report_in, run

from .test_work_support import sign_in_verified

pytestmark = pytest.mark.django_db


def refs(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<tr data-report="([^"]+)">', response.content.decode())


def fresh(status, directory, admin, **kw):
    return report_in(status, directory, admin, now=timezone.now(), **kw)[0]


def test_verifier_sees_reports_waiting_for_verification_only(client, directory, national_admin, verifier):
    submitted = fresh(Status.SUBMITTED, directory, national_admin)
    postponed = fresh(Status.POSTPONED, directory, national_admin)
    returned = fresh(Status.RETURNED, directory, national_admin)
    disposed = fresh(Status.DISPOSED, directory, national_admin)
    sign_in_verified(client, verifier)
    seen = refs(client.get("/petugas/kotak/verifikasi/"))
    assert set(seen) == {submitted.reference, postponed.reference, returned.reference}
    assert disposed.reference not in seen


def test_regional_verifier_sees_only_its_desk(client, directory, national_admin, regional_verifier):
    national = fresh(Status.SUBMITTED, directory, national_admin)
    regional = fresh(Status.SUBMITTED, directory, national_admin)
    Report.objects.filter(pk=regional.pk).update(coordinator=directory.jateng)
    sign_in_verified(client, regional_verifier)
    assert refs(client.get("/petugas/kotak/verifikasi/")) == [regional.reference]
    assert national.reference not in refs(client.get("/petugas/kotak/terlambat/"))


def test_liaison_sees_its_agencys_disposed_reports_not_other_agencies(client, directory, national_admin, liaison_officer):
    ours = fresh(Status.DISPOSED, directory, national_admin)
    theirs = fresh(Status.SUBMITTED, directory, national_admin)
    run(theirs, Action.VERIFY_DISPOSE, national_admin, directory, now=timezone.now(), agency=directory.dpu_jateng.pk)
    waiting = fresh(Status.SUBMITTED, directory, national_admin)
    sign_in_verified(client, liaison_officer(directory.dishub_semarang))
    assert refs(client.get("/petugas/kotak/instansi/")) == [ours.reference]
    assert refs(client.get("/petugas/kotak/verifikasi/")) == []
    assert waiting.reference not in refs(client.get("/petugas/kotak/terlambat/"))


def test_overdue_list_holds_missed_deadlines_only(client, directory, national_admin, verifier):
    late, _ = report_in(Status.SUBMITTED, directory, national_admin, now=timezone.now() - timedelta(days=10), incident_date=date(2026, 11, 1))
    on_time = fresh(Status.SUBMITTED, directory, national_admin)
    sign_in_verified(client, verifier)
    response = client.get("/petugas/kotak/terlambat/")
    assert refs(response) == [late.reference]
    assert "Terlambat" in response.content.decode()
    assert on_time.reference in refs(client.get("/petugas/kotak/verifikasi/"))


def test_escalation_list_holds_escalated_open_reports(client, directory, national_admin, verifier):
    escalated = fresh(Status.SUBMITTED, directory, national_admin)
    fresh(Status.SUBMITTED, directory, national_admin)
    Report.objects.filter(pk=escalated.pk).update(escalation_level=1)
    sign_in_verified(client, verifier)
    assert refs(client.get("/petugas/kotak/eskalasi/")) == [escalated.reference]


def test_dashboard_counts_each_inbox(client, directory, national_admin, verifier):
    report_in(Status.SUBMITTED, directory, national_admin, now=timezone.now() - timedelta(days=10), incident_date=date(2026, 11, 1))
    fresh(Status.SUBMITTED, directory, national_admin)
    fresh(Status.DISPOSED, directory, national_admin)
    sign_in_verified(client, verifier)
    html = client.get("/petugas/").content.decode()
    counts = dict(re.findall(r'<td data-inbox="([a-z]+)">(\d+)</td>', html))
    assert counts == {"verifikasi": "2", "terlambat": "1", "eskalasi": "0"}  # no agency inbox for a verifier


def test_sorted_by_deadline_by_default_and_newest_on_request(client, directory, national_admin, verifier):
    now = timezone.now()
    older, _ = report_in(Status.SUBMITTED, directory, national_admin, now=now - timedelta(days=2))
    newer, _ = report_in(Status.SUBMITTED, directory, national_admin, now=now)
    sign_in_verified(client, verifier)
    assert refs(client.get("/petugas/kotak/verifikasi/")) == [older.reference, newer.reference]
    assert refs(client.get("/petugas/kotak/verifikasi/?sort=terbaru")) == [newer.reference, older.reference]


def test_public_support_raises_priority(client, directory, national_admin, verifier, citizen):
    """Dukungan feeds priority: on the same deadline the more supported report comes first,
    and "most supported" puts it first whatever the deadline (issue #6)."""
    from aduan.reports.services.transition import report_support
    from tests.factories import UserFactory

    now = timezone.now()
    older, _ = report_in(Status.SUBMITTED, directory, national_admin, now=now - timedelta(days=7))  # an earlier deadline
    same_day, _ = report_in(Status.SUBMITTED, directory, national_admin, now=now)
    backed, _ = report_in(Status.SUBMITTED, directory, national_admin, now=now)
    for n in range(3):
        report_support(report=backed, user=UserFactory(username=f"pendukung-{n}"))
    sign_in_verified(client, verifier)
    assert refs(client.get("/petugas/kotak/verifikasi/")) == [older.reference, backed.reference, same_day.reference]
    response = client.get("/petugas/kotak/verifikasi/?sort=dukungan")
    assert refs(response) == [backed.reference, older.reference, same_day.reference]
    assert '<td data-support="3">3</td>' in response.content.decode()


def test_filters_by_title_text_and_status(client, directory, national_admin, verifier):
    road = fresh(Status.SUBMITTED, directory, national_admin, title="Lampu jalan padam")
    postponed = fresh(Status.POSTPONED, directory, national_admin, title="Sampah menumpuk")
    sign_in_verified(client, verifier)
    assert refs(client.get("/petugas/kotak/verifikasi/?q=lampu")) == [road.reference]
    assert refs(client.get("/petugas/kotak/verifikasi/?status=postponed")) == [postponed.reference]


def test_unknown_inbox_is_404(client, directory, verifier):
    sign_in_verified(client, verifier)
    assert client.get("/petugas/kotak/entah/").status_code == 404


@pytest.mark.parametrize("inbox", ["verifikasi", "instansi", "terlambat", "eskalasi"])
def test_inbox_query_count_does_not_grow_with_reports(client, directory, national_admin, liaison_officer, inbox,
                                                      django_assert_num_queries):
    user = liaison_officer(directory.dishub_semarang) if inbox == "instansi" else national_admin
    sign_in_verified(client, user)

    def make(n):
        for _ in range(n):
            r = fresh(Status.DISPOSED if inbox == "instansi" else Status.SUBMITTED, directory, national_admin)
            Report.objects.filter(pk=r.pk).update(escalation_level=1, verify_due_at=timezone.now() - timedelta(days=1))

    url = f"/petugas/kotak/{inbox}/"
    make(3)
    client.get(url)  # warm caches (content types, session)
    with django_assert_num_queries(8) as ctx:
        assert len(refs(client.get(url))) == 3
    make(27)
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert len(refs(client.get(url))) == 25
