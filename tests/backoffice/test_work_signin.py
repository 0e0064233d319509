"""Officials' sign-in: password (django-axes counts failures) then TOTP (django-otp)."""

from __future__ import annotations

import re

import axes.utils
import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .test_work_support import PASSWORD, sign_in_verified


@pytest.fixture(autouse=True)
def _axes(settings, db):
    # The lockout page requested from the lead for config/settings/base.py.
    settings.AXES_LOCKOUT_CALLABLE = "aduan.backoffice.auth.lockout_response"
    axes.utils.reset()
    yield
    axes.utils.reset()


@pytest.fixture
def official(liaison_officer, directory):
    user = liaison_officer(directory.dishub_semarang)
    user.set_password(PASSWORD)
    user.save()
    return user


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def test_password_then_totp_signs_an_official_in(client, official):
    device = TOTPDevice.objects.create(user=official, name="hp", confirmed=True)
    response = client.post("/petugas/masuk/", {"username": official.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/petugas/2fa/?")
    # Signed in with the password only: the inboxes still ask for the code.
    assert client.get("/petugas/kotak/instansi/")["Location"].startswith("/petugas/2fa/")
    response = client.post("/petugas/2fa/", {"token": code_for(device), "next": "/petugas/kotak/instansi/"})
    assert response.status_code == 302 and response["Location"] == "/petugas/kotak/instansi/"
    assert client.get("/petugas/kotak/instansi/").status_code == 200


def test_wrong_totp_code_is_refused(client, official):
    device = TOTPDevice.objects.create(user=official, name="hp", confirmed=True)
    client.post("/petugas/masuk/", {"username": official.username, "password": PASSWORD})
    good = int(code_for(device))
    response = client.post("/petugas/2fa/", {"token": f"{(good + 1) % 1000000:06d}"})
    assert response.status_code == 400
    assert "Kode tidak cocok" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert client.get("/petugas/").status_code == 302


def test_official_without_device_enrols_with_secret_and_qr(client, official):
    response = client.post("/petugas/masuk/", {"username": official.username, "password": PASSWORD})
    assert response["Location"].startswith("/petugas/2fa/daftar/")
    page = client.get("/petugas/2fa/daftar/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg role="img" aria-label=' in html
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', html).group(1)
    device = TOTPDevice.objects.get(user=official)
    assert not device.confirmed and len(secret) >= 32
    assert client.post("/petugas/2fa/daftar/", {"token": "000000" if code_for(device) != "000000" else "111111"}).status_code == 400
    device.refresh_from_db()
    device.throttle_reset()  # a failure throttles the device for a second (django-otp)
    response = client.post("/petugas/2fa/daftar/", {"token": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/petugas/").status_code == 200


def test_enrolment_is_not_offered_once_a_device_is_confirmed(client, official):
    TOTPDevice.objects.create(user=official, name="hp", confirmed=True)
    client.post("/petugas/masuk/", {"username": official.username, "password": PASSWORD})
    response = client.get("/petugas/2fa/daftar/")
    assert response.status_code == 302 and response["Location"].startswith("/petugas/2fa/?")
    assert TOTPDevice.objects.filter(user=official).count() == 1


def test_wrong_password_is_refused_with_a_message(client, official):
    response = client.post("/petugas/masuk/", {"username": official.username, "password": "salah"})
    assert response.status_code == 400
    assert "Nama pengguna atau kata sandi salah." in response.content.decode()


def test_five_wrong_passwords_lock_the_account(client, official):
    for _ in range(4):
        assert client.post("/petugas/masuk/", {"username": official.username, "password": "salah"}).status_code == 400
    response = client.post("/petugas/masuk/", {"username": official.username, "password": "salah"})
    assert response.status_code == 429
    assert "dikunci sementara" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post("/petugas/masuk/", {"username": official.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_citizen_without_membership_gets_403(client, citizen):
    client.force_login(citizen)
    for url in ["/petugas/", "/petugas/kotak/verifikasi/", "/petugas/laporan/1/"]:
        assert client.get(url).status_code == 403


def test_citizen_password_sign_in_is_refused(client, citizen):
    citizen.set_password(PASSWORD)
    citizen.save()
    response = client.post("/petugas/masuk/", {"username": citizen.username, "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_anonymous_is_sent_to_sign_in(client, directory):
    response = client.get("/petugas/kotak/verifikasi/")
    assert response.status_code == 302
    assert response["Location"].startswith("/petugas/masuk/?next=")


def test_unverified_session_cannot_reach_inboxes(client, official):
    client.force_login(official)
    response = client.get("/petugas/kotak/instansi/")
    assert response.status_code == 302 and response["Location"].startswith("/petugas/2fa/")


def test_sign_out_is_a_post(client, official):
    sign_in_verified(client, official)
    assert client.get("/petugas/keluar/").status_code == 405
    assert client.post("/petugas/keluar/").status_code == 302
    assert client.get("/petugas/").status_code == 302


def test_csrf_is_enforced_on_sign_in_and_actions(official):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/petugas/masuk/", {"username": official.username, "password": PASSWORD}).status_code == 403
    sign_in_verified(client, official)
    assert client.post("/petugas/laporan/1/aksi/", {"action": "respond"}).status_code == 403


def test_next_outside_the_back_office_is_ignored(client, official):
    TOTPDevice.objects.create(user=official, name="hp", confirmed=True)
    response = client.post("/petugas/masuk/", {"username": official.username, "password": PASSWORD,
                                               "next": "https://jahat.example/"})
    assert response["Location"] == "/petugas/2fa/?next=%2Fpetugas%2F"
