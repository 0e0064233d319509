"""POST requests (GeoReport v2 "POST Service Request"): api_key required (403), the
documented 400/404 errors, the mapping onto ``report_submit`` (channel Open311, never the
key's service account as reporter), attributes, jurisdictions, and Idempotency-Key."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from aduan.agencies.models import AgencyCategory
from aduan.api.keys import api_key_issue, api_key_revoke
from aduan.api.models import ApiKey
from aduan.reports.models import Channel, Event, Report
from aduan.reports.workflow import Action, Status

from ..reports.helpers import run
from .test_open311_helpers import (  # noqa: F401  (fixtures)
    BASE,
    _clean_throttle_cache,
    admin,
    assert_schema,
    errors_of,
    parse_xml,
    semarang_key,
)

pytestmark = pytest.mark.django_db

DESCRIPTION = "Lubang besar di Jl. Pemuda dekat halte. Sudah dua minggu dan membahayakan pengendara motor."


def post(client, path: str, data: dict, fmt: str = "json", **headers):
    return client.post(f"{BASE}/{path}.{fmt}", urlencode(data, doseq=True),
                       content_type="application/x-www-form-urlencoded; charset=utf-8", **headers)


def form(key: str | None, **overrides) -> dict:
    data = {"service_code": "jalan", "lat": "-6.9825", "long": "110.4091", "address_string": "Jl. Pemuda, Semarang",
            "description": DESCRIPTION, "first_name": "Siti", "last_name": "Warga", "email": "siti@example.test",
            "phone": "0812 3456 7890", "device_id": "tt222111", "account_id": "123456",
            "media_url": "http://127.0.0.1:9/foto.jpg"}
    if key is not None:
        data["api_key"] = key
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_post_creates_one_report_through_the_submit_service(client, directory, semarang_key):
    response = post(client, "requests", form(semarang_key))
    assert response.status_code == 200, response.content
    data = response.json()
    assert_schema("service_request_created", data)
    (created,) = data
    report = Report.objects.get()
    assert created["service_request_id"] == report.reference
    assert created["account_id"] is None
    assert report.reference in created["service_notice"]
    assert report.channel == Channel.OPEN311
    assert report.status == Status.SUBMITTED
    assert report.category.slug == "jalan"
    assert report.body == DESCRIPTION
    assert report.title == "Lubang besar di Jl."  # the first sentence, as typed
    assert (str(report.latitude), str(report.longitude)) == ("-6.982500", "110.409100")
    assert report.address == "Jl. Pemuda, Semarang"
    # The citizen is the reporter; the key's service account never is.
    key = ApiKey.objects.get()
    assert report.reporter_id is None and report.reporter_id != key.service_user_id
    assert (report.reporter_name, report.reporter_email, report.reporter_phone) == ("Siti Warga", "siti@example.test",
                                                                                    "+6281234567890")
    assert report.incident_date == timezone.localdate()
    assert Event.objects.get(report=report).action == "submit"


def test_post_answers_in_xml_with_the_spec_root(client, directory, semarang_key):
    response = post(client, "requests", form(semarang_key), fmt="xml")
    assert response.status_code == 200
    root = parse_xml(response, "service_requests")
    (request,) = root
    assert request.tag == "request"
    assert [c.tag for c in request] == ["service_request_id", "service_notice", "account_id"]
    assert request.findtext("service_request_id") == Report.objects.get().reference
    assert request.findtext("account_id") == ""


def test_multipart_posts_are_accepted_too(client, directory, semarang_key):
    response = client.post(f"{BASE}/requests.json", form(semarang_key))  # the test client's default: multipart
    assert response.status_code == 200, response.content
    assert Report.objects.count() == 1


def test_attributes_set_kind_title_date_and_privacy(client, directory, semarang_key):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = post(client, "requests", form(semarang_key, **{
        "attribute[kind]": "aspiration", "attribute[title]": "Usul halte baru", "attribute[incident_date]": yesterday.isoformat(),
        "attribute[anonymous]": "true", "attribute[confidential]": "false", "attribute[unknown]": "ignored"}))
    assert response.status_code == 200, response.content
    report = Report.objects.get()
    assert (report.kind, report.title, report.incident_date) == ("aspiration", "Usul halte baru", yesterday)
    assert report.is_anonymous and not report.is_confidential


def test_address_id_is_a_kemendagri_region_code(client, directory, semarang_key):
    response = post(client, "requests", form(semarang_key, lat=None, long=None, address_string=None, address_id="33.74.01"))
    assert response.status_code == 200, response.content
    assert Report.objects.get().region_id == "33.74.01"


def test_jurisdiction_agency_becomes_the_suggested_agency_and_region_the_location(client, directory, semarang_key):
    AgencyCategory.objects.create(agency=directory.dishub_semarang, category=directory.road)
    post(client, "requests", form(semarang_key, jurisdiction_id="dishub-kota-semarang"))
    assert Report.objects.get().suggested_agency == directory.dishub_semarang
    response = post(client, "requests", form(semarang_key, lat=None, long=None, address_string="Pasar Johar",
                                             jurisdiction_id="33.74"))
    assert response.status_code == 200
    assert Report.objects.get(reference=response.json()[0]["service_request_id"]).region_id == "33.74"


def test_a_new_report_is_not_public_until_it_is_verified_and_disposed(client, directory, semarang_key, admin):
    reference = post(client, "requests", form(semarang_key)).json()[0]["service_request_id"]
    assert client.get(f"{BASE}/requests/{reference}.json").status_code == 404
    assert client.get(f"{BASE}/tokens/{reference}.json").status_code == 404
    run(Report.objects.get(), Action.VERIFY_DISPOSE, admin, directory, now=timezone.now())
    assert client.get(f"{BASE}/requests/{reference}.json").json()[0]["service_request_id"] == reference


# --- api_key -----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_or_unknown_api_key_is_403_and_creates_nothing(client, directory, fmt):
    for key in (None, "", "adn_tidakada_rahasia", "bukan-kunci"):
        response = post(client, "requests", form(key), fmt=fmt)
        assert response.status_code == 403
        assert errors_of(response, fmt)[0][0] == 403
    assert not Report.objects.exists()


def test_a_revoked_key_is_403(client, directory, admin):
    issued = api_key_issue(actor=admin, agency=directory.semarang, name="Lama")
    api_key_revoke(actor=admin, api_key=issued.api_key)
    assert post(client, "requests", form(issued.raw)).status_code == 403
    assert not Report.objects.exists()


def test_api_key_may_come_in_the_query_string(client, directory, semarang_key):
    response = client.post(f"{BASE}/requests.json?{urlencode({'api_key': semarang_key})}",
                           urlencode(form(None)), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200


# --- Errors ------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("overrides, status, param", [
    ({"service_code": None}, 400, "service_code"),
    ({"service_code": ""}, 400, "service_code"),
    ({"service_code": "tidak-ada"}, 404, None),
    ({"jurisdiction_id": "tidak-ada"}, 404, None),
    ({"lat": None, "long": None, "address_string": None}, 400, "location"),
    ({"long": None, "address_string": None}, 400, "location"),  # lat alone is no location
    ({"description": "   "}, 400, "description"),
    ({"lat": "utara", "long": "110.4"}, 400, "lat"),
    ({"lat": "-6.98", "long": "999"}, 400, "long"),
    ({"address_id": "99.99"}, 400, "address_id"),
    ({"address_string": "x" * 301, "lat": None, "long": None}, 400, "address_string"),
    ({"email": "bukan-surel"}, 400, "email"),
    ({"phone": "12"}, 400, "phone"),
    ({"description": "x" * 10001}, 400, "description"),
    ({"attribute[kind]": "gosip"}, 400, "attribute[kind]"),
    ({"attribute[anonymous]": "mungkin"}, 400, "attribute[anonymous]"),
    ({"attribute[incident_date]": "kemarin"}, 400, "attribute[incident_date]"),
    ({"attribute[incident_date]": "2099-01-01"}, 400, "attribute[incident_date]"),
    ({"attribute[title]": "x" * 201}, 400, "attribute[title]"),
])
def test_bad_posts_get_the_documented_error_and_change_nothing(client, directory, semarang_key, fmt, overrides, status, param):
    response = post(client, "requests", form(semarang_key, **overrides), fmt=fmt)
    assert response.status_code == status, response.content
    errors = errors_of(response, fmt)
    if param:
        assert any(code == 400 and description.startswith(f"{param}: ") for code, description in errors), errors
    else:
        assert errors[0][0] == 404
    assert not Report.objects.exists()


def test_every_missing_field_is_reported_at_once(client, directory, semarang_key):
    response = post(client, "requests", form(semarang_key, lat=None, long=None, address_string=None, description=""))
    assert response.status_code == 400
    assert sorted(d.split(":")[0] for _, d in errors_of(response, "json")) == ["description", "location"]


def test_a_service_not_offered_in_the_jurisdiction_is_404(client, directory, semarang_key):
    AgencyCategory.objects.create(agency=directory.dishub_semarang, category=directory.road)
    response = post(client, "requests", form(semarang_key, service_code="adminduk", jurisdiction_id="pemkot-semarang"))
    assert response.status_code == 404
    assert not Report.objects.exists()


# --- Idempotency-Key ---------------------------------------------------------------------

def test_the_same_idempotency_key_ten_times_creates_one_report(client, directory, semarang_key):
    data = form(semarang_key)
    responses = [post(client, "requests", data, HTTP_IDEMPOTENCY_KEY="kirim-0001") for _ in range(10)]
    assert Report.objects.count() == 1
    assert Event.objects.filter(action="submit").count() == 1
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1
    assert all(r["Idempotent-Replayed"] == "true" for r in responses[1:])
    assert json.loads(responses[0].content)[0]["service_request_id"] == Report.objects.get().reference


def test_an_idempotency_key_reused_for_another_request_is_refused(client, directory, semarang_key):
    post(client, "requests", form(semarang_key), fmt="xml", HTTP_IDEMPOTENCY_KEY="kirim-0002")
    response = post(client, "requests", form(semarang_key, description="Laporan lain sama sekali."), fmt="xml",
                    HTTP_IDEMPOTENCY_KEY="kirim-0002")
    assert response.status_code == 400
    assert errors_of(response, "xml")[0][0] == 422
    assert Report.objects.count() == 1


def test_without_idempotency_key_each_post_is_a_new_report(client, directory, semarang_key):
    post(client, "requests", form(semarang_key))
    post(client, "requests", form(semarang_key))
    assert Report.objects.count() == 2
