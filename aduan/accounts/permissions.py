"""Permission codes and roles (bundles of codes).

A permission is granted per agency through a Membership; a membership without an agency is
national. A grant covers the agency's descendants when ``include_descendants`` is set.
Roles follow SP4N-LAPOR! practice (DOMAIN-RULES §2.5): admin nasional, admin koordinator
(verifier), admin instansi, admin penghubung / pejabat penghubung (liaison officer),
atasan (supervisor), and the read-only auditor (Ombudsman / inspectorate).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

PERMISSIONS: dict[str, str] = {
    "report_view": "See reports in scope, with their full text",
    "report_view_reporter": "See the identity of a non-anonymous reporter",
    "report_view_anonymous_reporter": "See the identity of an anonymous reporter (verifying admin only)",
    "report_verify": "Verify and dispose a report to an agency",
    "report_postpone": "Postpone (Tunda) a report awaiting verification",
    "report_archive": "Archive a report with a reason",
    "report_raise_privacy": "Raise the anonymous or confidential flag",
    "report_admin_reply": "Reply as administrator (keeps the report open)",
    "report_close": "Close a report that has a follow-up",
    "report_follow_up": "Start follow-up on a report disposed to the agency",
    "report_respond": "Give the agency's response (tindak lanjut)",
    "report_request_clarification": "Ask the reporter for clarification (pauses the clock)",
    "report_not_authority": "Declare a report not the agency's authority (Bukan Wewenang)",
    "report_receive_escalation": "Receive escalations of missed deadlines",
    "report_escalate": "Intervene: escalate an agency's report to its superior before the ladder does",
    "agency_manage": "Edit the agency directory, coverage, categories and service targets",
    "membership_manage": "Grant and revoke roles",
    "audit_view": "Read the audit trail",
    "intake_operate": "Enter reports for callers and paper forms; work the intake operator queue",
    "notification_templates_manage": "Edit the message templates sent to citizens and officials",
}


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", _("Admin nasional")
    VERIFIER = "verifier", _("Admin koordinator (verifikator)")
    AGENCY_ADMIN = "agency_admin", _("Admin instansi")
    LIAISON_OFFICER = "liaison_officer", _("Pejabat penghubung")
    SUPERVISOR = "supervisor", _("Atasan / pengawas internal")
    AUDITOR = "auditor", _("Auditor (hanya baca)")


_AGENCY_WORK = {
    "report_view",
    "report_view_reporter",
    "report_follow_up",
    "report_respond",
    "report_request_clarification",
    "report_not_authority",
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.NATIONAL_ADMIN: frozenset(PERMISSIONS),
    Role.VERIFIER: frozenset({
        "report_view",
        "report_view_reporter",
        "report_view_anonymous_reporter",
        "report_verify",
        "report_postpone",
        "report_archive",
        "report_raise_privacy",
        "report_admin_reply",
        "report_close",
        "report_escalate",
        "report_receive_escalation",
        "intake_operate",
    }),
    Role.AGENCY_ADMIN: frozenset(_AGENCY_WORK | {"agency_manage", "membership_manage"}),
    Role.LIAISON_OFFICER: frozenset(_AGENCY_WORK),
    Role.SUPERVISOR: frozenset({"report_view", "report_view_reporter", "report_receive_escalation"}),
    Role.AUDITOR: frozenset({"report_view", "audit_view"}),
}

assert all(code in PERMISSIONS for codes in ROLE_PERMISSIONS.values() for code in codes)
