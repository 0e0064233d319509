"""axe-core (WCAG 2.1 AA) on the planning-evidence page and the budget upload pages, with data on
the page and in their error states, in headless Chromium; the page works without JavaScript.
Skipped without Chromium or axe-core on a developer machine; CI fails instead."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.backoffice.test_accessibility import use_session
from tests.backoffice.test_work_support import sign_in_verified

from ..browser.support import axe_violations
from .test_planning import planning_world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/statistik/perencanaan/"
PERIOD = "dari=2025-01-01&sampai=2025-12-31"


def check(page, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None and response.status == status, url
    assert page.locator("h1").count() == 1, url
    assert axe_violations(page) == [], url


def test_planning_pages_have_no_accessibility_violations(page, planning_world):  # noqa: F811
    check(page, URL)
    check(page, f"{URL}?wilayah=33&{PERIOD}")
    assert page.locator("#tabel-kategori tbody tr").count() == 4
    assert page.locator("svg.planning-chart rect").count() == 8
    check(page, f"{URL}?wilayah=33.01&{PERIOD}")  # small region: no example rows
    check(page, f"{URL}?wilayah=99&dari=2025-12-31&sampai=2025-01-01", status=400)
    assert page.locator("[aria-invalid=true]").count() == 2


def test_planning_form_works_without_javascript(page_no_js, planning_world):  # noqa: F811
    page_no_js.goto(URL)
    page_no_js.select_option("#f-wilayah", "33.74")
    page_no_js.fill("#f-dari", "2025-01-01")
    page_no_js.fill("#f-sampai", "2025-12-31")
    with page_no_js.expect_navigation():
        page_no_js.click("form.filters button[type=submit]")
    assert page_no_js.locator("#tabel-kategori tr[data-category=jalan]").count() == 1
    assert page_no_js.locator("a[href*='format=pdf']").count() == 1


def test_budget_pages_have_no_accessibility_violations(page, live_server, directory, agency_admin, tmp_path):
    use_session(page, sign_in_verified(Client(), agency_admin(directory.semarang)), live_server)
    check(page, "/petugas/analitik/anggaran/")
    check(page, "/petugas/analitik/anggaran/pemkot-semarang/")
    good = tmp_path / "anggaran.csv"
    good.write_text("sektor,jumlah,catatan\njalan,1.250.000.000,Jalan kota\nadminduk,500000000,\n", encoding="utf-8")
    page.set_input_files("#id_file", str(good))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("table[data-year] tbody tr").count() == 2
    assert axe_violations(page) == []
    bad = tmp_path / "salah.csv"
    bad.write_text("sektor,jumlah\njalan,sejuta\n", encoding="utf-8")
    page.set_input_files("#id_file", str(bad))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator(".error-summary").count() == 1 and page.locator("#id_file[aria-invalid=true]").count() == 1
    assert axe_violations(page) == []
