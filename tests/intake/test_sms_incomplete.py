"""A concatenated SMS whose other parts never arrive is not lost: after an hour the parts
that did arrive go to the operator queue, joined, with the missing parts named (issue #5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.intake.models import InboundMessage
from aduan.intake.selectors import inbound_operator_queue
from aduan.intake.services import inbound_sweep_incomplete
from aduan.reports.models import Report

from .support import PHONE, SECRET, post_generic

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.INTAKE_SMS_SECRET = SECRET


def part(client, number: int, text: str, total: int = 3, ref: str = "99"):
    post_generic(client, {"id": f"gw-{ref}-{number}", "from": PHONE, "text": text,
                          "concat_ref": ref, "concat_part": number, "concat_total": total})


def test_incomplete_message_goes_to_the_operator_queue_after_an_hour(client):
    part(client, 1, "Saluran air di gang ")
    part(client, 3, "mohon dibersihkan.")
    head = InboundMessage.objects.get(part_number__isnull=True)
    assert head.state == "waiting_parts"

    assert inbound_sweep_incomplete(now=timezone.now() + timedelta(minutes=30)) == 0  # still waiting
    assert inbound_sweep_incomplete(now=timezone.now() + timedelta(hours=2)) == 1
    head.refresh_from_db()
    assert head.state == "needs_operator"
    assert head.text == "Saluran air di gang  […] mohon dibersihkan."
    assert "bagian 2 dari 3" in head.reason
    assert list(inbound_operator_queue()) == [head]
    assert not Report.objects.exists()
    assert inbound_sweep_incomplete(now=timezone.now() + timedelta(hours=3)) == 0  # once

    # The missing part arriving after the sweep does not make a half report behind the operator's back.
    part(client, 2, "buntu dan bau, ")
    assert not Report.objects.exists()
    head.refresh_from_db()
    assert head.state == "needs_operator"


def test_complete_message_is_untouched_by_the_sweep(client):
    for number, text in ((1, "Lampu jalan "), (2, "mati semua")):
        part(client, number, text, total=2, ref="5")
    assert inbound_sweep_incomplete(now=timezone.now() + timedelta(hours=5)) == 0
    assert Report.objects.get().body == "Lampu jalan mati semua"

