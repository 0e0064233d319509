"""axe-core finds no WCAG 2.1 AA violation on each page template; keyboard use works."""

import pytest

from .support import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_has_no_accessibility_violations(page):
    page.goto("/")
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


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
