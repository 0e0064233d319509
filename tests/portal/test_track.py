"""/lacak/: a reporter without an account proves reference + tracking token and gets the
report page; wrong tokens look exactly like missing reports; guessing is throttled."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from aduan.core import refs
from aduan.portal import views_report
from aduan.reports.workflow import Status

from ..reports.helpers import report_in

pytestmark = pytest.mark.django_db

NOT_FOUND = "Nomor laporan atau kode pelacakan tidak cocok"
THROTTLED = "Terlalu banyak percobaan yang gagal"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def unpublished(directory, national_admin):
    """A report still waiting for verification: not public, so only its reporter sees it."""
    return report_in(Status.SUBMITTED, directory, national_admin, body="Isi lengkap laporan saya, hanya untuk pelapor.")


def test_reference_and_token_remember_the_report_in_the_session_and_redirect(client, unpublished):
    report, token = unpublished

    response = client.post("/lacak/", {"ref": report.reference, "token": token})

    assert response.status_code == 302
    assert response.url == reverse("portal:report_page", args=[report.reference])
    assert client.session["reporter_reports"] == [report.pk]
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Isi lengkap laporan saya, hanya untuk pelapor." in page.content.decode()


def test_the_confirmation_link_with_query_parameters_works(client, unpublished):
    report, token = unpublished

    response = client.get("/lacak/", {"ref": report.reference, "token": token})

    assert response.status_code == 302 and response.url == f"/laporan/{report.reference}/"
    assert client.session["reporter_reports"] == [report.pk]


def test_a_reference_typed_in_lower_case_without_dashes_is_accepted(client, unpublished):
    report, token = unpublished

    response = client.post("/lacak/", {"ref": report.reference.replace("-", " ").lower(), "token": token})

    assert response.status_code == 302 and response.url == f"/laporan/{report.reference}/"


def test_tracking_a_second_report_keeps_the_first(client, directory, national_admin, unpublished):
    first, first_token = unpublished
    second, second_token = report_in(Status.SUBMITTED, directory, national_admin)

    client.post("/lacak/", {"ref": first.reference, "token": first_token})
    client.post("/lacak/", {"ref": second.reference, "token": second_token})

    assert client.session["reporter_reports"] == [first.pk, second.pk]
    assert client.get(f"/laporan/{first.reference}/").status_code == 200


def test_wrong_token_and_missing_reference_get_the_same_answer(client, unpublished):
    report, token = unpublished
    missing = refs.reference_new(report.submitted_at)  # well-formed, but no such report

    wrong_token = client.post("/lacak/", {"ref": report.reference, "token": token + "x"})
    no_report = client.post("/lacak/", {"ref": missing, "token": token})

    assert wrong_token.status_code == no_report.status_code == 404
    for response, typed in [(wrong_token, report.reference), (no_report, missing)]:
        html = response.content.decode()
        assert NOT_FOUND in html
        assert f'value="{typed}"' in html  # the typed reference is kept
        assert token not in html  # the secret is never echoed
        assert 'role="alert"' in html and html.count('aria-invalid="true"') == 2
    # Apart from the reference the reporter typed (and the masked CSRF token), the answers are identical.
    def normalised(response, typed):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode().replace(typed, "REF"))
    assert normalised(wrong_token, report.reference) == normalised(no_report, missing)
    assert "reporter_reports" not in client.session


def test_a_malformed_reference_gets_the_same_answer_too(client, unpublished):
    _, token = unpublished

    response = client.post("/lacak/", {"ref": "bukan-nomor", "token": token})

    assert response.status_code == 404 and NOT_FOUND in response.content.decode()


def test_empty_fields_get_their_own_errors(client, directory):
    response = client.post("/lacak/", {"ref": "", "token": ""})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Isi nomor laporan." in html and "Isi kode pelacakan." in html
    assert 'aria-describedby="ref-hint ref-error"' in html
    assert 'aria-describedby="token-hint token-error"' in html


def test_guessing_is_throttled_after_ten_failures_even_for_the_right_token(client, unpublished):
    report, token = unpublished
    for _ in range(views_report.TRACK_LIMIT_PER_SESSION):
        assert client.post("/lacak/", {"ref": report.reference, "token": "tebakan"}).status_code == 404

    response = client.post("/lacak/", {"ref": report.reference, "token": token})

    assert response.status_code == 429
    assert THROTTLED in response.content.decode()
    assert "reporter_reports" not in client.session


def test_the_throttle_also_counts_per_address_across_sessions(directory, unpublished, monkeypatch):
    report, token = unpublished
    monkeypatch.setattr(views_report, "TRACK_LIMIT_PER_ADDRESS", 3)
    for _ in range(3):
        Client().post("/lacak/", {"ref": report.reference, "token": "tebakan"}, REMOTE_ADDR="10.0.0.7")

    blocked = Client().post("/lacak/", {"ref": report.reference, "token": token}, REMOTE_ADDR="10.0.0.7")
    elsewhere = Client().post("/lacak/", {"ref": report.reference, "token": token}, REMOTE_ADDR="10.0.0.8")

    assert blocked.status_code == 429
    assert elsewhere.status_code == 302


def test_a_successful_track_does_not_count_as_a_guess(client, unpublished):
    report, token = unpublished
    for _ in range(views_report.TRACK_LIMIT_PER_SESSION + 2):
        assert client.post("/lacak/", {"ref": report.reference, "token": token}).status_code == 302


def _reference_with_check_symbol(symbol: str) -> str:
    for n in range(100000):
        payload = f"{n:07d}"
        if refs._check_symbol(payload) == symbol:
            return f"2611-{payload[:4]}-{payload[4:]}{symbol}"
    raise AssertionError(symbol)


@pytest.mark.parametrize("symbol", ["*", "~", "$", "="])
def test_references_with_check_symbols_lead_to_a_working_page(client, directory, national_admin, monkeypatch, symbol):
    reference = _reference_with_check_symbol(symbol)
    monkeypatch.setattr("aduan.reports.services.submit.reference_new", lambda now: reference)
    report, token = report_in(Status.SUBMITTED, directory, national_admin)
    assert report.reference == reference

    response = client.get("/lacak/", {"ref": reference, "token": token})

    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    # The action forms post to a URL built by reverse(), which the router maps back.
    action_url = re.search(r'<form method="post" action="([^"]+)"', html).group(1)
    assert client.post(action_url, {"action": "add_information", "expected_status": "submitted",
                                    "note": "Tambahan"}).status_code == 302
    # The same page through a fully percent-encoded path.
    encoded = "/laporan/" + "".join(c if c.isalnum() or c == "-" else f"%{ord(c):02X}" for c in reference) + "/"
    assert client.get(encoded).status_code == 200


def test_tracking_page_is_labelled_and_has_one_heading(client, db):
    html = client.get("/lacak/").content.decode()

    assert html.count("<h1>") == 1
    assert '<label for="ref">' in html and '<label for="token">' in html
    assert 'role="alert"' not in html


def test_a_link_with_only_the_reference_pre_fills_it_without_an_error(client, unpublished):
    report, _ = unpublished

    response = client.get("/lacak/", {"ref": report.reference})

    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{report.reference}"' in html and 'role="alert"' not in html
