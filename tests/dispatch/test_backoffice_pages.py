"""The back-office delivery pages (/petugas/pengiriman/): dead letters with "retry now"
(POST, CSRF, audited, agency_manage on the agency or national), delivery settings per
agency with the webhook secret shown once, by persona; one h1 and labelled controls."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone

from aduan.audit.models import AuditLog
from aduan.dispatch.models import Delivery, DeliveryRoute
from aduan.dispatch.services import MAX_ATTEMPTS, delivery_send_due
from aduan.reports.workflow import Status

from ..backoffice.test_work_support import sign_in_verified
from ..reports.helpers import report_in
from .support import AgencySystem, agency_key, webhook_route

pytestmark = pytest.mark.django_db
LIST = "/petugas/pengiriman/"
ROUTES = "/petugas/pengiriman/pengaturan/"


@pytest.fixture
def dead_letter(directory, national_admin):
    """A report delivery to Dishub Semarang that failed MAX_ATTEMPTS times."""
    with AgencySystem(lambda request: (503, "text/plain", b"pemeliharaan")) as system:
        webhook_route(national_admin, directory.dishub_semarang, system.url)
        now = timezone.now()
        report, _ = report_in(Status.DISPOSED, directory, national_admin, now=now)
        for _ in range(MAX_ATTEMPTS):
            delivery_send_due(now=now)
            now += timedelta(days=1)
    delivery = Delivery.objects.get(report=report)
    assert delivery.state == Delivery.State.FAILED
    return delivery


class Page(HTMLParser):
    """Headings, labels and form controls of a page, for the accessibility contract."""

    def __init__(self, html: str):
        super().__init__()
        self.h1 = 0
        self.labels: set[str] = set()
        self.controls: list[dict] = []
        self.buttons: list[str] = []
        self._button = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h1":
            self.h1 += 1
        elif tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        elif tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.controls.append(attrs)
        elif tag == "button":
            self._button = ""

    def handle_data(self, data):
        if self._button is not None:
            self._button += data

    def handle_endtag(self, tag):
        if tag == "button" and self._button is not None:
            self.buttons.append(self._button.strip())
            self._button = None


def assert_accessible(html: str) -> None:
    page = Page(html)
    assert page.h1 == 1
    unlabelled = [c for c in page.controls if c.get("id") not in page.labels and not c.get("aria-label")]
    assert unlabelled == []
    assert all(page.buttons)


def test_the_dead_letter_list_shows_failed_deliveries_with_their_reason(client, directory, national_admin, dead_letter):
    sign_in_verified(client, national_admin)
    response = client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert dead_letter.report.reference in html and "HTTP 503" in html and f'data-delivery="{dead_letter.pk}"' in html
    assert "Kirim ulang sekarang" in html
    assert f'data-delivery="{dead_letter.pk}"' not in client.get(LIST + "?state=sent").content.decode()
    assert_accessible(html)


def test_retry_now_is_a_csrf_protected_audited_post_that_sends_again(directory, agency_admin, dead_letter):
    official = agency_admin(directory.semarang)  # manages the city and its units, Dishub among them
    browser = sign_in_verified(Client(enforce_csrf_checks=True), official)
    url = f"/petugas/pengiriman/{dead_letter.pk}/kirim-ulang/"
    assert browser.get(LIST).status_code == 200
    assert browser.post(url).status_code == 403  # no CSRF token
    assert Delivery.objects.get(pk=dead_letter.pk).state == Delivery.State.FAILED
    token = browser.cookies["csrftoken"].value
    response = browser.post(url, {"csrfmiddlewaretoken": token, "kembali": "state=failed&x=/evil"})
    assert response.status_code == 302 and response["Location"] == "/petugas/pengiriman/?state=failed"
    delivery = Delivery.objects.get(pk=dead_letter.pk)
    assert (delivery.state, delivery.attempts) == (Delivery.State.PENDING, 0)
    audit = AuditLog.objects.get(action="delivery_retry_now")
    assert audit.actor == official and audit.object_id == str(delivery.pk) and audit.data["attempts"] == MAX_ATTEMPTS
    assert "dijadwalkan ulang" in browser.get(response["Location"]).content.decode()
    with AgencySystem(lambda request: (200, "application/json", b"{}")) as system:
        DeliveryRoute.objects.update(endpoint_url=system.url)
        assert delivery_send_due(now=delivery.next_attempt_at)["sent"] == 1
    assert Delivery.objects.get(pk=delivery.pk).state == Delivery.State.SENT


def test_a_sent_delivery_cannot_be_retried(client, directory, national_admin, dead_letter):
    Delivery.objects.filter(pk=dead_letter.pk).update(state=Delivery.State.SENT)
    sign_in_verified(client, national_admin)
    response = client.post(f"/petugas/pengiriman/{dead_letter.pk}/kirim-ulang/", follow=True)
    assert "sudah terkirim" in response.content.decode()
    assert Delivery.objects.get(pk=dead_letter.pk).state == Delivery.State.SENT
    assert not AuditLog.objects.filter(action="delivery_retry_now").exists()


def test_officials_of_another_agency_see_nothing_and_get_404(client, directory, agency_admin, dead_letter):
    sign_in_verified(client, agency_admin(directory.kemensos))
    assert dead_letter.report.reference not in client.get(LIST + "?state=all").content.decode()
    assert client.post(f"/petugas/pengiriman/{dead_letter.pk}/kirim-ulang/").status_code == 404
    assert client.post("/petugas/pengiriman/999999/kirim-ulang/").status_code == 404
    assert Delivery.objects.get(pk=dead_letter.pk).state == Delivery.State.FAILED


def test_officials_without_agency_manage_get_403_and_strangers_sign_in(client, directory, liaison_officer, dead_letter):
    assert client.get(LIST).status_code == 302  # to sign-in
    sign_in_verified(client, liaison_officer(directory.dishub_semarang))
    for url in (LIST, ROUTES, ROUTES + "baru/"):
        assert client.get(url).status_code == 403
    assert client.post(f"/petugas/pengiriman/{dead_letter.pk}/kirim-ulang/").status_code == 403


def test_an_agency_admin_sets_a_webhook_and_sees_its_secret_once(client, directory, national_admin, agency_admin):
    sign_in_verified(client, agency_admin(directory.semarang))
    form = client.get(ROUTES + "baru/")
    html = form.content.decode()
    assert form.status_code == 200 and 'value="dishub-kota-semarang"' in html and 'value="kemensos"' not in html
    assert_accessible(html)
    response = client.post(ROUTES + "baru/", {
        "agency": "dishub-kota-semarang", "category": "", "method": "webhook",
        "endpoint_url": "https://lapor.dishub.semarangkota.go.id/aduan", "send_updates": "on", "is_active": "on"})
    assert response.status_code == 200
    route = DeliveryRoute.objects.get()
    assert route.secret and route.secret in response.content.decode()
    assert_accessible(response.content.decode())
    assert AuditLog.objects.filter(action="delivery_route_create", object_id=str(route.pk)).exists()
    assert route.secret not in str(AuditLog.objects.get(action="delivery_route_create").data)
    listing = client.get(ROUTES).content.decode()
    assert "Dinas Perhubungan Kota Semarang" in listing and route.secret not in listing
    assert_accessible(listing)
    edit = client.get(f"{ROUTES}{route.pk}/ubah/").content.decode()
    assert route.secret not in edit and "sudah tersimpan" in edit
    # Saving again keeps the secret unless a new one is asked for.
    data = {"agency": "dishub-kota-semarang", "method": "webhook", "endpoint_url": route.endpoint_url, "is_active": "on"}
    assert client.post(f"{ROUTES}{route.pk}/ubah/", data).status_code == 302
    assert DeliveryRoute.objects.get().secret == route.secret
    rotated = client.post(f"{ROUTES}{route.pk}/ubah/", {**data, "new_secret": "on"})
    assert rotated.status_code == 200 and DeliveryRoute.objects.get().secret != route.secret


def test_bad_settings_get_clear_errors_and_change_nothing(client, directory, agency_admin):
    sign_in_verified(client, agency_admin(directory.semarang))
    response = client.post(ROUTES + "baru/", {"agency": "dishub-kota-semarang", "method": "webhook",
                                              "endpoint_url": "ftp://contoh"})
    html = response.content.decode()
    assert response.status_code == 400 and 'id="id_endpoint_url-error"' in html and 'aria-invalid="true"' in html
    assert "error-summary" in html
    assert_accessible(html)
    response = client.post(ROUTES + "baru/", {"agency": "kemensos", "method": "email", "email_to": "a@kemensos.go.id"})
    assert response.status_code == 400
    response = client.post(ROUTES + "baru/", {"agency": "dishub-kota-semarang", "method": "open311",
                                              "endpoint_url": "https://contoh.go.id/open311/v2/"})
    assert response.status_code == 400
    assert {"id_open311_api_key-error", "id_updates_key-error"} <= set(
        part.split('"')[0] for part in response.content.decode().split('id="')[1:])
    assert not DeliveryRoute.objects.exists()


def test_open311_settings_keep_the_stored_api_key_hidden(client, directory, national_admin):
    key = agency_key(national_admin, directory.dishub_semarang).api_key
    sign_in_verified(client, national_admin)
    data = {"agency": "dishub-kota-semarang", "method": "open311", "endpoint_url": "https://contoh.go.id/open311/v2/",
            "open311_api_key": "rahasia-open311", "open311_format": "json", "updates_key": str(key.pk), "is_active": "on"}
    assert client.post(ROUTES + "baru/", data).status_code == 302
    route = DeliveryRoute.objects.get()
    assert (route.open311_api_key, route.updates_key) == ("rahasia-open311", key)
    edit = client.get(f"{ROUTES}{route.pk}/ubah/").content.decode()
    assert "rahasia-open311" not in edit
    assert client.post(f"{ROUTES}{route.pk}/ubah/", {**data, "open311_api_key": ""}).status_code == 302
    assert DeliveryRoute.objects.get().open311_api_key == "rahasia-open311"


def test_settings_of_another_agency_answer_404(client, directory, national_admin, agency_admin):
    route, _ = webhook_route(national_admin, directory.kemensos, "https://kemensos.go.id/aduan")
    sign_in_verified(client, agency_admin(directory.semarang))
    assert client.get(f"{ROUTES}{route.pk}/ubah/").status_code == 404
    assert client.get(f"{ROUTES}999999/ubah/").status_code == 404
    assert "kemensos.go.id" not in client.get(ROUTES).content.decode()
