"""Aduan ↔ Aduan over Open311 on loopback (issue #4 "must hold"): Aduan's Open311 client
posts a report to Aduan's own Open311 server (served by ``live_server``, playing the city's
own complaint system), the city works the copy there, and the client pulls the city's
``servicerequestupdates`` back into the original report's timeline — once.

Two agencies share one database here: Dinas Perhubungan Kota Semarang sends its reports to
"the city's system" (the Open311 server), where Pemerintah Kota Semarang, which has no
delivery route, handles them in Aduan."""

from __future__ import annotations

import pytest
from django.urls import Resolver404, resolve

from aduan.api.keys import api_key_issue
from aduan.dispatch.inbound import open311_updates_pull
from aduan.dispatch.models import Delivery
from aduan.dispatch.services import delivery_route_save, delivery_send_due
from aduan.reports.models import Channel, Event, Report
from aduan.reports.workflow import Action, Status

from ..reports.helpers import report_in, run


def _open311_routed() -> bool:
    try:
        resolve("/open311/v2/requests.json")
    except Resolver404:
        return False
    return True


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not _open311_routed(), reason="Aduan's Open311 server (/open311/v2/requests.json) is not routed yet"),
]


def test_a_report_and_its_updates_round_trip_through_aduans_own_open311_server(
        live_server, directory, national_admin, liaison_officer):
    dishub, city = directory.dishub_semarang, directory.semarang
    # The credential "the city's system" gives Aduan, and the key Aduan records the city's updates with.
    client_key = api_key_issue(actor=national_admin, agency=city, name="Klien Open311 Aduan")
    updates_key = api_key_issue(actor=national_admin, agency=dishub, name="Pembaruan dari sistem kota")
    route, _ = delivery_route_save(
        actor=national_admin, agency=dishub, category=None, method="open311", endpoint_url=f"{live_server.url}/open311/v2/",
        open311_api_key=client_key.raw, updates_key=updates_key.api_key)

    original, _ = report_in(Status.DISPOSED, directory, national_admin, now=None, category="jalan",
                            address="Jl. Pemuda 1, Semarang")
    assert delivery_send_due()["sent"] == 1, Delivery.objects.get().last_error
    delivery = Delivery.objects.get(report=original)
    copy = Report.objects.get(reference=delivery.external_id)
    assert copy.pk != original.pk and copy.channel == Channel.OPEN311
    assert original.body in copy.body and copy.address == "Jl. Pemuda 1, Semarang"
    assert copy.reporter_email == "warga@example.test"

    # The city works the copy in its system.
    if copy.status != Status.DISPOSED:
        run(copy, Action.VERIFY_DISPOSE, national_admin, directory, now=None, agency=city.pk)
    city_officer = liaison_officer(city)
    run(copy, Action.START_FOLLOW_UP, city_officer, directory, now=None, note="Petugas kota ke lokasi.")
    run(copy, Action.RESPOND, city_officer, directory, now=None, note="Jalan sudah diperbaiki oleh Pemkot.")

    counts = open311_updates_pull(route=route)
    assert counts["applied"] == 2, counts
    original.refresh_from_db()
    assert original.status == Status.RESPONDED
    steps = list(Event.objects.filter(report=original, action__in=[Action.START_FOLLOW_UP, Action.RESPOND])
                 .order_by("id").values_list("action", "note", "actor"))
    assert steps == [(Action.START_FOLLOW_UP, "Petugas kota ke lokasi.", updates_key.api_key.service_user_id),
                     (Action.RESPOND, "Jalan sudah diperbaiki oleh Pemkot.", updates_key.api_key.service_user_id)]

    again = open311_updates_pull(route=route)
    assert again["applied"] == 0 and again["replayed"] == counts["applied"] + counts["ignored"]
    assert Event.objects.filter(report=original, action=Action.RESPOND).count() == 1
    # Nothing was sent back and forth in a loop: one delivery, one copy.
    assert Delivery.objects.count() == 1
    assert Report.objects.filter(channel=Channel.OPEN311).count() == 1
