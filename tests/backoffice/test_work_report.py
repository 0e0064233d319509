"""The report page: exactly the available actions, privacy of the reporter, 404s, and the
officials' journey through the pages (dispose → not our authority → re-dispose → respond)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from aduan.audit.models import AuditLog
from aduan.reports.models import Report
from aduan.reports.policies import available_actions
from aduan.reports.workflow import Status
from tests.reports.helpers import report_in

from .test_work_support import action_forms_in, sign_in_verified

pytestmark = pytest.mark.django_db


def fresh(status, directory, admin, **kw):
    return report_in(status, directory, admin, now=timezone.now(), **kw)[0]


@pytest.mark.parametrize("status", [s for s in Status if s != Status.CLOSED])
@pytest.mark.parametrize("persona", ["national_admin", "verifier", "liaison", "auditor"])
def test_report_page_offers_exactly_the_available_actions(client, directory, national_admin, verifier, auditor,
                                                          liaison_officer, persona, status):
    user = {"national_admin": national_admin, "verifier": verifier, "auditor": auditor,
            "liaison": liaison_officer(directory.dishub_semarang) if persona == "liaison" else None}[persona]
    report = fresh(status, directory, national_admin)
    sign_in_verified(client, user)
    response = client.get(f"/petugas/laporan/{report.pk}/")
    if response.status_code == 404:
        assert persona == "liaison" and status in (Status.SUBMITTED, Status.POSTPONED, Status.ARCHIVED)
        return
    assert response.status_code == 200
    assert action_forms_in(response.content.decode()) == {a.value for a in available_actions(report, user)}


def test_staff_of_another_agency_get_404_like_a_missing_report(client, directory, national_admin, liaison_officer):
    report = fresh(Status.DISPOSED, directory, national_admin, is_confidential=True)
    sign_in_verified(client, liaison_officer(directory.kemensos))
    assert client.get(f"/petugas/laporan/{report.pk}/").status_code == 404
    assert client.get("/petugas/laporan/999999/").status_code == 404
    response = client.post(f"/petugas/laporan/{report.pk}/aksi/",
                           {"action": "respond", "expected_status": "disposed", "respond-note": "x"})
    assert response.status_code == 404


def test_anonymous_reporter_hidden_from_liaison_and_shown_to_verifier_with_audit(
        client, directory, national_admin, verifier, liaison_officer):
    report = fresh(Status.DISPOSED, directory, national_admin, is_anonymous=True, reporter_name="Budi Rahasia")
    sign_in_verified(client, liaison_officer(directory.dishub_semarang))
    html = client.get(f"/petugas/laporan/{report.pk}/").content.decode()
    assert "Identitas pelapor dirahasiakan (anonim)" in html and "Budi Rahasia" not in html
    assert not AuditLog.objects.filter(action="reporter_identity_read").exists()
    client.logout()
    sign_in_verified(client, verifier)
    html = client.get(f"/petugas/laporan/{report.pk}/").content.decode()
    assert "Budi Rahasia" in html and "dirahasiakan (anonim)" not in html
    assert AuditLog.objects.filter(action="reporter_identity_read", actor=verifier).count() == 1


def test_report_page_shows_text_deadlines_and_internal_events(client, directory, national_admin, verifier):
    report = fresh(Status.POSTPONED, directory, national_admin)
    sign_in_verified(client, verifier)
    html = client.get(f"/petugas/laporan/{report.pk}/").content.decode()
    assert report.body in html
    assert "Menunggu kelengkapan." in html  # the postpone note is internal, shown to staff
    assert "[internal]" in html
    assert "<caption>Tenggat</caption>" in html


def test_report_page_query_count_is_pinned(client, directory, national_admin, verifier, django_assert_num_queries):
    report = fresh(Status.RETURNED, directory, national_admin)
    sign_in_verified(client, verifier)
    client.get(f"/petugas/laporan/{report.pk}/")
    with django_assert_num_queries(14):  # + attachments, + duplicate index catch-up (2) and re-read, + related links
        assert client.get(f"/petugas/laporan/{report.pk}/").status_code == 200


def post_action(client, report, action, **fields):
    report.refresh_from_db()
    data = {"action": action, "expected_status": fields.pop("expected_status", report.status)}
    data.update({f"{action}-{k}": v for k, v in fields.items()})
    return client.post(f"/petugas/laporan/{report.pk}/aksi/", data)


def test_officials_journey_through_the_pages(client, directory, national_admin, verifier, liaison_officer):
    report = fresh(Status.SUBMITTED, directory, national_admin)
    desk, dishub, dpu = client, None, None
    sign_in_verified(desk, verifier)
    response = post_action(desk, report, "verify_dispose", agency=directory.dishub_semarang.pk, tier="light")
    assert response.status_code == 302 and response["Location"] == f"/petugas/laporan/{report.pk}/"
    report.refresh_from_db()
    assert report.status == Status.DISPOSED and report.agency == directory.dishub_semarang

    from django.test import Client
    dishub = sign_in_verified(Client(), liaison_officer(directory.dishub_semarang))
    assert report.reference in dishub.get("/petugas/kotak/instansi/").content.decode()
    # Missing reason: the field error is shown next to the field and the choice is kept.
    response = post_action(dishub, report, "not_authority", suggested_agency=directory.dpu_jateng.pk, note="")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_not_authority-note_error"' in html and 'aria-invalid="true"' in html
    assert f'<option value="{directory.dpu_jateng.pk}" selected>' in html
    response = post_action(dishub, report, "not_authority", suggested_agency=directory.dpu_jateng.pk,
                           note="Jalan provinsi, kewenangan DPU Jawa Tengah.")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.RETURNED and report.agency is None

    html = desk.get(f"/petugas/laporan/{report.pk}/").content.decode()
    assert "Jalan provinsi, kewenangan DPU Jawa Tengah." in html
    response = post_action(desk, report, "verify_dispose", agency=directory.dpu_jateng.pk)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.DISPOSED and report.agency == directory.dpu_jateng

    dpu = sign_in_verified(Client(), liaison_officer(directory.dpu_jateng))
    response = post_action(dpu, report, "respond", note="Perbaikan dijadwalkan minggu depan.")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.RESPONDED
    assert report.events.filter(action="respond", is_public=True, note__startswith="Perbaikan").exists()
    assert "Berhasil" in dpu.get(f"/petugas/laporan/{report.pk}/").content.decode()


def test_stale_expected_status_shows_reload_message_and_changes_nothing(client, directory, national_admin, verifier):
    report = fresh(Status.SUBMITTED, directory, national_admin)
    sign_in_verified(client, verifier)
    events = report.events.count()
    response = post_action(client, report, "postpone", note="Menunggu data.", expected_status="returned")
    assert response.status_code == 409
    html = response.content.decode()
    assert "Laporan telah diubah oleh petugas lain. Muat ulang" in html
    assert "Menunggu data." in html  # typed text kept
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED and report.events.count() == events


def test_archive_as_duplicate_needs_the_original_reference(client, directory, national_admin, verifier):
    original = fresh(Status.DISPOSED, directory, national_admin)
    report = fresh(Status.SUBMITTED, directory, national_admin)
    sign_in_verified(client, verifier)
    response = post_action(client, report, "archive", reason="duplicate", duplicate_of="")
    assert response.status_code == 400
    assert 'id="id_archive-duplicate_of_error"' in response.content.decode()
    response = post_action(client, report, "archive", reason="duplicate", duplicate_of=original.reference)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.ARCHIVED and report.duplicate_of_id == original.pk


def test_action_not_available_to_the_user_is_refused(client, directory, national_admin, auditor):
    report = fresh(Status.SUBMITTED, directory, national_admin)
    sign_in_verified(client, auditor)
    response = post_action(client, report, "postpone", note="x")
    assert response.status_code == 403
    assert Report.objects.get(pk=report.pk).status == Status.SUBMITTED


def test_raise_privacy_offers_only_flags_not_yet_raised(client, directory, national_admin, verifier):
    report = fresh(Status.DISPOSED, directory, national_admin, is_anonymous=True)
    sign_in_verified(client, verifier)
    html = client.get(f"/petugas/laporan/{report.pk}/").content.decode()
    assert 'name="raise_privacy-confidential"' in html and 'name="raise_privacy-anonymous"' not in html
    assert post_action(client, report, "raise_privacy", confidential="on").status_code == 302
    assert Report.objects.get(pk=report.pk).is_confidential
