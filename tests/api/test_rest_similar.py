"""GET /api/v1/public/reports/similar/ (issue #6): before sending, the mobile app asks for
open public reports about the same problem so the citizen can support one instead. Only
public reports, titles redacted; bad input is a 400 in Indonesian and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.reports.models import Report
from aduan.reports.workflow import Status
from tests.reports.helpers import report_in

from .test_rest_support import API, _fresh_rate_limits, body, error_of  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
URL = f"{API}/public/reports/similar/"
MIROTO = "33.74.01.1001"
ROAD = {"title": "Jalan rusak di depan SD, hubungi 081234567890",
        "body": "Jalan berlubang besar di depan SD Negeri 2, membahayakan anak sekolah."}


def test_a_typed_repeat_finds_the_open_public_report_to_support(client, directory, national_admin):
    now = timezone.now()
    public, _ = report_in(Status.DISPOSED, directory, national_admin, now=now - timedelta(days=2), region_code=MIROTO, **ROAD)
    secret, _ = report_in(Status.DISPOSED, directory, national_admin, now=now - timedelta(days=2), region_code=MIROTO,
                          is_confidential=True, **ROAD)
    response = client.get(URL, {"title": "jln rusak dpn sd", "body": "jln bolong bsr dpn sd negri 2", "region_code": MIROTO})
    assert response.status_code == 200, response.content
    rows = body(response)
    assert [r["reference"] for r in rows] == [public.reference]  # never the confidential one
    assert rows[0]["same_place"] is True and 0 < rows[0]["score"] <= 1
    assert "081234567890" not in rows[0]["title"]  # redacted like every public title
    assert secret.reference not in response.content.decode()


def test_unrelated_text_finds_nothing(client, directory, national_admin):
    report_in(Status.DISPOSED, directory, national_admin, now=timezone.now(), region_code=MIROTO, **ROAD)
    response = client.get(URL, {"title": "Pungutan liar pembuatan KTP di kelurahan", "region_code": MIROTO})
    assert response.status_code == 200 and body(response) == []


def test_bad_input_is_a_clear_400(client, directory):
    missing = client.get(URL, {"body": "tanpa judul"})
    assert missing.status_code == 400 and "title" in error_of(missing)["fields"]
    unknown = client.get(URL, {"title": "jalan rusak", "region_code": "99.99"})
    assert unknown.status_code == 400
    assert "tidak dikenal" in error_of(unknown)["fields"]["region_code"][0]
    far = client.get(URL, {"title": "jalan rusak", "latitude": "123"})
    assert far.status_code == 400 and "latitude" in error_of(far)["fields"]
    assert Report.objects.count() == 0
