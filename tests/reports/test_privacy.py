"""Privacy flags and redaction through every path the core offers (selectors, events,
notifications). DOMAIN-RULES §2.2 and §7.2; DESIGN.md rule of the house 4."""

import pytest

from aduan.audit.models import AuditLog
from aduan.core.errors import NotFound
from aduan.core.redact import REDACTED, redact_text
from aduan.notifications.models import Outbox
from aduan.reports.actors import ReporterToken
from aduan.reports.models import Report
from aduan.reports.selectors import (
    public_report_get, public_reports, report_detail_for_staff, report_reporter_identity,
)
from aduan.reports.workflow import Action, Status

from .helpers import report_in, run

pytestmark = pytest.mark.django_db

SECRET_NAME = "Budi Rahasia"
SECRET_EMAIL = "budi.rahasia@example.test"
SECRET_PHONE = "081298765432"


def anonymous_report(directory, admin, status=Status.IN_PROGRESS, **kw):
    return report_in(status, directory, admin, is_anonymous=True, reporter_name=SECRET_NAME,
                     reporter_email=SECRET_EMAIL, reporter_phone=SECRET_PHONE, **kw)


def _leaks(value) -> bool:
    text = repr(value)
    return any(s in text for s in (SECRET_NAME, SECRET_EMAIL, "81298765432"))


def test_anonymous_reporter_hidden_from_agency_staff(directory, national_admin, liaison_officer, agency_admin, supervisor):
    report, token = anonymous_report(directory, national_admin)
    run(report, Action.ADD_INFORMATION, ReporterToken(report.pk), directory)
    for official in (liaison_officer(directory.dishub_semarang), agency_admin(directory.dishub_semarang),
                     agency_admin(directory.semarang), supervisor(directory.dishub_semarang)):
        assert report_reporter_identity(user=official, report=report) is None
        detail = report_detail_for_staff(user=official, report_id=report.pk)
        assert detail["reporter"] is None
        assert not _leaks(detail)
    assert not AuditLog.objects.filter(action="reporter_identity_read").exists()


def test_anonymous_reporter_visible_to_verifier_and_every_read_is_audited(directory, national_admin, verifier):
    report, _ = anonymous_report(directory, national_admin)
    identity = report_reporter_identity(user=verifier, report=report, purpose="verifikasi")
    assert identity["name"] == SECRET_NAME and identity["email"] == SECRET_EMAIL
    report_detail_for_staff(user=verifier, report_id=report.pk)
    reads = AuditLog.objects.filter(action="reporter_identity_read", object_id=str(report.pk), actor=verifier)
    assert reads.count() == 2
    assert reads.filter(data__anonymous=True).count() == 2


def test_named_reporter_visible_to_agency_and_audited(directory, national_admin, liaison_officer):
    report, _ = report_in(Status.IN_PROGRESS, directory, national_admin, reporter_name="Ani", reporter_email="ani@example.test")
    officer = liaison_officer(directory.dishub_semarang)
    assert report_detail_for_staff(user=officer, report_id=report.pk)["reporter"]["email"] == "ani@example.test"
    assert AuditLog.objects.filter(action="reporter_identity_read", actor=officer).count() == 1


def test_anonymous_report_is_public_without_reporter_fields(directory, national_admin):
    report, _ = anonymous_report(directory, national_admin)
    page = public_report_get(reference=report.reference)
    assert "reporter_name" not in page
    assert not _leaks(page)


def test_named_report_shows_name_but_never_contact_to_public(directory, national_admin):
    report, _ = report_in(Status.IN_PROGRESS, directory, national_admin, reporter_name="Ani", reporter_email="ani@example.test",
                          reporter_phone="081211112222")
    page = public_report_get(reference=report.reference)
    assert page["reporter_name"] == "Ani"
    assert "ani@example.test" not in repr(page) and "81211112222" not in repr(page)


@pytest.mark.parametrize("status", sorted(Status), ids=str)
def test_confidential_report_never_public(status, directory, national_admin):
    report, _ = report_in(status, directory, national_admin, is_confidential=True)
    assert not public_reports().filter(pk=report.pk).exists()
    with pytest.raises(NotFound):
        public_report_get(reference=report.reference)


def test_unpublished_statuses_are_not_public(directory, national_admin):
    for status in (Status.SUBMITTED, Status.POSTPONED, Status.ARCHIVED):
        report, _ = report_in(status, directory, national_admin)
        with pytest.raises(NotFound):
            public_report_get(reference=report.reference)


def test_verifier_may_raise_flags_and_nobody_may_lower_them(directory, national_admin, verifier):
    report, _ = report_in(Status.SUBMITTED, directory, national_admin)
    run(report, Action.VERIFY_DISPOSE, verifier, directory, anonymous=True)
    report.refresh_from_db()
    assert report.is_anonymous
    run(report, Action.RAISE_PRIVACY, verifier, directory, confidential=True)
    report.refresh_from_db()
    assert report.is_confidential
    # Asking to lower is not a lowering: every flag stays up whatever is passed.
    with pytest.raises(Exception):
        run(report, Action.RAISE_PRIVACY, national_admin, directory, anonymous=False, confidential=False)
    report.refresh_from_db()
    assert report.is_anonymous and report.is_confidential
    # And no code path can lower one by saving the row.
    report.is_anonymous = False
    with pytest.raises(RuntimeError):
        report.save()
    assert Report.objects.get(pk=report.pk).is_anonymous


def test_public_text_is_redacted(directory, national_admin):
    body = ("Hubungi saya di 0812-3456-7890 atau +62 813 1111 2222, surel warga.x@mail.example.id, "
            "NIK 3374011234567890, KK 3374 0112 3456 7891.")
    report, _ = report_in(Status.DISPOSED, directory, national_admin, title="Pungli di kelurahan, telp 081234567890", body=body)
    run(report, Action.RESPOND, national_admin, directory, note="Kami hubungi 0247654321 dan ani@pemkot.example.id")
    page = public_report_get(reference=report.reference)
    text = repr(page)
    for secret in ("0812-3456-7890", "813 1111 2222", "warga.x@mail.example.id", "3374011234567890", "3374 0112 3456 7891",
                   "081234567890", "0247654321", "ani@pemkot.example.id"):
        assert secret not in text
    assert page["body"].count(REDACTED) == 5


@pytest.mark.parametrize("text,expected", [
    ("telp 081234567890.", f"telp {REDACTED}."),
    ("WA +6281234567890", f"WA {REDACTED}"),
    ("kantor (024) 7654321", f"kantor {REDACTED}"),
    ("NIK: 3374011234567890", f"NIK: {REDACTED}"),
    ("x@y.co.id", REDACTED),
    ("RT 05 RW 02, tahun 2024, Rp 1.500.000", "RT 05 RW 02, tahun 2024, Rp 1.500.000"),
    ("nomor laporan 2611-K7QX-M9P3", "nomor laporan 2611-K7QX-M9P3"),
], ids=["mobile", "intl", "landline", "nik", "email", "numbers-kept", "reference-kept"])
def test_redact_text(text, expected):
    assert redact_text(text) == expected


def test_notifications_to_officials_carry_no_reporter_identity(directory, national_admin, verifier):
    report, _ = anonymous_report(directory, national_admin, status=Status.SUBMITTED)
    run(report, Action.VERIFY_DISPOSE, verifier, directory)
    for row in Outbox.objects.filter(channel="internal"):
        assert not _leaks(row.payload)
