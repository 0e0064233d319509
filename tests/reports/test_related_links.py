"""Related links between reports (issue #6): an official who sees both reports links them;
one row per pair in either order; internal events on both; the duplicate-candidate table
offers it; a refused link says why and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from aduan.accounts.permissions import Role
from aduan.audit.models import AuditLog
from aduan.core.errors import NotFound, PermissionDenied, ValidationFailed
from aduan.reports.models import ReportLink
from aduan.reports.services.links import report_link_related, report_links_for_staff, report_unlink_related
from aduan.reports.workflow import Action, Status

from ..backoffice.test_work_support import sign_in_verified
from ..factories import member, submit
from .helpers import MON, report_in, run
from .test_duplicate_candidates import ROAD as DUP_ROAD, TYPED as DUP_TYPED

pytestmark = pytest.mark.django_db
MIROTO = "33.74.01.1001"
DRAIN = {"title": "Saluran air tersumbat", "body": "Got di gang sebelah pasar tersumbat sampah sejak sebulan."}
ROAD = {"title": "Jalan tergenang tiap hujan", "body": "Jalan depan pasar banjir setinggi lutut tiap kali hujan."}


def test_official_links_two_reports_and_both_show_it(directory, verifier):
    drain = report_in(Status.DISPOSED, directory, verifier, region_code=MIROTO, **DRAIN)[0]
    road, _ = submit(now=MON + timedelta(days=1), region_code=MIROTO, **ROAD)
    link = report_link_related(report=road, other_reference=drain.reference.lower(), actor=verifier, note="banjir karena got")
    assert (link.report_id, link.other_id) == (drain.pk, road.pk)  # lower id first, whichever side linked
    for report, other in ((road, drain), (drain, road)):
        event = report.events.get(action="link_related")
        assert not event.is_public and event.data == {"other": other.reference}
        assert [l["reference"] for l in report_links_for_staff(user=verifier, report=report)["links"]] == [other.reference]
    assert AuditLog.objects.filter(action="report_link_related").count() == 1
    # linking is not archiving: both stay open and handled
    road.refresh_from_db()
    assert road.status == Status.SUBMITTED and road.duplicate_of is None


def test_the_same_pair_twice_in_either_order_is_refused(directory, verifier):
    a, _ = submit(now=MON, **DRAIN)
    b, _ = submit(now=MON, **ROAD)
    report_link_related(report=a, other_reference=b.reference, actor=verifier)
    with pytest.raises(ValidationFailed) as refused:
        report_link_related(report=b, other_reference=a.reference, actor=verifier)
    assert "sudah ditautkan" in str(refused.value.field_errors["other"])
    assert ReportLink.objects.count() == 1 and b.events.filter(action="link_related").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():  # the database says so too
        ReportLink.objects.create(report=b if b.pk > a.pk else a, other=a if b.pk > a.pk else b, created_at=MON)


def test_self_missing_and_unseen_reports_cannot_be_linked(directory, verifier, liaison_officer):
    a, _ = submit(now=MON, **DRAIN)
    with pytest.raises(ValidationFailed):
        report_link_related(report=a, other_reference=a.reference, actor=verifier)
    with pytest.raises(ValidationFailed) as missing:
        report_link_related(report=a, other_reference="2611-XXXX-0000", actor=verifier)
    assert "tidak ditemukan" in str(missing.value.field_errors["other"])
    # an officer of Dishub sees the report at Dishub but not the one at DPU: same answer as missing
    officer = liaison_officer(directory.dishub_semarang)
    at_dishub = report_in(Status.DISPOSED, directory, verifier, **DRAIN)[0]
    elsewhere, _ = submit(now=MON, **ROAD)
    run(elsewhere, Action.VERIFY_DISPOSE, verifier, directory, agency=directory.dpu_jateng.pk)
    with pytest.raises(ValidationFailed) as unseen:
        report_link_related(report=at_dishub, other_reference=elsewhere.reference, actor=officer)
    assert "tidak ditemukan" in str(unseen.value.field_errors["other"])
    citizen_like = member(Role.AUDITOR, username="pengamat")
    with pytest.raises(PermissionDenied):
        report_link_related(report=a, other_reference=at_dishub.reference, actor=citizen_like)
    assert ReportLink.objects.count() == 0


def test_unlinking_is_recorded_on_both_reports(directory, verifier):
    a, _ = submit(now=MON, **DRAIN)
    b, _ = submit(now=MON, **ROAD)
    link = report_link_related(report=a, other_reference=b.reference, actor=verifier)
    with pytest.raises(NotFound):
        report_unlink_related(report=submit(now=MON, **ROAD)[0], link_id=link.pk, actor=verifier)
    report_unlink_related(report=b, link_id=link.pk, actor=verifier)
    assert ReportLink.objects.count() == 0
    assert a.events.filter(action="unlink_related").exists() and b.events.filter(action="unlink_related").exists()


def test_back_office_links_from_the_candidate_table_and_shows_errors(client, directory, verifier):
    canonical = report_in(Status.DISPOSED, directory, verifier, region_code=MIROTO, **DUP_ROAD)[0]
    new, _ = submit(now=MON + timedelta(days=1), region_code=MIROTO, **DUP_TYPED)
    sign_in_verified(client, verifier)
    html = client.get(f"/petugas/laporan/{new.pk}/").content.decode()
    assert f'name="link-other" value="{canonical.reference}"' in html  # offered beside "duplicate of"
    response = client.post(f"/petugas/laporan/{new.pk}/terkait/", {"link-other": canonical.reference, "link-note": ""})
    assert response.status_code == 302 and response["Location"].endswith("#terkait")
    html = client.get(f"/petugas/laporan/{new.pk}/").content.decode()
    assert f'data-related="{canonical.reference}"' in html
    assert "Ditautkan dengan laporan terkait" in html
    # a wrong number comes back with the error next to the field, nothing stored
    response = client.post(f"/petugas/laporan/{new.pk}/terkait/", {"link-other": "2611-NOPE-0000"})
    assert response.status_code == 400
    assert "tidak ditemukan" in response.content.decode() and 'id="id_link-other_error"' in response.content.decode()
    assert ReportLink.objects.count() == 1
    link = ReportLink.objects.get()
    response = client.post(f"/petugas/laporan/{new.pk}/terkait/{link.pk}/hapus/")
    assert response.status_code == 302 and ReportLink.objects.count() == 0
