"""Message templates are data: shipped in Bahasa Indonesia and English, overridden per
language by a national administrator in the back office, used by every sender at once, and
reset to the default by deleting the override (issue #5)."""

from __future__ import annotations

import pytest
from django.core import mail

from aduan.audit.models import AuditLog
from aduan.notifications.message_defaults import DEFAULTS
from aduan.notifications.models import NotificationTemplate
from aduan.notifications.render import message_render
from aduan.notifications.services import outbox_send_due
from aduan.notifications.sms import sms_render
from aduan.notifications.models import Outbox

from ..backoffice.test_work_support import sign_in_verified
from ..factories import submit

pytestmark = pytest.mark.django_db

URL = "/petugas/templat/report_submitted/subject/id/"


def test_every_message_has_both_languages_and_they_differ():
    for key, variants in DEFAULTS.items():
        for variant, texts in variants.items():
            assert texts["id"].strip() and texts["en"].strip(), (key, variant)
    # the English is a translation, not a copy
    assert message_render("report_event", "subject", {"reference": "R", "status_label": "S"}, language="en") \
        == "Update on report R: S"
    assert message_render("report_event", "subject", {"reference": "R", "status_label": "S"}, language="id") \
        == "Perkembangan laporan R: S"


def test_admin_override_is_used_by_the_email_sender_and_reset_restores_default(client, directory, national_admin):
    sign_in_verified(client, national_admin)
    page = client.get(URL)
    assert page.status_code == 200 and "Laporan Anda diterima: {{ reference }}" in page.content.decode()

    response = client.post(URL, {"text": "Nomor laporan Anda {{ reference }} — terima kasih", "save": "1"})
    assert response.status_code == 302
    row = NotificationTemplate.objects.get(key="report_submitted", variant="subject", language="id")
    assert row.updated_by == national_admin
    assert AuditLog.objects.filter(action="notification_template_save", actor=national_admin).exists()

    report, _token = submit()
    outbox_send_due()
    # the sender adds the [reference] tag replies thread by
    assert mail.outbox[-1].subject == f"Nomor laporan Anda [{report.reference}] — terima kasih"

    # English is untouched by the Indonesian override
    assert message_render("report_submitted", "subject", {"reference": "X"}, language="en") == "Your report has been received: X"

    assert client.post(URL, {"reset": "1"}).status_code == 302
    assert not NotificationTemplate.objects.exists()
    assert message_render("report_submitted", "subject", {"reference": "X"}, language="id") == "Laporan Anda diterima: X"


def test_short_override_reaches_sms(directory, national_admin):
    NotificationTemplate.objects.create(key="report_submitted", variant="short", language="id",
                                        text="Aduan: laporan {{ reference }} diterima")
    report, _ = submit(channel="sms", reporter_email="", reporter_phone="081234567001")
    row = Outbox.objects.get(template="report_submitted")
    assert sms_render(row)[0].startswith(f"Aduan: laporan {report.reference} diterima")


@pytest.mark.parametrize("text, error", [
    ("{% load static %}{{ reference }}", "tidak diizinkan"),
    ("{% include 'base.html' %}", "tidak diizinkan"),
    ("{% debug %}", "tidak diizinkan"),
    ("{% if reference %}tanpa penutup", "tidak dapat dibaca"),
    ("   ", "wajib diisi"),
    ("baris satu\nbaris dua", "satu baris"),
])
def test_unsafe_or_broken_template_is_refused_with_a_clear_error(client, directory, national_admin, text, error):
    sign_in_verified(client, national_admin)
    response = client.post(URL, {"text": text, "save": "1"})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not NotificationTemplate.objects.exists()


def test_preview_renders_with_sample_values(client, directory, national_admin):
    sign_in_verified(client, national_admin)
    response = client.post(URL, {"text": "Nomor {{ reference }}", "preview": "1"})
    assert response.status_code == 200
    assert "Nomor 2611-K7QX-M9P3" in response.content.decode()
    assert not NotificationTemplate.objects.exists()


def test_only_national_administrators_edit_templates(client, directory, verifier, liaison_officer):
    for user in (verifier, liaison_officer(directory.dishub_semarang)):
        client.logout()
        sign_in_verified(client, user)
        assert client.get("/petugas/templat/").status_code == 403
        assert client.post(URL, {"text": "x {{ reference }}", "save": "1"}).status_code == 403
    assert not NotificationTemplate.objects.exists()
