"""axe-core (WCAG 2.1 AA) on the routing-rule pages in headless Chromium: the list with
rules, the create and edit forms (with version history), the deactivate confirmation, the
tester with a result, and the error states (a rule form and a tester that came back with
errors). Skipped without Chromium or axe-core on a developer machine; CI fails instead."""

from __future__ import annotations

import pytest
from django.test import Client

from aduan.agencies.models import AgencyCategory
from aduan.routing.models import AuthorityLevel
from aduan.routing.services_rules import routing_rule_create, routing_rule_update

from ..browser.support import axe_violations
from .test_accessibility import check, use_session
from .test_work_support import sign_in_verified

pytestmark = pytest.mark.django_db(transaction=True)


def test_routing_rule_pages(page, live_server, directory, national_admin):
    AgencyCategory.objects.create(agency=directory.dpu_jateng, category=directory.road)
    rule = routing_rule_create(actor=national_admin, category=directory.road, asset_owner="provincial",
                               region_level=AuthorityLevel.PROVINCE, note="Jalan provinsi: UU 38/2004 Pasal 15")
    routing_rule_update(actor=national_admin, rule=rule, priority=3)
    routing_rule_create(actor=national_admin, region="33.74", target_agency=directory.dishub_semarang)
    use_session(page, sign_in_verified(Client(), national_admin), live_server)
    for url in ["/petugas/direktori/rute/", "/petugas/direktori/rute/baru/", f"/petugas/direktori/rute/{rule.pk}/ubah/",
                f"/petugas/direktori/rute/{rule.pk}/nonaktifkan/", "/petugas/direktori/rute/uji/",
                "/petugas/direktori/rute/uji/?kategori=jalan&wilayah=33.74.01.1001&aset=provincial",
                "/petugas/direktori/rute/uji/?kategori=jalan&wilayah=33.74.01.1001&teks=jalan+desa+rusak",
                "/petugas/direktori/rute/uji/?wilayah=99.99"]:
        check(page, f"{live_server.url}{url}")
    # Error state: a rule with neither a level nor a fixed agency.
    page.goto(f"{live_server.url}/petugas/direktori/rute/baru/")
    page.select_option("#id_region_level", "")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    assert page.locator(".error-summary").count() >= 1
    assert page.locator("#id_region_level[aria-invalid=true]").count() == 1
    assert axe_violations(page) == []
