"""Bring a report into any status through the real services."""

from datetime import UTC, datetime

from aduan.reports.actors import ReporterToken
from aduan.reports.services.transition import report_transition
from aduan.reports.workflow import Action, Status

from ..factories import submit

MON = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB

# status → steps from SUBMITTED
PATHS = {
    Status.SUBMITTED: [],
    Status.POSTPONED: [Action.POSTPONE],
    Status.DISPOSED: [Action.VERIFY_DISPOSE],
    Status.IN_PROGRESS: [Action.VERIFY_DISPOSE, Action.START_FOLLOW_UP],
    Status.AWAITING_REPORTER: [Action.VERIFY_DISPOSE, Action.REQUEST_CLARIFICATION],
    Status.RESPONDED: [Action.VERIFY_DISPOSE, Action.RESPOND],
    Status.RETURNED: [Action.VERIFY_DISPOSE, Action.NOT_AUTHORITY],
    Status.ARCHIVED: [Action.ARCHIVE],
    Status.CLOSED: [Action.VERIFY_DISPOSE, Action.RESPOND, Action.CONFIRM],
}


def params_for(action, directory, report=None) -> dict:
    """Minimal valid parameters for each action."""
    agency = directory.dishub_semarang
    return {
        Action.VERIFY_DISPOSE: {"agency": agency.pk},
        Action.AUTO_DISPOSE: {"agency": agency.pk, "confidence": 0.99, "reasons": ["uji"]},
        Action.POSTPONE: {"note": "Menunggu kelengkapan."},
        Action.ARCHIVE: {"reason": "unclear"},
        Action.RESPOND: {"note": "Sudah ditindaklanjuti."},
        Action.REQUEST_CLARIFICATION: {"note": "Mohon alamat lengkap."},
        Action.PROVIDE_CLARIFICATION: {"note": "Jl. Pemuda no. 1."},
        Action.NOT_AUTHORITY: {"note": "Kewenangan provinsi.", "suggested_agency": directory.dpu_jateng.pk},
        Action.REPORTER_REPLY: {"note": "Belum selesai."},
        Action.ADMIN_REPLY: {"note": "Mohon ditindaklanjuti ulang."},
        Action.ADD_INFORMATION: {"note": "Tambahan: lokasi dekat pasar."},
        Action.DISPUTE: {"note": "Tidak sesuai kenyataan."},
        Action.RATE: {"rating": 4},
        Action.CONFIRM: {"rating": 5},
        Action.RAISE_PRIVACY: {"confidential": True},
        Action.INTERVENE: {"note": "Belum ada tindak lanjut, mohon perhatian pimpinan."},
    }.get(action, {})


def run(report, action, actor, directory, now=MON, **extra):
    report.refresh_from_db()
    kwargs = params_for(action, directory)
    kwargs.update(extra)
    return report_transition(report=report, action=action, actor=actor, expected_status=report.status, now=now, **kwargs)


def report_in(status, directory, admin, *, reporter=None, now=MON, **submit_kwargs):
    report, token = submit(actor=reporter, now=now, **submit_kwargs)
    for step in PATHS[status]:
        actor = ReporterToken(report.pk) if step == Action.CONFIRM else admin
        run(report, step, actor, directory, now=now)
    report.refresh_from_db()
    assert report.status == status
    return report, token
