"""/akun/laporan/: the signed-in citizen's own reports, newest first, paginated."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.portal import views_report
from aduan.reports.workflow import Status

from ..factories import UserFactory
from ..reports.helpers import MON, report_in

pytestmark = pytest.mark.django_db


def refs(response) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/laporan/([^/"]+)/">', response.content.decode())


def test_signing_in_is_required(client, db):
    response = client.get("/akun/laporan/")

    assert response.status_code == 302
    assert response.url == "/masuk/?next=/akun/laporan/"


def test_lists_only_own_reports_newest_first(client, directory, national_admin, citizen):
    older, _ = report_in(Status.SUBMITTED, directory, national_admin, reporter=citizen, now=MON)
    newer, _ = report_in(Status.DISPOSED, directory, national_admin, reporter=citizen, now=MON + timedelta(hours=1))
    report_in(Status.DISPOSED, directory, national_admin, reporter=UserFactory(username="tetangga"))
    # Same e-mail address, but sent without an account: not linked to the account.
    report_in(Status.DISPOSED, directory, national_admin, reporter_email=citizen.email)
    client.force_login(citizen)

    response = client.get("/akun/laporan/")

    assert response.status_code == 200
    assert refs(response) == [newer.reference, older.reference]
    assert "Anda mengirim 2 laporan." in response.content.decode()


def test_each_row_shows_title_status_agency_and_deadline(client, directory, national_admin, citizen):
    report, _ = report_in(Status.DISPOSED, directory, national_admin, reporter=citizen, is_confidential=True,
                          title="Pungli di loket KTP")
    client.force_login(citizen)

    html = client.get("/akun/laporan/").content.decode()

    assert "Pungli di loket KTP" in html and "(rahasia)" in html  # own text, even when confidential
    assert '<span class="status">Diteruskan ke instansi</span>' in html
    assert '<a href="/instansi/dishub-kota-semarang/">Dinas Perhubungan Kota Semarang</a>' in html
    assert f'<time datetime="{timezone.localtime(report.resolution_due_at).isoformat()}">' in html
    assert "<caption" in html and '<th scope="col">' in html and html.count("<h1>") == 1


def test_overdue_reports_are_marked_in_words(client, directory, national_admin, citizen, monkeypatch):
    report_in(Status.DISPOSED, directory, national_admin, reporter=citizen)
    client.force_login(citizen)

    monkeypatch.setattr(views_report, "_now", lambda: MON + timedelta(days=1))
    assert "Melewati batas waktu" not in client.get("/akun/laporan/").content.decode()
    monkeypatch.setattr(views_report, "_now", lambda: MON + timedelta(days=60))
    assert '<strong class="overdue">Melewati batas waktu</strong>' in client.get("/akun/laporan/").content.decode()


def test_pages_of_twenty(client, directory, national_admin, citizen):
    made = [report_in(Status.SUBMITTED, directory, national_admin, reporter=citizen, now=MON - i * timedelta(minutes=5))[0]
            for i in range(21)]
    client.force_login(citizen)

    first = client.get("/akun/laporan/")
    second = client.get("/akun/laporan/?page=2")

    assert len(refs(first)) == 20 and refs(second) == [made[-1].reference]
    assert 'rel="next"' in first.content.decode()


def test_rows_link_to_the_report_page_the_owner_can_open(client, directory, national_admin, citizen):
    report, _ = report_in(Status.SUBMITTED, directory, national_admin, reporter=citizen)
    client.force_login(citizen)

    [reference] = refs(client.get("/akun/laporan/"))

    assert client.get(f"/laporan/{reference}/").status_code == 200


def test_query_count_does_not_grow_with_the_page(client, directory, national_admin, citizen, django_assert_max_num_queries):
    for i in range(3):
        report_in(Status.DISPOSED, directory, national_admin, reporter=citizen, now=MON - i * timedelta(minutes=5))
    client.force_login(citizen)
    with django_assert_max_num_queries(6):
        client.get("/akun/laporan/")
    for i in range(10):
        report_in(Status.DISPOSED, directory, national_admin, reporter=citizen, now=MON - i * timedelta(minutes=7))
    with django_assert_max_num_queries(6):
        client.get("/akun/laporan/")


def test_empty_list_says_so(client, citizen):
    client.force_login(citizen)

    html = client.get("/akun/laporan/").content.decode()

    assert "Belum ada laporan yang terhubung dengan akun Anda." in html
