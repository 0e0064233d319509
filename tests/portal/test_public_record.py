"""Response-time records of agencies and regions (public_selectors.*_response_record) on a
small hand-built set: every report goes through the real transition service."""

from datetime import date, timedelta

import pytest

from aduan.portal.public_selectors import agency_response_record, region_response_record
from aduan.reports.actors import ReporterToken
from aduan.reports.workflow import Action

from ..factories import submit
from ..reports.helpers import MON, run

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
NOW = MON + 20 * DAY


def disposed(directory, admin, *, agency=None, at=MON, **submit_kwargs):
    submit_kwargs.setdefault("region_code", "33.74.01.1001")
    report, _ = submit(now=at, **submit_kwargs)
    run(report, Action.VERIFY_DISPOSE, admin, directory, now=at, agency=(agency or directory.dishub_semarang).pk)
    return report


@pytest.fixture
def history(directory, national_admin):
    """Disposed to Dishub Kota Semarang on Monday 23 Nov 2026 (first response due five working days later):

    A answered after 1 day, B after 3 days (both on time); C after 14 days (late), then closed with rating 4;
    D never answered (overdue at NOW); E bounced by Dishub as not its authority, re-disposed to
    DPU Jateng, which answered after 4 days (still on the kept clock); F confidential; G disposed 400 days ago."""
    admin = national_admin
    a = disposed(directory, admin)
    run(a, Action.RESPOND, admin, directory, now=MON + DAY)
    b = disposed(directory, admin)
    run(b, Action.RESPOND, admin, directory, now=MON + 3 * DAY)
    c = disposed(directory, admin)
    run(c, Action.RESPOND, admin, directory, now=MON + 14 * DAY)
    run(c, Action.CONFIRM, ReporterToken(c.pk), directory, now=MON + 15 * DAY, rating=4)
    disposed(directory, admin)
    e = disposed(directory, admin)
    run(e, Action.NOT_AUTHORITY, admin, directory, now=MON + DAY)
    run(e, Action.VERIFY_DISPOSE, admin, directory, now=MON + 2 * DAY, agency=directory.dpu_jateng.pk)
    run(e, Action.RESPOND, admin, directory, now=MON + 4 * DAY)
    f = disposed(directory, admin, is_confidential=True)
    run(f, Action.RESPOND, admin, directory, now=MON + DAY)
    old = MON - 400 * DAY
    g = disposed(directory, admin, at=old, incident_date=date(2025, 10, 1))
    run(g, Action.RESPOND, admin, directory, now=old + 30 * DAY)


def test_agency_record_counts_only_first_responses_it_gave_and_only_public_reports_in_the_window(directory, history):
    record = agency_response_record(agency=directory.dishub_semarang, now=NOW)

    assert record["total"] == 5  # A–E; F is confidential, G is outside the 365 days
    assert record["responded"] == 3  # E was answered by DPU Jateng, not by Dishub
    assert record["due"] == 4  # A, B, C answered + D overdue
    assert record["on_time"] == 2
    assert record["on_time_pct"] == 50.0
    assert record["median_days_to_first_response"] == 3.0  # of 1, 3, 14
    assert record["closed"] == 1
    assert record["resolved_pct"] == 20.0
    assert record["rating_avg"] == 4.0
    assert record["rated"] == 1


def test_parent_agency_record_includes_its_units(directory, history):
    assert agency_response_record(agency=directory.semarang, now=NOW) == agency_response_record(agency=directory.dishub_semarang, now=NOW)


def test_forwarded_report_counts_for_the_agency_that_answered_it(directory, history):
    record = agency_response_record(agency=directory.dpu_jateng, now=NOW)

    assert (record["total"], record["responded"], record["due"], record["on_time"]) == (1, 1, 1, 1)
    assert record["on_time_pct"] == 100.0
    # Measured from the first disposition: the citizen's wait is not reset by the bounce.
    assert record["median_days_to_first_response"] == 4.0
    assert record["resolved_pct"] == 0.0
    assert record["rating_avg"] is None


def test_region_record_counts_every_public_report_located_below_it(directory, history):
    record = region_response_record(region=directory.semarang.seat_region, now=NOW)

    assert record["total"] == 5
    assert record["responded"] == 4
    assert record["due"] == 5
    assert record["on_time_pct"] == 60.0  # A, B, E of A, B, C, D, E
    assert record["median_days_to_first_response"] == 3.5  # of 1, 3, 4, 14
    assert record["resolved_pct"] == 20.0
    assert record["rating_avg"] == 4.0


def test_a_report_still_inside_its_deadline_is_not_counted_against_the_agency(directory, national_admin):
    disposed(directory, national_admin)

    record = agency_response_record(agency=directory.dishub_semarang, now=MON + DAY)

    assert (record["total"], record["due"], record["on_time_pct"], record["median_days_to_first_response"]) == (1, 0, None, None)


def test_empty_record_has_no_figures(directory):
    record = region_response_record(region=directory.kemensos.seat_region or directory.jateng.seat_region, now=NOW)

    assert record["total"] == 0
    assert record["on_time_pct"] is None and record["resolved_pct"] is None and record["rating_avg"] is None
