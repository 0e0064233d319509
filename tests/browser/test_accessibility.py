"""axe-core finds no WCAG 2.1 AA violation on each page template; keyboard use works."""

import pytest

from .support import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_has_no_accessibility_violations(page, directory, national_admin):
    from aduan.reports.workflow import Status
    from tests.reports.helpers import report_in

    report_in(Status.DISPOSED, directory, national_admin)  # the latest-reports table has a row
    page.goto("/")
    assert page.locator("h1").count() == 1
    assert page.locator("#laporan-terbaru tbody tr").count() == 1
    assert axe_violations(page) == []


def test_error_pages_have_no_accessibility_violations(page, live_server):
    from django.template.loader import render_to_string

    page.goto("/tidak-ada-halaman-ini/")
    assert page.locator("h1").inner_text() == "Halaman tidak ditemukan"
    assert axe_violations(page) == []
    for template in ["500.html", "403_csrf.html", "403.html", "400.html"]:
        page.goto("/")  # same origin, so the stylesheet and axe load as on a real page
        page.set_content(render_to_string(template).replace('href="/static/', f'href="{live_server.url}/static/'))
        assert page.locator("h1").count() == 1, template
        assert axe_violations(page) == [], template


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "isi"


def test_language_switch_works_without_javascript(page_no_js):
    page_no_js.goto("/")
    page_no_js.select_option("#bahasa", "en")
    page_no_js.click("form.lang button")
    assert page_no_js.locator("html").get_attribute("lang") == "en"
