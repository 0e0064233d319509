"""axe-core (WCAG 2.1 AA) on the intake pages, in headless Chromium, with data on the page
and in the error states: the landing page, the entry form (empty, after a location search,
with errors), the confirmation, the operator queue, a message with its action forms (and
their errors), the report form made from a message, the devices page (and its errors),
and the officials' report page with its origin line. Skipped without Chromium or axe-core
on a developer machine; CI fails instead."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from aduan.agencies.models import Category
from aduan.intake.devices import device_observation_receive
from aduan.intake.models import Device
from aduan.intake.services import inbound_receive

from ..browser.support import axe_violations
from .test_work_support import sign_in_verified

pytestmark = pytest.mark.django_db(transaction=True)


def use_session(page, client: Client, live_server) -> None:
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


def check(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 500, url
    assert page.locator("h1").count() == 1, url
    assert axe_violations(page) == [], url


def submit_and_check(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


def test_operator_pages(page, live_server, directory, national_admin):
    message = inbound_receive(channel="sms", external_id="gw-a11y-1", sender="+6281234567009",
                              payload={"text": "Jalan rusak"}, text="Jalan rusak di depan pasar", gateway="generic",
                              parse_error="[unparseable] badan pesan bukan JSON")
    inbound_receive(channel="email", external_id="gw-a11y-2", sender="warga.uji@example.test", payload={},
                    text="Halo", attachments=[{"name": "foto.jpg", "content_type": "image/jpeg", "size": 2048}],
                    parse_error="[unparseable] tidak ada isi")
    use_session(page, sign_in_verified(Client(), national_admin), live_server)
    for url in ["/petugas/penerimaan/", "/petugas/penerimaan/catat/", "/petugas/penerimaan/antrean/",
                f"/petugas/penerimaan/antrean/{message.pk}/", f"/petugas/penerimaan/antrean/{message.pk}/laporan/"]:
        check(page, url)

    # Entry form: a location search, then errors (nothing filled in).
    page.goto("/petugas/penerimaan/catat/")
    page.fill("#f-region-q", "Miroto")
    submit_and_check(page, "#f-region-search")
    assert page.locator("button[name=region_set]").count() >= 1
    page.fill("#f-title", "")
    submit_and_check(page, "#f-main-action")
    assert page.locator(".error-summary").count() == 1

    # A complete entry and its confirmation.
    page.goto("/petugas/penerimaan/catat/")
    page.fill("#f-title", "Lampu jalan mati")
    page.fill("#f-body", "Penelepon menyampaikan lampu jalan mati.")
    page.fill("#f-incident-date", "2026-11-20")
    page.fill("#f-reporter-phone", "081234567001")
    submit_and_check(page, "#f-main-action")
    assert page.locator("#kode-pelacakan").count() == 1

    # Message actions with errors: an unknown reference, a dismissal without a note.
    page.goto(f"/petugas/penerimaan/antrean/{message.pk}/")
    page.fill("#id_tambah-reference", "2611-AAAA-AAAA")
    submit_and_check(page, "form[action$='/tambahkan/'] button[type=submit]")
    assert page.locator(".error-summary").count() >= 1
    page.goto(f"/petugas/penerimaan/antrean/{message.pk}/")
    page.evaluate("document.querySelector('#id_tutup-note').removeAttribute('required')")
    submit_and_check(page, "form[action$='/tutup/'] button[type=submit]")
    assert page.locator(".error-summary").count() >= 1


def test_devices_page_and_report_origin(page, live_server, directory, national_admin, agency_admin):
    Category.objects.create(name="Sampah tidak terangkut", slug="sampah")
    device = Device.objects.create(identity="cctv-a11y-01", name="CCTV Simpang Lima", agency=directory.semarang,
                                   latitude=-6.99, longitude=110.423)
    observation, _, _ = device_observation_receive(device=device, external_id="evt-1", observed_at=timezone.now(),
                                                   category="sampah", confidence=0.9)
    use_session(page, sign_in_verified(Client(), agency_admin(directory.semarang)), live_server)
    check(page, "/petugas/penerimaan/")
    check(page, "/petugas/penerimaan/perangkat/")
    page.fill("#id_identity", "a b")
    submit_and_check(page, "form[action='/petugas/penerimaan/perangkat/'] button[type=submit]")
    assert page.locator(".error-summary").count() == 1

    page.context.clear_cookies()
    use_session(page, sign_in_verified(Client(), national_admin), live_server)
    check(page, f"/petugas/laporan/{observation.report_id}/")
