"""Duplicate candidates over stored reports (issue #6), and linking "duplicate of"."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string

from aduan.reports.models import Report
from aduan.reports.services.duplicates import duplicate_candidates, duplicate_candidates_for_staff
from aduan.reports.services.submit import ReportDraft
from aduan.reports.workflow import Action, Status

from ..factories import submit
from .helpers import MON, report_in, run

pytestmark = pytest.mark.django_db
MIROTO = "33.74.01.1001"
ROAD = {"title": "Jalan rusak di depan SD", "body": "Jalan berlubang besar di depan SD Negeri 2, membahayakan anak sekolah."}
TYPED = {"title": "jln rusak dpn sd", "body": "jln bolong bsr dpn sd negri 2, membahayakan anak sklh"}


@pytest.fixture(autouse=True, params=["memory", "database"])
def backend(request, settings):
    """Every behaviour holds for the long-lived in-memory index and for the SQL fallback."""
    settings.ADUAN_DUPLICATE_INDEX = request.param
    return request.param


def refs(candidates):
    return [c.report.reference for c in candidates]


def test_exact_repeat_and_typo_repeat_are_candidates_of_a_new_report(directory):
    first, _ = submit(now=MON, region_code=MIROTO, **ROAD)
    second, _ = submit(now=MON + timedelta(hours=2), region_code=MIROTO, **TYPED)
    third, _ = submit(now=MON + timedelta(days=1), region_code=MIROTO, **ROAD)
    found = {c.report.reference: c for c in duplicate_candidates(third)}
    assert set(found) == {first.reference, second.reference}
    assert found[first.reference].text_score == 1.0 and found[first.reference].same_place
    assert found[first.reference].days_apart == 1.0
    assert found[second.reference].text_score >= 0.8  # abbreviations normalise away


def test_same_problem_sent_to_two_agencies_is_a_candidate(directory):
    to_city, _ = submit(now=MON, region_code=MIROTO, suggested_agency_id=directory.dishub_semarang.pk, **ROAD)
    to_province, _ = submit(now=MON + timedelta(days=2), region_code=MIROTO, suggested_agency_id=directory.dpu_jateng.pk, **TYPED)
    assert refs(duplicate_candidates(to_province)) == [to_city.reference]
    assert refs(duplicate_candidates(to_city)) == [to_province.reference]


def test_disposed_to_different_agencies_are_still_candidates(directory, national_admin):
    a = report_in(Status.DISPOSED, directory, national_admin, region_code=MIROTO, **ROAD)[0]
    b, _ = submit(now=MON + timedelta(days=1), region_code=MIROTO, **ROAD)
    run(b, Action.VERIFY_DISPOSE, national_admin, directory, agency=directory.dpu_jateng.pk)
    assert a.agency != Report.objects.get(pk=b.pk).agency
    assert refs(duplicate_candidates(b)) == [a.reference]


def test_unrelated_reports_in_the_same_village_are_not_candidates(directory):
    submit(now=MON, region_code=MIROTO, title="KTP belum jadi", body="Pembuatan KTP elektronik sudah tiga bulan belum jadi.")
    submit(now=MON, region_code=MIROTO, title="Sampah menumpuk", body="Sampah di pasar tidak diangkut dua minggu.")
    new, _ = submit(now=MON + timedelta(days=1), region_code=MIROTO, **ROAD)
    assert duplicate_candidates(new) == []


def test_closed_and_archived_reports_are_not_candidates(directory, national_admin):
    report_in(Status.CLOSED, directory, national_admin, region_code=MIROTO, **ROAD)
    report_in(Status.ARCHIVED, directory, national_admin, region_code=MIROTO, **ROAD)
    new, _ = submit(now=MON + timedelta(days=1), region_code=MIROTO, **ROAD)
    assert duplicate_candidates(new) == []


def test_reports_outside_the_time_window_are_not_candidates(directory, settings):
    old, _ = submit(now=MON - timedelta(days=31), region_code=MIROTO, incident_date=(MON - timedelta(days=32)).date(), **ROAD)
    new, _ = submit(now=MON, region_code=MIROTO, **ROAD)
    assert duplicate_candidates(new) == []
    settings.ADUAN_DUPLICATE_WINDOW_DAYS = 60
    assert refs(duplicate_candidates(new)) == [old.reference]


def test_a_draft_not_yet_stored_finds_candidates(directory):
    stored, _ = submit(now=MON, region_code=MIROTO, **ROAD)
    draft = ReportDraft(incident_date=None, region_code=MIROTO, **TYPED)
    assert refs(duplicate_candidates(draft, now=MON + timedelta(days=1))) == [stored.reference]


def test_other_regency_is_not_searched(directory):
    submit(now=MON, region_code="51.71", **ROAD)
    new, _ = submit(now=MON + timedelta(days=1), region_code=MIROTO, **ROAD)
    assert duplicate_candidates(new) == []


def test_staff_see_only_candidates_they_may_see_and_can_link_while_verifying(directory, verifier, liaison_officer):
    canonical = report_in(Status.DISPOSED, directory, verifier, region_code=MIROTO, **ROAD)[0]  # at Dishub Semarang
    new, _ = submit(now=MON + timedelta(days=1), region_code=MIROTO, **TYPED)
    national = duplicate_candidates_for_staff(user=verifier, report=new)
    assert [c["reference"] for c in national["candidates"]] == [canonical.reference]
    assert national["can_link"] and national["expected_status"] == Status.SUBMITTED
    officer = liaison_officer(directory.dpu_jateng)
    assert duplicate_candidates_for_staff(user=officer, report=new)["candidates"] == []


def test_candidate_include_renders_scores_and_a_link_form_that_archives_as_duplicate(client, directory, verifier):
    canonical = report_in(Status.DISPOSED, directory, verifier, region_code=MIROTO, **ROAD)[0]
    new, _ = submit(now=MON + timedelta(days=1), region_code=MIROTO, **TYPED)
    context = {"duplicates": duplicate_candidates_for_staff(user=verifier, report=new), "r": {"id": new.pk}}
    html = render_to_string("backoffice/_duplicate_candidates.html", context)
    assert f'data-candidate="{canonical.reference}"' in html
    assert 'name="archive-reason" value="duplicate"' in html
    assert f'name="archive-duplicate_of" value="{canonical.reference}"' in html
    assert "Tempat sama" in html
    # The form's fields are exactly what the archive action takes: linking works end to end.
    run(new, Action.ARCHIVE, verifier, directory, reason="duplicate", duplicate_of=canonical.reference)
    new.refresh_from_db()
    canonical.refresh_from_db()
    assert new.duplicate_of_id == canonical.pk and canonical.support_count == 1
    # A linked duplicate is no longer a candidate for later reports.
    later, _ = submit(now=MON + timedelta(days=2), region_code=MIROTO, **ROAD)
    assert refs(duplicate_candidates(later)) == [canonical.reference]


def test_include_without_candidates_says_so(directory):
    html = render_to_string("backoffice/_duplicate_candidates.html", {"duplicates": {"candidates": [], "can_link": False}, "r": {"id": 1}})
    assert "Tidak ada laporan serupa" in html and "<form" not in html


# --- the long-lived index catches up with what other processes did -------------------------------

def test_index_built_once_sees_reports_added_and_closed_afterwards(directory, national_admin, backend):
    from aduan.reports.services.duplicate_index import live_index

    first, _ = submit(now=MON, region_code=MIROTO, **ROAD)
    assert refs(duplicate_candidates(ReportDraft(incident_date=MON.date(), region_code=MIROTO, **TYPED), now=MON)) == [first.reference]
    built = live_index() if backend == "memory" else None
    second, _ = submit(now=MON + timedelta(hours=1), region_code=MIROTO, **ROAD)  # as if through another worker
    draft = ReportDraft(incident_date=MON.date(), region_code=MIROTO, **TYPED)
    assert set(refs(duplicate_candidates(draft, now=MON + timedelta(hours=2)))) == {first.reference, second.reference}
    run(first, Action.ARCHIVE, national_admin, directory, reason="duplicate", duplicate_of=second.reference)
    assert refs(duplicate_candidates(draft, now=MON + timedelta(hours=2))) == [second.reference]
    if backend == "memory":
        index = live_index()
        assert index is built  # caught up, not rebuilt
        keys = [m.key for m in index.query(title=TYPED["title"], body=TYPED["body"], region_code=MIROTO, at=MON)]
        assert keys == [second.pk]  # the archived one is closed in the index itself


@pytest.mark.django_db(transaction=True)
def test_first_build_runs_in_the_background_and_the_database_answers_meanwhile(directory, settings, backend):
    """Nobody waits for a million reports to be indexed: until the index is ready, the
    database answers, with the same candidates."""
    from aduan.reports.services.duplicate_index import live_index, live_index_wait

    if backend != "memory":
        pytest.skip("the background build concerns the in-memory index")
    settings.ADUAN_DUPLICATE_INDEX_BUILD = "background"
    first, _ = submit(now=MON, region_code=MIROTO, **ROAD)
    draft = ReportDraft(incident_date=MON.date(), region_code=MIROTO, **TYPED)
    assert refs(duplicate_candidates(draft, now=MON)) == [first.reference]  # the database, or a finished index
    live_index_wait()
    index = live_index()
    assert index is not None and len(index) == 1
    assert refs(duplicate_candidates(draft, now=MON)) == [first.reference]  # now the index
