"""Officials get e-mail for new assignments, returns and escalations, and before deadlines;
each chooses immediate mail, a daily digest, or none (issue #5, notifications)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from aduan.accounts.permissions import Role
from aduan.notifications.models import Outbox
from aduan.notifications.services import outbox_digest, outbox_send_due
from aduan.reports.services.reminders import deadline_warnings
from aduan.reports.workflow import Action, Status

from ..factories import member
from ..reports.helpers import MON, report_in, run

pytestmark = pytest.mark.django_db


def official_mail(recipient: str) -> list[Outbox]:
    return list(Outbox.objects.filter(channel="email", recipient=recipient).order_by("id"))


def test_disposition_mails_the_agencys_officers_not_other_agencies(directory, national_admin):
    officer = member(Role.LIAISON_OFFICER, directory.dishub_semarang, username="penghubung-dishub")
    city_admin = member(Role.AGENCY_ADMIN, directory.semarang, username="admin-kota")  # parent, include_descendants
    narrow = member(Role.LIAISON_OFFICER, directory.semarang, username="penghubung-kota-saja", include_descendants=False)
    other = member(Role.LIAISON_OFFICER, directory.dpu_jateng, username="penghubung-dpu")
    report, _token = report_in(Status.DISPOSED, directory, national_admin)

    (row,) = official_mail(officer.email)
    assert row.template == "official_assignment" and row.state == Outbox.State.PENDING
    assert row.payload["agency"] == directory.dishub_semarang.name
    assert row.payload["due"].endswith("WIB")
    assert len(official_mail(city_admin.email)) == 1
    assert official_mail(narrow.email) == [] and official_mail(other.email) == []

    outbox_send_due()
    sent = [m for m in mail.outbox if m.to == [officer.email]]
    assert len(sent) == 1
    assert report.reference in sent[0].subject and directory.dishub_semarang.name in sent[0].subject
    assert f"/petugas/laporan/{report.reference}/" in sent[0].body


def test_return_mails_the_verifiers_and_escalation_mails_the_target(directory, national_admin, verifier):
    report, _token = report_in(Status.RETURNED, directory, national_admin)
    (row,) = official_mail(verifier.email)
    assert row.template == "official_assignment" and row.payload["reference"] == report.reference

    boss = member(Role.SUPERVISOR, directory.semarang, username="atasan-kota")
    disposed, _t = report_in(Status.DISPOSED, directory, national_admin)
    run(disposed, Action.INTERVENE, verifier, directory, now=MON + timedelta(hours=1))
    rows = [r for r in official_mail(boss.email) if r.template == "official_escalation"]
    assert len(rows) == 1 and rows[0].payload["reference"] == disposed.reference


def test_daily_digest_gathers_held_mail_into_one(directory, national_admin):
    officer = member(Role.LIAISON_OFFICER, directory.dishub_semarang, username="penghubung-ringkas")
    officer.email_digest = "daily"
    officer.save()
    first, _t1 = report_in(Status.DISPOSED, directory, national_admin)
    second, _t2 = report_in(Status.DISPOSED, directory, national_admin)
    held = official_mail(officer.email)
    assert [r.state for r in held] == [Outbox.State.HELD] * 2

    outbox_send_due()
    assert not [m for m in mail.outbox if m.to == [officer.email]], "held mail must wait for the digest"

    assert outbox_digest() == 1
    assert outbox_digest() == 0  # nothing left to gather
    outbox_send_due()
    (digest,) = [m for m in mail.outbox if m.to == [officer.email]]
    assert "2" in digest.subject
    assert first.reference in digest.body and second.reference in digest.body
    assert {r.state for r in Outbox.objects.filter(pk__in=[r.pk for r in held])} == {Outbox.State.DIGESTED}


def test_officials_who_opted_out_get_no_mail(directory, national_admin):
    officer = member(Role.LIAISON_OFFICER, directory.dishub_semarang, username="penghubung-senyap")
    officer.email_digest = "off"
    officer.save()
    report_in(Status.DISPOSED, directory, national_admin)
    assert official_mail(officer.email) == []
    # the in-app notification for the agency is still written
    assert Outbox.objects.filter(channel="internal", recipient=f"agency:{directory.dishub_semarang.pk}").exists()


def test_deadline_warning_once_per_deadline(directory, national_admin):
    officer = member(Role.LIAISON_OFFICER, directory.dishub_semarang, username="penghubung-tenggat")
    report, _token = report_in(Status.DISPOSED, directory, national_admin)
    report.refresh_from_db()
    due = report.first_response_due_at
    assert deadline_warnings(now=due - timedelta(days=5)) == 0  # too early
    before = due - timedelta(hours=3)
    assert deadline_warnings(now=before) >= 1
    rows = [r for r in official_mail(officer.email) if r.template == "official_deadline"]
    first_response = [r for r in rows if r.payload["what"] == "tanggapan pertama"]
    assert len(first_response) == 1 and first_response[0].payload["reference"] == report.reference
    # (the resolution deadline may fall on the same day: it gets its own warning)
    assert {r.payload["what"] for r in rows} <= {"tanggapan pertama", "penyelesaian"}
    assert deadline_warnings(now=before + timedelta(minutes=30)) == 0  # idempotent
    assert len([r for r in official_mail(officer.email) if r.template == "official_deadline"]) == len(rows)


def test_official_chooses_the_digest_on_their_settings_page(client, directory, national_admin):
    from ..backoffice.test_work_support import sign_in_verified

    officer = member(Role.LIAISON_OFFICER, directory.dishub_semarang, username="penghubung-atur")
    sign_in_verified(client, officer)
    page = client.get("/petugas/pengaturan/")
    assert page.status_code == 200 and officer.email in page.content.decode()
    assert client.post("/petugas/pengaturan/", {"email_digest": "daily"}).status_code == 302
    officer.refresh_from_db()
    assert officer.email_digest == "daily"
    report_in(Status.DISPOSED, directory, national_admin)
    assert [r.state for r in official_mail(officer.email)] == [Outbox.State.HELD]
    bad = client.post("/petugas/pengaturan/", {"email_digest": "hourly"})
    assert bad.status_code == 400
    officer.refresh_from_db()
    assert officer.email_digest == "daily"


def test_settings_page_needs_a_signed_in_official(client, citizen):
    response = client.get("/petugas/pengaturan/")
    assert response.status_code == 302 and "/petugas/masuk/" in response["Location"]
    client.force_login(citizen)
    assert client.get("/petugas/pengaturan/").status_code in (302, 403)
