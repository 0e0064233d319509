"""A citizen with an account chooses the channel their reports' progress goes to
(issue #5: "or on their chosen channel if they have an account")."""

from __future__ import annotations

import pytest

from aduan.notifications.models import Outbox
from aduan.reports.workflow import Status

from ..reports.helpers import report_in

pytestmark = pytest.mark.django_db


def test_chosen_whatsapp_receives_the_next_step(client, directory, national_admin, citizen):
    client.force_login(citizen)
    page = client.get("/akun/pemberitahuan/")
    assert page.status_code == 200 and "WhatsApp" in page.content.decode()
    assert client.post("/akun/pemberitahuan/", {"notify_channel": "whatsapp"}).status_code == 302
    citizen.refresh_from_db()
    assert citizen.notify_channel == "whatsapp"

    report, _ = report_in(Status.DISPOSED, directory, national_admin, reporter=citizen)
    row = Outbox.objects.filter(template="report_event", dedupe_key__endswith=":reporter").latest("id")
    assert (row.channel, row.recipient) == ("whatsapp", citizen.phone)


def test_default_is_the_channel_used_and_email_for_web(client, directory, national_admin, citizen):
    report, _ = report_in(Status.DISPOSED, directory, national_admin, reporter=citizen)
    row = Outbox.objects.filter(template="report_event", dedupe_key__endswith=":reporter").latest("id")
    assert (row.channel, row.recipient) == ("email", citizen.email)


def test_phone_channels_need_a_phone_on_the_account(client, directory):
    from ..factories import UserFactory

    user = UserFactory(username="tanpa-telepon", email="tanpa@example.test", phone="")
    client.force_login(user)
    assert 'value="whatsapp"' not in client.get("/akun/pemberitahuan/").content.decode()
    response = client.post("/akun/pemberitahuan/", {"notify_channel": "sms"})
    assert response.status_code == 400
    assert "tidak tersedia" in response.content.decode()
    user.refresh_from_db()
    assert user.notify_channel == ""


def test_signed_out_visitor_is_sent_to_sign_in(client, db):
    response = client.get("/akun/pemberitahuan/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")
