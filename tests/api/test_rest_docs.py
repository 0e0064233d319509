"""The OpenAPI document and its server-rendered reference page."""

from __future__ import annotations

import re

import pytest

from .test_rest_support import API, _fresh_rate_limits, body  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get(f"{API}/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return body(response)


def _operations(schema):
    return [(method, path, op) for path, item in schema["paths"].items() if path.startswith("/api/v1/")
            for method, op in item.items() if method in ("get", "post", "delete", "put", "patch")]


def test_every_operation_documents_its_responses_errors_and_idempotency(schema):
    operations = _operations(schema)
    assert len(operations) == 25
    for method, path, op in operations:
        assert op.get("summary"), path
        codes = set(op["responses"])
        assert any(c.startswith("2") for c in codes), path
        assert "429" in codes, path
        for code in codes - {"200", "201", "202", "204"}:
            assert op["responses"][code]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
        if method == "post":
            assert {"400", "409", "422"} <= codes, path
            assert "Idempotency-Key" in {p["name"] for p in op.get("parameters", [])}, path


def test_staff_operations_name_the_api_key_and_citizen_ones_the_token(schema):
    security = {(m, p): op.get("security") for m, p, op in _operations(schema)}
    assert security[("get", "/api/v1/reports/{id}/")] == [{"apiKey": []}]
    assert security[("get", "/api/v1/inbox/{inbox}/")] == [{"apiKey": []}]
    assert security[("get", "/api/v1/me/reports/")] == [{"citizenToken": []}]
    assert security[("post", "/api/v1/devices/{identity}/observations/")] == [{"apiKey": []}]
    assert security[("post", "/api/v1/agencies/{slug}/keys/")] == [{"officialSession": []}]
    assert set(schema["components"]["securitySchemes"]) == {"apiKey", "citizenToken", "officialSession"}


def test_the_reference_page_is_server_rendered_accessible_and_complete(client, schema):
    response = client.get(f"{API}/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.content) < 200_000
    assert html.count("<h1") == 1
    assert "<script" not in html and 'src="http' not in html and "href=\"http" not in html
    assert 'aria-labelledby="daftar-isi"' in html
    for method, path, op in _operations(schema):
        anchor = op["operationId"]  # slugify keeps these ids as they are
        assert f'id="{anchor}"' in html, op["operationId"]
        assert f'href="#{anchor}"' in html
        assert f"<code>{method.upper()} {path}</code>" in html
    # Every table is labelled and has column headers.
    assert html.count("<table>") == html.count("<caption>") == len(re.findall(r"<thead><tr><th scope=\"col\">", html))
    assert "<code>Idempotency-Key</code>" in html and "Retry-After" in html
