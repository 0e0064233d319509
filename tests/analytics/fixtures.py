"""A small history with hand-computed statistics (tests/analytics/test_statistics.py).

Seven reports submitted on Monday 23 November 2026, 10:00 WIB (``MON``), times in hours
after it:

| report | path | verify | first response | resolution | notes |
|---|---|---|---|---|---|
| simple | dispose 2h, follow-up 5h, respond 24h, confirm ★5 | 2h | 3h | 24h | |
| forwarded | dispose 4h (Dishub), not authority 6h, dispose 8h (DPU), respond 30h, confirm ★3 | 4h | 26h | 30h | forwarded |
| paused | dispose 1h, clarification asked 2h, given 50h | 1h | – | – | open, unanswered |
| reopened | dispose 1h, respond 3h, dispute 5h, respond 10h, confirm ★4 | 1h | 2h | 10h | reopened |
| duplicate | archived 1h as a duplicate of "simple" | – | – | – | duplicate |
| secret | confidential and anonymous; dispose 3h | 3h | – | – | open, unanswered |
| bali | Kota Denpasar; never verified | – | – | – | open |

Evaluated 30 days later (``LATER``), when every open deadline has passed.
"""

from __future__ import annotations

from datetime import timedelta

from aduan.reports.actors import ReporterToken
from aduan.reports.workflow import Action

from ..factories import submit
from ..reports.helpers import MON, run

LATER = MON + timedelta(days=30)
SEMARANG_VILLAGE = "33.74.01.1001"


def h(hours: float):
    return MON + timedelta(hours=hours)


def build_history(directory, admin) -> dict:
    d = directory
    reports = {}

    def new(name, **kwargs):
        kwargs.setdefault("region_code", SEMARANG_VILLAGE)
        kwargs.setdefault("category", "jalan")
        report, _ = submit(now=MON, **kwargs)
        reports[name] = report
        return report

    r = new("simple")
    run(r, Action.VERIFY_DISPOSE, admin, d, now=h(2))
    run(r, Action.START_FOLLOW_UP, admin, d, now=h(5))
    run(r, Action.RESPOND, admin, d, now=h(24))
    run(r, Action.CONFIRM, ReporterToken(r.pk), d, now=h(26), rating=5)

    r = new("forwarded")
    run(r, Action.VERIFY_DISPOSE, admin, d, now=h(4))
    run(r, Action.NOT_AUTHORITY, admin, d, now=h(6))
    run(r, Action.VERIFY_DISPOSE, admin, d, now=h(8), agency=d.dpu_jateng.pk)
    run(r, Action.RESPOND, admin, d, now=h(30))
    run(r, Action.CONFIRM, ReporterToken(r.pk), d, now=h(31), rating=3)

    r = new("paused")
    run(r, Action.VERIFY_DISPOSE, admin, d, now=h(1))
    run(r, Action.REQUEST_CLARIFICATION, admin, d, now=h(2))
    run(r, Action.PROVIDE_CLARIFICATION, ReporterToken(r.pk), d, now=h(50))

    r = new("reopened")
    run(r, Action.VERIFY_DISPOSE, admin, d, now=h(1))
    run(r, Action.RESPOND, admin, d, now=h(3))
    run(r, Action.DISPUTE, ReporterToken(r.pk), d, now=h(5))
    run(r, Action.RESPOND, admin, d, now=h(10))
    run(r, Action.CONFIRM, ReporterToken(r.pk), d, now=h(12), rating=4)

    r = new("duplicate")
    run(r, Action.ARCHIVE, admin, d, now=h(1), reason="duplicate", duplicate_of=reports["simple"].reference)

    r = new("secret", is_confidential=True, is_anonymous=True)
    run(r, Action.VERIFY_DISPOSE, admin, d, now=h(3))

    new("bali", region_code="51.71")
    for report in reports.values():
        report.refresh_from_db()
    return reports
