"""``report_transition``: the only code that changes ``Report.status`` (rule of the house 1).

In one transaction it locks the report row, checks the expected status (two officials
acting at once: one wins, the other gets ``StaleState``), checks the actor against the
transition table and policies, validates the action's parameters, applies the SLA clock
effect, writes the ``Event`` and the audit row, and writes the outbox rows. Interfaces
parse input and call this; nothing else writes a status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency, ResolutionTier
from aduan.audit.services import audit_log
from aduan.core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied, StaleState, ValidationFailed
from aduan.core.refs import reference_normalise
from aduan.standards.deadlines import limits_for

from .. import sla
from ..actors import ReporterToken, SystemActor
from ..models import Disposition, Event, Report, Support, status_write_allowed
from ..notify import notify_event
from ..policies import actor_may, is_reporter
from ..selectors import reports_visible_to
from ..workflow import TRANSITIONS, Action, ActorKind, ArchiveReason, Clock, Maladministration, Scope, Status, Transition


class NothingToDo(DomainError):
    """A system action found nothing to change (e.g. the breach job's second run)."""

    code = "nothing_to_do"
    http_status = 409


@dataclass
class _Ctx:
    report: Report
    transition: Transition
    actor: object
    now: datetime
    note: str
    params: dict
    data: dict = field(default_factory=dict)
    agency: Agency | None = None  # on whose behalf the actor acts


def _actor_user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _actor_kind(actor, report: Report) -> str:
    if isinstance(actor, SystemActor):
        return "system"
    if isinstance(actor, ReporterToken) or is_reporter(actor, report):
        return "reporter"
    return "official"


def _check_visible(report: Report, transition: Transition, actor) -> None:
    """Officials who cannot even see the report get the same answer as for a missing one."""
    if transition.actor == ActorKind.OFFICIAL and getattr(actor, "is_authenticated", False):
        if not is_reporter(actor, report) and not reports_visible_to(actor).filter(pk=report.pk).exists():
            raise NotFound()


def _check_actor(report: Report, transition: Transition, actor) -> None:
    if not actor_may(actor, report, transition):
        raise PermissionDenied()


def _agency_param(value, field_name: str) -> Agency:
    if isinstance(value, Agency):
        agency = value
    else:
        agency = Agency.objects.filter(pk=value).first() if value else None
    if agency is None or not agency.is_active:
        raise ValidationFailed(field_errors={field_name: [_("Pilih instansi yang terdaftar dan aktif.")]})
    return agency


def _rating_param(value, required: bool) -> int | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed(field_errors={"rating": [_("Beri nilai 1 sampai 5.")]})
        return None
    try:
        rating = int(value)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationFailed(field_errors={"rating": [_("Beri nilai 1 sampai 5.")]})
    return rating


# --- Per-action effects -------------------------------------------------------------------

def _verify_dispose(ctx: _Ctx) -> None:
    report = ctx.report
    agency = _agency_param(ctx.params.get("agency"), "agency")
    if not agency.accepts_reports:
        raise ValidationFailed(field_errors={"agency": [_("Instansi ini tidak menerima disposisi laporan.")]})
    tier = ctx.params.get("tier") or None
    if tier and tier not in ResolutionTier.values:
        raise ValidationFailed(field_errors={"tier": [_("Jenjang penyelesaian tidak dikenal.")]})
    _raise_flags(ctx, required=False)
    Disposition.objects.filter(report=report, ended_at__isnull=True).update(
        ended_at=ctx.now, end_reason=Disposition.EndReason.REDISPOSED
    )
    Disposition.objects.create(report=report, agency=agency, disposed_by=_actor_user(ctx.actor), disposed_at=ctx.now, note=ctx.note)
    previous = report.agency_id
    report.agency = agency
    ctx.data["clock_used"] = sla.on_dispose(report, agency, ctx.now, sla.tier_for(report, agency, tier))
    ctx.data.update({"agency_id": agency.pk, "agency": agency.name, "previous_agency_id": previous})
    ctx.agency = report.coordinator


def _auto_dispose(ctx: _Ctx) -> None:
    """Routing's disposition: the same as a verifier's, with the reasons on the event."""
    _verify_dispose(ctx)
    ctx.data.update({"automatic": True, "confidence": ctx.params.get("confidence"),
                     "reasons": list(ctx.params.get("reasons") or [])})


def _postpone(ctx: _Ctx) -> None:
    ctx.agency = ctx.report.coordinator


def _archive(ctx: _Ctx) -> None:
    report = ctx.report
    reason = ctx.params.get("reason")
    if reason not in ArchiveReason.values:
        raise ValidationFailed(field_errors={"reason": [_("Pilih alasan pengarsipan.")]})
    report.archive_reason = reason
    ctx.data["reason"] = reason
    if reason == ArchiveReason.DUPLICATE:
        canonical = _canonical_param(ctx)
        report.duplicate_of = canonical
        Support.objects.create(report=canonical, via_duplicate=report)
        Report.objects.filter(pk=canonical.pk).update(support_count=F("support_count") + 1, updated_at=timezone.now())
        ctx.data["duplicate_of"] = canonical.reference
        Event.objects.create(
            report=canonical, at=ctx.now, action="duplicate_linked", actor=_actor_user(ctx.actor), actor_kind="official",
            agency=report.coordinator, is_public=False, data={"duplicate": report.reference},
        )
    ctx.agency = report.coordinator


def _canonical_param(ctx: _Ctx) -> Report:
    raw = ctx.params.get("duplicate_of")
    canonical = None
    if isinstance(raw, Report):
        canonical = raw
    elif raw:
        ref = reference_normalise(str(raw))
        canonical = Report.objects.filter(reference=ref).first() if ref else None
    # Follow the chain to the root so duplicates never point at duplicates.
    seen = set()
    while canonical is not None and canonical.duplicate_of_id and canonical.pk not in seen:
        seen.add(canonical.pk)
        canonical = canonical.duplicate_of
    if canonical is None or canonical.pk == ctx.report.pk or canonical.status == Status.ARCHIVED:
        raise ValidationFailed(field_errors={"duplicate_of": [_("Sebutkan nomor laporan asli yang masih diproses.")]})
    return canonical


def _agency_side(ctx: _Ctx) -> None:
    ctx.agency = ctx.report.agency


def _not_authority(ctx: _Ctx) -> None:
    report = ctx.report
    suggested = _agency_param(ctx.params.get("suggested_agency"), "suggested_agency")
    if suggested.pk == report.agency_id:
        raise ValidationFailed(field_errors={"suggested_agency": [_("Sarankan instansi lain yang berwenang.")]})
    disposition = report.dispositions.filter(ended_at__isnull=True).last()
    if disposition is not None:
        disposition.ended_at = ctx.now
        disposition.end_reason = Disposition.EndReason.NOT_AUTHORITY
        disposition.not_authority_reason = ctx.note
        disposition.suggested_agency = suggested
        disposition.save(update_fields=["ended_at", "end_reason", "not_authority_reason", "suggested_agency"])
    ctx.agency = report.agency
    ctx.data.update({"from_agency_id": report.agency_id, "suggested_agency_id": suggested.pk, "suggested_agency": suggested.name})
    # The report goes back to the coordinator; the clock keeps running (sla.clock_owner).
    report.agency = None


def _coordinator_side(ctx: _Ctx) -> None:
    ctx.agency = ctx.report.coordinator


def _confirm(ctx: _Ctx) -> None:
    rating = _rating_param(ctx.params.get("rating"), required=False)
    if rating is not None:
        ctx.report.rating = rating
        ctx.data["rating"] = rating
    _end_disposition(ctx)


def _rate(ctx: _Ctx) -> None:
    ctx.report.rating = _rating_param(ctx.params.get("rating"), required=True)
    ctx.data["rating"] = ctx.report.rating


def _close(ctx: _Ctx) -> None:
    ctx.agency = ctx.report.coordinator
    _end_disposition(ctx)


def _auto_close(ctx: _Ctx) -> None:
    if ctx.report.autoclose_at is None or ctx.report.autoclose_at > ctx.now:
        raise NothingToDo()
    ctx.data["autoclose_at"] = ctx.report.autoclose_at.isoformat()
    _end_disposition(ctx)


def _end_disposition(ctx: _Ctx) -> None:
    Disposition.objects.filter(report=ctx.report, ended_at__isnull=True).update(
        ended_at=ctx.now, end_reason=Disposition.EndReason.CLOSED
    )


def _raise_flags(ctx: _Ctx, required: bool = True) -> None:
    """Flags only go up. Asking for False is 'no change', never a lowering."""
    report = ctx.report
    raised = []
    if ctx.params.get("anonymous") and not report.is_anonymous:
        report.is_anonymous = True
        raised.append("anonymous")
    if ctx.params.get("confidential") and not report.is_confidential:
        report.is_confidential = True
        raised.append("confidential")
    if required and not raised:
        raise InvalidTransition(_("Tidak ada perlindungan privasi yang dinaikkan."))
    if raised:
        ctx.data["raised"] = raised


def _raise_privacy(ctx: _Ctx) -> None:
    _raise_flags(ctx)
    ctx.agency = ctx.report.coordinator


def _escalate(ctx: _Ctx) -> None:
    report = ctx.report
    now = ctx.now
    missed = sla.overdue_clocks(report, now)
    if not missed:
        raise NothingToDo()
    newly = []
    for clock in missed:
        attr = f"breached_{clock}_at"
        if getattr(report, attr) is None:
            setattr(report, attr, now)
            newly.append(clock)
    due_again = report.next_escalation_at is not None and report.next_escalation_at <= now
    if not newly and not due_again:
        raise NothingToDo()
    owner = sla.clock_owner(report)
    level = min(report.escalation_level + 1, 3)
    if owner is None:
        level = 3
    if level == report.escalation_level and not newly:
        raise NothingToDo()
    target = sla.escalation_target(report, level)
    if level == 2 and target is None:
        level = 3
    report.escalation_level = level
    step = limits_for(owner)["escalation_step_days"]
    report.next_escalation_at = sla.calendar(owner, now).add_working_days(now, step) if level < 3 else None
    ctx.agency = owner
    ctx.data.update({"missed": missed, "new_breaches": newly, "level": level, "target_agency_id": target.pk if target else None})


def _intervene(ctx: _Ctx) -> None:
    """The coordinator escalates by hand, one level up the same ladder the breach scan uses."""
    report = ctx.report
    if report.escalation_level >= 3:
        raise ValidationFailed(_("Laporan ini sudah dieskalasi ke tingkat nasional."))
    level = report.escalation_level + 1
    target = sla.escalation_target(report, level)
    if level == 2 and target is None:
        level = 3
    report.escalation_level = level
    owner = sla.clock_owner(report)
    if owner is not None and level < 3:
        step = limits_for(owner)["escalation_step_days"]
        report.next_escalation_at = sla.calendar(owner, ctx.now).add_working_days(ctx.now, step)
    else:
        report.next_escalation_at = None
    ctx.agency = report.coordinator
    ctx.data.update({"level": level, "target_agency_id": target.pk if target else None, "manual": True})


def _refer_ombudsman(ctx: _Ctx) -> None:
    report = ctx.report
    if report.ombudsman_referred_at is not None or report.ombudsman_due_at is None or report.ombudsman_due_at > ctx.now:
        raise NothingToDo()
    category = ctx.params.get("maladministration") or Maladministration.UNDUE_DELAY
    if category not in Maladministration.values:
        raise ValidationFailed(field_errors={"maladministration": [_("Kategori maladministrasi tidak dikenal.")]})
    report.ombudsman_referred_at = ctx.now
    report.maladministration = category
    ctx.data["maladministration"] = category


EFFECTS = {
    Action.VERIFY_DISPOSE: _verify_dispose,
    Action.AUTO_DISPOSE: _auto_dispose,
    Action.POSTPONE: _postpone,
    Action.ARCHIVE: _archive,
    Action.START_FOLLOW_UP: _agency_side,
    Action.RESPOND: _agency_side,
    Action.REQUEST_CLARIFICATION: _agency_side,
    Action.PROVIDE_CLARIFICATION: lambda ctx: None,
    Action.NOT_AUTHORITY: _not_authority,
    Action.REPORTER_REPLY: lambda ctx: None,
    Action.ADMIN_REPLY: _coordinator_side,
    Action.ADD_INFORMATION: lambda ctx: None,
    Action.CONFIRM: _confirm,
    Action.DISPUTE: lambda ctx: None,
    Action.RATE: _rate,
    Action.CLOSE: _close,
    Action.AUTO_CLOSE: _auto_close,
    Action.RAISE_PRIVACY: _raise_privacy,
    Action.ESCALATE: _escalate,
    Action.INTERVENE: _intervene,
    Action.REFER_OMBUDSMAN: _refer_ombudsman,
}
assert set(EFFECTS) == set(TRANSITIONS), "every action in the table needs an effect"


def _apply_clock(ctx: _Ctx) -> None:
    report, now, clock = ctx.report, ctx.now, ctx.transition.clock
    if clock == Clock.FIRST_RESPONSE:
        sla.on_first_response(report, now)
    elif clock == Clock.FOLLOW_UP:
        ctx.data["clock_used"] = sla.on_follow_up(report, now)
    elif clock == Clock.PAUSE:
        sla.on_pause(report, now)
    elif clock == Clock.RESUME:
        ctx.data["clock_used"] = sla.on_resume(report, now)
    elif clock == Clock.REOPEN:
        sla.on_reopen(report)
    elif clock == Clock.STOP:
        sla.on_stop(report, now)
    # Clock.DISPOSE is applied inside _verify_dispose, which knows the agency.


def report_transition(
    *,
    report: Report | int,
    action: Action | str,
    actor,
    expected_status: Status | str,
    note: str = "",
    now: datetime | None = None,
    **params,
) -> Report:
    try:
        action = Action(action)
    except ValueError:
        raise InvalidTransition(_("Tindakan tidak dikenal.")) from None
    transition = TRANSITIONS[action]
    now = now or timezone.now()
    note = (note or "").strip()
    report_id = report.pk if isinstance(report, Report) else report
    with transaction.atomic():
        # of=self: PostgreSQL cannot lock the nullable side of the outer joins.
        locked = Report.objects.select_for_update(of=("self",)).select_related("agency", "coordinator", "category").filter(pk=report_id).first()
        if locked is None:
            raise NotFound()
        _check_visible(locked, transition, actor)
        if locked.status != expected_status:
            raise StaleState()
        if locked.status not in transition.sources:
            raise InvalidTransition()
        _check_actor(locked, transition, actor)
        if transition.note_required and not note:
            raise ValidationFailed(field_errors={"note": [_("Keterangan wajib diisi.")]})
        if len(note) > 10000:
            raise ValidationFailed(field_errors={"note": [_("Keterangan paling panjang 10000 karakter.")]})
        # An official may add an internal note to any action (e.g. the follow-up's working
        # notes); it becomes its own non-public event, never shown to the reporter or public.
        internal_note = (params.pop("internal_note", "") or "").strip()
        if internal_note and transition.actor != ActorKind.OFFICIAL:
            raise ValidationFailed(field_errors={"internal_note": [_("Catatan internal hanya untuk petugas.")]})
        if len(internal_note) > 10000:
            raise ValidationFailed(field_errors={"internal_note": [_("Catatan internal paling panjang 10000 karakter.")]})
        ctx = _Ctx(report=locked, transition=transition, actor=actor, now=now, note=note, params=params)
        EFFECTS[action](ctx)
        _apply_clock(ctx)
        from_status = locked.status
        with status_write_allowed():
            if transition.target is not None:
                locked.status = transition.target
            locked.save()
        user = _actor_user(actor)
        event = Event.objects.create(
            report=locked, at=now, action=action.value, actor=user, actor_kind=_actor_kind(actor, locked),
            agency=ctx.agency, from_status=from_status, to_status=locked.status, note=note,
            is_public=transition.public and not (action == Action.ESCALATE), data=ctx.data,
        )
        audit_log(actor=user, action=f"report_{action.value}", obj=locked,
                  data={"event": event.pk, "from": from_status, "to": locked.status})
        if internal_note:
            Event.objects.create(
                report=locked, at=now, action="internal_note", actor=user, actor_kind="official", agency=ctx.agency,
                from_status=locked.status, to_status=locked.status, note=internal_note, is_public=False,
                data={"for_event": event.pk},
            )
        notify_event(locked, event)
    if isinstance(report, Report):
        report.refresh_from_db()
    return locked


def report_support(*, report: Report, user) -> Report:
    """A citizen supports a public report ("dukungan"); once per account."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Masuk terlebih dahulu untuk mendukung laporan."))
    with transaction.atomic():
        _, created = Support.objects.get_or_create(report=report, user=user)
        if created:
            Report.objects.filter(pk=report.pk).update(support_count=F("support_count") + 1, updated_at=timezone.now())
    report.refresh_from_db(fields=["support_count"])
    return report
