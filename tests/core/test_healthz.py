import pytest


@pytest.mark.django_db
def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_root_leads_to_the_back_office_until_the_portal_exists(client):
    response = client.get("/")
    assert response.status_code == 302 and response.url == "/admin/"
