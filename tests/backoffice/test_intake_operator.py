"""The intake operator's pages (/petugas/penerimaan/): a report entered for a caller or
from a paper form, the operator queue and its three actions, monitoring devices, and the
origin line on the officials' report page. Plain form posts throughout (no JavaScript)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.test import Client

from aduan.audit.models import AuditLog
from aduan.intake.models import Device, InboundMessage
from aduan.intake.selectors_backoffice import report_origin
from aduan.intake.services import inbound_receive
from aduan.intake.services_operator import MessageAlreadyHandled, inbound_dismiss
from aduan.notifications.models import Outbox
from aduan.reports.models import Attachment, Event, Report
from tests.factories import submit

from .test_work_support import sign_in_verified

pytestmark = pytest.mark.django_db

ENTRY = "/petugas/penerimaan/catat/"
QUEUE = "/petugas/penerimaan/antrean/"
DEVICES = "/petugas/penerimaan/perangkat/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CALLER_PHONE = "0812 3456 7001"
SENDER = "+6281234567009"


@pytest.fixture
def operator(verifier):
    return sign_in_verified(Client(), verifier)


def entry_fields(**overrides) -> dict:
    fields = {
        "entry_key": "uji-1", "channel": "call_centre", "reporter_name": "Penelepon Uji", "reporter_phone": CALLER_PHONE,
        "reporter_email": "", "kind": "complaint", "title": "Sampah tidak diangkut seminggu",
        "body": "Penelepon menyampaikan sampah di ujung gang belum diangkut sejak Senin.",
        "incident_date": "2026-11-20", "category": "jalan", "region_code": "33.74.01.1001",
        "address": "Gang Mawar 3", "latitude": "", "longitude": "", "action": "submit",
    }
    fields.update(overrides)
    return fields


def queued(text="Tolong jalan di depan rumah saya rusak", *, external_id="gw-op-1", channel="sms", sender=SENDER,
           reason="[unparseable] badan pesan bukan JSON"):
    return inbound_receive(channel=channel, external_id=external_id, sender=sender, payload={"text": text}, text=text,
                           gateway="generic", parse_error=reason)


# --- Access ---------------------------------------------------------------------------------

def test_a_liaison_officer_without_intake_operate_gets_403(directory, liaison_officer):
    client = sign_in_verified(Client(), liaison_officer(directory.dishub_semarang))
    for url in ["/petugas/penerimaan/", ENTRY, QUEUE]:
        assert client.get(url).status_code == 403, url
    assert client.post(ENTRY, entry_fields()).status_code == 403
    assert Report.objects.count() == 0


def test_anonymous_is_sent_to_sign_in(client, directory):
    response = client.get(ENTRY)
    assert response.status_code == 302 and "/petugas/masuk/" in response["Location"]


def test_landing_shows_the_queue_count(operator, directory):
    queued()
    queued(external_id="gw-op-2")
    response = operator.get("/petugas/penerimaan/")
    assert response.status_code == 200
    assert re.search(r'id="jumlah-antrean">2 pesan menunggu<', response.content.decode())


# --- Entry form ----------------------------------------------------------------------------------

def test_entry_form_creates_a_call_centre_report_entered_by_the_operator(operator, verifier, directory):
    response = operator.post(ENTRY, entry_fields())
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{ENTRY}{report.reference}/selesai/"
    assert (report.channel, report.entered_by, report.reporter) == ("call_centre", verifier, None)
    assert (report.reporter_name, report.reporter_phone) == ("Penelepon Uji", "+6281234567001")
    assert report.region_id == "33.74.01.1001" and report.category.slug == "jalan"
    event = Event.objects.get(report=report, action="submit")
    assert event.data["entered_by"] == verifier.pk and event.data["channel"] == "call_centre"
    audit = AuditLog.objects.get(action="report_submit", object_id=str(report.pk))
    assert audit.actor == verifier and audit.data["entered_by"] == verifier.pk
    # Without an e-mail address the caller's confirmation goes by SMS to the phone they gave.
    sms = Outbox.objects.get(template="report_submitted")
    assert (sms.channel, sms.recipient) == ("sms", "+6281234567001")

    done = operator.get(response["Location"]).content.decode()
    assert report.reference in done
    assert "Bacakan nomor ini kepada penelepon" in done
    token = re.search(r'id="kode-pelacakan"><strong>([^<]+)<', done).group(1)
    assert len(token) >= 8
    assert token not in operator.get(response["Location"]).content.decode()  # shown once


def test_paper_form_with_its_scan_stored_as_attachment(operator, directory):
    from django.core.files.uploadedfile import SimpleUploadedFile

    scan = SimpleUploadedFile("formulir-pengaduan.pdf", PDF, content_type="application/pdf")
    fields = entry_fields(channel="paper", reporter_phone="", reporter_email="warga.kertas@example.test")
    response = operator.post(ENTRY, {**fields, "attachments": [scan]})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.channel == "paper"
    attachment = Attachment.objects.get(report=report)
    assert (attachment.original_name, attachment.content_type) == ("formulir-pengaduan.pdf", "application/pdf")
    assert Outbox.objects.get(template="report_submitted").channel == "email"
    assert "Tuliskan nomor laporan dan kode pelacakan" in operator.get(response["Location"]).content.decode()


def test_a_validation_error_shows_the_form_again_and_stores_nothing(operator, directory):
    response = operator.post(ENTRY, entry_fields(title="", reporter_phone="12ab"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#f-title"' in html and 'href="#f-reporter-phone"' in html
    assert re.search(r'id="f-title"[^>]*aria-invalid="true"', html)
    assert "Penelepon menyampaikan sampah di ujung gang" in html  # what was typed is kept
    assert 'value="Penelepon Uji"' in html
    assert Report.objects.count() == 0 and Outbox.objects.count() == 0


def test_an_unknown_channel_is_refused(operator, directory):
    response = operator.post(ENTRY, entry_fields(channel="web"))
    assert response.status_code == 400 and 'href="#f-channel-call_centre"' in response.content.decode()
    assert Report.objects.count() == 0


def test_the_same_form_sent_twice_makes_one_report(operator, directory):
    first = operator.post(ENTRY, entry_fields())
    second = operator.post(ENTRY, entry_fields())
    assert Report.objects.count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]


def test_a_location_step_keeps_what_was_typed_and_stores_nothing(operator, directory):
    response = operator.post(ENTRY, entry_fields(action="region_search", region_q="Miro", region_code=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="region_set" value="33.74.01.1001"' in html
    assert 'value="Sampah tidak diangkut seminggu"' in html
    assert Report.objects.count() == 0


def test_the_confirmation_page_is_only_for_the_operator_who_entered_it(operator, national_admin, directory):
    operator.post(ENTRY, entry_fields())
    reference = Report.objects.get().reference
    other = sign_in_verified(Client(), national_admin)
    assert other.get(f"{ENTRY}{reference}/selesai/").status_code == 404


def test_origin_line_names_the_operator(operator, verifier, directory):
    operator.post(ENTRY, entry_fields())
    report = Report.objects.get()
    origin = report_origin(report=report)
    html = render_to_string("backoffice/_report_origin.html", {"origin": origin})
    assert f"Dicatat oleh operator {verifier.full_name} (Pusat panggilan)" in html
    # and on the officials' report page itself
    assert f"Dicatat oleh operator {verifier.full_name}" in operator.get(f"/petugas/laporan/{report.pk}/").content.decode()
    citizen_report, _ = submit()
    assert report_origin(report=citizen_report) is None


# --- The operator queue ----------------------------------------------------------------------

def test_the_queue_lists_waiting_messages_oldest_first_with_masked_senders(operator, directory):
    from datetime import timedelta

    from django.utils import timezone

    newer = queued(external_id="gw-new")
    older = queued(external_id="gw-old", channel="email", sender="warga.uji@example.test")
    InboundMessage.objects.filter(pk=older.pk).update(received_at=timezone.now() - timedelta(hours=3))
    handled = queued(external_id="gw-done")
    InboundMessage.objects.filter(pk=handled.pk).update(state=InboundMessage.State.DISMISSED)
    html = operator.get(QUEUE).content.decode()
    ids = [int(i) for i in re.findall(r'data-message="(\d+)"', html)]
    assert ids == [older.pk, newer.pk]
    assert "•••7009" in html and "•••@example.test" in html
    assert SENDER not in html and "6281234567009" not in html and "warga.uji@" not in html
    assert "badan pesan bukan JSON" in html


def test_opening_a_message_shows_its_text_and_is_audited(operator, verifier, directory):
    message = queued()
    html = operator.get(f"{QUEUE}{message.pk}/").content.decode()
    assert "Tolong jalan di depan rumah saya rusak" in html
    assert SENDER not in html
    assert AuditLog.objects.filter(action="inbound_view", actor=verifier, object_id=str(message.pk)).count() == 1


def test_make_report_from_a_message_once(operator, verifier, directory):
    message = queued()
    form = operator.get(f"{QUEUE}{message.pk}/laporan/").content.decode()
    assert 'value="Tolong jalan di depan rumah saya rusak"' in form  # the title starts from the text
    fields = entry_fields(title="Jalan rusak di depan rumah", body=message.text, entry_key="")
    for name in ("channel", "reporter_phone", "reporter_email"):
        fields.pop(name)
    response = operator.post(f"{QUEUE}{message.pk}/laporan/", fields)
    assert response.status_code == 302 and response["Location"] == f"{QUEUE}{message.pk}/"
    report = Report.objects.get()
    assert (report.channel, report.entered_by, report.reporter_phone) == ("sms", verifier, SENDER)
    message.refresh_from_db()
    assert (message.state, message.report, message.handled_by) == ("report_created", report, verifier)
    assert message.text == "Tolong jalan di depan rumah saya rusak" and message.payload == {"text": message.text}
    # The sender hears back on the channel they wrote from.
    confirmation = Outbox.objects.get(template="report_submitted")
    assert (confirmation.channel, confirmation.recipient) == ("sms", SENDER)

    again = operator.post(f"{QUEUE}{message.pk}/laporan/", fields)
    assert again.status_code == 302 and Report.objects.count() == 1
    assert AuditLog.objects.filter(action="inbound_make_report", object_id=str(message.pk)).count() == 1


def test_make_report_with_an_error_keeps_the_message_queued(operator, directory):
    message = queued()
    fields = entry_fields(title="", entry_key="")
    response = operator.post(f"{QUEUE}{message.pk}/laporan/", fields)
    assert response.status_code == 400
    message.refresh_from_db()
    assert message.state == "needs_operator" and Report.objects.count() == 0


def test_add_a_message_to_an_existing_report_once(operator, verifier, directory):
    report, _ = submit()
    message = queued("Tambahan: lubangnya sekarang dua", external_id="gw-add")
    response = operator.post(f"{QUEUE}{message.pk}/tambahkan/", {"tambah-reference": report.reference.lower()})
    assert response.status_code == 302
    event = Event.objects.get(report=report, action="add_information")
    assert event.note == "Tambahan: lubangnya sekarang dua" and not event.is_public
    message.refresh_from_db()
    assert (message.state, message.report, message.handled_by) == ("command_answered", report, verifier)

    operator.post(f"{QUEUE}{message.pk}/tambahkan/", {"tambah-reference": report.reference})
    assert Event.objects.filter(report=report, action="add_information").count() == 1
    assert AuditLog.objects.filter(action="inbound_attach_to_report", object_id=str(message.pk)).count() == 1


def test_add_to_an_unknown_report_is_an_error_and_changes_nothing(operator, directory):
    message = queued()
    response = operator.post(f"{QUEUE}{message.pk}/tambahkan/", {"tambah-reference": "2611-AAAA-AAAA"})
    assert response.status_code == 400
    assert 'href="#id_tambah-reference"' in response.content.decode()
    message.refresh_from_db()
    assert message.state == "needs_operator"


def test_dismiss_needs_a_note_then_works_once_and_keeps_the_message(operator, verifier, directory):
    message = queued()
    blank = operator.post(f"{QUEUE}{message.pk}/tutup/", {"tutup-note": "  "})
    assert blank.status_code == 400
    message.refresh_from_db()
    assert message.state == "needs_operator"

    response = operator.post(f"{QUEUE}{message.pk}/tutup/", {"tutup-note": "spam"})
    assert response.status_code == 302 and response["Location"] == QUEUE
    message.refresh_from_db()
    assert (message.state, message.operator_note, message.handled_by) == ("dismissed", "spam", verifier)
    assert message.text == "Tolong jalan di depan rumah saya rusak"

    with pytest.raises(MessageAlreadyHandled):
        inbound_dismiss(message_id=message.pk, operator=verifier, note="lagi")
    operator.post(f"{QUEUE}{message.pk}/tutup/", {"tutup-note": "lagi"})
    message.refresh_from_db()
    assert message.operator_note == "spam"
    assert AuditLog.objects.filter(action="inbound_dismiss", object_id=str(message.pk)).count() == 1
    assert message.pk not in [int(i) for i in re.findall(r'data-message="(\d+)"', operator.get(QUEUE).content.decode())]


# --- Monitoring devices ------------------------------------------------------------------------

def test_agency_admin_registers_and_deactivates_a_device(directory, agency_admin):
    admin = agency_admin(directory.semarang)
    client = sign_in_verified(Client(), admin)
    assert client.get("/petugas/penerimaan/").status_code == 200
    assert client.get(ENTRY).status_code == 403  # device management is not the operator's work
    response = client.post(DEVICES, {"identity": "cctv-tugu-muda-01", "name": "CCTV Tugu Muda", "kind": "cctv",
                                     "agency": str(directory.dishub_semarang.pk), "latitude": "-6.984", "longitude": "110.409"})
    assert response.status_code == 302
    device = Device.objects.get()
    assert (device.agency, device.is_active) == (directory.dishub_semarang, True)
    assert 'data-device="cctv-tugu-muda-01"' in client.get(DEVICES).content.decode()
    client.post(f"{DEVICES}{device.pk}/nonaktifkan/")
    device.refresh_from_db()
    assert device.is_active is False


def test_device_form_errors_are_shown_and_nothing_is_stored(directory, agency_admin):
    client = sign_in_verified(Client(), agency_admin(directory.semarang))
    response = client.post(DEVICES, {"identity": "a b", "name": "", "kind": "cctv", "agency": str(directory.semarang.pk)})
    assert response.status_code == 400
    assert 'href="#id_identity"' in response.content.decode()
    assert Device.objects.count() == 0


def test_another_agency_device_cannot_be_seen_or_deactivated(directory, agency_admin):
    device = Device.objects.create(identity="cctv-jateng-01", name="CCTV Gubernuran", agency=directory.jateng)
    client = sign_in_verified(Client(), agency_admin(directory.semarang))
    assert 'cctv-jateng-01' not in client.get(DEVICES).content.decode()
    assert client.post(f"{DEVICES}{device.pk}/nonaktifkan/").status_code == 404
    device.refresh_from_db()
    assert device.is_active


def test_a_verifier_without_agency_manage_gets_403_on_devices(operator):
    assert operator.get(DEVICES).status_code == 403


# --- Without JavaScript, in a browser -----------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_entry_works_in_a_browser_without_javascript(page_no_js, live_server, directory, verifier):
    client = sign_in_verified(Client(), verifier)
    page_no_js.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = page_no_js
    page.goto(ENTRY)
    page.check("#f-channel-call_centre")
    page.fill("#f-reporter-phone", CALLER_PHONE)
    page.fill("#f-title", "Lampu jalan mati")
    page.fill("#f-body", "Penelepon menyampaikan lampu jalan mati sejak tiga hari.")
    page.fill("#f-incident-date", date(2026, 11, 20).isoformat())
    page.fill("#f-region-q", "Miroto")
    with page.expect_navigation():
        page.click("#f-region-search")
    with page.expect_navigation():
        page.click("button[name=region_set][value='33.74.01.1001']")
    assert "Miroto" in page.locator("#f-region-chosen").inner_text()
    assert page.input_value("#f-title") == "Lampu jalan mati"
    with page.expect_navigation():
        page.click("#f-main-action")
    assert page.locator("h1").inner_text() == "Laporan tercatat"
    report = Report.objects.get()
    assert report.region_id == "33.74.01.1001" and report.channel == "call_centre"
    assert page.locator("#nomor-laporan").inner_text() == report.reference
