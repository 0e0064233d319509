"""The model learns from officials: verifier decisions and forwards are labelled examples;
routing's own unconfirmed guesses and archived reports are not (issue #6)."""

from __future__ import annotations

import pytest

from aduan.reports.actors import SYSTEM
from aduan.reports.routing_examples import routing_examples
from aduan.reports.services.transition import report_transition
from aduan.reports.workflow import Action, Status

from ..factories import submit
from .helpers import MON, report_in, run

pytestmark = pytest.mark.django_db


def test_verifier_dispositions_and_forwards_are_examples_with_the_final_agency(directory, national_admin):
    disposed, _ = report_in(Status.DISPOSED, directory, national_admin, title="Lampu lalu lintas mati")
    forwarded, _ = report_in(Status.RETURNED, directory, national_admin, title="Jalan provinsi rusak")
    run(forwarded, Action.VERIFY_DISPOSE, national_admin, directory, agency=directory.dpu_jateng.pk)
    report_in(Status.ARCHIVED, directory, national_admin)
    report_in(Status.SUBMITTED, directory, national_admin)

    examples = {e.report_id: e for e in routing_examples()}
    assert set(examples) == {disposed.pk, forwarded.pk}
    assert examples[disposed.pk].agency_id == directory.dishub_semarang.pk
    assert examples[disposed.pk].text.startswith("Lampu lalu lintas mati\n")
    assert examples[forwarded.pk].agency_id == directory.dpu_jateng.pk  # the right door, after the forward


def test_automatic_dispositions_count_only_once_an_official_acted(directory, national_admin):
    report, _ = submit(now=MON)
    report_transition(report=report, action=Action.AUTO_DISPOSE, actor=SYSTEM, expected_status=Status.SUBMITTED,
                      now=MON, agency=directory.dishub_semarang.pk, confidence=0.99, reasons=[])
    assert list(routing_examples()) == []
    run(report, Action.START_FOLLOW_UP, national_admin, directory)
    assert [e.report_id for e in routing_examples()] == [report.pk]
