"""The front door and the error pages: in Bahasa Indonesia, helpful, and nothing private."""

from __future__ import annotations

import pytest
from django.test import Client

from aduan.reports.workflow import Status
from tests.reports.helpers import report_in

pytestmark = pytest.mark.django_db


def test_home_lists_latest_open_public_reports_only(client, directory, national_admin, django_assert_max_num_queries):
    shown, _ = report_in(Status.DISPOSED, directory, national_admin, title="Lampu jalan padam di Miroto")
    report_in(Status.DISPOSED, directory, national_admin, title="Rahasia sekali", is_confidential=True)
    report_in(Status.SUBMITTED, directory, national_admin, title="Belum diverifikasi")
    with django_assert_max_num_queries(4):
        html = client.get("/").content.decode()
    assert f"/laporan/{shown.reference}/" in html and "Lampu jalan padam di Miroto" in html
    assert "Rahasia sekali" not in html and "Belum diverifikasi" not in html
    for link in ['action="/lacak/"', 'action="/laporan/"', 'href="/lapor/"']:
        assert link in html


def test_home_track_form_leads_to_the_report(client, directory, national_admin):
    report, token = report_in(Status.SUBMITTED, directory, national_admin)
    response = client.post("/lacak/", {"ref": report.reference, "token": token})
    assert response.status_code == 302 and report.reference in response["Location"]


def test_unknown_page_gets_the_indonesian_404_with_ways_forward(client, db):
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Halaman tidak ditemukan" in html and 'href="/lacak/"' in html


@pytest.mark.parametrize("url,data", [
    ("/lapor/", {"title": "x", "action": "preview"}),
    ("/lacak/", {"ref": "2611-AAAA-AAAA", "token": "x"}),
    ("/masuk/", {"identifier": "a@example.test"}),
    ("/petugas/masuk/", {"username": "a", "password": "b"}),
])
def test_every_form_refuses_a_post_without_its_csrf_token(db, url, data):
    response = Client(enforce_csrf_checks=True).post(url, data)
    assert response.status_code == 403
    assert "Formulir kedaluwarsa" in response.content.decode()


def test_reporter_action_without_csrf_token_changes_nothing(directory, national_admin):
    report, token = report_in(Status.RESPONDED, directory, national_admin)
    client = Client(enforce_csrf_checks=True)
    session_client = Client()
    session_client.post("/lacak/", {"ref": report.reference, "token": token})
    client.cookies = session_client.cookies
    response = client.post(f"/laporan/{report.reference}/aksi/", {"action": "confirm", "expected_status": "responded"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == Status.RESPONDED
