"""Open311 GeoReport v2 read endpoints, in both formats: the shapes the spec gives (checked
against the JSON Schemas in aduan/api/open311/schemas and by parsing the XML), string ids
and codes, arrays even with one element, W3C dates with a zone, the filters and their
defaults, and every documented error with its exact HTTP status."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from aduan.agencies.models import AgencyCategory, Category
from aduan.reports.workflow import Status

from .test_open311_helpers import (  # noqa: F401  (fixtures)
    BASE,
    W3C,
    _clean_throttle_cache,
    admin,
    assert_schema,
    errors_of,
    get_json,
    get_xml,
    parse_xml,
    publish,
)

pytestmark = pytest.mark.django_db

FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
          "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
          "address", "address_id", "zipcode", "lat", "long"]


# --- Discovery ---------------------------------------------------------------------------

def test_discovery_in_both_formats_lists_the_georeport_v2_endpoint(client, db):
    data = get_json(client, "discovery", schema="discovery")
    (endpoint,) = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["formats"] == ["text/xml", "application/json"]

    root = get_xml(client, "discovery", root="discovery")
    assert [c.tag for c in root] == ["changeset", "contact", "key_service", "endpoints"]
    (xml_endpoint,) = root.find("endpoints")
    assert xml_endpoint.tag == "endpoint"
    assert [f.text for f in xml_endpoint.find("formats")] == ["text/xml", "application/json"]
    assert all(f.tag == "format" for f in xml_endpoint.find("formats"))


# --- Services ----------------------------------------------------------------------------

def test_services_list_categories_with_string_codes_in_both_formats(client, directory):
    data = get_json(client, "services", schema="services")
    assert [s["service_code"] for s in data] == ["adminduk", "jalan"]
    road = data[1]
    assert road == {
        "service_code": "jalan", "service_name": "Infrastruktur jalan", "description": "Infrastruktur jalan",
        "metadata": True, "type": "realtime", "keywords": "pengaduan, aspirasi, permintaan informasi",
        "group": "Infrastruktur jalan",
    }
    root = get_xml(client, "services", root="services")
    assert [s.tag for s in root] == ["service", "service"]
    assert root[1].findtext("service_code") == "jalan"
    assert root[1].findtext("metadata") == "true"
    assert root[1].findtext("type") == "realtime"


def test_inactive_categories_are_not_services(client, directory):
    Category.objects.filter(slug="adminduk").update(is_active=False)
    assert [s["service_code"] for s in get_json(client, "services")] == ["jalan"]
    get_json(client, "services/adminduk", expect=404)


def test_jurisdiction_narrows_services_to_an_agency_or_a_region_and_one_service_is_still_a_list(client, directory):
    AgencyCategory.objects.create(agency=directory.dishub_semarang, category=directory.road)
    AgencyCategory.objects.create(agency=directory.kemensos, category=directory.adminduk)  # national: no coverage rows
    by_agency = get_json(client, "services", schema="services", jurisdiction_id="pemkot-semarang")
    assert [s["service_code"] for s in by_agency] == ["jalan"]  # via its unit Dishub
    root = get_xml(client, "services", root="services", jurisdiction_id="pemkot-semarang")
    assert [s.tag for s in root] == ["service"]
    assert [s["service_code"] for s in get_json(client, "services", jurisdiction_id="kemensos")] == ["adminduk"]
    # Kota Semarang (and its villages) is covered by Dishub; Kemensos serves everywhere.
    assert [s["service_code"] for s in get_json(client, "services", jurisdiction_id="33.74.01.1001")] == ["adminduk", "jalan"]
    assert [s["service_code"] for s in get_json(client, "services", jurisdiction_id="51.71")] == ["adminduk"]
    # The national id (the public site's host) and an empty value mean all of Indonesia.
    assert len(get_json(client, "services", jurisdiction_id="127.0.0.1")) == 2
    assert len(get_json(client, "services", jurisdiction_id="")) == 2


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("jurisdiction", ["tidak-ada", "99.99", "<script>"])
def test_unknown_jurisdiction_is_404_on_every_read(client, directory, fmt, jurisdiction):
    for path in ["services", "services/jalan", "requests", "requests/2611-K7QX-M9P3", "tokens/x", "servicerequestupdates"]:
        response = client.get(f"{BASE}/{path}.{fmt}", {"jurisdiction_id": jurisdiction})
        assert response.status_code == 404, path
        assert errors_of(response, fmt)[0][0] == 404


def test_service_definition_in_both_formats(client, directory):
    data = get_json(client, "services/jalan", schema="service_definition")
    assert data["service_code"] == "jalan"
    codes = [a["code"] for a in data["attributes"]]
    assert codes == ["kind", "title", "incident_date", "anonymous", "confidential", "privacy_notice"]
    assert [a["order"] for a in data["attributes"]] == [1, 2, 3, 4, 5, 6]
    kind = data["attributes"][0]
    assert [v["key"] for v in kind["values"]] == ["complaint", "aspiration", "information_request"]
    assert data["attributes"][5]["variable"] is False

    root = get_xml(client, "services/jalan", root="service_definition")
    assert root.findtext("service_code") == "jalan"
    attributes = root.find("attributes")
    assert [a.tag for a in attributes] == ["attribute"] * 6
    first = attributes[0]
    assert first.findtext("variable") == "true" and first.findtext("required") == "false"
    assert [(v.tag, v.findtext("key")) for v in first.find("values")] == [
        ("value", "complaint"), ("value", "aspiration"), ("value", "information_request")]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_code_is_404(client, directory, fmt):
    response = client.get(f"{BASE}/services/tidak-ada.{fmt}")
    assert response.status_code == 404
    assert errors_of(response, fmt)[0][0] == 404


# --- GET requests ------------------------------------------------------------------------

def test_requests_in_json_follow_the_schema_with_string_ids_and_w3c_dates(client, directory, admin):
    report = publish(directory, admin, status=Status.RESPONDED, latitude="-6.9825", longitude="110.4091",
                     address="Jl. Pemuda depan SMA 3")
    data = get_json(client, "requests", schema="service_requests")
    (row,) = data
    assert list(row) == FIELDS
    assert row["service_request_id"] == report.reference
    assert row["status"] == "open"  # responded: the reporter may still dispute
    assert row["status_notes"] == "Sudah ditindaklanjuti."
    assert (row["service_code"], row["service_name"]) == ("jalan", "Infrastruktur jalan")
    assert row["agency_responsible"] == "Dinas Perhubungan Kota Semarang"
    assert row["address"] == "Jl. Pemuda depan SMA 3"
    assert (row["lat"], row["long"]) == (-6.9825, 110.4091)
    for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert re.match(W3C, row[key]) and row[key].endswith("+07:00"), row[key]
    assert datetime.fromisoformat(row["requested_datetime"]) == report.submitted_at.replace(microsecond=0)


def test_requests_in_xml_have_the_spec_root_and_every_field(client, directory, admin):
    report = publish(directory, admin)
    root = get_xml(client, "requests", root="service_requests")
    (request,) = root
    assert request.tag == "request"
    assert [c.tag for c in request] == FIELDS
    assert request.findtext("service_request_id") == report.reference
    assert request.findtext("status") == "open"
    assert request.findtext("status_notes") == ""  # null → empty element
    assert re.match(W3C, request.findtext("requested_datetime"))


def test_a_closed_request_is_closed_with_its_close_time_and_no_expected_time(client, directory, admin):
    report = publish(directory, admin, status=Status.CLOSED)
    (row,) = get_json(client, "requests", schema="service_requests")
    assert row["status"] == "closed"
    assert datetime.fromisoformat(row["updated_datetime"]) == report.closed_at.replace(microsecond=0)
    assert row["expected_datetime"] is None


def test_status_filter_takes_open_closed_or_both(client, directory, admin):
    open_report = publish(directory, admin)
    closed_report = publish(directory, admin, status=Status.CLOSED)
    ids = lambda **p: {r["service_request_id"] for r in get_json(client, "requests", **p)}  # noqa: E731
    assert ids(status="open") == {open_report.reference}
    assert ids(status="closed") == {closed_report.reference}
    assert ids(status="open,closed") == ids() == {open_report.reference, closed_report.reference}


def test_service_code_filter_takes_a_comma_list(client, directory, admin):
    road = publish(directory, admin)
    adminduk = publish(directory, admin, category="adminduk")
    ids = lambda **p: [r["service_request_id"] for r in get_json(client, "requests", **p)]  # noqa: E731
    assert ids(service_code="jalan") == [road.reference]
    assert set(ids(service_code="jalan,adminduk")) == {road.reference, adminduk.reference}
    assert ids(service_code="tidak-ada") == []


def test_date_window_filters_on_requested_datetime(client, directory, admin):
    now = datetime.now(UTC)
    old = publish(directory, admin, now=now - timedelta(days=40))
    new = publish(directory, admin, now=now - timedelta(days=5))
    ids = lambda **p: [r["service_request_id"] for r in get_json(client, "requests", **p)]  # noqa: E731
    start = (now - timedelta(days=50)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - timedelta(days=20)).strftime("%Y-%m-%dT%H:%M:%S+07:00")
    assert ids(start_date=start, end_date=end) == [old.reference]
    assert ids(start_date=(now - timedelta(days=10)).date().isoformat()) == [new.reference]
    assert ids(end_date=end) == [old.reference]
    # A "+" left unencoded in the query string arrives as a space; it still means +07:00.
    assert client.get(f"{BASE}/requests.json?end_date={end.replace('+', '%20')}").status_code == 200


def test_service_request_id_list_overrides_every_other_filter(client, directory, admin):
    now = datetime.now(UTC)
    old_closed = publish(directory, admin, now=now - timedelta(days=200), status=Status.CLOSED)
    new_open = publish(directory, admin)
    data = get_json(client, "requests", schema="service_requests",
                    service_request_id=f"{old_closed.reference},{new_open.reference},2611-K7QX-M9P3,bukan",
                    status="open", service_code="adminduk", start_date="2026-01-01T00:00:00Z")
    assert {r["service_request_id"] for r in data} == {old_closed.reference, new_open.reference}


def test_one_request_is_a_one_element_list_in_both_formats(client, directory, admin):
    report = publish(directory, admin)
    data = get_json(client, f"requests/{report.reference}", schema="service_requests")
    assert [r["service_request_id"] for r in data] == [report.reference]
    root = get_xml(client, f"requests/{report.reference}", root="service_requests")
    assert [c.tag for c in root] == ["request"]
    # A lower-case or unhyphenated reference is the same request.
    assert get_json(client, f"requests/{report.reference.lower().replace('-', '')}")[0]["service_request_id"] == report.reference


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("request_id", ["2611-K7QX-M9P3", "bukan-nomor", "1"])
def test_unknown_request_is_404(client, directory, fmt, request_id):
    response = client.get(f"{BASE}/requests/{request_id}.{fmt}")
    assert response.status_code == 404
    assert errors_of(response, fmt) == [(404, "Data tidak ditemukan.")]


def test_extensions_add_status_history_channel_and_detailed_status(client, directory, admin):
    report = publish(directory, admin, status=Status.RESPONDED)
    (row,) = get_json(client, "requests", schema="service_requests", extensions="true")
    assert row["extended_attributes"]["channel"] == "web"
    assert row["extended_attributes"]["detailed_status"] == "PROCESSED"
    assert row["extended_attributes"]["aduan_status"] == "responded"
    assert [n["type"] for n in row["notes"]] == ["submit", "verify_dispose", "respond"]
    assert row["notes"][2]["description"] == "Sudah ditindaklanjuti."
    assert all(re.match(W3C, n["datetime"]) for n in row["notes"])
    root = get_xml(client, f"requests/{report.reference}", root="service_requests", extensions="true")
    request = root[0]
    assert request.find("extended_attributes").findtext("channel") == "web"
    assert [n.tag for n in request.find("notes")] == ["note"] * 3
    assert request.find("notes")[2].findtext("type") == "respond"
    # Without the parameter there are no extension fields.
    assert "notes" not in get_json(client, "requests")[0]


def test_tokens_answer_with_the_request_id(client, directory, admin):
    report = publish(directory, admin)
    data = get_json(client, f"tokens/{report.reference}", schema="token")
    assert data == [{"service_request_id": report.reference, "token": report.reference}]
    root = get_xml(client, f"tokens/{report.reference}", root="service_requests")
    assert [(c.tag, [g.tag for g in c]) for c in root] == [("request", ["service_request_id", "token"])]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_token_is_404(client, directory, fmt):
    response = client.get(f"{BASE}/tokens/tidak-ada.{fmt}")
    assert response.status_code == 404
    assert errors_of(response, fmt)[0][0] == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("params, param", [
    ({"start_date": "kemarin"}, "start_date"),
    ({"start_date": "2026-11-01T10:00:00"}, "start_date"),  # no zone designator
    ({"end_date": "2026-13-01"}, "end_date"),
    ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "end_date"),  # > 90 days
    ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"}, "end_date"),  # reversed
    ({"status": "pending"}, "status"),
    ({"page": "0"}, "page"),
    ({"page_size": "abc"}, "page_size"),
    ({"page_size": "1001"}, "page_size"),
    ({"extensions": "mungkin"}, "extensions"),
])
def test_bad_query_parameters_are_400_naming_the_parameter(client, directory, fmt, params, param):
    response = client.get(f"{BASE}/requests.{fmt}", params)
    assert response.status_code == 400
    ((code, description),) = errors_of(response, fmt)
    assert code == 400 and description.startswith(f"{param}: ")


def test_unknown_format_is_404_answered_in_xml(client, directory):
    for path in ["discovery.html", "services.csv", "requests.yaml", "requests/2611-K7QX-M9P3.txt"]:
        response = client.get(f"{BASE}/{path}")
        assert response.status_code == 404, path
        assert errors_of(response, "xml")[0][0] == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_method_the_resource_does_not_take_is_400_with_code_405(client, directory, fmt):
    response = client.post(f"{BASE}/services.{fmt}")
    assert response.status_code == 400
    assert response["Allow"] == "GET, HEAD"
    assert errors_of(response, fmt)[0][0] == 405
    response = client.delete(f"{BASE}/requests.{fmt}")
    assert response.status_code == 400 and response["Allow"] == "GET, HEAD, POST"


# --- GET servicerequestupdates -----------------------------------------------------------

def test_updates_feed_lists_public_events_oldest_first_in_both_formats(client, directory, admin):
    report = publish(directory, admin, status=Status.CLOSED)
    data = get_json(client, "servicerequestupdates", schema="service_request_updates")
    assert [(u["service_request_id"], u["external_status_code"], u["status"]) for u in data] == [
        (report.reference, "disposed", "open"), (report.reference, "responded", "open"),
        (report.reference, "closed", "closed")]
    assert data[1]["description"] == "Sudah ditindaklanjuti."
    assert data[0]["description"] == "Verifikasi dan teruskan ke instansi"  # no note: the action's name
    assert all(isinstance(u["update_id"], str) for u in data)
    root = get_xml(client, "servicerequestupdates", root="service_request_updates")
    assert [u.tag for u in root] == ["request_update"] * 3
    assert [c.tag for c in root[0]] == ["update_id", "service_request_id", "status", "updated_datetime",
                                        "description", "external_status_code"]


def test_updates_feed_takes_a_date_window(client, directory, admin):
    now = datetime.now(UTC)
    publish(directory, admin, now=now - timedelta(days=30))
    recent = publish(directory, admin, now=now - timedelta(days=2))
    data = get_json(client, "servicerequestupdates", start_date=(now - timedelta(days=7)).isoformat())
    assert {u["service_request_id"] for u in data} == {recent.reference}
    # A feed has no 90-day span limit: a client catching up gets the oldest first and goes on.
    since_january = get_json(client, "servicerequestupdates", start_date="2026-01-01T00:00:00Z",
                             end_date=(now + timedelta(days=1)).isoformat())
    assert len(since_january) == 2
    response = client.get(f"{BASE}/servicerequestupdates.xml", {"start_date": "2026-06-01T00:00:00Z",
                                                                "end_date": "2026-05-01T00:00:00Z"})
    assert response.status_code == 400
    assert errors_of(response, "xml")[0][1].startswith("end_date: ")


def test_json_is_utf8_not_escaped(client, directory, admin):
    publish(directory, admin, body="Jalan rusak — tolong perbaiki ✓")
    response = client.get(f"{BASE}/requests.json")
    assert "— tolong perbaiki ✓".encode() in response.content
    assert_schema("service_requests", response.json())
    root = parse_xml(client.get(f"{BASE}/requests.xml"), "service_requests")
    assert root[0].findtext("description") == "Jalan rusak — tolong perbaiki ✓"
