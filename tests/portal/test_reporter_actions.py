"""/laporan/<reference>/aksi/: the reporter's actions run ``report_transition`` as the
reporter; bad input changes nothing; strangers get a 404; "Dukung" runs ``report_support``."""

import re

from urllib.parse import urlencode

import pytest
from django.test import Client

from aduan.reports.actors import ReporterToken
from aduan.reports.models import Event, Report, Support
from aduan.reports.policies import available_actions
from aduan.reports.workflow import TRANSITIONS, ActorKind, Status

from ..factories import UserFactory
from ..reports.helpers import report_in

pytestmark = pytest.mark.django_db

REPORTER_ACTIONS = {a for a, t in TRANSITIONS.items() if t.actor == ActorKind.REPORTER}


def grant(client, report):
    session = client.session
    session["reporter_reports"] = [report.pk]
    session.save()


def act(client, report, action, **fields):
    if "expected_status" not in fields:
        fields["expected_status"] = Report.objects.get(pk=report.pk).status
    return client.post(f"/laporan/{report.reference}/aksi/", {"action": action, **fields})


def snapshot(report):
    fresh = Report.objects.get(pk=report.pk)
    return fresh.status, fresh.rating, fresh.support_count, Event.objects.filter(report=report).count()


@pytest.fixture
def responded(client, directory, national_admin):
    report, _ = report_in(Status.RESPONDED, directory, national_admin)
    grant(client, report)
    return report


@pytest.fixture
def closed(client, directory, national_admin):
    report, _ = report_in(Status.CLOSED, directory, national_admin)  # confirmed with rating 5
    grant(client, report)
    return report


def last_event(report):
    return Event.objects.filter(report=report).latest("id")


# --- Each action through the service ------------------------------------------------------

def test_reply_reopens_the_report_and_is_recorded_as_the_reporters(client, responded):
    response = act(client, responded, "reporter_reply", note="Lubangnya masih ada.")

    assert response.status_code == 302 and response.url == f"/laporan/{responded.reference}/"
    responded.refresh_from_db()
    assert responded.status == Status.IN_PROGRESS and responded.autoclose_at is None
    event = last_event(responded)
    assert (event.action, event.actor_kind, event.is_public) == ("reporter_reply", "reporter", True)
    assert event.note == "Lubangnya masih ada."
    html = client.get(response.url).content.decode()
    assert "Balasan Anda terkirim" in html  # the flash message
    assert "Lubangnya masih ada." in html


def test_confirm_closes_the_report_with_an_optional_rating(client, responded):
    assert act(client, responded, "confirm", rating="4").status_code == 302

    responded.refresh_from_db()
    assert responded.status == Status.CLOSED and responded.rating == 4 and responded.closed_at is not None
    assert last_event(responded).action == "confirm"


def test_confirm_without_a_rating_is_fine(client, responded):
    assert act(client, responded, "confirm").status_code == 302

    responded.refresh_from_db()
    assert responded.status == Status.CLOSED and responded.rating is None


def test_dispute_sends_the_report_back_with_the_reason(client, responded):
    assert act(client, responded, "dispute", note="Yang diperbaiki jalan lain.").status_code == 302

    responded.refresh_from_db()
    assert responded.status == Status.IN_PROGRESS
    event = last_event(responded)
    assert (event.action, event.note) == ("dispute", "Yang diperbaiki jalan lain.")


def test_rate_stores_the_rating_on_a_closed_report(client, closed):
    response = act(client, closed, "rate", rating="2", note="Lama sekali.")

    assert response.status_code == 302
    closed.refresh_from_db()
    assert closed.rating == 2 and closed.status == Status.CLOSED
    event = last_event(closed)
    assert (event.action, event.data["rating"], event.note) == ("rate", 2, "Lama sekali.")
    assert "2 dari 5" in client.get(response.url).content.decode()


def test_clarification_resumes_the_clock(client, directory, national_admin):
    report, _ = report_in(Status.AWAITING_REPORTER, directory, national_admin)
    grant(client, report)

    assert act(client, report, "provide_clarification", note="Di depan SD 1.").status_code == 302

    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS and report.clock_paused_at is None


def test_added_information_keeps_the_status_and_stays_off_the_public_timeline(client, directory, national_admin):
    report, _ = report_in(Status.DISPOSED, directory, national_admin)
    grant(client, report)

    assert act(client, report, "add_information", note="Ada foto di grup RT.").status_code == 302

    report.refresh_from_db()
    assert report.status == Status.DISPOSED
    event = last_event(report)
    assert (event.action, event.is_public) == ("add_information", False)
    assert "Ada foto di grup RT." not in Client().get(f"/laporan/{report.reference}/").content.decode()


def test_signed_in_owner_acts_as_the_account(client, directory, national_admin, citizen):
    report, _ = report_in(Status.RESPONDED, directory, national_admin, reporter=citizen)
    client.force_login(citizen)

    assert act(client, report, "reporter_reply", note="Belum beres.").status_code == 302

    event = last_event(report)
    assert event.actor == citizen and event.actor_kind == "reporter"


# --- The forms offered are exactly the available actions ---------------------------------

@pytest.mark.parametrize("status", list(Status))
def test_the_page_offers_exactly_the_reporter_actions_available_now(client, directory, national_admin, status):
    report, _ = report_in(status, directory, national_admin)
    grant(client, report)

    html = client.get(f"/laporan/{report.reference}/").content.decode()

    offered = set(re.findall(r'name="action" value="([a-z_]+)"', html)) - {"support"}
    expected = {a.value for a in available_actions(report, ReporterToken(report.pk)) if a in REPORTER_ACTIONS}
    assert offered == expected


def test_rating_is_a_fieldset_with_a_legend_and_radios_1_to_5(client, closed):
    html = client.get(f"/laporan/{closed.reference}/").content.decode()

    form = html[html.index('id="aksi-rate"'):]
    assert "<fieldset" in form and "<legend>Nilai penanganan (wajib)</legend>" in form
    assert re.findall(r'type="radio" id="rate-rating-(\d)"', form) == ["1", "2", "3", "4", "5"]
    for n in range(1, 6):
        assert f'<label for="rate-rating-{n}">' in form


# --- Bad input changes nothing -------------------------------------------------------------

@pytest.mark.parametrize("rating", ["0", "6", "abc"])
def test_an_invalid_rating_is_a_400_and_changes_nothing(client, closed, rating):
    before = snapshot(closed)

    response = act(client, closed, "rate", rating=rating, note="Komentar saya")

    assert response.status_code == 400
    assert snapshot(closed) == before
    html = response.content.decode()
    assert '<div class="error-summary" role="alert">' in html
    assert '<a href="#rate-rating-1">Beri nilai 1 sampai 5.</a>' in html
    assert 'aria-describedby="rate-rating-error"' in html and 'aria-invalid="true"' in html
    assert ">Komentar saya</textarea>" in html  # what the reporter typed is kept


def test_rating_left_empty_is_refused_by_the_service(client, closed):
    before = snapshot(closed)

    response = act(client, closed, "rate")

    assert response.status_code == 400 and snapshot(closed) == before
    assert "Beri nilai 1 sampai 5." in response.content.decode()


def test_a_dispute_without_a_reason_is_a_400_with_the_error_at_the_field(client, responded):
    before = snapshot(responded)

    response = act(client, responded, "dispute", note="   ")

    assert response.status_code == 400 and snapshot(responded) == before
    html = response.content.decode()
    assert '<a href="#dispute-note">Keterangan wajib diisi.</a>' in html
    assert 'aria-describedby="dispute-note-hint dispute-note-error" aria-invalid="true"' in html
    assert html.count("<h1>") == 1


def test_a_stale_page_changes_nothing(client, responded):
    before = snapshot(responded)

    response = act(client, responded, "reporter_reply", note="Balasan", expected_status=Status.IN_PROGRESS)

    assert response.status_code == 409 and snapshot(responded) == before
    assert "Muat ulang halaman" in response.content.decode()


def test_an_action_from_the_wrong_status_changes_nothing(client, responded):
    before = snapshot(responded)

    response = act(client, responded, "rate", rating="5")

    assert response.status_code == 409 and snapshot(responded) == before
    assert "tidak dapat dilakukan pada status laporan saat ini" in response.content.decode()


@pytest.mark.parametrize("action", ["respond", "close", "archive", "bogus", ""])
def test_official_or_unknown_actions_are_refused_on_this_page(client, responded, action):
    before = snapshot(responded)

    response = act(client, responded, action, note="x")

    assert response.status_code == 400 and snapshot(responded) == before
    assert "Tindakan tidak dikenal." in response.content.decode()


def test_a_reporter_who_is_also_an_official_still_only_gets_reporter_actions(client, directory, national_admin):
    report, _ = report_in(Status.RESPONDED, directory, national_admin, reporter=national_admin)
    client.force_login(national_admin)
    before = snapshot(report)

    assert act(client, report, "close").status_code == 400
    assert snapshot(report) == before


# --- Strangers -----------------------------------------------------------------------------

def test_a_stranger_posting_an_action_gets_a_404_and_nothing_changes(directory, national_admin, liaison_officer):
    report, _ = report_in(Status.RESPONDED, directory, national_admin)
    before = snapshot(report)
    other = Client()
    other.force_login(UserFactory(username="orang-lain"))
    officer = Client()
    officer.force_login(liaison_officer(directory.dishub_semarang))
    someone_else_tracked = Client()
    grant(someone_else_tracked, report_in(Status.RESPONDED, directory, national_admin)[0])

    for client in (Client(), other, officer, someone_else_tracked):
        for action, fields in [("reporter_reply", {"note": "x"}), ("confirm", {"rating": "1"}), ("dispute", {"note": "x"})]:
            assert act(client, report, action, **fields).status_code == 404
    assert act(Client(), Report(reference="2611-0000-0000"), "confirm", expected_status="responded").status_code == 404
    assert snapshot(report) == before


def test_actions_need_a_csrf_token(directory, national_admin):
    report, _ = report_in(Status.RESPONDED, directory, national_admin)
    client = Client(enforce_csrf_checks=True)
    grant(client, report)
    before = snapshot(report)

    assert act(client, report, "confirm").status_code == 403
    assert snapshot(report) == before


def test_actions_are_post_only(client, responded):
    assert client.get(f"/laporan/{responded.reference}/aksi/").status_code == 405


# --- Support ("Dukung") ---------------------------------------------------------------------

@pytest.fixture
def public_report(directory, national_admin):
    return report_in(Status.DISPOSED, directory, national_admin)[0]


def test_support_counts_once_per_account(client, public_report, citizen):
    client.force_login(citizen)

    first = act(client, public_report, "support")
    second = act(client, public_report, "support")

    assert first.status_code == second.status_code == 302
    public_report.refresh_from_db()
    assert public_report.support_count == 1
    assert Support.objects.filter(report=public_report, user=citizen).count() == 1
    html = client.get(first.url).content.decode()
    assert "1 orang mendukung" in html and "Anda sudah mendukung laporan ini." in html
    assert 'value="support"' not in html


def test_support_from_another_account_adds_one(client, public_report, citizen):
    for user in (citizen, UserFactory(username="warga-lain")):
        c = Client()
        c.force_login(user)
        act(c, public_report, "support")

    public_report.refresh_from_db()
    assert public_report.support_count == 2


def test_support_without_an_account_asks_to_sign_in_and_counts_nothing(client, public_report):
    response = act(client, public_report, "support")

    assert response.status_code == 302
    assert response.url == "/masuk/?" + urlencode({"next": f"/laporan/{public_report.reference}/"})
    public_report.refresh_from_db()
    assert public_report.support_count == 0


@pytest.mark.parametrize("status, flags", [(Status.SUBMITTED, {}), (Status.DISPOSED, {"is_confidential": True})])
def test_support_for_a_report_that_is_not_public_is_a_404(client, directory, national_admin, citizen, status, flags):
    report, _ = report_in(status, directory, national_admin, **flags)
    client.force_login(citizen)

    assert act(client, report, "support").status_code == 404
    report.refresh_from_db()
    assert report.support_count == 0
