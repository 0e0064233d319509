"""Back-office details around the follow-up: the internal note beside the public response,
the coordinator's manual escalation, the preselected suggestion after "not our authority",
and attachments served only to officials who may see the report."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from aduan.notifications.models import Outbox
from aduan.reports.attachments import AttachmentUpload
from aduan.reports.workflow import Status
from tests.reports.helpers import report_in

from .test_work_report import post_action
from .test_work_support import sign_in_verified

pytestmark = pytest.mark.django_db


def fresh(status, directory, admin, **kw):
    return report_in(status, directory, admin, now=timezone.now(), **kw)[0]


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def test_response_with_internal_note_keeps_the_note_from_the_public(client, directory, national_admin, liaison_officer):
    report = fresh(Status.IN_PROGRESS, directory, national_admin)
    sign_in_verified(client, liaison_officer(directory.dishub_semarang))
    response = post_action(client, report, "respond", note="Lubang sudah ditambal.",
                           internal_note="Biaya dari pos pemeliharaan rutin.")
    assert response.status_code == 302
    public = report.events.get(action="respond")
    internal = report.events.get(action="internal_note")
    assert public.is_public and public.note == "Lubang sudah ditambal."
    assert not internal.is_public and internal.note == "Biaya dari pos pemeliharaan rutin."
    assert internal.data["for_event"] == public.pk
    staff_html = client.get(f"/petugas/laporan/{report.pk}/").content.decode()
    assert "Biaya dari pos pemeliharaan rutin." in staff_html
    public_html = Client().get(f"/laporan/{report.reference}/").content.decode()
    assert "Lubang sudah ditambal." in public_html
    assert "Biaya dari pos pemeliharaan rutin." not in public_html


def test_coordinator_intervenes_one_level_up_and_the_agency_is_told(client, directory, national_admin, verifier):
    report = fresh(Status.IN_PROGRESS, directory, national_admin)
    sign_in_verified(client, verifier)
    html = client.get(f"/petugas/laporan/{report.pk}/").content.decode()
    assert 'value="intervene"' in html
    response = post_action(client, report, "intervene", note="")
    assert response.status_code == 400  # a reason is required
    report.refresh_from_db()
    assert report.escalation_level == 0
    response = post_action(client, report, "intervene", note="Belum ada tindak lanjut sejak disposisi.")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.escalation_level == 1 and report.status == Status.IN_PROGRESS
    event = report.events.get(action="intervene")
    assert not event.is_public and event.data["manual"] is True
    assert Outbox.objects.filter(channel="internal", recipient=f"agency:{directory.dishub_semarang.pk}",
                                 dedupe_key=f"event:{event.pk}:internal").exists()
    assert "Belum ada tindak lanjut sejak disposisi." not in Client().get(f"/laporan/{report.reference}/").content.decode()


def test_redisposal_form_preselects_the_agency_suggested_by_the_liaison(client, directory, national_admin, verifier):
    report = fresh(Status.RETURNED, directory, national_admin)  # suggested: DPU Jawa Tengah
    sign_in_verified(client, verifier)
    html = client.get(f"/petugas/laporan/{report.pk}/").content.decode()
    assert f'<option value="{directory.dpu_jateng.pk}" selected>' in html


def test_attachment_is_served_to_officials_in_scope_only(client, directory, national_admin, verifier, liaison_officer):
    report = fresh(Status.DISPOSED, directory, national_admin, attachments=[AttachmentUpload("foto.png", png())])
    attachment = report.attachments.get()
    url = f"/petugas/laporan/{report.pk}/lampiran/{attachment.pk}/"
    sign_in_verified(client, liaison_officer(directory.dishub_semarang))
    assert url in client.get(f"/petugas/laporan/{report.pk}/").content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(body)).size == (40, 30)
    other = sign_in_verified(Client(), liaison_officer(directory.kemensos))
    assert other.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # not signed in: to the sign-in page
    assert client.get(f"/petugas/laporan/{report.pk}/lampiran/{attachment.pk + 999}/").status_code == 404
