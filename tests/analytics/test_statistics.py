"""Statistics computed from stored events and deadlines, checked against the hand-computed
figures of tests/analytics/fixtures.py (forwarded, paused, reopened, duplicate reports)."""

from datetime import date

import pytest

from aduan.analytics.facts import facts_refresh
from aduan.analytics.models import ReportFact, StatRollup
from aduan.analytics.rollups import BUCKETS, bucket_of, percentile
from aduan.analytics.stats import Scope, agency_league, stats_overview, stats_trend
from aduan.reports.actors import ReporterToken
from aduan.reports.workflow import Action

from ..reports.helpers import run
from .fixtures import LATER, build_history, h

NOV = date(2026, 11, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def history(directory, national_admin):
    reports = build_history(directory, national_admin)
    facts_refresh(now=LATER)
    return reports


def fact(report) -> ReportFact:
    return ReportFact.objects.get(report=report)


def test_buckets_are_whole_hours_for_two_days_then_fifteen_percent_wider():
    assert [bucket_of(x) for x in (0, 0.5, 1, 47.9, 48, 55.1, 55.3)] == [0, 0, 1, 47, 48, 48, 49]
    assert BUCKETS[bucket_of(26)] == 26 and BUCKETS[bucket_of(50)] == 48
    assert bucket_of(24 * 400) == len(BUCKETS) - 1 and BUCKETS[-1] == 365 * 24  # a year or more
    for hours in (49, 100, 1000, 5000, 8000):  # every value falls inside its bucket
        b = bucket_of(hours)
        assert BUCKETS[b] <= hours < BUCKETS[b + 1]
        assert BUCKETS[b + 1] / BUCKETS[b] <= 1.15 + 1e-4


def test_buckets_are_the_same_in_sql_and_python(history):
    from aduan.analytics.rollups import _bucket_expr

    values = [0, 0.4, 12, 47.99, 48, 51, 120.5, 700, 8759, 8760, 20000]
    facts = list(ReportFact.objects.order_by("report_id"))
    for value in values:
        ReportFact.objects.filter(pk=facts[0].pk).update(verify_hours=value)
        in_sql = ReportFact.objects.filter(pk=facts[0].pk).annotate(b=_bucket_expr("verify_hours")).get().b
        assert in_sql == bucket_of(value), value


def test_percentile_interpolates_inside_the_wider_buckets():
    hist = {bucket_of(100): 4}
    low, high = BUCKETS[bucket_of(100)], BUCKETS[bucket_of(100) + 1]
    assert percentile(hist, 0.5) == round(low + (high - low) * 2 / 4, 1)
    assert low <= percentile(hist, 0.5) < high


def test_percentile_is_the_nearest_rank_value():
    hist = {bucket_of(x): 0 for x in (1, 2, 3, 4)}
    for x in (1, 1, 2, 3, 4):
        hist[bucket_of(x)] += 1
    assert percentile(hist, 0.5) == 2 and percentile(hist, 0.9) == 4 and percentile(hist, 1.0) == 4
    assert percentile({}, 0.5) is None


def test_each_report_fact_follows_its_events_and_deadlines(history):
    simple, forwarded, paused = fact(history["simple"]), fact(history["forwarded"]), fact(history["paused"])
    reopened, duplicate, secret = fact(history["reopened"]), fact(history["duplicate"]), fact(history["secret"])

    assert (simple.verify_hours, simple.first_response_hours, simple.resolution_hours) == (2, 3, 24)
    assert simple.first_response_on_time and simple.resolved_on_time and not simple.forwarded
    # Forwarded: the clock started at the first disposition (4h); the answer came at 30h.
    assert (forwarded.verify_hours, forwarded.first_response_hours, forwarded.resolution_hours) == (4, 26, 30)
    assert forwarded.forwarded and forwarded.agency_id == history["forwarded"].agency_id
    # Paused then resumed, never answered: its (shifted) deadlines have passed 30 days later.
    assert paused.first_response_hours is None and paused.first_response_due and not paused.first_response_on_time
    assert paused.overdue_open and paused.is_open
    # Reopened: first response at 3h after a 1h disposition, resolution is the final answer.
    assert (reopened.first_response_hours, reopened.resolution_hours, reopened.reopened) == (2, 10, True)
    # A duplicate counts as a report but has no times of its own.
    assert duplicate.is_duplicate and duplicate.verify_hours is None and not duplicate.overdue_open
    assert not duplicate.first_response_due and not duplicate.resolution_due
    # Confidential: counted, never public.
    assert not secret.is_public and secret.verify_hours == 3 and secret.overdue_open
    assert (simple.regency_code, simple.district_code, simple.province_code) == ("33.74", "33.74.01", "33")
    assert fact(history["bali"]).regency_code == "51.71"


def test_national_figures_match_the_hand_computed_ones(history, directory):
    overview = stats_overview(scope=Scope.nation(), month_from=NOV, month_to=NOV)
    f = overview["figures"]
    assert (f["reports"], f["duplicates"], f["verified"], f["forwarded"], f["forwarded_pct"]) == (7, 1, 5, 1, 20.0)
    assert (f["closed"], f["reopened"], f["open"], f["overdue_open"]) == (3, 1, 3, 3)
    assert (f["fr_due"], f["fr_on_time"], f["fr_on_time_pct"]) == (5, 3, 60.0)
    assert (f["res_due"], f["res_on_time"], f["res_on_time_pct"]) == (5, 3, 60.0)
    assert (f["rated"], f["rating_avg"], f["satisfied_pct"]) == (3, 4.0, 66.7)
    # verify: 1, 1, 2, 3, 4 · first response: 2, 3, 26 · resolution: 10, 24, 30 (hours)
    assert f["times"]["t_verify"] == {"n": 5, "median": 2, "p90": 4}
    assert f["times"]["t_first"] == {"n": 3, "median": 3, "p90": 26}
    assert f["times"]["t_resolve"] == {"n": 3, "median": 24, "p90": 30}
    assert f["supports"] == 1  # the duplicate supports its canonical report
    b = overview["breakdowns"]
    assert {r["key"]: r["count"] for r in b["region"] if r["count"]} == {"33": 6, "51": 1}
    assert {r["key"]: r["count"] for r in b["status"]} == {
        "closed": 3, "in_progress": 1, "archived": 1, "disposed": 1, "submitted": 1}
    assert {r["label"]: r["count"] for r in b["category"]} == {"Infrastruktur jalan": 7}
    assert {r["key"]: r["count"] for r in b["kind"]} == {"complaint": 7}
    assert {r["key"]: r["count"] for r in b["rating"]} == {"3": 1, "4": 1, "5": 1}


def test_region_and_agency_scopes(history, directory, regions):
    semarang = stats_overview(scope=Scope.of_region(regions["33.74"]), month_from=NOV, month_to=NOV)
    assert semarang["figures"]["reports"] == 6
    assert {r["key"]: r["count"] for r in semarang["breakdowns"]["region"]} == {"33.74.01": 6}
    bali = stats_overview(scope=Scope.of_region(regions["51"]), month_from=NOV, month_to=NOV)
    assert bali["figures"]["reports"] == 1 and bali["figures"]["overdue_open"] == 1

    dishub = stats_overview(scope=Scope.of_agency(directory.dishub_semarang), month_from=NOV, month_to=NOV)
    # simple, paused, reopened, secret are Dishub's; forwarded ended at DPU.
    assert dishub["figures"]["reports"] == 4
    assert dishub["figures"]["times"]["t_first"] == {"n": 2, "median": 2, "p90": 3}
    dpu = stats_overview(scope=Scope.of_agency(directory.dpu_jateng), month_from=NOV, month_to=NOV)
    assert dpu["figures"]["reports"] == 1 and dpu["figures"]["forwarded"] == 1


def test_league_ranks_only_agencies_with_enough_reports(history, directory, settings):
    settings.ADUAN_LEAGUE_MIN_REPORTS = 2
    league = agency_league(month_from=NOV, month_to=NOV)
    assert [r["agency"] for r in league["ranked"]] == [directory.dishub_semarang]
    assert league["ranked"][0]["rank"] == 1 and league["ranked"][0]["fr_on_time_pct"] == 50.0
    assert [r["agency"] for r in league["unranked"]] == [directory.dpu_jateng]
    settings.ADUAN_LEAGUE_MIN_REPORTS = 1
    ranked = agency_league(month_from=NOV, month_to=NOV)["ranked"]
    # DPU answered its one report on time (100 %), Dishub two of four (50 %).
    assert [r["agency"] for r in ranked] == [directory.dpu_jateng, directory.dishub_semarang]


def test_trend_lists_every_month_of_the_period(history):
    trend = stats_trend(scope=Scope.nation(), month_from=date(2026, 10, 1), month_to=date(2026, 12, 1))
    assert [(t["month"], t["reports"]) for t in trend] == [
        (date(2026, 10, 1), 0), (date(2026, 11, 1), 7), (date(2026, 12, 1), 0)]
    assert trend[1]["fr_on_time_pct"] == 60.0 and trend[1]["rating_avg"] == 4.0


def test_incremental_refresh_sees_new_transitions_and_matches_a_full_rebuild(history, directory, national_admin):
    paused = history["paused"]
    run(paused, Action.RESPOND, national_admin, directory, now=h(60))
    run(paused, Action.CONFIRM, ReporterToken(paused.pk), directory, now=h(61), rating=2)

    result = facts_refresh(now=LATER)

    assert result["reports"] >= 1
    assert fact(paused).resolution_hours == 60 and fact(paused).rating == 2
    incremental = sorted(StatRollup.objects.values_list("month", "scope", "dimension", "key", "count"))
    facts_refresh(now=LATER, full=True)
    assert sorted(StatRollup.objects.values_list("month", "scope", "dimension", "key", "count")) == incremental
    f = stats_overview(scope=Scope.nation(), month_from=NOV, month_to=NOV)["figures"]
    assert (f["closed"], f["rated"], f["rating_avg"]) == (4, 4, 3.5)


def test_refresh_with_nothing_changed_reads_nothing(history):
    from datetime import timedelta

    from django.utils import timezone

    from aduan.reports.models import Report

    # The refresh re-reads what changed in the last second before it (a save racing the
    # previous run); move the history out of that second.
    Report.objects.update(updated_at=timezone.now() - timedelta(seconds=10))
    facts_refresh(now=LATER)
    assert facts_refresh(now=LATER)["reports"] == 0
