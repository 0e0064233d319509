"""Shared helpers and fixtures for the Open311 suites (imported by test_open311_*.py).

Reports are made and moved only through the real services (``report_submit`` and
``report_transition``), so every Open311 answer is checked against real data."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest
from django.core.cache import cache as django_cache
from jsonschema import Draft202012Validator

from aduan.api.keys import api_key_issue
from aduan.reports.workflow import Status

from ..reports.helpers import report_in

SCHEMAS = Path(__file__).resolve().parents[2] / "aduan" / "api" / "open311" / "schemas"
BASE = "/open311/v2"
JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
W3C = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$"


@cache
def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def assert_schema(name: str, data) -> None:
    errors = sorted(validator(name).iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def get_json(client, path: str, expect: int = 200, schema: str | None = None, **params):
    response = client.get(f"{BASE}/{path}.json", params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == JSON_TYPE
    data = json.loads(response.content.decode("utf-8"))
    if schema:
        assert_schema(schema, data)
    return data


def get_xml(client, path: str, expect: int = 200, root: str | None = None, **params) -> ET.Element:
    response = client.get(f"{BASE}/{path}.xml", params)
    assert response.status_code == expect, response.content
    return parse_xml(response, root)


def parse_xml(response, root: str | None = None) -> ET.Element:
    assert response["Content-Type"] == XML_TYPE
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    element = ET.fromstring(response.content)
    if root:
        assert element.tag == root
    return element


def errors_of(response, fmt: str) -> list[tuple[int, str]]:
    """The (code, description) pairs of an Open311 error body, after checking its shape."""
    if fmt == "json":
        assert response["Content-Type"] == JSON_TYPE
        data = json.loads(response.content)
        assert_schema("errors", data)
        return [(e["code"], e["description"]) for e in data]
    root = parse_xml(response, "errors")
    out = []
    for error in root:
        assert error.tag == "error"
        assert [c.tag for c in error] == ["code", "description"]
        out.append((int(error.findtext("code")), error.findtext("description")))
    assert out
    return out


def publish(directory, admin, *, now=None, status=Status.DISPOSED, **submit):
    """A report in ``status`` (published ones are disposed to Dishub Kota Semarang)."""
    now = now or datetime.now(UTC) - timedelta(days=1)
    submit.setdefault("incident_date", (now - timedelta(days=2)).date())
    submit.setdefault("category", "jalan")
    report, _ = report_in(status, directory, admin, now=now, **submit)
    return report


@pytest.fixture(autouse=True)
def _clean_throttle_cache():
    yield
    django_cache.clear()


@pytest.fixture
def admin(national_admin):
    return national_admin


@pytest.fixture
def semarang_key(directory, admin):
    """Pemerintah Kota Semarang's system: acts on its own and its units' (Dishub) reports."""
    return api_key_issue(actor=admin, agency=directory.semarang, name="Aplikasi Lapor Semarang").raw


@pytest.fixture
def jateng_key(directory, admin):
    """Pemerintah Provinsi Jawa Tengah's system: another agency, not Semarang's parent."""
    return api_key_issue(actor=admin, agency=directory.jateng, name="Aplikasi LaporGub").raw
