"""Emergencies seen by the citizen (issue #6): the confirmation page and the API response
say "call 112"; officials' inbox marks the report DARURAT. Invented texts only."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.reports.models import Report
from tests.backoffice.test_work_support import sign_in_verified

pytestmark = pytest.mark.django_db
FIRE_TITLE = "Kebakaran rumah warga"
FIRE_BODY = "Rumah di gang 3 sedang terbakar sekarang, api membesar dan ada anak terjebak."


def form(**overrides) -> dict:
    data = {"stage": "final", "action": "submit", "kind": "complaint", "title": FIRE_TITLE, "body": FIRE_BODY,
            "incident_date": (timezone.localdate() - timedelta(days=0)).isoformat(), "category": "", "region_code": "",
            "reporter_email": "warga@example.test"}
    data.update(overrides)
    return data


def alert_of(html: str) -> str | None:
    match = re.search(r'<div class="emergency-alert" role="alert"[^>]*>(.*?)</div>', html, re.S)
    return match.group(1) if match else None


def test_emergency_confirmation_page_shows_the_112_alert_without_javascript(client, directory):
    response = client.post("/lapor/", form())
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.is_urgent and report.emergency_kind == "fire"
    page = client.get(response["Location"]).content.decode()
    alert = alert_of(page)
    assert alert is not None
    assert "Keadaan darurat? Hubungi 112 sekarang" in alert
    assert re.findall(r'<a href="tel:(\d+)">', alert) == ["112", "113"]
    assert "Pemadam Kebakaran" in alert
    assert 'aria-labelledby="darurat-judul"' in page and 'id="darurat-judul"' in page
    assert "<script" not in alert
    # The alert comes right after the page heading, before the receipt.
    assert page.index("Laporan Anda sudah terkirim") < page.index("emergency-alert") < page.index("Nomor laporan")
    # Seen again (token already shown): the alert stays.
    assert alert_of(client.get(response["Location"]).content.decode()) is not None


def test_ordinary_confirmation_page_has_no_alert(client, directory):
    response = client.post("/lapor/", form(title="Lampu jalan mati", body="Lampu di gang kami mati sejak seminggu."))
    page = client.get(response["Location"]).content.decode()
    assert alert_of(page) is None and 'role="alert"' not in page


def test_api_submit_response_carries_the_numbers_to_call(client, directory):
    payload = {"title": "Tolong", "body": "Sedang terjadi perampokan di toko depan pasar, pelaku bersenjata.",
               "incident_date": timezone.localdate().isoformat(), "reporter_name": "Budi", "reporter_email": "b@example.test"}
    response = client.post("/api/v1/reports/", data=json.dumps(payload), content_type="application/json")
    assert response.status_code == 201, response.content
    assert json.loads(response.content)["emergency"] == {"kind": "crime", "call": ["112", "110"]}


def test_api_submit_response_has_null_emergency_for_an_ordinary_report(client, directory):
    payload = {"title": "Lampu jalan mati", "body": "Sudah seminggu lampu jalan mati, rawan kecelakaan malam hari.",
               "incident_date": timezone.localdate().isoformat(), "reporter_name": "Budi", "reporter_email": "b@example.test"}
    response = client.post("/api/v1/reports/", data=json.dumps(payload), content_type="application/json")
    assert response.status_code == 201
    assert json.loads(response.content)["emergency"] is None


def test_inbox_marks_urgent_reports_darurat(client, directory, verifier):
    client.post("/lapor/", form())
    client.post("/lapor/", form(title="Lampu jalan mati", body="Lampu di gang kami mati sejak seminggu."))
    urgent = Report.objects.get(is_urgent=True)
    sign_in_verified(client, verifier)
    page = client.get("/petugas/kotak/verifikasi/").content.decode()
    rows = re.findall(r'<tr data-report="([^"]+)"( data-urgent="(\w+)")?>(.*?)</tr>', page, re.S)
    marked = {ref: (kind, "DARURAT" in cells) for ref, _, kind, cells in rows}
    assert marked[urgent.reference] == ("fire", True)
    assert [v for ref, v in marked.items() if ref != urgent.reference] == [("", False)]
