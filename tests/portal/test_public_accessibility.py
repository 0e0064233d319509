"""axe-core (WCAG 2.1 AA) on the public browsing pages, in headless Chromium, with data on
them: a full results table, pagination, an error state, the record table, a breadcrumb.
Skipped on a machine without Chromium or axe-core, like the other browser tests."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.reports.workflow import Status

from ..browser.support import axe_violations
from ..reports.helpers import report_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reports(directory, national_admin):
    start = timezone.now() - timedelta(days=30)  # old enough that some are overdue
    for i in range(21):
        status = Status.CLOSED if i % 5 == 0 else Status.DISPOSED
        report_in(status, directory, national_admin, now=start + i * timedelta(minutes=5),
                  incident_date=start.date(), region_code="33.74.01.1001", category="jalan",
                  title=f"Jalan berlubang nomor {i}, hubungi 0812 3456 7890")


@pytest.mark.parametrize("url", [
    "/laporan/",
    "/laporan/?page=2",
    "/laporan/?category=tidak-ada&date_from=kemarin&region=99",
    "/instansi/pemkot-semarang/",
    "/instansi/dishub-kota-semarang/",
    "/wilayah/33.74.01/",
])
def test_public_pages_have_no_accessibility_violations(page, reports, url):
    page.goto(url)
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


def test_search_form_works_by_keyboard_without_javascript(page_no_js, reports):
    page_no_js.goto("/laporan/")
    page_no_js.focus("#f-q")
    page_no_js.keyboard.type("nomor 20")
    page_no_js.keyboard.press("Enter")
    page_no_js.wait_for_url("**/laporan/?q=nomor+20*")
    assert page_no_js.locator("#daftar-laporan tbody tr").count() == 1
    assert "[disamarkan]" in page_no_js.locator("#daftar-laporan tbody").inner_text()
    assert page_no_js.locator("#f-q").input_value() == "nomor 20"
