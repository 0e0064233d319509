"""Reports sent by SMS, e-mail, chat or API never saw the web form's "support this report
instead?" step: their confirmation names the open public reports about the same problem
(issue #6). Only public reports; the web form's confirmation does not repeat them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aduan.notifications.models import Outbox
from aduan.notifications.render import message_render
from aduan.reports.workflow import Status

from ..factories import submit
from .helpers import MON, report_in

pytestmark = pytest.mark.django_db
MIROTO = "33.74.01.1001"
ROAD = {"title": "Jalan rusak di depan SD", "body": "Jalan berlubang besar di depan SD Negeri 2, membahayakan anak sekolah."}


def confirmation(report) -> Outbox:
    return Outbox.objects.get(dedupe_key=f"report:{report.pk}:submitted")


def test_sms_confirmation_offers_the_open_public_report(directory, national_admin):
    public, _ = report_in(Status.DISPOSED, directory, national_admin, region_code=MIROTO, **ROAD)
    report_in(Status.DISPOSED, directory, national_admin, region_code=MIROTO, is_confidential=True, **ROAD)
    new, _ = submit(now=MON + timedelta(days=1), channel="sms", reporter_phone="081234567001", reporter_email="",
                    title="jln rusak dpn sd", body="jln bolong bsr dpn sd negri 2, membahayakan anak sklh", region_code=MIROTO)
    payload = confirmation(new).payload
    assert payload["similar"] == [{"reference": public.reference, "support_count": 0}]  # never the confidential one
    short = message_render("report_submitted", "short", payload, language="id")
    assert f"Laporan serupa: {public.reference}." in short
    body = message_render("report_submitted", "body", {**payload, "public_url": "https://aduan.example"}, language="id")
    assert f"https://aduan.example/laporan/{public.reference}/ (0 dukungan)" in body
    assert "Dukung laporan itu" in body


def test_web_confirmation_does_not_repeat_the_offer_and_nothing_similar_says_nothing(directory, national_admin):
    report_in(Status.DISPOSED, directory, national_admin, region_code=MIROTO, **ROAD)
    web, _ = submit(now=MON + timedelta(days=1), region_code=MIROTO, **ROAD)
    assert "similar" not in confirmation(web).payload
    other, _ = submit(now=MON + timedelta(days=1), channel="email", region_code=MIROTO,
                      title="Pungutan liar KTP", body="Diminta uang untuk membuat KTP di kelurahan.")
    payload = confirmation(other).payload
    assert "similar" not in payload
    assert "serupa" not in message_render("report_submitted", "short", payload, language="id")
