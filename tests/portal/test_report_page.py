"""/laporan/<reference>/: the public report page, and the reporter's own view of it."""

import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aduan.reports.actors import ReporterToken
from aduan.reports.workflow import Action, Status

from ..factories import UserFactory
from ..reports.helpers import report_in, run

pytestmark = pytest.mark.django_db

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "aduan.css"


def grant(client, report):
    """What /lacak/ (or the submit page) leaves in the session."""
    session = client.session
    session["reporter_reports"] = [report.pk]
    session.save()


def get_page(client, report):
    return client.get(f"/laporan/{report.reference}/")


def timeline(html: str) -> str:
    return re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S).group(1)


@pytest.fixture
def closed(directory, national_admin):
    """Disposed to Dishub Kota Semarang, answered, confirmed with rating 5 by the reporter."""
    report, _ = report_in(Status.CLOSED, directory, national_admin, region_code="33.74.01.1001", category="jalan",
                          reporter_name="Ani Lestari", reporter_email="ani@example.test", reporter_phone="081298765432",
                          body="Jalan rusak. Hubungi saya di 0812 9876 5432.")
    return report


def busy_report(directory, admin, rounds: int):
    """A disposed report with 2 + 4 * rounds events, public and internal."""
    report, _ = report_in(Status.DISPOSED, directory, admin, region_code="33.74.01.1001")
    reporter = ReporterToken(report.pk)
    for i in range(rounds):
        run(report, Action.ADD_INFORMATION, reporter, directory, note=f"Tambahan {i}")
        run(report, Action.REQUEST_CLARIFICATION, admin, directory, note=f"Pertanyaan {i}")
        run(report, Action.PROVIDE_CLARIFICATION, reporter, directory, note=f"Jawaban {i}")
        run(report, Action.RAISE_PRIVACY, admin, directory, anonymous=True, confidential=False) if i == 0 else run(
            report, Action.ADD_INFORMATION, reporter, directory, note=f"Lagi {i}")
    report.refresh_from_db()
    return report


# --- Public view ---------------------------------------------------------------------------

def test_public_page_shows_status_timeline_agency_deadline_response_rating_and_support(client, closed):
    response = get_page(client, closed)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1>") == 1 and "<h1>Jalan berlubang di depan sekolah</h1>" in html
    assert '<span class="status">Selesai</span>' in html
    assert '<a href="/instansi/dishub-kota-semarang/">Dinas Perhubungan Kota Semarang</a>' in html
    assert '<a href="/wilayah/33.74.01.1001/">Miroto</a>' in html
    assert "Infrastruktur jalan" in html
    # Deadline as a <time>, in words.
    due = closed.resolution_due_at
    assert f'<time datetime="{timezone.localtime(due).isoformat()}">' in html
    assert "Batas waktu penyelesaian" in html
    # The agency's response, the reporter's rating and the support count.
    assert "<blockquote>Sudah ditindaklanjuti.</blockquote>" in html
    assert "5 dari 5" in html
    assert "0 orang mendukung" in html
    # Timeline: who did what, when, in words, oldest first.
    events = timeline(html)
    assert events.count("<li>") == 4 and events.count("<time datetime=") == 4
    labels = re.findall(r"<strong>(.*?)</strong>", events)
    assert labels == ["Laporan dikirim", "Diverifikasi dan diteruskan ke instansi", "Instansi memberi tindak lanjut",
                      "Pelapor mengonfirmasi laporan selesai"]
    assert "oleh Dinas Perhubungan Kota Semarang" in events and "oleh Pelapor" in events
    assert "Status: Tindak lanjut diberikan." in events


def test_public_page_never_shows_contact_details_and_redacts_the_text(client, closed):
    html = get_page(client, closed).content.decode()

    assert "ani@example.test" not in html and "9876" not in html
    assert "Hubungi saya di [disamarkan]." in html
    assert "Ani Lestari" in html  # a named (not anonymous) reporter chose to be shown


def test_anonymous_reporter_name_is_not_shown(client, directory, national_admin):
    report, _ = report_in(Status.DISPOSED, directory, national_admin, is_anonymous=True, reporter_name="Budi Rahasia")

    html = get_page(client, report).content.decode()

    assert "Budi Rahasia" not in html and "Pelapor</dt>" not in html


def test_overdue_is_said_in_words(client, directory, national_admin):
    start = timezone.now() - timedelta(days=40)
    late, _ = report_in(Status.DISPOSED, directory, national_admin, now=start, incident_date=start.date())
    fresh, _ = report_in(Status.DISPOSED, directory, national_admin, now=timezone.now(), incident_date=timezone.now().date())

    assert '<strong class="overdue">Melewati batas waktu</strong>' in get_page(client, late).content.decode()
    fresh_html = get_page(client, fresh).content.decode()
    assert "Melewati batas waktu" not in fresh_html and "Belum melewati batas waktu" in fresh_html


def test_internal_events_are_not_on_the_public_timeline(client, directory, national_admin):
    report = busy_report(directory, national_admin, rounds=1)

    html = get_page(client, report).content.decode()

    assert "Jawaban 0" in html and "Pertanyaan 0" in html  # public steps
    assert "Tambahan 0" not in html  # added information is for officials only
    assert "Perlindungan privasi dinaikkan" not in html


@pytest.mark.parametrize("status, flags", [
    (Status.SUBMITTED, {}), (Status.POSTPONED, {}), (Status.ARCHIVED, {}), (Status.DISPOSED, {"is_confidential": True}),
])
def test_unpublished_or_confidential_report_is_a_404_like_a_missing_one(client, directory, national_admin, status, flags):
    report, _ = report_in(status, directory, national_admin, **flags)

    assert get_page(client, report).status_code == 404
    assert client.get("/laporan/2611-0000-0000/").status_code == 404
    assert client.get("/laporan/bukan-nomor/").status_code == 404


# --- The reporter's view -------------------------------------------------------------------

def test_confidential_report_is_visible_to_its_reporter_through_the_session(client, directory, national_admin):
    report, _ = report_in(Status.DISPOSED, directory, national_admin, is_confidential=True,
                          body="Rahasia: pungli di loket, hubungi 0812 9876 5432.")
    assert get_page(client, report).status_code == 404

    grant(client, report)
    response = get_page(client, report)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Rahasia: pungli di loket, hubungi 0812 9876 5432." in html  # the full own text
    assert "Laporan ini rahasia: isinya tidak tampil untuk publik." in html
    assert "Ini laporan Anda." in html


def test_session_access_is_per_report(client, directory, national_admin):
    mine, _ = report_in(Status.SUBMITTED, directory, national_admin)
    other, _ = report_in(Status.SUBMITTED, directory, national_admin)
    grant(client, mine)

    assert get_page(client, mine).status_code == 200
    assert get_page(client, other).status_code == 404


def test_signed_in_owner_sees_the_own_unpublished_report_and_others_do_not(client, directory, national_admin, citizen):
    report, _ = report_in(Status.SUBMITTED, directory, national_admin, reporter=citizen)

    client.force_login(UserFactory(username="tetangga"))
    assert get_page(client, report).status_code == 404
    client.force_login(citizen)
    response = get_page(client, report)
    assert response.status_code == 200 and "Ini laporan Anda." in response.content.decode()


def test_reporter_sees_own_added_information_and_status_changes_but_not_internal_notes(client, directory, national_admin):
    report, _ = report_in(Status.POSTPONED, directory, national_admin)  # postponed with an internal note
    run(report, Action.ADD_INFORMATION, ReporterToken(report.pk), directory, note="Foto menyusul besok.")
    grant(client, report)

    events = timeline(get_page(client, report).content.decode())

    assert "Verifikasi ditunda" in events and "Status: Ditunda." in events
    assert "Menunggu kelengkapan." not in events  # the official's internal note
    assert "Foto menyusul besok." in events and "oleh Anda" in events


def test_reporter_sees_the_archive_reason(client, directory, national_admin):
    report, _ = report_in(Status.ARCHIVED, directory, national_admin)
    grant(client, report)

    html = get_page(client, report).content.decode()

    assert "Diarsipkan" in html and "Tidak jelas / tidak dapat dimengerti" in html


def test_reporter_does_not_get_the_support_button_and_public_visitors_do(client, directory, national_admin):
    report, _ = report_in(Status.DISPOSED, directory, national_admin)

    assert 'name="action" value="support"' in get_page(client, report).content.decode()
    grant(client, report)
    assert 'name="action" value="support"' not in get_page(client, report).content.decode()


# --- Cost and size -------------------------------------------------------------------------

def _queries(client, report) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert get_page(client, report).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_is_small_and_does_not_grow_with_the_timeline(client, directory, national_admin, citizen,
                                                                  django_assert_max_num_queries):
    small = busy_report(directory, national_admin, rounds=1)
    big = busy_report(directory, national_admin, rounds=4)
    assert big.events.count() >= 15

    with django_assert_max_num_queries(12):
        get_page(client, big)
    assert _queries(client, small) == _queries(client, big)  # public view

    session = client.session
    session["reporter_reports"] = [small.pk, big.pk]
    session.save()
    with django_assert_max_num_queries(12):
        get_page(client, big)
    assert _queries(client, small) == _queries(client, big)  # reporter's view

    client.force_login(citizen)  # signed in, not the owner: public view with "already supported?"
    with django_assert_max_num_queries(12):
        get_page(client, big)


def test_page_with_forms_and_a_long_timeline_is_under_50_kb_with_its_stylesheet(client, directory, national_admin):
    report = busy_report(directory, national_admin, rounds=4)
    run(report, Action.RESPOND, national_admin, directory, note="Jalan sudah diperbaiki. " * 20)
    grant(client, report)

    response = get_page(client, report)

    assert 'name="action" value="dispute"' in response.content.decode()
    assert len(response.content) + CSS.stat().st_size < 50 * 1024
    assert "<script" not in response.content.decode()


# --- Accessibility (structure; axe-core runs in the browser suite) ---------------------------

class _Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings, self.labels, self.controls, self.legends, self.fieldsets = [], set(), [], 0, 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        elif tag in ("input", "textarea", "select") and a.get("type") != "hidden":
            self.controls.append(a.get("id"))
        elif tag == "legend":
            self.legends += 1
        elif tag == "fieldset":
            self.fieldsets += 1


def outline(html: str) -> _Outline:
    parser = _Outline()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("status", [Status.DISPOSED, Status.RESPONDED, Status.CLOSED])
def test_reporter_view_has_one_h1_ordered_headings_and_labelled_controls(client, directory, national_admin, status):
    report, _ = report_in(status, directory, national_admin)
    grant(client, report)

    result = outline(get_page(client, report).content.decode())

    assert result.headings.count(1) == 1 and result.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(result.headings, result.headings[1:])), result.headings
    assert result.controls and all(c in result.labels for c in result.controls), (result.controls, result.labels)
    assert result.fieldsets == result.legends


# --- In the browser (skipped without Chromium / axe-core) -----------------------------------

@pytest.mark.django_db(transaction=True)
def test_report_pages_pass_axe_with_and_without_errors(page, directory, national_admin, citizen):
    from ..browser.support import axe_violations

    tab = page  # JavaScript only for axe itself: the pages have none
    report, token = report_in(Status.RESPONDED, directory, national_admin, reporter=citizen, region_code="33.74.01.1001")
    tab.goto(f"/laporan/{report.reference}/")  # public view
    assert axe_violations(tab) == []
    tab.goto("/lacak/")
    tab.fill("#ref", report.reference)
    tab.fill("#token", "salah")
    tab.click("button:has-text('Lacak')")  # error state
    assert tab.locator("#ref").get_attribute("aria-invalid") == "true"
    assert axe_violations(tab) == []
    tab.fill("#token", token)
    tab.click("button:has-text('Lacak')")
    tab.wait_for_url(f"**/laporan/{report.reference}/")
    assert axe_violations(tab) == []  # reporter view with the reply, confirm and dispute forms
    tab.click("#aksi-dispute button")  # a dispute needs a reason: error summary + field error
    assert tab.locator("#dispute-note").get_attribute("aria-invalid") == "true"
    assert axe_violations(tab) == []


def test_reporter_view_is_never_cached_and_public_view_may_be(client, directory, national_admin):
    report, _ = report_in(Status.DISPOSED, directory, national_admin)

    assert "no-store" not in get_page(client, report).get("Cache-Control", "")
    grant(client, report)
    assert "no-store" in get_page(client, report)["Cache-Control"]
