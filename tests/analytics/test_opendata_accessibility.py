"""axe-core (WCAG 2.1 AA) on the open-data page /data/ in headless Chromium: with a daily
dump listed, with download links made by the filter form, and with filter errors; and the
form used by keyboard without JavaScript. Skipped on a machine without Chromium or
axe-core, like the other browser tests (tests/browser/support.py)."""

import pytest

from aduan.reports.workflow import Status

from ..browser.support import axe_violations
from ..reports.helpers import MON, report_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def dump(settings, tmp_path, directory, national_admin):
    from aduan.analytics.opendata_dump import opendata_dump

    settings.VAR_DIR = tmp_path
    for i in range(3):
        report_in(Status.DISPOSED, directory, national_admin, region_code="33.74.01.1001", category="jalan",
                  title=f"Jalan berlubang nomor {i}")
    return opendata_dump(now=MON)


@pytest.mark.parametrize("url", [
    "/data/",
    "/data/?date_from=2026-11-01&region=33&status=disposed&buat=1",
    "/data/?date_from=kemarin&region=Semarang&category=tidak-ada&buat=1",
])
def test_the_open_data_page_has_no_accessibility_violations(page, dump, url):
    page.goto(url)
    assert page.locator("h1").count() == 1
    assert page.locator("#berkas-harian tbody tr").count() == 2
    assert axe_violations(page) == []


def test_the_page_without_a_dump_has_no_accessibility_violations(page, settings, tmp_path, directory):
    settings.VAR_DIR = tmp_path
    page.goto("/data/")
    assert page.locator("#berkas-harian").count() == 0
    assert axe_violations(page) == []


def test_the_filter_form_makes_download_links_by_keyboard_without_javascript(page_no_js, dump):
    page_no_js.goto("/data/")
    page_no_js.focus("#f-region")
    page_no_js.keyboard.type("33.74")
    page_no_js.keyboard.press("Enter")
    page_no_js.wait_for_url("**/data/?*region=33.74*")
    links = page_no_js.locator("#tautan-unduhan a")
    assert links.count() == 2
    assert links.first.get_attribute("href") == "/data/laporan.csv?region=33.74"
