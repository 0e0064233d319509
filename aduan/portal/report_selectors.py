"""Reads for the citizen's report pages: the public report page, the reporter's own view
of it, and "my reports".

Privacy is decided below this module, in ``aduan.reports.selectors``:
``public_report_get`` (published, not confidential, redacted, no contact details, public
events only) for everyone, ``report_get_as_reporter`` + ``report_detail_for_reporter``
for the reporter. This module only adds what the page needs around them (the agency's
page link, the latest response, plain-words labels, the reporter's available actions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable

from django.utils.translation import gettext_lazy as _

from aduan.core.errors import NotFound
from aduan.core.refs import reference_normalise
from aduan.reports.models import Kind, Report, Support
from aduan.reports.policies import available_actions
from aduan.reports.selectors import public_report_get, public_reports, report_detail_for_reporter, report_get_as_reporter
from aduan.reports.sla import overdue_clocks
from aduan.reports.workflow import ACTION_LABELS, TRANSITIONS, Action, ActorKind, Status

# The actions a reporter can take, straight from the transition table (workflow.py).
REPORTER_ACTIONS: tuple[Action, ...] = tuple(a for a, t in TRANSITIONS.items() if t.actor == ActorKind.REPORTER)

# What happened, in plain words, for the timeline (ACTION_LABELS are button labels).
TIMELINE_LABELS = {
    "submit": _("Laporan dikirim"),
    Action.VERIFY_DISPOSE: _("Diverifikasi dan diteruskan ke instansi"),
    Action.AUTO_DISPOSE: _("Diteruskan otomatis ke instansi yang berwenang"),
    Action.POSTPONE: _("Verifikasi ditunda"),
    Action.ARCHIVE: _("Laporan diarsipkan"),
    Action.START_FOLLOW_UP: _("Instansi mulai menindaklanjuti"),
    Action.RESPOND: _("Instansi memberi tindak lanjut"),
    Action.REQUEST_CLARIFICATION: _("Instansi meminta klarifikasi dari pelapor"),
    Action.PROVIDE_CLARIFICATION: _("Pelapor mengirim klarifikasi"),
    Action.NOT_AUTHORITY: _("Instansi menyatakan bukan wewenangnya; laporan dikembalikan untuk diteruskan ulang"),
    Action.REPORTER_REPLY: _("Pelapor membalas tindak lanjut"),
    Action.ADMIN_REPLY: _("Admin membalas tindak lanjut"),
    Action.ADD_INFORMATION: _("Pelapor menambahkan informasi"),
    Action.CONFIRM: _("Pelapor mengonfirmasi laporan selesai"),
    Action.DISPUTE: _("Pelapor menyanggah tindak lanjut"),
    Action.RATE: _("Pelapor memberi penilaian"),
    Action.CLOSE: _("Laporan ditutup oleh admin"),
    Action.AUTO_CLOSE: _("Laporan ditutup otomatis: 10 hari kerja tanpa balasan setelah tindak lanjut"),
    Action.RAISE_PRIVACY: _("Perlindungan privasi dinaikkan"),
    Action.ESCALATE: _("Laporan dieskalasi karena melewati batas waktu"),
    Action.REFER_OMBUDSMAN: _("Laporan dirujuk ke Ombudsman RI"),
    "duplicate_linked": _("Laporan serupa digabungkan ke laporan ini"),
}

# What each status means for the citizen (DOMAIN-RULES §1.1, §7.4).
STATUS_HELP = {
    Status.SUBMITTED: _("Admin memeriksa laporan lalu meneruskannya ke instansi yang berwenang, paling lambat 3 hari kerja."),
    Status.POSTPONED: _("Verifikasi ditunda sementara oleh admin."),
    Status.DISPOSED: _("Laporan sudah diteruskan; instansi memberi tindak lanjut pertama paling lambat 5 hari kerja."),
    Status.IN_PROGRESS: _("Instansi sedang menindaklanjuti laporan."),
    Status.AWAITING_REPORTER: _("Instansi menunggu klarifikasi dari pelapor; batas waktu instansi berhenti sementara."),
    Status.RESPONDED: _("Instansi sudah memberi tindak lanjut. Pelapor dapat membalas, mengonfirmasi selesai, atau menyanggah. "
                        "Tanpa balasan, laporan selesai otomatis 10 hari kerja setelah tindak lanjut."),
    Status.RETURNED: _("Instansi menyatakan bukan wewenangnya; admin meneruskan laporan ke instansi yang berwenang."),
    Status.ARCHIVED: _("Laporan diarsipkan dan tidak diproses lebih lanjut."),
    Status.CLOSED: _("Laporan selesai."),
}


def _label(event: dict) -> str:
    action = event["action"]
    if action in TIMELINE_LABELS:
        return TIMELINE_LABELS[action]
    try:
        return ACTION_LABELS[Action(action)]
    except ValueError:
        return action


def _decorate(data: dict) -> dict:
    for event in data["timeline"]:
        event["label"] = _label(event)
    responses = [e for e in data["timeline"] if e["action"] == Action.RESPOND and e["note"]]
    data["response"] = responses[-1] if responses else None
    data["status_help"] = STATUS_HELP.get(data["status"], "")
    data["kind_label"] = Kind(data["kind"]).label if data["kind"] in Kind.values else ""
    return data


@dataclass
class ReportPage:
    """What the report page shows. ``actor`` is set only for the reporter."""

    report: dict
    report_id: int | None = None
    actor: object = None
    actions: list[Action] = field(default_factory=list)
    supported: bool = False

    @property
    def is_reporter(self) -> bool:
        return self.actor is not None


def reporter_access(*, reference: str, user, report_ids) -> tuple[Report, object] | None:
    """The report and the actor when the visitor is its reporter; None otherwise."""
    if not getattr(user, "is_authenticated", False) and not report_ids:
        return None  # nobody to recognise: skip the query
    try:
        return report_get_as_reporter(reference=reference, user=user, report_ids=report_ids)
    except NotFound:
        return None


def reporter_actions(*, report: Report, actor) -> list[Action]:
    """Exactly the reporter actions ``available_actions`` offers this actor now (an owner
    who is also an official still gets only reporter actions on this page)."""
    return [a for a in available_actions(report, actor) if a in REPORTER_ACTIONS]


def report_page_get(*, reference: str, user, report_ids, now: datetime) -> ReportPage:
    """The reporter's view for the reporter, the public view for everyone else; NotFound
    (the same as for a missing report) when the visitor may see neither."""
    access = reporter_access(reference=reference, user=user, report_ids=report_ids)
    if access is not None:
        report, actor = access
        data = _decorate(report_detail_for_reporter(report=report, now=now))
        return ReportPage(report=data, report_id=report.pk, actor=actor, actions=reporter_actions(report=report, actor=actor))
    data = _decorate(public_report_get(reference=reference))
    agency = (
        public_reports().filter(reference=data["reference"], agency__is_active=True)
        .values_list("agency__slug", flat=True).first()
    )
    data["agency_slug"] = agency or ""
    supported = False
    if getattr(user, "is_authenticated", False):
        supported = Support.objects.filter(report__reference=data["reference"], user=user).exists()
    return ReportPage(report=data, supported=supported)


def report_public_for_support(*, reference: str) -> Report:
    """The report a citizen may support: only a public one."""
    ref = reference_normalise(reference or "")
    report = public_reports().filter(reference=ref).first() if ref else None
    if report is None:
        raise NotFound()
    return report


def report_rows_for_reporter(*, reports: Iterable[Report], now: datetime) -> list[dict]:
    """One page of the citizen's own reports (own text: not redacted)."""
    return [
        {
            "reference": r.reference,
            "title": r.title,
            "status": r.status,
            "status_label": Status(r.status).label,
            "agency": r.agency.name if r.agency_id else "",
            "agency_slug": r.agency.slug if r.agency_id and r.agency.is_active else "",
            "submitted_at": r.submitted_at,
            "resolution_due_at": r.resolution_due_at,
            "overdue": bool(overdue_clocks(r, now)),
            "is_confidential": r.is_confidential,
        }
        for r in reports
    ]
