"""axe-core (WCAG 2.1 AA) on the officials' early-warning pages in headless Chromium: the
list (all, filtered, empty), a category alert and a term alert with the reports behind
them, an acknowledged alert, and the page after acknowledging; acknowledging also works
with JavaScript off. Skipped without Chromium or axe-core on a developer machine;
CI fails instead."""

from __future__ import annotations

import pytest
from django.test import Client

from aduan.analytics.models import Alert

from ..backoffice.test_accessibility import check, use_session
from ..backoffice.test_work_support import sign_in_verified
from ..browser.support import axe_violations
from .test_early_warning import SEMARANG, WINDOW_START, at_noon, make_alert, make_reports

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alerts(directory):
    reports = make_reports([{"at": at_noon(WINDOW_START, i), "region_id": SEMARANG, "category": directory.road,
                             "title": "Jalan rusak berlubang"} for i in range(6)])
    road = make_alert(directory, agencies=[directory.dishub_semarang], reports=reports)
    term = make_alert(directory, agencies=[directory.dishub_semarang], reports=reports[:5], days_ago=7)
    Alert.objects.filter(pk=term.pk).update(subject=Alert.Subject.TERM, category=None, term="longsor",
                                            method="quasi-poisson-recent", p_value=0.0003)
    make_alert(directory, state=Alert.State.ACKNOWLEDGED, region="51.71", days_ago=14)
    return road, term


def test_alert_pages(page, live_server, national_admin, alerts):
    road, term = alerts
    use_session(page, sign_in_verified(Client(), national_admin), live_server)
    for url in ["/petugas/analitik/peringatan/", "/petugas/analitik/peringatan/?status=terbuka",
                "/petugas/analitik/peringatan/?status=ditangani&page=9",
                f"/petugas/analitik/peringatan/{road.pk}/", f"/petugas/analitik/peringatan/{term.pk}/"]:
        check(page, f"{live_server.url}{url}")
    assert page.locator("tr[data-report]").count() == 5


def test_empty_list_and_a_staff_member_who_sees_part_of_the_reports(page, live_server, directory, liaison_officer, alerts):
    road, _term = alerts
    use_session(page, sign_in_verified(Client(), liaison_officer(directory.kemensos)), live_server)
    check(page, f"{live_server.url}/petugas/analitik/peringatan/")
    assert page.locator("tr[data-alert]").count() == 0
    use_session(page, sign_in_verified(Client(), liaison_officer(directory.dishub_semarang)), live_server)
    check(page, f"{live_server.url}/petugas/analitik/peringatan/{road.pk}/")
    assert page.locator("tr[data-report]").count() == 0  # none disposed to them


def test_acknowledge_without_javascript(page_no_js, live_server, national_admin, alerts):
    road, _term = alerts
    use_session(page_no_js, sign_in_verified(Client(), national_admin), live_server)
    page_no_js.goto(f"{live_server.url}/petugas/analitik/peringatan/{road.pk}/")
    with page_no_js.expect_navigation():
        page_no_js.get_by_role("button", name="Tandai sudah ditangani").click()
    assert page_no_js.locator("#status-peringatan").inner_text() == Alert.State.ACKNOWLEDGED.label
    road.refresh_from_db()
    assert road.state == Alert.State.ACKNOWLEDGED


def test_page_after_acknowledging(page, live_server, national_admin, alerts):
    road, _term = alerts
    use_session(page, sign_in_verified(Client(), national_admin), live_server)
    page.goto(f"{live_server.url}/petugas/analitik/peringatan/{road.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Tandai sudah ditangani").click()
    assert page.locator(".msg").count() == 1 and page.locator("h1").count() == 1
    assert axe_violations(page) == []
