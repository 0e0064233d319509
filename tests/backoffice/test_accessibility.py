"""axe-core (WCAG 2.1 AA) on every back-office page, in headless Chromium, with data on the
page and in the error states: sign-in (and its error), second factor (enrol and verify),
the dashboard, each inbox, a report in every status with its action forms, a report whose
form came back with errors, and every directory page. Skipped without Chromium or
axe-core on a developer machine; CI fails instead."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from aduan.standards.models import CalendarDay
from aduan.reports.models import Report
from aduan.reports.services.links import report_link_related
from aduan.reports.workflow import Status
from tests.reports.helpers import report_in

from ..browser.support import axe_violations
from .test_work_support import sign_in_verified

pytestmark = pytest.mark.django_db(transaction=True)


def use_session(page, client: Client, live_server) -> None:
    """Give the browser the Django test client's signed-in session."""
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


def check(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 500, url
    assert page.locator("h1").count() == 1, url
    assert axe_violations(page) == [], url


def test_sign_in_pages(page, live_server, verifier):
    check(page, "/petugas/masuk/")
    page.fill("#username", "tidak-ada")
    page.fill("#password", "salah-sekali")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("[aria-invalid=true], .error-summary, .error").count() >= 1
    assert axe_violations(page) == []
    pending = Client()
    pending.force_login(verifier)  # password done, no second factor yet
    use_session(page, pending, live_server)
    check(page, "/petugas/2fa/daftar/")


def test_work_pages(page, live_server, directory, national_admin, verifier):
    now = timezone.now()
    reports = {status: report_in(status, directory, national_admin, now=now)[0] for status in Status}
    # The submitted report carries routing's suggestions (issue #6), as report_submit stores them.
    Report.objects.filter(pk=reports[Status.SUBMITTED].pk).update(routing={
        "auto": False, "why_not": "keyakinan 72 % di bawah ambang 95 %", "confidence": 0.72,
        "region": {"code": "33.74", "name": "Kota Semarang", "source": "text", "words": "kota smg"},
        "suggestions": [{"agency_id": directory.dishub_semarang.pk, "agency": directory.dishub_semarang.name,
                         "confidence": 0.72, "path": "rules", "reasons": ["sektor Infrastruktur jalan 72 %"],
                         "terms": ["lampu", "lalu lintas"]},
                        {"agency_id": directory.dpu_jateng.pk, "agency": directory.dpu_jateng.name,
                         "confidence": 0.2, "path": "model", "reasons": [], "terms": []}],
        "categories": [{"category": "jalan", "probability": 0.72, "terms": []}],
        "kinds": [{"kind": "complaint", "probability": 0.9}],
    })
    report_link_related(report=reports[Status.SUBMITTED], other_reference=reports[Status.DISPOSED].reference,
                        actor=national_admin, note="got tersumbat menyebabkan genangan")
    use_session(page, sign_in_verified(Client(), national_admin), live_server)
    page.goto(f"/petugas/laporan/{reports[Status.SUBMITTED].pk}/")
    assert page.locator("#usulan tr[data-suggestion]").count() == 2
    assert page.locator("#terkait tr[data-related]").count() == 1
    for url in ["/petugas/", "/petugas/kotak/verifikasi/", "/petugas/kotak/instansi/", "/petugas/kotak/terlambat/",
                "/petugas/kotak/eskalasi/", "/petugas/kotak/verifikasi/?status=submitted&sort=terbaru"]:
        check(page, url)
    for report in reports.values():
        check(page, f"/petugas/laporan/{report.pk}/")
    # An error state: not our authority without its reason.
    page.goto(f"/petugas/laporan/{reports[Status.IN_PROGRESS].pk}/")
    form = page.locator('form[data-action="not_authority"]')
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator(".error-summary").count() >= 1
    assert axe_violations(page) == []
    # Another: a related link to a report number that does not exist.
    page.goto(f"/petugas/laporan/{reports[Status.SUBMITTED].pk}/")
    page.fill("#id_link-other", "2611-NOPE-0000")
    with page.expect_navigation():
        page.locator('#terkait form[novalidate] button[type=submit]').click()
    assert page.locator("#id_link-other_error").count() == 1
    assert axe_violations(page) == []


def test_directory_pages(page, live_server, directory, national_admin):
    day = CalendarDay.objects.create(date=timezone.localdate().replace(month=12, day=25), name="Natal")
    use_session(page, sign_in_verified(Client(), national_admin), live_server)
    for url in ["/petugas/direktori/", "/petugas/direktori/instansi/baru/",
                "/petugas/direktori/instansi/dishub-kota-semarang/", "/petugas/direktori/instansi/dishub-kota-semarang/ubah/",
                "/petugas/direktori/instansi/dishub-kota-semarang/batas-waktu/", "/petugas/direktori/kategori/",
                "/petugas/direktori/kategori/baru/", "/petugas/direktori/kategori/jalan/ubah/",
                "/petugas/direktori/batas-waktu/", "/petugas/direktori/kalender/", f"/petugas/direktori/kalender/{day.pk}/hapus/",
                "/petugas/direktori/petugas/"]:
        check(page, url)
    # Error state: a new agency with nothing filled in.
    page.goto("/petugas/direktori/instansi/baru/")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    assert page.locator(".error-summary").count() >= 1
    assert axe_violations(page) == []


def test_lockout_page(page, live_server, verifier):
    for _ in range(6):
        page.goto("/petugas/masuk/")
        page.fill("#username", verifier.username)
        page.fill("#password", "salah-sekali")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Akun dikunci sementara"
    assert axe_violations(page) == []
