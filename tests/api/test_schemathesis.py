"""schemathesis against the served OpenAPI document (issue #4): every operation, generated
requests, no 5xx and every response conforming to the documented status codes and schemas.

The schema is loaded from ``/api/v1/schema/`` through the project's WSGI application, and the
generated requests go to the same application in this process (same test database). Each
operation is called with the credential it is meant for, so the staff endpoints run as an
agency key with reports in its scope, citizens' endpoints as a citizen token, key management
as an agency admin's verified session (with a CSRF token). A handful of examples per
operation keeps the run well under a minute; the hypothesis seed is fixed (derandomize) so a
failure reproduces.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client, override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from aduan.intake.models import Device
from aduan.reports.workflow import Status
from tests.factories import submit
from tests.reports.helpers import report_in

from .test_rest_support import citizen_token_for, issue_key, sign_in_verified

pytestmark = pytest.mark.django_db
MAX_EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture
def wsgi_app():
    """The project's WSGI handler, minus the per-request connection recycling the test client
    also switches off (it would close the connection holding the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def no_rate_limits():
    framework = dict(settings.REST_FRAMEWORK)
    framework["DEFAULT_THROTTLE_RATES"] = {name: "100000/min" for name in framework["DEFAULT_THROTTLE_RATES"]}
    cache.clear()
    with override_settings(REST_FRAMEWORK=framework):
        yield
    cache.clear()


@pytest.fixture
def credentials(directory, national_admin, agency_admin, citizen):
    """Data in every key's reach, a credential per kind of caller, and real path values."""
    made = {}
    for status in (Status.SUBMITTED, Status.DISPOSED, Status.IN_PROGRESS, Status.RESPONDED, Status.CLOSED):
        made[status] = report_in(status, directory, national_admin, category="jalan", region_code="33.74.01")[0]
        report_in(status, directory, national_admin, reporter=citizen, is_anonymous=True)
    own = submit(actor=citizen)[0]
    session = Client()
    sign_in_verified(session, agency_admin(directory.semarang))
    csrf = _get_new_csrf_string()
    spare = issue_key(national_admin, directory.semarang, "Cadangan")
    Device.objects.create(identity="cctv-uji-01", name="CCTV uji", agency=directory.semarang,
                          latitude=-6.99, longitude=110.42)
    return {
        "key": {"X-Api-Key": issue_key(national_admin, directory.semarang)},
        "citizen": {"Authorization": f"Bearer {citizen_token_for(citizen.email)}"},
        "signout": {"Authorization": f"Bearer {citizen_token_for(citizen.email)}"},
        "session": ({"X-CSRFToken": csrf}, {"sessionid": session.cookies["sessionid"].value, "csrftoken": csrf}),
        # operationId → path parameters that exist, for a second pass that reaches the 200 paths.
        "paths": {
            "agency_get": {"slug": "pemkot-semarang"},
            "agency_keys_list": {"slug": "pemkot-semarang"},
            "agency_keys_issue": {"slug": "pemkot-semarang"},
            "agency_key_revoke": {"slug": "pemkot-semarang", "prefix": spare.split("_")[1]},
            "region_get": {"code": "33.74"},
            "region_children": {"code": "33.74"},
            "my_report_get": {"reference": own.reference},
            "public_report_get": {"reference": made[Status.DISPOSED].reference},
            "public_report_support": {"reference": made[Status.DISPOSED].reference},
            "staff_report_get": {"id": made[Status.IN_PROGRESS].pk},
            "report_action": {"report": str(made[Status.IN_PROGRESS].pk)},
            "device_observation_create": {"identity": "cctv-uji-01"},
        },
    }


def _credential_for(operation, credentials) -> tuple[dict, dict]:
    tag = (operation.definition.raw.get("tags") or [""])[0]
    if operation.definition.raw.get("operationId") == "auth_token_delete":
        return credentials["signout"], {}
    if tag == "Kunci API":
        return credentials["session"]
    if tag in ("Petugas dan sistem instansi", "Direktori"):
        return credentials["key"], {}
    return credentials["citizen"], {}


def _run(operation, strategy, headers, cookies):
    @given(case=strategy)
    @hypothesis_settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                         suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(headers=headers, cookies=cookies, checks=CHECKS)

    run()


def test_every_operation_answers_without_5xx_and_as_documented(wsgi_app, no_rate_limits, credentials):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", wsgi_app)
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith("/api/v1/"):
            continue
        operations += 1
        headers, cookies = _credential_for(operation, credentials)
        strategies = [operation.as_strategy()]  # everything generated, paths included
        known = credentials["paths"].get(operation.definition.raw.get("operationId"))
        if known:
            strategies.append(operation.as_strategy(path_parameters=known))
        for strategy in strategies:
            try:
                _run(operation, strategy, headers, cookies)
            except Exception as exc:  # collect every operation's failure, then report them all
                failures.append(f"{operation.label}:\n{exc}")
    assert operations == 25
    assert not failures, "\n\n".join(failures)
