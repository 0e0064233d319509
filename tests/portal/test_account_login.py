"""Citizens sign in with a one-time code sent to their e-mail or phone."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.accounts.login_codes import MAX_GUESSES, login_code_issue, login_code_verify
from aduan.accounts.models import LoginCode, User
from aduan.accounts.permissions import Role
from aduan.core.errors import ValidationFailed
from aduan.notifications.models import Outbox

from ..factories import member

pytestmark = pytest.mark.django_db


def sent_code(recipient):
    return Outbox.objects.filter(recipient=recipient, template="login_code").latest("id").payload["code"]


def test_guest_signs_in_by_email_code_and_gets_an_account(client):
    response = client.post("/masuk/", {"identifier": "Siti@Example.test"})
    assert response.status_code == 302 and response.url.startswith("/masuk/kode/")
    code = sent_code("siti@example.test")
    assert re.fullmatch(r"\d{6}", code)
    assert not LoginCode.objects.filter(code_hash__contains=code).exists()
    response = client.post("/masuk/kode/", {"code": code})
    assert response.status_code == 302 and response.url == "/akun/laporan/"
    user = User.objects.get(email="siti@example.test")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert not user.has_usable_password()


def test_phone_code_goes_to_the_sms_channel_and_finds_the_existing_account(client, citizen):
    client.post("/masuk/", {"identifier": "0812-3456-7890"})
    row = Outbox.objects.get(template="login_code")
    assert (row.channel, row.recipient) == ("sms", "+6281234567890")
    client.post("/masuk/kode/", {"code": row.payload["code"]})
    assert int(client.session["_auth_user_id"]) == citizen.pk


def test_wrong_code_is_refused_and_guesses_are_limited():
    now = timezone.now()
    code = login_code_issue(identifier="a@example.test", now=now)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(MAX_GUESSES):
        with pytest.raises(ValidationFailed):
            login_code_verify(identifier="a@example.test", code=wrong, now=now)
    with pytest.raises(ValidationFailed):
        login_code_verify(identifier="a@example.test", code=code, now=now)  # burnt after 5 guesses


def test_code_expires_and_is_single_use():
    now = timezone.now()
    code = login_code_issue(identifier="b@example.test", now=now)
    with pytest.raises(ValidationFailed):
        login_code_verify(identifier="b@example.test", code=code, now=now + timedelta(minutes=11))
    code = login_code_issue(identifier="b@example.test", now=now)
    login_code_verify(identifier="b@example.test", code=code, now=now)
    with pytest.raises(ValidationFailed):
        login_code_verify(identifier="b@example.test", code=code, now=now)


def test_requests_are_rate_limited(client):
    for _ in range(3):
        client.post("/masuk/", {"identifier": "c@example.test"})
    response = client.post("/masuk/", {"identifier": "c@example.test"})
    assert response.status_code == 400
    assert "Terlalu banyak" in response.content.decode()
    assert Outbox.objects.filter(recipient="c@example.test").count() == 3


def test_bad_identifier_shows_error_next_to_field_and_keeps_input(client):
    response = client.post("/masuk/", {"identifier": "bukan-alamat"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-invalid="true"' in html and 'value="bukan-alamat"' in html
    assert Outbox.objects.count() == 0


def test_officials_cannot_bypass_two_factor_with_a_citizen_code(client, directory):
    official = member(Role.LIAISON_OFFICER, directory.dishub_semarang)
    official.email = "petugas@example.test"
    official.save()
    client.post("/masuk/", {"identifier": "petugas@example.test"})
    response = client.post("/masuk/kode/", {"code": sent_code("petugas@example.test")})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_next_parameter_cannot_redirect_off_site(client):
    client.post("/masuk/?next=https://evil.example/", {"identifier": "d@example.test", "next": "https://evil.example/"})
    response = client.post("/masuk/kode/", {"code": sent_code("d@example.test"), "next": "https://evil.example/"})
    assert response.url == "/akun/laporan/"
