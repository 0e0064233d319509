"""axe-core (WCAG 2.1 AA) on the delivery pages in headless Chromium, with data on them and
in their error state. Skipped without Chromium or axe-core on a developer machine; CI fails."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from aduan.dispatch.models import Delivery
from aduan.dispatch.services import MAX_ATTEMPTS
from aduan.reports.workflow import Status

from ..backoffice.test_accessibility import check, use_session
from ..backoffice.test_work_support import sign_in_verified
from ..browser.support import axe_violations
from ..reports.helpers import report_in
from .support import agency_key, webhook_route

pytestmark = pytest.mark.django_db(transaction=True)


def test_delivery_pages(page, live_server, directory, national_admin):
    route, _ = webhook_route(national_admin, directory.dishub_semarang, "https://contoh.go.id/aduan")
    report, _ = report_in(Status.DISPOSED, directory, national_admin, now=timezone.now())
    Delivery.objects.update(state=Delivery.State.FAILED, attempts=MAX_ATTEMPTS, last_error="DeliveryError: HTTP 503")
    key = agency_key(national_admin, directory.dishub_semarang).raw
    Client().post("/dispatch/v1/updates/", json.dumps({"update_id": "u-1", "report": report.reference, "status": "siap"}),
                  content_type="application/json", HTTP_AUTHORIZATION=f"Api-Key {key}")  # a rejected update on the page
    use_session(page, sign_in_verified(Client(), national_admin), live_server)
    for url in ["/petugas/pengiriman/", "/petugas/pengiriman/?state=all", "/petugas/pengiriman/pengaturan/",
                "/petugas/pengiriman/pengaturan/baru/", f"/petugas/pengiriman/pengaturan/{route.pk}/ubah/"]:
        check(page, url)
    # Retry now, then the page with its message.
    page.goto("/petugas/pengiriman/")
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").first.click()
    assert page.locator("[role=status] .msg").count() >= 1
    assert axe_violations(page) == []
    # The error state, then the secret shown once.
    page.goto("/petugas/pengiriman/pengaturan/baru/")
    page.select_option("#id_agency", "kemensos")
    page.select_option("#id_method", "webhook")
    page.fill("#id_endpoint_url", "bukan alamat")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    assert page.locator(".error-summary").count() == 1 and page.locator("[aria-invalid=true]").count() >= 1
    assert axe_violations(page) == []
    page.fill("#id_endpoint_url", "https://kemensos.go.id/aduan")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    assert page.locator("#rahasia").count() == 1 and page.locator("h1").count() == 1
    assert axe_violations(page) == []
