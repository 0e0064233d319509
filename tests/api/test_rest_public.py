"""Public read through the API: the same privacy as the public pages (published and not
confidential only, redacted, no reporter identity but the chosen public name), filters,
cursor pagination, and supporting a report."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from aduan.reports.models import Support
from aduan.reports.workflow import Status
from tests.reports.helpers import MON, report_in

from .test_rest_support import (  # noqa: F401  (fixtures)
    API,
    _fresh_rate_limits,
    bearer,
    body,
    citizen_token_for,
    error_of,
    issue_key,
    key_headers,
    post,
)

pytestmark = pytest.mark.django_db
LIST = f"{API}/public/reports/"


@pytest.fixture
def published(directory, national_admin):
    """Two public reports, one unpublished, one confidential, one archived."""
    road, _ = report_in(Status.DISPOSED, directory, national_admin, category="jalan", region_code="33.74.01",
                        title="Jalan rusak, hubungi 081234567890", reporter_name="Budi Santoso",
                        reporter_email="budi@example.test", reporter_phone="081298765432")
    closed, _ = report_in(Status.CLOSED, directory, national_admin, now=MON - timedelta(days=10), is_anonymous=True,
                          incident_date=date(2026, 11, 2),
                          reporter_name="Rahasia Sekali", body="NIK saya 3374010101010001 tolong dicek.")
    hidden = [
        report_in(Status.SUBMITTED, directory, national_admin)[0],
        report_in(Status.DISPOSED, directory, national_admin, is_confidential=True)[0],
        report_in(Status.ARCHIVED, directory, national_admin)[0],
    ]
    return road, closed, hidden


def test_the_list_holds_only_published_non_confidential_reports_redacted(client, published):
    road, closed, hidden = published
    response = client.get(LIST)
    assert response.status_code == 200
    data = body(response)
    assert [row["reference"] for row in data["results"]] == [road.reference, closed.reference]
    assert data["next"] is None and data["next_cursor"] is None
    assert data["results"][0]["title"] == "Jalan rusak, hubungi [disamarkan]"
    raw = response.content.decode()
    assert "081234567890" not in raw and "Budi" not in raw and "budi@example.test" not in raw
    for report in hidden:
        assert report.reference not in raw


def test_the_detail_shows_the_chosen_name_but_never_contact_details(client, published):
    road, _closed, _hidden = published
    response = client.get(f"{API}/public/reports/{road.reference}/")
    assert response.status_code == 200
    data = body(response)
    assert data["reporter_name"] == "Budi Santoso"
    assert data["title"] == "Jalan rusak, hubungi [disamarkan]"
    raw = response.content.decode()
    assert "budi@example.test" not in raw and "081298765432" not in raw and "6281298765432" not in raw
    assert [e["action"] for e in data["timeline"]] == ["submit", "verify_dispose"]


def test_an_anonymous_report_carries_no_reporter_field_and_its_text_is_redacted(client, published):
    _road, closed, _hidden = published
    data = body(client.get(f"{API}/public/reports/{closed.reference}/"))
    assert "reporter_name" not in data
    assert "Rahasia" not in str(data)
    assert "3374010101010001" not in data["body"] and "[disamarkan]" in data["body"]


def test_confidential_and_unpublished_reports_are_404_like_missing_ones(client, published):
    _road, _closed, hidden = published
    missing = client.get(f"{API}/public/reports/2611-0000-0000/")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"
    for report in hidden:
        response = client.get(f"{API}/public/reports/{report.reference}/")
        assert response.status_code == 404 and response.content == missing.content


@pytest.mark.parametrize(("query", "expected"), [
    ("status=closed", ["closed"]),
    ("category=jalan", ["road"]),
    ("region=33.74", ["road"]),
    ("region=Kota Semarang", ["road"]),
    ("agency=pemkot-semarang", ["road", "closed"]),  # the agency and its units
    ("agency=kemensos", []),
    ("q=rusak", ["road"]),
    ("date_from=2026-11-20", ["road"]),
    ("date_to=2026-11-20", ["closed"]),
])
def test_filters(client, published, query, expected):
    road, closed, _hidden = published
    refs = {"road": road.reference, "closed": closed.reference}
    data = body(client.get(f"{LIST}?{query}"))
    assert [row["reference"] for row in data["results"]] == [refs[name] for name in expected]


@pytest.mark.parametrize(("query", "field"), [
    ("category=tidak-ada", "category"),
    ("region=Negeri Antah", "region"),
    ("agency=tidak-ada", "agency"),
    ("status=submitted", "status"),
    ("date_from=kemarin", "date_from"),
    ("q=081234567890", "q"),
])
def test_a_filter_that_cannot_be_applied_is_a_400_field_error(client, published, query, field):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 400
    assert field in error_of(response)["fields"]


def test_cursor_pages_cover_every_public_report_once(client, directory, national_admin):
    made = [report_in(Status.DISPOSED, directory, national_admin, now=MON + timedelta(minutes=i))[0] for i in range(5)]
    seen, url = [], f"{LIST}?limit=2"
    while url:
        data = body(client.get(url))
        seen += [row["reference"] for row in data["results"]]
        url = data["next"]
    assert seen == [r.reference for r in reversed(made)]


def test_the_list_query_count_is_pinned(client, directory, national_admin, django_assert_num_queries):
    for i in range(3):
        report_in(Status.DISPOSED, directory, national_admin, category="jalan", region_code="33.74", now=MON + timedelta(minutes=i))
    with django_assert_num_queries(1):
        assert client.get(f"{LIST}?limit=20").status_code == 200


# --- Support --------------------------------------------------------------------------------

def test_a_citizen_supports_a_public_report_once(client, published, citizen):
    road, _closed, _hidden = published
    token = citizen_token_for(citizen.email)
    url = f"{API}/public/reports/{road.reference}/support/"
    first = post(client, url, **bearer(token))
    assert first.status_code == 200
    assert body(first) == {"reference": road.reference, "support_count": 1, "supported": True, "created": True}
    again = post(client, url, **bearer(token))
    assert body(again)["support_count"] == 1 and body(again)["created"] is False
    assert Support.objects.filter(report=road, user=citizen).count() == 1


def test_support_needs_a_citizen_and_a_public_report(client, published, citizen, national_admin, directory):
    road, _closed, hidden = published
    url = f"{API}/public/reports/{road.reference}/support/"
    assert post(client, url).status_code == 401
    response = post(client, url, **key_headers(issue_key(national_admin, directory.semarang)))
    assert response.status_code == 403 and error_of(response)["code"] == "permission_denied"
    token = citizen_token_for(citizen.email)
    confidential = hidden[1]
    assert post(client, f"{API}/public/reports/{confidential.reference}/support/", **bearer(token)).status_code == 404
    assert not Support.objects.exists()
