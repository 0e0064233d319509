"""Response volume of GET requests: the spec's defaults (most recent 90 days, first 1,000
results, newest first here), the ``page``/``page_size`` extension, and a pinned number of
queries whatever the page holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aduan.reports.workflow import Status

from .test_open311_helpers import (  # noqa: F401  (fixtures)
    BASE,
    _clean_throttle_cache,
    admin,
    errors_of,
    get_json,
    publish,
)

pytestmark = pytest.mark.django_db


def ids(client, **params) -> list[str]:
    return [r["service_request_id"] for r in get_json(client, "requests", **params)]


def test_default_window_is_the_most_recent_90_days(client, directory, admin):
    now = datetime.now(UTC)
    old = publish(directory, admin, now=now - timedelta(days=91))
    recent = publish(directory, admin, now=now - timedelta(days=89))
    assert ids(client) == [recent.reference]
    assert ids(client, start_date=(now - timedelta(days=95)).isoformat(), end_date=(now - timedelta(days=90)).isoformat()) == [old.reference]
    assert ids(client, service_request_id=old.reference) == [old.reference]
    assert get_json(client, f"requests/{old.reference}")[0]["service_request_id"] == old.reference


def test_updates_feed_has_the_same_90_day_default(client, directory, admin):
    now = datetime.now(UTC)
    publish(directory, admin, now=now - timedelta(days=100))
    assert get_json(client, "servicerequestupdates") == []
    assert len(get_json(client, "servicerequestupdates", start_date=(now - timedelta(days=101)).isoformat())) == 1


def test_results_are_capped_and_paged(client, directory, admin, settings):
    settings.OPEN311_MAX_RESULTS = 3
    now = datetime.now(UTC)
    reports = [publish(directory, admin, now=now - timedelta(hours=i + 1)) for i in range(5)]
    newest_first = [r.reference for r in reports]
    assert ids(client) == newest_first[:3]  # the first 3 (capped), newest first
    assert ids(client, page="2") == newest_first[3:]
    assert ids(client, page_size="2") == newest_first[:2]
    assert ids(client, page_size="2", page="3") == newest_first[4:]
    assert ids(client, page="9") == []
    response = client.get(f"{BASE}/requests.xml", {"page_size": "4"})
    assert response.status_code == 400 and errors_of(response, "xml")[0][1].startswith("page_size: ")
    # A list of ids is capped too, and the cap is the same for the updates feed.
    assert len(ids(client, service_request_id=",".join(newest_first[:3]))) == 3
    assert client.get(f"{BASE}/requests.json", {"service_request_id": ",".join(newest_first)}).status_code == 400
    assert len(get_json(client, "servicerequestupdates")) == 3


def test_the_real_cap_is_1000(client, directory, admin):
    response = client.get(f"{BASE}/requests.json", {"page_size": "1000"})
    assert response.status_code == 200
    assert client.get(f"{BASE}/requests.json", {"page_size": "1001"}).status_code == 400


@pytest.mark.parametrize("extensions", ["false", "true"])
def test_requests_json_runs_two_queries_whatever_the_page_holds(client, directory, admin, django_assert_num_queries, extensions):
    for i in range(2):
        publish(directory, admin, status=Status.RESPONDED)
    with django_assert_num_queries(2):  # the page of reports (with category and agency), their public events
        assert len(get_json(client, "requests", extensions=extensions)) == 2
    for i in range(4):
        publish(directory, admin, status=Status.CLOSED, category="adminduk")
    with django_assert_num_queries(2):
        assert len(get_json(client, "requests", extensions=extensions)) == 6
    with django_assert_num_queries(3):  # + the jurisdiction
        assert len(get_json(client, "requests", jurisdiction_id="pemkot-semarang", extensions=extensions)) == 6


def test_updates_feed_runs_one_query(client, directory, admin, django_assert_num_queries):
    for i in range(3):
        publish(directory, admin, status=Status.CLOSED)
    with django_assert_num_queries(1):
        assert len(get_json(client, "servicerequestupdates")) == 9


def test_too_many_requests_get_429_with_retry_after_in_the_spec_error_format(client, db, settings):
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "3/min"}}
    for _ in range(3):
        assert client.get(f"{BASE}/services.json").status_code == 200
    response = client.get(f"{BASE}/services.json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert response.json()[0]["code"] == 429
    xml = client.get(f"{BASE}/services.xml")
    assert xml.status_code == 429 and b"<errors>" in xml.content
    cache.clear()
