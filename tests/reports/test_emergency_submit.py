"""Emergencies at submission (issue #6): flagged urgent, the reporter told to call 112 on
every channel, officials notified at once. Invented texts only."""

from datetime import UTC, datetime

import pytest

from aduan.accounts.permissions import Role
from aduan.notifications.models import Outbox
from aduan.notifications.render import message_render
from aduan.reports.models import Event

from ..factories import member, submit

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
FIRE = {"title": "Kebakaran di pasar", "body": "Kios di pasar sedang terbakar sekarang, api membesar."}


def test_ordinary_report_is_not_urgent_and_its_confirmation_has_no_emergency_numbers(directory):
    report, _ = submit(now=NOW)
    assert not report.is_urgent and report.emergency_kind == ""
    assert "emergency" not in Event.objects.get(report=report, action="submit").data
    row = Outbox.objects.get(template="report_submitted")
    assert "emergency_numbers" not in row.payload
    assert not Outbox.objects.filter(template="report_urgent").exists()
    assert "112" not in message_render("report_submitted", "short", row.payload)


def test_emergency_is_flagged_urgent_with_its_kind_on_the_report_and_the_event(directory):
    report, _ = submit(now=NOW, **FIRE)
    report.refresh_from_db()
    assert report.is_urgent and report.emergency_kind == "fire"
    assert Event.objects.get(report=report, action="submit").data["emergency"] == "fire"


@pytest.mark.parametrize("channel,phone,email", [("web", "", "warga@example.test"), ("sms", "081234567890", ""),
                                                 ("whatsapp", "081234567890", "")])
def test_confirmation_on_every_channel_says_call_112(directory, channel, phone, email):
    report, _ = submit(now=NOW, channel=channel, reporter_phone=phone, reporter_email=email, **FIRE)
    row = Outbox.objects.get(template="report_submitted")
    assert row.channel == ("email" if channel == "web" else channel)
    assert row.payload["emergency_numbers"] == ["112", "113"]
    short = message_render("report_submitted", "short", row.payload)
    assert short.startswith("DARURAT? Hubungi 112/113 sekarang.")
    body = message_render("report_submitted", "body", row.payload)
    assert "HUBUNGI 112 SEKARANG (atau 113)" in body
    assert "112" in message_render("report_submitted", "subject", row.payload)
    english = message_render("report_submitted", "body", row.payload, language="en")
    assert "CALL 112 NOW (or 113)" in english


def test_urgent_rows_go_to_national_verifiers_and_the_chosen_agency(directory):
    report, _ = submit(now=NOW, suggested_agency_id=directory.dishub_semarang.pk, **FIRE)
    rows = Outbox.objects.filter(template="report_urgent", channel="internal")
    assert sorted(rows.values_list("recipient", flat=True)) == sorted(["national", f"agency:{directory.dishub_semarang.pk}"])
    payload = rows.first().payload
    assert payload["reference"] == report.reference and payload["emergency_kind"] == "fire"
    assert payload["emergency_numbers"] == ["112", "113"]


def test_urgent_row_without_chosen_agency_goes_to_national_only(directory):
    submit(now=NOW, **FIRE)
    assert list(Outbox.objects.filter(template="report_urgent").values_list("recipient", flat=True)) == ["national"]


def test_national_verifiers_get_an_urgent_email_honouring_their_digest_choice(directory):
    now_user = member(Role.VERIFIER, username="v-segera")
    now_user.email = "v1@example.test"
    now_user.save()
    off_user = member(Role.VERIFIER, username="v-mati")
    off_user.email, off_user.email_digest = "v2@example.test", "off"
    off_user.save()
    regional = member(Role.VERIFIER, directory.jateng, username="v-jateng")
    regional.email = "v3@example.test"
    regional.save()
    report, _ = submit(now=NOW, **FIRE)
    mails = Outbox.objects.filter(template="report_urgent", channel="email")
    assert list(mails.values_list("recipient", flat=True)) == ["v1@example.test"]
    subject = message_render("report_urgent", "subject", mails.get().payload)
    assert subject == f"DARURAT (fire): laporan {report.reference}"
    assert "Pelapor sudah diminta menghubungi 112, 113" in message_render("report_urgent", "body", mails.get().payload)


def test_invalid_emergency_report_stores_nothing(directory):
    from aduan.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        submit(now=NOW, incident_date=None, **FIRE)
    assert not Outbox.objects.exists()
