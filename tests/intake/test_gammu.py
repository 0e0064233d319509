"""Gammu SMSD RunOnReceive: the message arrives in environment variables (gammu-smsd-run(7))."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from aduan.intake.models import InboundMessage
from aduan.reports.models import Report

from .support import PHONE

pytestmark = pytest.mark.django_db


def run_hook(monkeypatch, env: dict, *ids: str) -> str:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    out = StringIO()
    call_command("intake_gammu", *ids, stdout=out)
    return out.getvalue()


def test_single_sms_from_the_environment_creates_a_report(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "must-not-be-stored")
    env = {"SMS_MESSAGES": "1", "SMS_1_NUMBER": PHONE, "SMS_1_CLASS": "-1", "SMS_1_TEXT": "Air PDAM tidak mengalir",
           "DECODED_PARTS": "0", "PHONE_ID": "modem1"}
    output = run_hook(monkeypatch, env, "IN20261129_101500_00_+6281234567001_00.txt")
    assert output.strip().endswith("report_created")
    report = Report.objects.get()
    assert (report.channel, report.reporter_phone, report.body) == ("sms", PHONE, "Air PDAM tidak mengalir")
    message = InboundMessage.objects.get()
    assert message.external_id == "gammu:IN20261129_101500_00_+6281234567001_00.txt"
    assert message.payload == env  # Gammu's variables only, never the rest of the environment


def test_multipart_sms_uses_gammus_decoded_text(monkeypatch):
    env = {"SMS_MESSAGES": "2", "SMS_1_NUMBER": PHONE, "SMS_1_TEXT": "Bagian satu ", "SMS_2_NUMBER": PHONE,
           "SMS_2_TEXT": "bagian dua", "DECODED_PARTS": "1", "DECODED_1_TEXT": "Bagian satu bagian dua"}
    run_hook(monkeypatch, env, "IN_a_00.txt", "IN_a_01.txt")
    assert Report.objects.get().body == "Bagian satu bagian dua"
    assert InboundMessage.objects.get().external_id == "gammu:IN_a_00.txt,IN_a_01.txt"


def test_multipart_without_decoded_parts_joins_the_physical_messages_in_order(monkeypatch):
    env = {"SMS_MESSAGES": "2", "SMS_1_NUMBER": PHONE, "SMS_1_TEXT": "Bagian satu ", "SMS_2_TEXT": "bagian dua"}
    run_hook(monkeypatch, env, "7", "8")
    assert Report.objects.get().body == "Bagian satu bagian dua"


def test_smsd_running_the_hook_again_stores_nothing_new(monkeypatch):
    env = {"SMS_MESSAGES": "1", "SMS_1_NUMBER": PHONE, "SMS_1_TEXT": "Pohon tumbang"}
    run_hook(monkeypatch, env, "42")
    run_hook(monkeypatch, env, "42")
    run_hook(monkeypatch, env)  # no ids: keyed by a hash of Gammu's variables
    run_hook(monkeypatch, env)
    assert InboundMessage.objects.count() == 2
    assert Report.objects.count() == 2


def test_status_command_by_gammu(monkeypatch):
    run_hook(monkeypatch, {"SMS_MESSAGES": "1", "SMS_1_NUMBER": PHONE, "SMS_1_TEXT": "Lampu mati"}, "1")
    report = Report.objects.get()
    output = run_hook(monkeypatch, {"SMS_MESSAGES": "1", "SMS_1_NUMBER": PHONE, "SMS_1_TEXT": f"CEK {report.reference}"}, "2")
    assert output.strip().endswith("command_answered")
