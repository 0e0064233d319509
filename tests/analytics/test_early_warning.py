"""Early warning (issue #7, aduan/analytics/early_warning.py): the Farrington–Noufaily
detector on synthetic series (a rainy-season peak that is normal, a planted spike, a short
history), the daily service on a database history (alerts, linked reports, notifications,
idempotency, terms and confidential reports), and the officials' pages (scope, 404s,
acknowledging)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pytest
from django.core.management import call_command
from django.test import Client

from aduan.agencies.models import AgencyCategory
from aduan.accounts.permissions import Role
from aduan.analytics.early_warning import (
    METHOD_FARRINGTON, METHOD_RECENT, TZ, Params, detect, early_warning_run, false_discovery_cut, reference_years, report_terms,
    weekly_counts,
)
from aduan.analytics.models import Alert, AlertReport
from aduan.audit.models import AuditLog
from aduan.core.refs import reference_new, token_hash
from aduan.notifications import message_defaults
from aduan.notifications.models import Outbox
from aduan.reports.models import Report
from aduan.routing.models import AuthorityLevel, RoutingRule

from ..backoffice.test_work_support import sign_in_verified
from ..factories import CategoryFactory, member

RAINY_MONTHS = {11, 12, 1, 2, 3}  # musim hujan


# --- the detector on synthetic series -----------------------------------------------------------

def seasonal_means(first: date, days: int) -> np.ndarray:
    """2 reports a day in the dry months, 8 in the rainy ones: a strong yearly peak."""
    return np.array([8.0 if (first + timedelta(days=i)).month in RAINY_MONTHS else 2.0 for i in range(days)])


FIRST = date(2021, 9, 6)
DAYS = 211 * 7  # 159 weeks of history before the first checked window, then 52 weeks


@pytest.fixture(scope="module")
def seasonal():
    """Four years of daily Poisson counts (fixed seed) and their means."""
    means = seasonal_means(FIRST, DAYS)
    return np.random.default_rng(20240607).poisson(means), means


def windows_of_year_four():
    """Index of the last day of each of the 52 weekly windows after three years of history."""
    return [159 * 7 + 7 * k + 6 for k in range(52)]


def test_seasonal_series_raises_no_alarm_on_its_normal_rainy_peak(seasonal):
    counts, means = seasonal
    alarms, peak_weeks = [], 0
    for end in windows_of_year_four():
        daily = counts[: end + 1]
        found = detect(observed=int(daily[-7:].sum()), history=weekly_counts(daily, weeks=159))
        assert found.method == METHOD_FARRINGTON and found.years == 3
        peak_weeks += means[end] == 8.0
        if found.alarm:
            alarms.append(FIRST + timedelta(days=end))
    assert peak_weeks >= 20  # the peak is well inside the checked weeks
    # At the 99.5 % threshold ~0.26 false alarms are expected in 52 weeks.
    assert len(alarms) <= 1, alarms


def test_planted_spike_of_four_times_the_season_raises_an_alarm_in_peak_and_in_dry_season(seasonal):
    counts, means = seasonal
    rng = np.random.default_rng(7)
    seasons = []
    for end in windows_of_year_four():
        window_mean = means[end - 6: end + 1].sum()
        if means[end - 27: end + 28].min() != means[end - 27: end + 28].max():
            continue  # 4× the dry season right before the rains is the rains' normal level
        seasons.append(means[end])
        daily = counts[: end + 1]
        spike = int(rng.poisson(4 * window_mean))
        found = detect(observed=spike, history=weekly_counts(daily, weeks=159))
        assert found.alarm, (FIRST + timedelta(days=end), spike, found)
        assert found.p_value < 0.005
        assert found.expected == pytest.approx(window_mean, rel=0.3)
    assert seasons.count(8.0) >= 8 and seasons.count(2.0) >= 15  # peak and dry weeks both planted


def test_spike_below_the_minimum_count_is_never_an_alarm():
    assert not detect(observed=4, history=np.zeros(20)).alarm
    assert detect(observed=5, history=np.zeros(20)).alarm  # a series of zeros: 5 reports is news


def test_short_history_of_eight_weeks_uses_the_recent_weeks_and_finds_a_spike():
    rng = np.random.default_rng(11)
    daily = rng.poisson(3.0, size=9 * 7)  # 8 weeks of history + the current window
    history = weekly_counts(daily, weeks=159, known_days=len(daily))
    assert np.isnan(history[:-8]).all() and not np.isnan(history[-8:]).any()

    normal = detect(observed=int(daily[-7:].sum()), history=history)
    spike = detect(observed=4 * 21, history=history)

    assert normal.method == spike.method == METHOD_RECENT
    assert not normal.alarm
    assert spike.alarm and spike.expected == pytest.approx(21, rel=0.25)


def test_too_short_a_history_is_not_judged():
    assert detect(observed=50, history=[10.0] * 7) is None
    assert detect(observed=50, history=[np.nan] * 100 + [10.0] * 7) is None


def test_a_past_outbreak_in_the_baseline_is_down_weighted():
    rng = np.random.default_rng(3)
    weekly = rng.poisson(20, size=159).astype(float)
    clean = detect(observed=30, history=weekly)
    weekly[-52] = 200  # last year's outbreak, same week
    spoiled = detect(observed=30, history=weekly)
    assert spoiled.expected < clean.expected * 1.5


def test_a_significant_trend_is_followed():
    weeks = np.arange(159)
    rising = np.random.default_rng(5).poisson(20 + weeks * 0.06).astype(float)  # 20 → 30 a week in three years
    found = detect(observed=40, history=rising)
    assert found.trend and found.expected == pytest.approx(20 + 159 * 0.06, rel=0.15)
    assert not found.alarm  # 40 is near where the trend leads


def test_a_trend_that_would_overshoot_the_baseline_is_dropped():
    weeks = np.arange(159)
    steep = np.random.default_rng(5).poisson(10 + weeks * 0.25).astype(float)
    found = detect(observed=55, history=steep)
    assert not found.trend  # Farrington: the prediction may not exceed the largest baseline week


def test_reference_years_counts_only_complete_reference_windows():
    history = np.full(159, 5.0)
    assert reference_years(history) == 3
    history[-106] = np.nan  # one reference week two years back unknown
    assert reference_years(history) == 1
    assert reference_years(np.full(54, 5.0)) == 0


def test_weekly_counts_align_on_the_current_window():
    daily = np.arange(1, 22, dtype=float)  # 3 weeks; the last 7 days are the current window
    assert weekly_counts(daily, weeks=3).tolist()[1:] == [sum(range(1, 8)), sum(range(8, 15))]
    assert np.isnan(weekly_counts(daily, weeks=3)[0])
    assert np.isnan(weekly_counts(daily, weeks=2, known_days=10)).tolist() == [True, True]


def test_false_discovery_cut_follows_benjamini_hochberg():
    # m = 5, q = 0.05: the bars are 0.01, 0.02, 0.03, 0.04, 0.05.
    assert false_discovery_cut([0.001, 0.015, 0.028, 0.3, 0.9], 0.05) == 0.028
    assert false_discovery_cut([0.03, 0.5], 0.05) == -1.0  # bars 0.025, 0.05
    # A threshold crossing at p = 0.004 is not news among 1,000 tests; one at 1e-6 is.
    many = [0.5] * 998 + [0.004, 1e-6]
    assert false_discovery_cut(many, 0.05) == 1e-6


def test_terms_are_normalised_stems_without_stop_words_numbers_or_short_words():
    terms = report_terms("Tolong pak, jln di RT 05 kebanjiran lagi, banjir 3x sudah. Yg ini parah!")
    assert {"banjir", "jalan"} <= terms  # "kebanjiran" stemmed, "jln" spelled out
    assert not terms & {"tolong", "pak", "rt", "lagi", "sudah", "yang", "ini", "num"}
    assert not any(ch.isdigit() for term in terms for ch in term)


# --- the daily service on a database history ------------------------------------------------------

DAY = date(2026, 3, 10)  # run day; the window is 3–9 March 2026
WINDOW_START = date(2026, 3, 3)
HISTORY_FROM = date(2024, 1, 1)
SEMARANG = "33.74.01.1001"
DENPASAR = "51.71"

# Synthetic complaint texts (written for the tests; no citizen's words).
ROAD_TEXTS = ["Jalan rusak berlubang", "Aspal jalan mengelupas", "Lampu jalan padam", "Trotoar jalan retak"]
ADMIN_TEXTS = ["Antrean KTP elektronik lama", "Akta kelahiran belum terbit", "Kartu keluarga salah cetak"]
LANDSLIDE_TITLES = ["Longsor menutup jalan", "Tebing longsor", "Longsor di tanjakan", "Tanah longsor lagi"]
LANDSLIDE_BODIES = ["Material longsor menimbun badan jalan.", "Akses kampung terputus karena longsor.",
                    "Longsor sesudah hujan deras semalam."]


def make_reports(rows: list[dict]) -> list[Report]:
    """Bulk-insert reports (a history of thousands; the submit service would take minutes)."""
    seen: set[str] = set()
    objs = []
    for row in rows:
        at = row.pop("at")
        ref = reference_new(at)
        while ref in seen:
            ref = reference_new(at)
        seen.add(ref)
        objs.append(Report(reference=ref, token_hash=token_hash(ref), incident_date=at.date(), submitted_at=at,
                           body=row.pop("body", "Mohon segera diperbaiki."), **row))
    return Report.objects.bulk_create(objs, batch_size=1000)


def at_noon(day: date, minute: int = 0) -> datetime:
    return datetime.combine(day, time(12, minute % 60), TZ)


def history_rows(rng, *, region: str, category, texts: list[str], mean: float, until: date) -> list[dict]:
    rows, day = [], HISTORY_FROM
    while day <= until:
        for k in range(int(rng.poisson(mean))):
            rows.append({"at": at_noon(day, k), "region_id": region, "category": category,
                         "title": texts[int(rng.integers(len(texts)))]})
        day += timedelta(days=1)
    return rows


@pytest.fixture
def history(directory, regions):
    """Two years and two months of ordinary reports in Kota Semarang (roads, civil registry)
    and Kota Denpasar (roads), then in the window: a planted rise of road reports about a
    landslide in Semarang, and confidential reports about a mine (their word must not surface)."""
    d = directory
    rng = np.random.default_rng(42)
    rows = (history_rows(rng, region=SEMARANG, category=d.road, texts=ROAD_TEXTS, mean=1.0, until=DAY)
            + history_rows(rng, region=SEMARANG, category=d.adminduk, texts=ADMIN_TEXTS, mean=1.0, until=DAY)
            + history_rows(rng, region=DENPASAR, category=d.road, texts=ROAD_TEXTS, mean=1.5, until=DAY))
    planted = [{"at": at_noon(WINDOW_START + timedelta(days=i % 7), i), "region_id": SEMARANG, "category": d.road,
                "title": LANDSLIDE_TITLES[i % 4], "body": LANDSLIDE_BODIES[i % 3]} for i in range(24)]
    secret = [{"at": at_noon(WINDOW_START + timedelta(days=i % 7), 30 + i), "region_id": SEMARANG, "category": None,
               "title": "Tambang pasir liar", "body": "Tambang pasir liar beroperasi malam hari.",
               "is_confidential": True} for i in range(8)]
    make_reports(rows + planted + secret)
    AgencyCategory.objects.create(agency=d.dishub_semarang, category=d.road)
    RoutingRule.objects.create(category=d.road, region_level=AuthorityLevel.REGENCY)
    return {"planted": planted, "secret": secret}


@pytest.fixture
def alert_email(monkeypatch):
    """The e-mail message for officials (to be shipped in notifications/message_defaults.py)."""
    text = {"id": "Peringatan dini {{ what }} di {{ region }}", "en": "Early warning {{ what }} in {{ region }}"}
    monkeypatch.setitem(message_defaults.DEFAULTS, "early_warning", {"subject": text, "body": text, "short": text})


def alerts_by_subject() -> dict:
    return {(a.region_id, a.category.slug if a.category_id else f"kata:{a.term}"): a
            for a in Alert.objects.select_related("category")}


@pytest.mark.django_db
def test_run_finds_the_planted_rise_links_its_reports_and_tells_the_agency_and_the_national_admin(
        history, directory, national_admin, liaison_officer, alert_email):
    officer = liaison_officer(directory.dishub_semarang)

    counts = early_warning_run(day=DAY)

    alerts = alerts_by_subject()
    alert = alerts[("33.74", "jalan")]
    assert counts["alerts"] == len(alerts) and counts["tested"] >= 3
    assert (alert.window_start, alert.window_end) == (WINDOW_START, DAY - timedelta(days=1))
    assert alert.method == METHOD_FARRINGTON and alert.state == Alert.State.OPEN
    assert alert.observed > alert.threshold >= alert.expected and alert.p_value < 0.005
    window_road = Report.objects.filter(region_id=SEMARANG, category=directory.road,
                                        submitted_at__gte=at_noon(WINDOW_START).replace(hour=0),
                                        submitted_at__lt=at_noon(DAY).replace(hour=0))
    assert alert.observed == window_road.count()
    assert set(alert.reports.values_list("pk", flat=True)) == set(window_road.values_list("pk", flat=True))
    assert list(alert.agencies.all()) == [directory.dishub_semarang]

    internal = set(Outbox.objects.filter(channel="internal", template="early_warning", payload__alert_id=alert.pk)
                   .values_list("recipient", flat=True))
    assert internal == {"national", f"agency:{directory.dishub_semarang.pk}"}
    mailed = set(Outbox.objects.filter(channel="email", template="early_warning", payload__alert_id=alert.pk)
                 .values_list("recipient", flat=True))
    assert mailed == {national_admin.email, officer.email}
    payload = Outbox.objects.filter(payload__alert_id=alert.pk).first().payload
    assert payload["what"] == "Infrastruktur jalan" and payload["region"] == "Kota Semarang"


@pytest.mark.django_db
def test_a_second_run_the_same_day_adds_nothing(history, national_admin, alert_email):
    first = early_warning_run(day=DAY)
    before = (Alert.objects.count(), AlertReport.objects.count(), Outbox.objects.count())

    second = early_warning_run(day=DAY)

    assert first["alerts"] >= 1
    assert second["alerts"] == 0 and second["existing"] == first["alerts"]
    assert (Alert.objects.count(), AlertReport.objects.count(), Outbox.objects.count()) == before


@pytest.mark.django_db
def test_the_next_day_the_same_rise_continues_its_alert(history):
    early_warning_run(day=DAY)
    before = Alert.objects.count()

    counts = early_warning_run(day=DAY + timedelta(days=1))

    assert counts["alerts"] == 0 and counts["continuing"] >= 1
    assert Alert.objects.count() == before


@pytest.mark.django_db
def test_ordinary_regions_and_categories_stay_quiet(history):
    early_warning_run(day=DAY)

    alerts = alerts_by_subject()
    assert not [key for key in alerts if key[0] == DENPASAR]
    assert ("33.74", "adminduk") not in alerts


@pytest.mark.django_db
def test_a_planted_term_raises_a_term_alert_but_a_confidential_reports_words_never_surface(history, directory):
    early_warning_run(day=DAY)

    alerts = alerts_by_subject()
    term = alerts[("33.74", "kata:longsor")]
    assert term.subject == Alert.Subject.TERM and term.category is None
    assert term.observed == len(history["planted"])
    assert all("longsor" in t.lower() for t in term.reports.values_list("title", flat=True))
    # Words that only ever appear with "longsor" are the same event: no alert of their own.
    assert not {"timbun", "tebing", "tanjak", "putus", "material"} & {a.term for a in Alert.objects.all()}
    assert list(term.agencies.all()) == [directory.dishub_semarang]  # from its reports' category
    surfaced = set(Alert.objects.values_list("term", flat=True))
    assert not surfaced & {"tambang", "pasir", "liar", "operasi", "malam"}
    secret_ids = set(Report.objects.filter(is_confidential=True).values_list("pk", flat=True))
    assert not AlertReport.objects.filter(alert__subject=Alert.Subject.TERM, report_id__in=secret_ids).exists()
    assert not any("tambang" in str(p).lower() for p in Outbox.objects.values_list("payload", flat=True))


@pytest.mark.django_db
def test_without_the_email_message_only_internal_rows_are_written(history, national_admin, monkeypatch):
    monkeypatch.delitem(message_defaults.DEFAULTS, "early_warning", raising=False)

    early_warning_run(day=DAY)

    assert Outbox.objects.filter(template="early_warning").exists()
    assert not Outbox.objects.filter(template="early_warning").exclude(channel="internal").exists()


@pytest.mark.django_db
def test_a_new_category_is_not_judged_against_years_of_zeros(history):
    flood = CategoryFactory(slug="banjir", name="Banjir")
    make_reports([{"at": at_noon(DAY - timedelta(days=k % 20 + 1), k), "region_id": SEMARANG, "category": flood,
                   "title": "Genangan di jalan"} for k in range(30)])  # first used 20 days ago

    counts = early_warning_run(day=DAY)

    assert counts["too_short"] >= 1
    assert not Alert.objects.filter(category=flood).exists()


@pytest.mark.django_db
def test_parameters_come_from_settings(history, settings):
    settings.ADUAN_EARLY_WARNING = {"min_count": 500, "not_a_parameter": 1}
    assert Params.from_settings().min_count == 500

    counts = early_warning_run(day=DAY)

    assert counts["tested"] == 0 and not Alert.objects.exists()


@pytest.mark.django_db
def test_command_prints_the_counts(history, capsys):
    call_command("early_warning_run", "--date", DAY.isoformat(), "--no-progress")

    out = capsys.readouterr().out
    assert "peringatan baru" in out and '"alerts": ' in out
    assert Alert.objects.filter(region_id="33.74", category__slug="jalan").exists()


# --- officials' pages ------------------------------------------------------------------------------

def make_alert(directory, *, agencies=(), state=Alert.State.OPEN, reports=(), region="33.74", days_ago=0) -> Alert:
    end = DAY - timedelta(days=1 + days_ago)
    alert = Alert.objects.create(region_id=region, subject=Alert.Subject.CATEGORY, category=directory.road,
                                 window_start=end - timedelta(days=6), window_end=end, observed=24, expected=7.2,
                                 threshold=15, p_value=1e-6, method=METHOD_FARRINGTON, state=state,
                                 created_at=datetime.combine(DAY, time(2), UTC))
    alert.agencies.set(agencies)
    AlertReport.objects.bulk_create([AlertReport(alert=alert, report=r) for r in reports])
    return alert


@pytest.fixture
def staff_alert(directory):
    reports = make_reports([{"at": at_noon(WINDOW_START, i), "region_id": SEMARANG, "category": directory.road,
                             "title": "Jalan rusak berlubang", "agency": directory.dishub_semarang if i < 3 else None}
                            for i in range(5)])
    return make_alert(directory, agencies=[directory.dishub_semarang], reports=reports)


@pytest.mark.django_db
def test_national_admin_sees_the_list_and_the_reports_behind_an_alert(staff_alert, national_admin):
    client = sign_in_verified(Client(), national_admin)

    listing = client.get("/petugas/analitik/peringatan/")
    detail = client.get(f"/petugas/analitik/peringatan/{staff_alert.pk}/")

    assert listing.status_code == 200 and f'data-alert="{staff_alert.pk}"' in listing.content.decode()
    assert detail.status_code == 200
    html = detail.content.decode()
    assert html.count("data-report=") == 5 and "Tandai sudah ditangani" in html
    assert "/petugas/laporan/" in html


@pytest.mark.django_db
def test_agency_staff_see_their_agencys_alert_and_only_the_reports_they_may_see(staff_alert, directory, liaison_officer):
    client = sign_in_verified(Client(), liaison_officer(directory.dishub_semarang))

    detail = client.get(f"/petugas/analitik/peringatan/{staff_alert.pk}/")

    assert detail.status_code == 200
    assert detail.content.decode().count("data-report=") == 3  # the two not disposed to them stay hidden
    assert "Anda dapat melihat 3 dari 5 laporan" in detail.content.decode()


@pytest.mark.django_db
def test_staff_of_another_agency_get_404_and_an_empty_list(staff_alert, directory, liaison_officer):
    client = sign_in_verified(Client(), liaison_officer(directory.kemensos))

    listing = client.get("/petugas/analitik/peringatan/")
    detail = client.get(f"/petugas/analitik/peringatan/{staff_alert.pk}/")
    ack = client.post(f"/petugas/analitik/peringatan/{staff_alert.pk}/tandai/")
    missing = client.get("/petugas/analitik/peringatan/999999/")

    assert f'data-alert="{staff_alert.pk}"' not in listing.content.decode()
    assert detail.status_code == ack.status_code == missing.status_code == 404
    staff_alert.refresh_from_db()
    assert staff_alert.state == Alert.State.OPEN


@pytest.mark.django_db
def test_a_grant_over_the_city_government_covers_its_units_alerts(staff_alert, directory):
    city_admin = member(Role.AGENCY_ADMIN, directory.semarang, include_descendants=True)
    client = sign_in_verified(Client(), city_admin)

    assert client.get(f"/petugas/analitik/peringatan/{staff_alert.pk}/").status_code == 200


@pytest.mark.django_db
def test_acknowledge_marks_the_alert_and_audits_it(staff_alert, directory, liaison_officer):
    officer = liaison_officer(directory.dishub_semarang)
    client = sign_in_verified(Client(), officer)

    response = client.post(f"/petugas/analitik/peringatan/{staff_alert.pk}/tandai/")
    again = client.post(f"/petugas/analitik/peringatan/{staff_alert.pk}/tandai/")

    assert response.status_code == again.status_code == 302
    staff_alert.refresh_from_db()
    assert staff_alert.state == Alert.State.ACKNOWLEDGED
    assert AuditLog.objects.filter(action="alert_acknowledge", object_id=str(staff_alert.pk), actor=officer).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Tandai sudah ditangani" not in page and "Peringatan ditandai sudah ditangani." in page


@pytest.mark.django_db
def test_a_read_only_auditor_sees_alerts_but_cannot_acknowledge(staff_alert, auditor):
    client = sign_in_verified(Client(), auditor)

    assert "Tandai sudah ditangani" not in client.get(f"/petugas/analitik/peringatan/{staff_alert.pk}/").content.decode()
    assert client.post(f"/petugas/analitik/peringatan/{staff_alert.pk}/tandai/").status_code == 403
    staff_alert.refresh_from_db()
    assert staff_alert.state == Alert.State.OPEN


@pytest.mark.django_db
def test_acknowledge_needs_post_and_csrf(staff_alert, national_admin):
    client = sign_in_verified(Client(enforce_csrf_checks=True), national_admin)

    assert client.get(f"/petugas/analitik/peringatan/{staff_alert.pk}/tandai/").status_code == 405
    assert client.post(f"/petugas/analitik/peringatan/{staff_alert.pk}/tandai/").status_code == 403
    staff_alert.refresh_from_db()
    assert staff_alert.state == Alert.State.OPEN


@pytest.mark.django_db
def test_pages_need_an_official(staff_alert, citizen):
    anonymous = Client().get("/petugas/analitik/peringatan/")
    citizen_client = Client()
    citizen_client.force_login(citizen)

    assert anonymous.status_code == 302 and "/petugas/masuk/" in anonymous["Location"]
    assert citizen_client.get("/petugas/analitik/peringatan/").status_code == 403


@pytest.mark.django_db
def test_list_filters_by_state_and_its_query_count_does_not_grow_with_alerts(
        directory, national_admin, django_assert_max_num_queries):
    make_alert(directory, agencies=[directory.dishub_semarang])
    done = make_alert(directory, state=Alert.State.ACKNOWLEDGED, days_ago=7)
    client = sign_in_verified(Client(), national_admin)
    client.get("/petugas/analitik/peringatan/")  # warm the session and grants

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/petugas/analitik/peringatan/")
    for k in range(8):
        make_alert(directory, agencies=[directory.dishub_semarang], days_ago=14 + 7 * k)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/petugas/analitik/peringatan/")
    acknowledged = client.get("/petugas/analitik/peringatan/?status=ditangani").content.decode()
    assert f'data-alert="{done.pk}"' in acknowledged and acknowledged.count("data-alert=") == 1
