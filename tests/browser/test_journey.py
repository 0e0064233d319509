"""The main journey end to end in headless Chromium, every step through the real pages:

a guest submits a report with a photo (JavaScript off) and tracks it → the national
verifier disposes it to Dinas Perhubungan Kota Semarang → Dishub's liaison officer says it
is not their authority and suggests DPU Jawa Tengah → the verifier re-disposes it (the
suggestion is preselected) → DPU's liaison officer responds, with an internal note → the
citizen confirms and rates it → the public page shows the whole timeline, and nothing
private. (The citizen's tab has JavaScript off, so axe-core — itself JavaScript — runs on
the officials' and the public's tabs; the citizen pages have their own axe tests.) Also: keyboard-only completion of the
submit form, and the citizen sign-in and "my reports" pages."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from aduan.reports.models import Report
from aduan.reports.workflow import Status

from ..backoffice.test_work_support import sign_in_verified
from .support import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

MIROTO = "33.74.01.1001"


def photo(tmp_path):
    path = tmp_path / "jalan.jpg"
    Image.new("RGB", (320, 240), (90, 90, 90)).save(path, "JPEG")
    return str(path)


def official_tab(browser, live_server, user):
    """A browser tab signed in as ``user`` (password + second factor already done)."""
    client = sign_in_verified(Client(), user)
    context = browser.new_context(base_url=live_server.url, locale="id-ID")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context.new_page()


def act(tab, report: Report, action: str, **fields) -> None:
    """Fill one action form on the back-office report page and send it."""
    tab.goto(f"/petugas/laporan/{report.pk}/")
    form = tab.locator(f'form[data-action="{action}"]')
    for name, value in fields.items():
        control = form.locator(f'[name="{action}-{name}"]')
        if control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(str(value))
        else:
            control.fill(str(value))
    with tab.expect_navigation():
        form.locator("button[type=submit]").click()
    assert tab.locator(".error-summary").count() == 0, tab.inner_text("main")


def test_guest_report_travels_to_the_right_agency_and_back(page_no_js, browser, live_server, directory, verifier,
                                                          liaison_officer, tmp_path):
    citizen = page_no_js
    # 1. A guest submits with a photo, JavaScript off.
    citizen.goto("/lapor/")
    citizen.fill("#f-title", "Jalan berlubang di depan SD Miroto")
    citizen.fill("#f-body", "Lubang selebar satu meter di tengah jalan, sudah dua minggu. Motor sering jatuh.")
    citizen.fill("#f-incident-date", (timezone.localdate() - timedelta(days=2)).isoformat())
    citizen.check("#f-category-jalan")
    citizen.fill("#f-reporter-name", "Warga Miroto")
    citizen.fill("#f-reporter-email", "warga.miroto@example.test")
    citizen.fill("#f-region-q", "Miroto")
    citizen.click("#f-region-search")
    citizen.click(f'button[name=region_set][value="{MIROTO}"]')
    citizen.click("#f-main-action")  # step 2: similar reports, attachments
    citizen.set_input_files("#f-attachments", photo(tmp_path))
    citizen.click("#f-main-action")
    citizen.wait_for_url("**/lapor/terkirim/**")
    report = Report.objects.get()
    assert report.attachments.count() == 1 and report.region_id == MIROTO
    assert citizen.inner_text("#nomor-laporan") == report.reference
    # 2. ... and tracks it through the link on the confirmation page.
    citizen.click("text=Pantau laporan ini")
    citizen.wait_for_url(f"**/laporan/{report.reference}/")
    assert "Menunggu verifikasi" in citizen.inner_text("main")

    # 3. The national verifier disposes it to Dishub Kota Semarang.
    desk = official_tab(browser, live_server, verifier)
    desk.goto("/petugas/kotak/verifikasi/")
    assert report.reference in desk.inner_text("main")
    act(desk, report, "verify_dispose", agency=directory.dishub_semarang.pk)
    report.refresh_from_db()
    assert report.status == Status.DISPOSED and report.agency == directory.dishub_semarang

    # 4. Dishub: not our authority, suggests the province's public works office.
    dishub = official_tab(browser, live_server, liaison_officer(directory.dishub_semarang))
    dishub.goto("/petugas/kotak/instansi/")
    assert report.reference in dishub.inner_text("main")
    act(dishub, report, "not_authority", suggested_agency=directory.dpu_jateng.pk,
        note="Jalan ini jalan provinsi; kewenangan DPU Provinsi Jawa Tengah.")
    report.refresh_from_db()
    assert report.status == Status.RETURNED

    # 5. The verifier re-disposes: the suggestion is already selected.
    desk.goto(f"/petugas/laporan/{report.pk}/")
    assert desk.locator('[name="verify_dispose-agency"]').input_value() == str(directory.dpu_jateng.pk)
    act(desk, report, "verify_dispose")
    report.refresh_from_db()
    assert report.status == Status.DISPOSED and report.agency == directory.dpu_jateng

    # 6. DPU responds, with a note only officials see.
    dpu = official_tab(browser, live_server, liaison_officer(directory.dpu_jateng))
    act(dpu, report, "respond", note="Lubang sudah ditambal pada hari Senin.", internal_note="Pakai stok aspal gudang B.")
    report.refresh_from_db()
    assert report.status == Status.RESPONDED

    # 7. The citizen sees the response, confirms it is done, and rates it.
    citizen.goto(f"/laporan/{report.reference}/")
    assert "Lubang sudah ditambal pada hari Senin." in citizen.inner_text("main")
    with citizen.expect_navigation():
        citizen.locator("#aksi-confirm button[type=submit]").click()
    citizen.check("#rate-rating-4")
    with citizen.expect_navigation():
        citizen.locator("#aksi-rate button[type=submit]").click()
    report.refresh_from_db()
    assert report.status == Status.CLOSED and report.rating == 4

    # 8. The public page tells the whole story, and nothing private.
    public = browser.new_context(base_url=live_server.url, locale="id-ID").new_page()
    public.goto(f"/laporan/{report.reference}/")
    text = public.inner_text("main")
    timeline = public.inner_text("ol.timeline")
    for words in ["Dinas Perhubungan Kota Semarang", "kewenangan DPU Provinsi Jawa Tengah",
                  "Lubang sudah ditambal pada hari Senin.", "Selesai", "4 dari 5"]:
        assert words in text, words
    assert timeline.index("Dinas Perhubungan Kota Semarang") < timeline.index("Lubang sudah ditambal")
    assert "warga.miroto@example.test" not in text and "Pakai stok aspal" not in text
    assert axe_violations(public) == []


def test_submit_form_can_be_completed_with_the_keyboard_alone(page_no_js, directory, tmp_path):
    tab = page_no_js
    tab.goto("/lapor/")

    def tab_to(selector: str, limit: int = 250) -> None:
        for _ in range(limit):
            if tab.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
                return
            tab.keyboard.press("Tab")
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("#f-title")
    tab.keyboard.type("Sampah menumpuk di pasar")
    tab_to("#f-body")
    tab.keyboard.type("Sampah tidak diangkut sejak Senin dan mulai berbau.")
    tab_to("#f-incident-date")
    yesterday = timezone.localdate() - timedelta(days=1)
    tab.keyboard.type(yesterday.strftime("%m%d%Y"))  # Chromium's date field, en-US segment order
    if tab.input_value("#f-incident-date") != yesterday.isoformat():  # id-ID order: day, month, year
        tab.keyboard.press("Shift+Tab")
        tab_to("#f-incident-date")
        tab.keyboard.type(yesterday.strftime("%d%m%Y"))
    assert tab.input_value("#f-incident-date") == yesterday.isoformat()
    tab_to("#f-region-q")
    tab.keyboard.type("Miroto")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")  # without JavaScript, Enter searches the place; it never sends
    tab_to(f'button[name=region_set][value="{MIROTO}"]')
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert "Miroto" in tab.inner_text("#f-region-chosen")
    tab_to("#f-main-action")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")  # step 2
    tab_to("#f-main-action")
    with tab.expect_navigation():
        tab.keyboard.press("Space")  # send
    tab.wait_for_url("**/lapor/terkirim/**")
    report = Report.objects.get()
    assert (report.title, report.region_id, report.incident_date) == ("Sampah menumpuk di pasar", MIROTO, yesterday)


def test_citizen_sign_in_and_my_reports_pages(page, live_server, directory, national_admin, citizen):
    from aduan.notifications.models import Outbox
    from tests.reports.helpers import report_in

    report_in(Status.DISPOSED, directory, national_admin, reporter=citizen)
    page.goto("/masuk/")
    assert axe_violations(page) == []
    page.fill("input[name=identifier]", "bukan-alamat")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("[aria-invalid=true]").count() == 1
    assert axe_violations(page) == []
    page.fill("input[name=identifier]", citizen.email)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/masuk/kode/**")
    assert axe_violations(page) == []
    code = re.search(r"\b(\d{6})\b", str(Outbox.objects.filter(template="login_code").latest("pk").payload)).group(1)
    page.fill("input[name=code]", code)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/akun/laporan/")
    assert page.locator("tbody tr, li.report").count() >= 1
    assert axe_violations(page) == []
