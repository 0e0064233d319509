"""Agency systems through the API key: inboxes, report detail, every workflow action through
report_transition — and no leakage across agencies through any staff endpoint."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.api.keys import api_key_revoke
from aduan.api.models import ApiKey
from aduan.audit.models import AuditLog
from aduan.reports.models import Event, Report
from aduan.reports.policies import available_actions
from aduan.reports.selectors import reports_visible_to
from aduan.reports.services.transition import report_transition
from aduan.reports.workflow import TRANSITIONS, Action, ActorKind, Status
from tests.reports.helpers import MON, params_for, report_in

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
USER_ACTIONS = [a for a, t in TRANSITIONS.items() if t.actor != ActorKind.SYSTEM]


@pytest.fixture
def keys(directory, national_admin):
    """Agency A = Pemerintah Kota Semarang (reports land at its Dinas Perhubungan);
    agency B = Pemerintah Provinsi Jawa Tengah."""
    return {"a": issue_key(national_admin, directory.semarang, "A"), "b": issue_key(national_admin, directory.jateng, "B")}


def _service_user(raw: str):
    return ApiKey.objects.get(prefix=raw.split("_")[1]).service_user


def _action(client, ref, raw, **data):
    return post(client, f"{API}/reports/{ref}/actions/", data, **key_headers(raw))


def _dispose_to(report, agency, admin):
    report_transition(report=report, action=Action.VERIFY_DISPOSE, actor=admin, expected_status=report.status,
                      agency=agency.pk)
    report.refresh_from_db()
    return report


# --- Inboxes ---------------------------------------------------------------------------------

def test_inbox_counts_are_the_keys_scope(client, directory, national_admin, keys):
    report_in(Status.DISPOSED, directory, national_admin)  # at Dishub Kota Semarang
    response = client.get(f"{API}/inbox/", **key_headers(keys["a"]))
    assert response.status_code == 200
    assert body(response) == {"verification": 0, "agency": 1, "overdue": 0, "escalated": 0}
    assert body(client.get(f"{API}/inbox/", **key_headers(keys["b"]))) == {
        "verification": 0, "agency": 0, "overdue": 0, "escalated": 0}


def test_agency_inbox_sorts_by_deadline_with_no_deadline_last_and_pages_by_cursor(client, directory, national_admin, keys):
    made = [report_in(Status.DISPOSED, directory, national_admin, now=MON + timedelta(minutes=i))[0] for i in range(4)]
    now = timezone.now()
    dues = [now + timedelta(days=3), now + timedelta(days=1), None, now + timedelta(days=2)]
    for report, due in zip(made, dues):
        Report.objects.filter(pk=report.pk).update(first_response_due_at=due, resolution_due_at=due)
    seen, url = [], f"{API}/inbox/agency/?limit=3"
    while url:
        data = body(client.get(url, **key_headers(keys["a"])))
        seen += [row["reference"] for row in data["results"]]
        url = data["next"]
    assert seen == [made[1].reference, made[3].reference, made[0].reference, made[2].reference]
    newest = body(client.get(f"{API}/inbox/agency/?sort=newest", **key_headers(keys["a"])))
    assert [row["reference"] for row in newest["results"]] == [r.reference for r in reversed(made)]


def test_inbox_filters(client, directory, national_admin, keys):
    road, _ = report_in(Status.DISPOSED, directory, national_admin, category="jalan", title="Lampu jalan mati")
    other, _ = report_in(Status.IN_PROGRESS, directory, national_admin)

    def refs(query):
        response = client.get(f"{API}/inbox/agency/?{query}", **key_headers(keys["a"]))
        assert response.status_code == 200, response.content
        return {row["reference"] for row in body(response)["results"]}

    assert refs("category=jalan") == {road.reference}
    assert refs("status=in_progress") == {other.reference}
    assert refs("q=lampu") == {road.reference}
    assert refs("agency=dishub-kota-semarang") == {road.reference, other.reference}
    response = client.get(f"{API}/inbox/agency/?category=tidak-ada", **key_headers(keys["a"]))
    assert response.status_code == 400 and set(error_of(response)["fields"]) == {"category"}
    response = client.get(f"{API}/inbox/agency/?sort=acak", **key_headers(keys["a"]))
    assert response.status_code == 400 and set(error_of(response)["fields"]) == {"sort"}


def test_overdue_and_escalated_inboxes(client, directory, national_admin, keys):
    late, _ = report_in(Status.DISPOSED, directory, national_admin)
    Report.objects.filter(pk=late.pk).update(first_response_due_at=timezone.now() - timedelta(days=1))
    escalated, _ = report_in(Status.DISPOSED, directory, national_admin)
    report_transition(report=escalated, action=Action.INTERVENE, actor=national_admin, expected_status=Status.DISPOSED,
                      note="Mohon perhatian pimpinan.")
    overdue = body(client.get(f"{API}/inbox/overdue/", **key_headers(keys["a"])))["results"]
    assert [row["reference"] for row in overdue] == [late.reference] and overdue[0]["is_overdue"] is True
    rows = body(client.get(f"{API}/inbox/escalated/", **key_headers(keys["a"])))["results"]
    assert [(row["reference"], row["escalation_level"]) for row in rows] == [(escalated.reference, 1)]


def test_unknown_inbox_is_a_json_404(client, directory, keys):
    response = client.get(f"{API}/inbox/entah/", **key_headers(keys["a"]))
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_inbox_query_count_is_pinned(client, directory, national_admin, keys, django_assert_num_queries):
    for i in range(3):
        report_in(Status.DISPOSED, directory, national_admin, now=MON + timedelta(minutes=i))
    client.get(f"{API}/inbox/agency/", **key_headers(keys["a"]))  # last_used_at written once a minute
    # key lookup, memberships of the service account, the page.
    with django_assert_num_queries(3):
        assert len(body(client.get(f"{API}/inbox/agency/", **key_headers(keys["a"])))["results"]) == 3


# --- Detail ----------------------------------------------------------------------------------

def test_detail_has_the_full_text_actions_and_an_audited_reporter_identity(client, directory, national_admin, keys):
    report, _ = report_in(Status.DISPOSED, directory, national_admin, reporter_phone="081298765432")
    response = client.get(f"{API}/reports/{report.pk}/", **key_headers(keys["a"]))
    assert response.status_code == 200
    data = body(response)
    assert data["reference"] == report.reference and data["body"] == report.body
    assert data["reporter"]["email"] == "warga@example.test" and data["reporter"]["phone"] == "+6281298765432"
    assert data["actions"] == [a.value for a in available_actions(report, _service_user(keys["a"]))]
    assert set(data["actions"]) == {"start_follow_up", "respond", "request_clarification", "not_authority"}
    read = AuditLog.objects.get(action="reporter_identity_read")
    assert read.actor == _service_user(keys["a"]) and read.object_id == str(report.pk)


def test_an_anonymous_reporter_is_never_shown_to_an_agency_key(client, directory, national_admin, keys):
    report, _ = report_in(Status.DISPOSED, directory, national_admin, is_anonymous=True)
    data = body(client.get(f"{API}/reports/{report.pk}/", **key_headers(keys["a"])))
    assert data["reporter"] is None
    assert "warga@example.test" not in str(data) and "Warga Uji" not in str(data)
    assert not AuditLog.objects.filter(action="reporter_identity_read").exists()


# --- Actions ---------------------------------------------------------------------------------

def test_the_agency_follows_up_and_responds_through_the_transition_service(client, directory, national_admin, keys):
    report, _ = report_in(Status.DISPOSED, directory, national_admin)
    response = _action(client, report.pk, keys["a"], action="start_follow_up", expected_status="disposed",
                       internal_note="Tim lapangan dijadwalkan.")
    assert response.status_code == 200 and body(response)["status"] == Status.IN_PROGRESS
    response = _action(client, report.reference, keys["a"], action="respond", expected_status="in_progress",
                       note="Lampu sudah diganti.")
    assert response.status_code == 200
    assert body(response) == {"reference": report.reference, "status": "responded",
                              "status_label": str(Status.RESPONDED.label), "actions": ["respond"]}
    events = list(Event.objects.filter(report=report).values_list("action", "actor", "agency"))
    service = _service_user(keys["a"]).pk
    assert events[-3:] == [("start_follow_up", service, directory.dishub_semarang.pk),
                           ("internal_note", service, directory.dishub_semarang.pk),
                           ("respond", service, directory.dishub_semarang.pk)]


def test_not_our_authority_names_the_agency_by_slug(client, directory, national_admin, keys):
    report, _ = report_in(Status.DISPOSED, directory, national_admin)
    response = _action(client, report.pk, keys["a"], action="not_authority", expected_status="disposed",
                       note="Jalan provinsi.", suggested_agency="dpu-binmar-cipka-jateng")
    assert response.status_code == 200 and body(response)["status"] == Status.RETURNED
    assert report.dispositions.get().suggested_agency == directory.dpu_jateng
    fresh, _ = report_in(Status.DISPOSED, directory, national_admin)
    response = _action(client, fresh.pk, keys["a"], action="not_authority", expected_status="disposed",
                       note="x", suggested_agency="tidak-ada")
    assert response.status_code == 400 and set(error_of(response)["fields"]) == {"suggested_agency"}


@pytest.mark.parametrize("status", list(Status))
def test_the_api_allows_exactly_the_available_actions(client, directory, national_admin, keys, status):
    """Statuses before disposition (at the national desk) are outside the key's scope: 404
    for every action. Otherwise 200 exactly for available_actions(), 409 or 403 for the rest."""
    service = _service_user(keys["a"])
    report, _ = report_in(status, directory, national_admin)
    visible = reports_visible_to(service).filter(pk=report.pk).exists()
    assert visible == (status not in (Status.SUBMITTED, Status.POSTPONED, Status.ARCHIVED))
    allowed = set(available_actions(report, service)) if visible else set()
    for action in USER_ACTIONS:
        target = report_in(status, directory, national_admin)[0] if action in allowed else report
        params = {k: v for k, v in params_for(action, directory).items()}
        for name in ("agency", "suggested_agency"):
            if name in params:
                params[name] = {a.pk: a.slug for a in [directory.dishub_semarang, directory.dpu_jateng]}[params[name]]
        response = _action(client, target.pk, keys["a"], action=action.value, expected_status=status.value, **params)
        if not visible:
            assert response.status_code == 404, (action, response.content)
        elif action in allowed:
            assert response.status_code == 200, (action, response.content)
        else:
            assert response.status_code in (403, 409), (action, response.status_code)
            expected = "invalid_transition" if status not in TRANSITIONS[action].sources else "permission_denied"
            assert error_of(response)["code"] == expected, action
    report.refresh_from_db()
    assert report.status == status  # nothing refused changed anything


def test_a_stale_expected_status_is_409(client, directory, national_admin, keys):
    report, _ = report_in(Status.IN_PROGRESS, directory, national_admin)
    response = _action(client, report.pk, keys["a"], action="respond", expected_status="disposed", note="x")
    assert response.status_code == 409 and error_of(response)["code"] == "stale_state"


def test_a_response_needs_a_note(client, directory, national_admin, keys):
    report, _ = report_in(Status.DISPOSED, directory, national_admin)
    response = _action(client, report.pk, keys["a"], action="respond", expected_status="disposed")
    assert response.status_code == 400 and set(error_of(response)["fields"]) == {"note"}


def test_an_unknown_action_is_a_field_error(client, directory, national_admin, keys):
    report, _ = report_in(Status.DISPOSED, directory, national_admin)
    response = _action(client, report.pk, keys["a"], action="auto_close", expected_status="disposed")
    assert response.status_code == 400 and set(error_of(response)["fields"]) == {"action"}


# --- Who may call ------------------------------------------------------------------------------

def test_staff_endpoints_need_an_agency_key(client, directory, national_admin, citizen):
    report, _ = report_in(Status.DISPOSED, directory, national_admin, reporter=citizen)
    token = citizen_token_for(citizen.email)
    for url in (f"{API}/inbox/", f"{API}/inbox/agency/", f"{API}/reports/{report.pk}/"):
        anonymous = client.get(url)
        assert anonymous.status_code == 401 and error_of(anonymous)["code"] == "not_authenticated"
        as_citizen = client.get(url, **bearer(token))
        assert as_citizen.status_code == 403 and error_of(as_citizen)["code"] == "permission_denied"


def test_a_revoked_key_stops_at_once(client, directory, national_admin, keys):
    key = ApiKey.objects.get(prefix=keys["a"].split("_")[1])
    api_key_revoke(actor=national_admin, api_key=key)
    response = client.get(f"{API}/inbox/", **key_headers(keys["a"]))
    assert response.status_code == 401 and error_of(response)["code"] == "authentication_failed"


# --- Cross-agency leakage ------------------------------------------------------------------------

@pytest.fixture
def reports_of_b(directory, national_admin):
    """B's reports: a confidential one at its Dinas PU, an anonymous one, one waiting for
    verification at the national desk — none of them A's business."""
    made = []
    for flags in ({"is_confidential": True}, {"is_anonymous": True}, {}):
        report, _ = report_in(Status.SUBMITTED, directory, national_admin, **flags)
        made.append(_dispose_to(report, directory.dpu_jateng, national_admin))
    made.append(report_in(Status.SUBMITTED, directory, national_admin)[0])
    return made


def test_agency_as_key_gets_404_for_bs_reports_on_every_staff_endpoint(client, directory, national_admin, keys, reports_of_b):
    missing_detail = client.get(f"{API}/reports/999999/", **key_headers(keys["a"]))
    missing_action = _action(client, "999999", keys["a"], action="respond", expected_status="disposed", note="x")
    assert missing_detail.status_code == missing_action.status_code == 404
    for report in reports_of_b:
        detail = client.get(f"{API}/reports/{report.pk}/", **key_headers(keys["a"]))
        assert detail.status_code == 404 and detail.content == missing_detail.content
        for ref in (report.pk, report.reference):
            for action in USER_ACTIONS:
                response = _action(client, ref, keys["a"], action=action.value, expected_status=report.status,
                                   note="Coba.", rating=5)
                assert response.status_code == 404, (action, response.content)
                assert response.content == missing_action.content
    for inbox in ("verification", "agency", "overdue", "escalated"):
        rows = body(client.get(f"{API}/inbox/{inbox}/", **key_headers(keys["a"])))["results"]
        assert rows == []
    assert body(client.get(f"{API}/inbox/", **key_headers(keys["a"]))) == {
        "verification": 0, "agency": 0, "overdue": 0, "escalated": 0}
    # Nothing happened to B's reports, and no identity of B's reporters was read.
    for report in reports_of_b:
        assert Report.objects.get(pk=report.pk).status == report.status
    assert not AuditLog.objects.filter(action="reporter_identity_read").exists()
    # B's own key sees its reports.
    assert client.get(f"{API}/reports/{reports_of_b[0].pk}/", **key_headers(keys["b"])).status_code == 200
