"""Two officials acting on the same report at once: one wins, the other is told the report
changed. Runs with real threads and real connections on SQLite (IMMEDIATE transactions)
and PostgreSQL (row lock)."""

import threading
import time

import pytest
from django.db import connection

from aduan.core.errors import StaleState
from aduan.reports.services import transition as transition_module
from aduan.reports.workflow import Action, Status

from ..factories import member
from .helpers import params_for, report_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_officials_at_once_one_wins_the_other_must_reload(directory, national_admin, monkeypatch):
    from aduan.accounts.permissions import Role

    report, _ = report_in(Status.IN_PROGRESS, directory, national_admin)
    alice = member(Role.LIAISON_OFFICER, directory.dishub_semarang, username="petugas-a")
    bob = member(Role.LIAISON_OFFICER, directory.dishub_semarang, username="petugas-b")

    # Hold the first transaction open long enough for the second to arrive.
    slow = {}
    for action in (Action.RESPOND, Action.NOT_AUTHORITY):
        original = transition_module.EFFECTS[action]

        def delayed(ctx, original=original):
            original(ctx)
            time.sleep(0.4)

        slow[action] = delayed
    monkeypatch.setattr(transition_module, "EFFECTS", {**transition_module.EFFECTS, **slow})

    barrier = threading.Barrier(2)
    outcomes = {}

    def attempt(name, user, action):
        try:
            barrier.wait()
            transition_module.report_transition(
                report=report.pk, action=action, actor=user, expected_status=Status.IN_PROGRESS,
                **params_for(action, directory),
            )
            outcomes[name] = "ok"
        except StaleState as exc:
            outcomes[name] = exc.as_dict()
        except Exception as exc:  # pragma: no cover - surfaced by the assertion below
            outcomes[name] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=("a", alice, Action.RESPOND)),
               threading.Thread(target=attempt, args=("b", bob, Action.NOT_AUTHORITY))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(v == "ok" for v in outcomes.values()) == [False, True], outcomes
    loser = next(v for v in outcomes.values() if v != "ok")
    assert loser["code"] == "stale_state"
    assert "Muat ulang" in loser["message"]
    report.refresh_from_db()
    assert report.status in (Status.RESPONDED, Status.RETURNED)
    assert report.events.filter(action__in=["respond", "not_authority"]).count() == 1


def test_stale_expected_status_is_refused(directory, national_admin):
    report, _ = report_in(Status.IN_PROGRESS, directory, national_admin)
    with pytest.raises(StaleState):
        transition_module.report_transition(report=report.pk, action=Action.RESPOND, actor=national_admin,
                                            expected_status=Status.DISPOSED, note="x")
