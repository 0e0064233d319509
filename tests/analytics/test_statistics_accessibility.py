"""axe-core (WCAG 2.1 AA) on the public statistics pages in headless Chromium: national
with the map, a province, a regency/city, an error state, the league, an agency page and
the method page; the period form works without JavaScript."""

from __future__ import annotations

import pytest

from aduan.analytics.facts import facts_refresh

from ..backoffice.test_accessibility import check
from .fixtures import LATER, build_history
from .test_statistics_pages import boundaries  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_statistics_pages(page, live_server, directory, national_admin, boundaries):  # noqa: F811
    build_history(directory, national_admin)
    facts_refresh(now=LATER)
    nov = "dari=2026-11&sampai=2026-11"
    for url in [f"/statistik/?{nov}", f"/statistik/?{nov}&wilayah=33", f"/statistik/?{nov}&wilayah=33.74",
                "/statistik/?dari=2026-13", f"/statistik/instansi/?{nov}",
                f"/statistik/instansi/dishub-kota-semarang/?{nov}", "/statistik/metode/"]:
        check(page, f"{live_server.url}{url}")
    assert page.locator("svg title").count() == 0  # the method page has no map


def test_period_form_works_without_javascript(page_no_js, live_server, directory, national_admin):
    build_history(directory, national_admin)
    facts_refresh(now=LATER)
    page_no_js.goto(f"{live_server.url}/statistik/")
    page_no_js.fill("#f-wilayah", "33.74")
    page_no_js.fill("#f-dari", "2026-11")
    page_no_js.fill("#f-sampai", "2026-11")
    with page_no_js.expect_navigation():
        page_no_js.locator("form.filters button[type=submit]").click()
    assert page_no_js.locator("h1").inner_text() == "Statistik pengaduan: Kota Semarang"
    assert "6" in page_no_js.locator("#ringkasan + .table-wrap tbody tr").first.inner_text()
