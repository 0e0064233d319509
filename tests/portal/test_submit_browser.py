"""The report form in headless Chromium: the whole journey without JavaScript, the Enter
key with and without the optional script, and axe-core (WCAG 2.1 AA) on every state of
the form. Skipped without Chromium (and the axe checks without axe-core), like the other
browser tests."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from aduan.reports.models import Report
from aduan.reports.workflow import Status

from ..browser.support import axe_violations
from ..reports.helpers import report_in

pytestmark = pytest.mark.django_db(transaction=True)
MIROTO = "33.74.01.1001"


def png_file(tmp_path):
    path = tmp_path / "lampu.png"
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 200, 20)).save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return str(path)


def fill_report(tab):
    tab.fill("#f-title", "Lampu penerangan jalan mati")
    tab.fill("#f-body", "Sudah seminggu lampu di gang kami mati total.")
    tab.fill("#f-incident-date", (timezone.localdate() - timedelta(days=1)).isoformat())


def test_citizen_reports_with_a_photo_without_javascript(page_no_js, directory, tmp_path):
    tab = page_no_js
    tab.goto("/lapor/")
    fill_report(tab)
    tab.check("#f-category-jalan")
    for code in ["33", "33.74", "33.74.01", MIROTO]:
        tab.select_option("#f-region-child", code)
        tab.click("button[value=region_down]")
    assert "Miroto, Semarang Tengah, Kota Semarang, Jawa Tengah" in tab.inner_text("#f-region-chosen")
    assert tab.input_value("#f-title") == "Lampu penerangan jalan mati"

    tab.click("#f-main-action")  # step 1 → step 2
    assert tab.locator("#serupa-title").count() == 1
    tab.set_input_files("#f-attachments", png_file(tmp_path))
    tab.check("#f-is-anonymous")
    tab.click("#f-main-action")  # send

    tab.wait_for_url("**/lapor/terkirim/**")
    report = Report.objects.get()
    assert (report.region_id, report.category.slug, report.is_anonymous) == (MIROTO, "jalan", True)
    assert report.attachments.count() == 1
    assert tab.inner_text("#nomor-laporan") == report.reference
    assert tab.locator("#kode-pelacakan").count() == 1
    tab.reload()
    assert tab.locator("#kode-pelacakan").count() == 0


def test_enter_in_a_field_never_sends_the_report_without_javascript(page_no_js, directory):
    page_no_js.goto("/lapor/")
    page_no_js.fill("#f-region-q", "miroto")
    page_no_js.press("#f-region-q", "Enter")
    page_no_js.wait_for_selector("#f-region-results")
    page_no_js.click(f"button[name=region_set][value='{MIROTO}']")
    fill_report(page_no_js)
    page_no_js.press("#f-title", "Enter")
    page_no_js.wait_for_load_state()
    assert page_no_js.input_value("#f-title") == "Lampu penerangan jalan mati"
    assert page_no_js.locator("#f-region-results").count() == 0  # an empty search says nothing
    assert "Miroto" in page_no_js.inner_text("#f-region-chosen")
    assert Report.objects.count() == 0


def test_with_javascript_enter_in_the_title_goes_to_step_two(page, directory):
    page.goto("/lapor/")
    fill_report(page)
    with page.expect_navigation():
        page.press("#f-title", "Enter")
    assert page.locator("#serupa-title").count() == 1
    assert Report.objects.count() == 0


@pytest.fixture
def similar(directory, national_admin):
    report_in(Status.DISPOSED, directory, national_admin, region_code=MIROTO, category="jalan",
              title="Lampu jalan mati di gang, hubungi 0812 3456 7890")


@pytest.mark.parametrize("state", ["start", "search", "final", "error", "location", "done"])
def test_submit_pages_have_no_accessibility_violations(page, similar, state):
    if state == "location":
        page.goto("/lapor/lokasi/?q=semarang&region=33.74")
    else:
        page.goto(f"/lapor/?region={MIROTO}")
        fill_report(page)
        page.check("#f-category-jalan")
        if state == "search":
            page.fill("#f-region-q", "semarang")
            page.click("#f-region-search")
        elif state in ("final", "error", "done"):
            page.click("#f-main-action")
            if state == "error":
                page.fill("#f-title", "")
                page.fill("#f-latitude", "utara")
                page.click("#f-main-action")
            elif state == "done":
                page.click("#f-main-action")
                page.wait_for_url("**/lapor/terkirim/**")
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


def test_with_javascript_places_are_suggested_while_typing(page, directory):
    page.goto("/lapor/")
    fill_report(page)
    page.locator("#f-region-q").press_sequentially("Mirot", delay=30)
    suggestion = page.locator(f'#f-region-suggest button[value="{MIROTO}"]')
    suggestion.wait_for(timeout=5000)
    assert "lokasi cocok" in page.inner_text("#f-region-suggest [role=status]")
    assert axe_violations(page) == []
    suggestion.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Miroto, Semarang Tengah" in page.inner_text("#f-region-chosen")
    assert page.input_value("#f-title") == "Lampu penerangan jalan mati"  # nothing typed is lost
