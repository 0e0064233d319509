"""The SP4N-LAPOR! report lifecycle as data (rule of the house 2).

Each action names the statuses it may start from, the status it leads to (``None`` keeps
the status), who may take it, whose scope the permission is checked on, and its effect on
the SLA clock. ``report_transition`` (services/transition.py) is the only code that applies
this table; the UI shows exactly ``available_actions(report, actor)``.

Sources (DOMAIN-RULES §1, §2, §7):
- verify / dispose, Tunda (postpone), Bukan Wewenang (not our authority), Arsipkan (archive):
  the A1–A4 admin actions of LAPOR! v3;
- agency follow-up and response (tindak lanjut); the reporter's reply keeps a report open;
  automatic close 10 working days after the last agency follow-up without a reply
  from the reporter or an administrator (SP4N-LAPOR! app text);
- "Bukan Wewenang" returns the report to the coordinator who disposed it, never closes it
  ("no wrong door", kompas.com 2021; KemenPANRB): no action here leads from an agency's
  hands to CLOSED or ARCHIVED except through a response the reporter can dispute.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Menunggu verifikasi")
    POSTPONED = "postponed", _("Ditunda")
    DISPOSED = "disposed", _("Diteruskan ke instansi")
    IN_PROGRESS = "in_progress", _("Sedang ditindaklanjuti")
    AWAITING_REPORTER = "awaiting_reporter", _("Menunggu tanggapan pelapor")
    RESPONDED = "responded", _("Tindak lanjut diberikan")
    RETURNED = "returned", _("Dikembalikan ke koordinator (bukan wewenang)")
    ARCHIVED = "archived", _("Diarsipkan")
    CLOSED = "closed", _("Selesai")


# The actions that hand a report to an agency (a verifier's, or routing's automatic one).
DISPOSE_ACTIONS = frozenset({"verify_dispose", "auto_dispose"})
OPEN_STATUSES = frozenset(Status) - {Status.ARCHIVED, Status.CLOSED}
# Statuses in which the public may see a report (LAPOR! publishes every forwarded report).
PUBLISHED_STATUSES = frozenset({
    Status.DISPOSED, Status.IN_PROGRESS, Status.AWAITING_REPORTER, Status.RESPONDED, Status.RETURNED, Status.CLOSED,
})
# Statuses in which the verification clock runs.
AWAITING_VERIFICATION = frozenset({Status.SUBMITTED, Status.POSTPONED})
# Statuses in which the agency owes work (resolution clock runs unless paused).
AGENCY_OWES_WORK = frozenset({Status.DISPOSED, Status.IN_PROGRESS, Status.RETURNED})


class Action(StrEnum):
    VERIFY_DISPOSE = "verify_dispose"
    AUTO_DISPOSE = "auto_dispose"  # routing was confident enough (issue #6)
    POSTPONE = "postpone"
    ARCHIVE = "archive"
    START_FOLLOW_UP = "start_follow_up"
    RESPOND = "respond"
    REQUEST_CLARIFICATION = "request_clarification"
    PROVIDE_CLARIFICATION = "provide_clarification"
    NOT_AUTHORITY = "not_authority"
    REPORTER_REPLY = "reporter_reply"
    ADMIN_REPLY = "admin_reply"
    ADD_INFORMATION = "add_information"
    CONFIRM = "confirm"
    DISPUTE = "dispute"
    RATE = "rate"
    CLOSE = "close"
    AUTO_CLOSE = "auto_close"
    RAISE_PRIVACY = "raise_privacy"
    ESCALATE = "escalate"
    INTERVENE = "intervene"
    REFER_OMBUDSMAN = "refer_ombudsman"


ACTION_LABELS = {
    Action.VERIFY_DISPOSE: _("Verifikasi dan teruskan ke instansi"),
    Action.AUTO_DISPOSE: _("Diteruskan otomatis ke instansi"),
    Action.POSTPONE: _("Tunda"),
    Action.ARCHIVE: _("Arsipkan"),
    Action.START_FOLLOW_UP: _("Mulai tindak lanjut"),
    Action.RESPOND: _("Beri tindak lanjut"),
    Action.REQUEST_CLARIFICATION: _("Minta klarifikasi pelapor"),
    Action.PROVIDE_CLARIFICATION: _("Kirim klarifikasi"),
    Action.NOT_AUTHORITY: _("Bukan wewenang"),
    Action.REPORTER_REPLY: _("Balas tindak lanjut"),
    Action.ADMIN_REPLY: _("Balas sebagai admin"),
    Action.ADD_INFORMATION: _("Tambah informasi"),
    Action.CONFIRM: _("Konfirmasi selesai"),
    Action.DISPUTE: _("Sanggah tindak lanjut"),
    Action.RATE: _("Beri penilaian"),
    Action.CLOSE: _("Tutup laporan"),
    Action.AUTO_CLOSE: _("Ditutup otomatis"),
    Action.RAISE_PRIVACY: _("Naikkan perlindungan privasi"),
    Action.ESCALATE: _("Eskalasi"),
    Action.INTERVENE: _("Eskalasi oleh koordinator"),
    Action.REFER_OMBUDSMAN: _("Dirujuk ke Ombudsman"),
}


class ActorKind(StrEnum):
    OFFICIAL = "official"  # needs ``permission`` on ``scope``
    REPORTER = "reporter"  # the reporter (account or reference + token)
    SYSTEM = "system"  # periodic jobs only


class Scope(StrEnum):
    COORDINATOR = "coordinator"  # the coordinator who verifies and disposes (empty = national)
    AGENCY = "agency"  # the agency the report is disposed to
    NONE = "none"


class Clock(StrEnum):
    NONE = "none"
    DISPOSE = "dispose"  # stops verification; first disposition starts the agency clocks, later ones keep them
    FIRST_RESPONSE = "first_response"  # records the first agency follow-up
    FOLLOW_UP = "follow_up"  # agency follow-up: first response + starts the automatic-close timer
    PAUSE = "pause"  # waiting for the reporter
    RESUME = "resume"  # deadlines move by the working days spent waiting
    REOPEN = "reopen"  # a reply cancels the automatic-close timer
    STOP = "stop"  # closed or archived


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status | None
    actor: ActorKind
    permission: str | None = None
    scope: Scope = Scope.NONE
    clock: Clock = Clock.NONE
    note_required: bool = False
    public: bool = True  # is the event on the public timeline?


def _t(action, sources, target, actor, permission=None, scope=Scope.NONE, clock=Clock.NONE, note=False, public=True):
    return Transition(action, frozenset(sources), target, actor, permission, scope, clock, note, public)


S = Status
_ALL = frozenset(Status)
_REPORTER_CAN_ADD = {S.SUBMITTED, S.POSTPONED, S.DISPOSED, S.IN_PROGRESS, S.RETURNED}

TRANSITIONS: dict[Action, Transition] = {t.action: t for t in [
    _t(Action.VERIFY_DISPOSE, {S.SUBMITTED, S.POSTPONED, S.RETURNED}, S.DISPOSED,
       ActorKind.OFFICIAL, "report_verify", Scope.COORDINATOR, Clock.DISPOSE),
    # Routing disposes a new report at once when its combined confidence passes the
    # deployment's threshold; the event says it was automatic and why (issue #6).
    _t(Action.AUTO_DISPOSE, {S.SUBMITTED}, S.DISPOSED, ActorKind.SYSTEM, clock=Clock.DISPOSE),
    _t(Action.POSTPONE, {S.SUBMITTED}, S.POSTPONED,
       ActorKind.OFFICIAL, "report_postpone", Scope.COORDINATOR, note=True, public=False),
    _t(Action.ARCHIVE, {S.SUBMITTED, S.POSTPONED, S.RETURNED}, S.ARCHIVED,
       ActorKind.OFFICIAL, "report_archive", Scope.COORDINATOR, Clock.STOP, public=False),
    _t(Action.START_FOLLOW_UP, {S.DISPOSED}, S.IN_PROGRESS,
       ActorKind.OFFICIAL, "report_follow_up", Scope.AGENCY, Clock.FIRST_RESPONSE),
    _t(Action.RESPOND, {S.DISPOSED, S.IN_PROGRESS, S.RESPONDED}, S.RESPONDED,
       ActorKind.OFFICIAL, "report_respond", Scope.AGENCY, Clock.FOLLOW_UP, note=True),
    _t(Action.REQUEST_CLARIFICATION, {S.DISPOSED, S.IN_PROGRESS}, S.AWAITING_REPORTER,
       ActorKind.OFFICIAL, "report_request_clarification", Scope.AGENCY, Clock.PAUSE, note=True),
    _t(Action.PROVIDE_CLARIFICATION, {S.AWAITING_REPORTER}, S.IN_PROGRESS,
       ActorKind.REPORTER, clock=Clock.RESUME, note=True),
    _t(Action.NOT_AUTHORITY, {S.DISPOSED, S.IN_PROGRESS}, S.RETURNED,
       ActorKind.OFFICIAL, "report_not_authority", Scope.AGENCY, note=True),
    _t(Action.REPORTER_REPLY, {S.RESPONDED}, S.IN_PROGRESS,
       ActorKind.REPORTER, clock=Clock.REOPEN, note=True),
    _t(Action.ADMIN_REPLY, {S.RESPONDED}, S.IN_PROGRESS,
       ActorKind.OFFICIAL, "report_admin_reply", Scope.COORDINATOR, Clock.REOPEN, note=True),
    _t(Action.ADD_INFORMATION, _REPORTER_CAN_ADD, None, ActorKind.REPORTER, note=True, public=False),
    _t(Action.CONFIRM, {S.RESPONDED}, S.CLOSED, ActorKind.REPORTER, clock=Clock.STOP),
    _t(Action.DISPUTE, {S.RESPONDED}, S.IN_PROGRESS, ActorKind.REPORTER, clock=Clock.REOPEN, note=True),
    _t(Action.RATE, {S.CLOSED}, None, ActorKind.REPORTER),
    _t(Action.CLOSE, {S.RESPONDED}, S.CLOSED,
       ActorKind.OFFICIAL, "report_close", Scope.COORDINATOR, Clock.STOP),
    _t(Action.AUTO_CLOSE, {S.RESPONDED}, S.CLOSED, ActorKind.SYSTEM, clock=Clock.STOP),
    _t(Action.RAISE_PRIVACY, _ALL, None,
       ActorKind.OFFICIAL, "report_raise_privacy", Scope.COORDINATOR, public=False),
    _t(Action.ESCALATE, OPEN_STATUSES, None, ActorKind.SYSTEM, public=False),
    # The coordinator steps in before the ladder does (DOMAIN-RULES §6: "intervenes").
    _t(Action.INTERVENE, {S.DISPOSED, S.IN_PROGRESS, S.AWAITING_REPORTER}, None,
       ActorKind.OFFICIAL, "report_escalate", Scope.COORDINATOR, note=True, public=False),
    _t(Action.REFER_OMBUDSMAN, OPEN_STATUSES - {S.RESPONDED}, None, ActorKind.SYSTEM),
]}


class ArchiveReason(models.TextChoices):
    UNCLEAR = "unclear", _("Tidak jelas / tidak dapat dimengerti")
    TOO_GENERAL = "too_general", _("Terlalu umum")
    NOT_GOVERNMENT = "not_government", _("Bukan tentang kinerja pemerintahan atau pelayanan publik")
    DUPLICATE = "duplicate", _("Duplikat laporan yang sedang diproses")
    ABUSIVE = "abusive", _("Mengandung ujaran kebencian, SARA, atau kata kasar")
    OUT_OF_SCOPE = "out_of_scope", _("Di luar lingkup (perkara pidana, korupsi, legislatif)")


class Maladministration(models.TextChoices):
    """The ten Ombudsman categories (DOMAIN-RULES §2.6; UU 37/2008 Pasal 1 angka 3)."""

    PARTIALITY = "keberpihakan", _("Keberpihakan")
    DISCRIMINATION = "diskriminasi", _("Diskriminasi")
    CONFLICT_OF_INTEREST = "konflik_kepentingan", _("Konflik kepentingan")
    UNDUE_DELAY = "penundaan_berlarut", _("Penundaan berlarut")
    ABUSE_OF_AUTHORITY = "penyalahgunaan_wewenang", _("Penyalahgunaan wewenang")
    PROCEDURAL_DEVIATION = "penyimpangan_prosedur", _("Penyimpangan prosedur")
    EXTORTION = "permintaan_imbalan", _("Permintaan imbalan uang/pungli")
    INCOMPETENCE = "tidak_kompeten", _("Tidak kompeten")
    NO_SERVICE = "tidak_memberikan_pelayanan", _("Tidak memberikan pelayanan")
    IMPROPRIETY = "tidak_patut", _("Tidak patut")
