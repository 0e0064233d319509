"""Who may do what to a report. Status rules live in workflow.py; this module answers the
actor question only, through the one permission check ``user_has_perm``.

- Official actions need the transition's permission on its scope: the coordinator for
  verification-side actions (empty coordinator = national scope), the agency currently
  holding the report for agency actions. A regional verifier therefore cannot dispose a
  report waiting at the national desk, and agency A's liaison cannot act on agency B's.
- Reporter actions belong to the reporter: the account that submitted, or whoever holds
  the reference and its tracking token.
- System actions (automatic close, escalation, Ombudsman referral) belong to the jobs.
- Reporter identity: an anonymous report's reporter is visible only to the verifying
  administrators (DOMAIN-RULES §2.2, §7.2); otherwise to officials who may see the report.
"""

from __future__ import annotations

from aduan.accounts.policies import user_has_perm

from .actors import ReporterToken, SystemActor
from .models import Report
from .workflow import TRANSITIONS, Action, ActorKind, Scope, Transition


def is_reporter(actor, report: Report) -> bool:
    if isinstance(actor, ReporterToken):
        return actor.report_id == report.pk
    if getattr(actor, "is_authenticated", False) and report.reporter_id is not None:
        return actor.pk == report.reporter_id
    return False


def scope_agency(report: Report, scope: Scope):
    if scope == Scope.COORDINATOR:
        return report.coordinator
    if scope == Scope.AGENCY:
        return report.agency
    return None


def actor_may(actor, report: Report, transition: Transition) -> bool:
    if transition.actor == ActorKind.SYSTEM:
        return isinstance(actor, SystemActor)
    if transition.actor == ActorKind.REPORTER:
        return is_reporter(actor, report)
    if not getattr(actor, "is_authenticated", False):
        return False
    if transition.scope == Scope.AGENCY and report.agency_id is None:
        return False
    return user_has_perm(actor, transition.permission, scope_agency(report, transition.scope))


def available_actions(report: Report, actor) -> list[Action]:
    """Exactly the actions the interface may offer ``actor`` now."""
    return [
        t.action for t in TRANSITIONS.values()
        if report.status in t.sources and t.actor != ActorKind.SYSTEM and actor_may(actor, report, t)
    ]


def can_view_reporter_identity(user, report: Report) -> bool:
    if report.is_anonymous:
        return user_has_perm(user, "report_view_anonymous_reporter", report.coordinator)
    agencies = [report.agency, report.coordinator]
    return any(user_has_perm(user, "report_view_reporter", a) for a in agencies)
