"""Submission: what is stored, and bad input that stores nothing (rule of the house 8)."""

import io
from datetime import UTC, date, datetime

import pytest
from django.test import override_settings
from PIL import Image

from aduan.audit.models import AuditLog
from aduan.core.errors import ValidationFailed
from aduan.core.refs import reference_normalise
from aduan.notifications.models import Outbox
from aduan.reports.attachments import AttachmentUpload
from aduan.reports.models import Attachment, Event, Report
from aduan.reports.selectors import report_get_for_reporter

from ..factories import submit

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "KameraUji"  # Make
    exif[0x8825] = {2: (7.0, 0.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 200


def nothing_stored():
    return Report.objects.count() == 0 and Event.objects.count() == 0 and Attachment.objects.count() == 0 \
        and Outbox.objects.count() == 0 and AuditLog.objects.count() == 0


def test_submission_stores_every_field(directory, regions):
    report, token = submit(now=NOW, kind="aspiration", category="jalan", region_code="33.74.01.1001", address="Jl. Pemuda 1",
                           latitude="-6.98", longitude="110.41", is_anonymous=True, is_confidential=True, channel="sms",
                           reporter_phone="0812 3456 7890", suggested_agency_id=directory.dishub_semarang.pk,
                           attachments=[AttachmentUpload("foto.jpg", jpeg_with_gps()), AttachmentUpload("surat.pdf", PDF)])
    assert (report.kind, report.channel, report.region_id, report.category.slug) == ("aspiration", "sms", "33.74.01.1001", "jalan")
    assert report.is_anonymous and report.is_confidential
    assert report.reporter_phone == "+6281234567890"
    assert str(report.latitude) == "-6.980000"
    assert report.suggested_agency == directory.dishub_semarang
    assert sorted(report.attachments.values_list("content_type", flat=True)) == ["application/pdf", "image/jpeg"]
    assert reference_normalise(report.reference.lower().replace("-", " ")) == report.reference
    found, holder = report_get_for_reporter(reference=report.reference, token=token)
    assert found.pk == report.pk and holder.report_id == report.pk


def test_images_lose_exif_before_storage(directory):
    report, _ = submit(now=NOW, attachments=[AttachmentUpload("foto.JPG", jpeg_with_gps())])
    stored = report.attachments.get()
    with stored.file.open("rb") as fh, Image.open(fh) as img:
        assert len(img.getexif()) == 0
        assert img.size == (40, 30)


def test_wrong_token_looks_like_missing_report(directory):
    report, token = submit(now=NOW)
    from aduan.core.errors import NotFound

    wrong = token[:-1] + ("x" if token[-1] != "x" else "y")
    for ref, tok in [(report.reference, wrong), (report.reference, ""), ("2611-0000-0000", token)]:
        with pytest.raises(NotFound):
            report_get_for_reporter(reference=ref, token=tok)


@pytest.mark.parametrize("overrides,field", [
    ({"title": ""}, "title"),
    ({"body": "   "}, "body"),
    ({"incident_date": None}, "incident_date"),
    ({"incident_date": "2026-13-01"}, "incident_date"),
    ({"incident_date": date(2027, 1, 1)}, "incident_date"),
    ({"region_code": "99.99"}, "region_code"),
    ({"category": "tidak-ada"}, "category"),
    ({"kind": "gossip"}, "kind"),
    ({"title": "x" * 201}, "title"),
    ({"body": "y" * 10001}, "body"),
    ({"latitude": "abc", "longitude": "110"}, "latitude"),
    ({"latitude": "-6.9"}, "latitude"),
    ({"reporter_email": "bukan-surel"}, "reporter_email"),
    ({"reporter_phone": "12ab"}, "reporter_phone"),
    ({"suggested_agency_id": 999999}, "suggested_agency"),
    ({"attachments": [AttachmentUpload("foto.jpg", EXE)]}, "attachments"),
    ({"attachments": [AttachmentUpload("laporan.pdf", jpeg_with_gps())]}, "attachments"),
    ({"attachments": [AttachmentUpload("foto.jpg", PDF)]}, "attachments"),
    ({"attachments": [AttachmentUpload("kosong.pdf", b"")]}, "attachments"),
    ({"attachments": [AttachmentUpload("rusak.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64)]}, "attachments"),
], ids=["no-title", "blank-body", "no-date", "bad-date", "future-date", "unknown-region", "unknown-category", "unknown-kind",
        "long-title", "long-body", "bad-latitude", "half-coordinates", "bad-email", "bad-phone", "unknown-agency",
        "exe-as-jpg", "jpg-as-pdf", "pdf-as-jpg", "empty-file", "corrupt-image"])
def test_bad_input_gives_field_error_and_stores_nothing(overrides, field, directory, regions):
    with pytest.raises(ValidationFailed) as err:
        submit(now=NOW, **overrides)
    assert field in err.value.field_errors
    assert all(isinstance(m, str) and m for m in err.value.as_dict()["field_errors"][field])
    assert nothing_stored()


@override_settings(ADUAN_ATTACHMENT_MAX_BYTES=1000, ADUAN_ATTACHMENTS_TOTAL_MAX_BYTES=1500)
def test_oversize_attachments_rejected(directory):
    big = PDF + b"0" * 1200
    with pytest.raises(ValidationFailed) as err:
        submit(now=NOW, attachments=[AttachmentUpload("besar.pdf", big)])
    assert "lebih besar" in err.value.field_errors["attachments"][0]
    with pytest.raises(ValidationFailed) as err:
        submit(now=NOW, attachments=[AttachmentUpload("a.pdf", PDF + b"0" * 800), AttachmentUpload("b.pdf", PDF + b"0" * 800)])
    assert "seluruh lampiran" in err.value.field_errors["attachments"][0]
    assert nothing_stored()


def test_every_problem_is_reported_at_once(directory):
    with pytest.raises(ValidationFailed) as err:
        submit(now=NOW, title="", body="", incident_date=None)
    assert {"title", "body", "incident_date"} <= set(err.value.field_errors)


def test_error_messages_are_indonesian_by_default(directory):
    with pytest.raises(ValidationFailed) as err:
        submit(now=NOW, title="")
    assert err.value.field_errors["title"] == ["Judul laporan wajib diisi."]


def test_late_complaint_is_warned_not_refused(directory):
    report, _ = submit(now=NOW, incident_date=date(2026, 9, 1))
    assert report.late_filing_warning
    assert Outbox.objects.get(template="report_submitted").payload["late_filing_warning"] is True
    fresh, _ = submit(now=NOW, incident_date=date(2026, 11, 1))
    assert not fresh.late_filing_warning


def test_reference_numbers_reject_typos():
    from aduan.core.refs import reference_new

    ref = reference_new(NOW)
    assert reference_normalise(ref) == ref
    # Crockford: O→0, I/L→1 are read as the digits they look like.
    assert reference_normalise(ref.lower()) == ref
    broken = ref[:-1] + ("0" if ref[-1] != "0" else "1")
    assert reference_normalise(broken) is None
    swapped = ref[:5] + ref[6] + ref[5] + ref[7:]
    if swapped != ref:
        assert reference_normalise(swapped) is None


def jpeg_at(lat: tuple, lat_ref: str, lon: tuple, lon_ref: str) -> bytes:
    img = Image.new("RGB", (64, 48), (10, 120, 40))
    exif = Image.Exif()
    exif[0x8825] = {1: lat_ref, 2: lat, 3: lon_ref, 4: lon}
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


SEMARANG_PHOTO = ((6.0, 59.0, 24.0), "S", (110.0, 25.0, 12.0), "E")  # 6°59'24"S 110°25'12"E


def test_photo_location_is_used_only_when_the_reporter_chose_to_share_it(directory):
    photo = jpeg_at(*SEMARANG_PHOTO)
    kept_private, _ = submit(now=NOW, attachments=[AttachmentUpload("foto.jpg", photo)])
    assert kept_private.latitude is None and kept_private.longitude is None
    shared, _ = submit(now=NOW, attachments=[AttachmentUpload("foto.jpg", photo)], location_from_photo=True)
    assert float(shared.latitude) == pytest.approx(-6.99, abs=1e-4)
    assert float(shared.longitude) == pytest.approx(110.42, abs=1e-4)
    # The stored photo itself never keeps the position.
    with shared.attachments.get().file.open("rb") as fh, Image.open(fh) as img:
        assert len(img.getexif()) == 0


def test_typed_coordinates_win_over_the_photo(directory):
    report, _ = submit(now=NOW, attachments=[AttachmentUpload("foto.jpg", jpeg_at(*SEMARANG_PHOTO))],
                       location_from_photo=True, latitude="-7.0", longitude="110.4")
    assert float(report.latitude) == -7.0 and float(report.longitude) == 110.4


@pytest.mark.parametrize("size", [(8, 8), (12001, 20)])
def test_images_with_unreasonable_dimensions_are_refused(directory, size):
    buf = io.BytesIO()
    Image.new("RGB", size, (0, 0, 0)).save(buf, "PNG")
    with pytest.raises(ValidationFailed) as exc:
        submit(now=NOW, attachments=[AttachmentUpload("foto.png", buf.getvalue())])
    assert "piksel" in exc.value.field_errors["attachments"][0]
    assert not Report.objects.exists()
