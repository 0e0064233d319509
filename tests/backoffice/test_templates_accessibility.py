"""axe-core on the official's e-mail settings page, the message-template pages (list, editor, editor with an error and with a
preview) and the citizen's notification settings page. Skipped without Chromium or
axe-core on a developer machine; CI fails instead."""

from __future__ import annotations

import pytest
from django.test import Client

from .test_accessibility import check, use_session
from .test_work_support import sign_in_verified

pytestmark = pytest.mark.django_db(transaction=True)


def test_template_pages(page, live_server, directory, national_admin):
    from ..browser.support import axe_violations

    use_session(page, sign_in_verified(Client(), national_admin), live_server)
    check(page, "/petugas/templat/")
    check(page, "/petugas/pengaturan/")
    check(page, "/petugas/templat/report_event/body/en/")
    page.fill("textarea[name=text]", "{% load static %}")
    with page.expect_navigation():
        page.click("button[name=save]")
    assert page.locator("[aria-invalid=true]").count() == 1
    assert axe_violations(page) == []
    page.fill("textarea[name=text]", "Laporan {{ reference }}")
    with page.expect_navigation():
        page.click("button[name=preview]")
    assert "Laporan 2611-K7QX-M9P3" in page.content()
    assert axe_violations(page) == []


def test_citizen_notify_settings_page(page, live_server, citizen):
    client = Client()
    client.force_login(citizen)
    use_session(page, client, live_server)
    check(page, "/akun/pemberitahuan/")
