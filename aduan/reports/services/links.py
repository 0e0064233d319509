""""Related" links between reports (issue #6): an official who can see both reports links
them so that whoever handles one sees the other — the same street flooding reported to the
drainage office and to the roads office, as two problems. "Duplicate of" is different: it
archives the duplicate (``report_transition``, archive with reason duplicate) and its
reporter follows the canonical report.

Links are internal: an event on each report (never public) and an audit row; removing a
link is recorded the same way.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.policies import user_has_perm_anywhere
from aduan.audit.services import audit_log
from aduan.core.errors import NotFound, PermissionDenied, ValidationFailed

from ..models import Event, Report, ReportLink
from ..selectors import reports_visible_to
from ..workflow import Status

LINKING_PERMS = ("report_verify", "report_follow_up")


def may_link(user) -> bool:
    return getattr(user, "is_authenticated", False) and any(user_has_perm_anywhere(user, p) for p in LINKING_PERMS)


def _event(report: Report, action: str, actor, other: Report, now: datetime, note: str = "") -> None:
    Event.objects.create(report=report, at=now, action=action, actor=actor, actor_kind="official",
                         is_public=False, note=f"{other.reference} — {note}" if note else other.reference,
                         data={"other": other.reference})


def report_link_related(*, report: Report | int, other_reference: str, actor, note: str = "",
                        now: datetime | None = None) -> ReportLink:
    """Link ``report`` and the report numbered ``other_reference`` as related."""
    now = now or timezone.now()
    if not may_link(actor):
        raise PermissionDenied()
    visible = reports_visible_to(actor)
    report_id = report.pk if isinstance(report, Report) else report
    this = visible.filter(pk=report_id).first()
    if this is None:
        raise NotFound()
    reference = (other_reference or "").strip().upper()
    other = visible.filter(reference=reference).first() if reference else None
    if other is None:
        # The same answer for a missing report and one the official may not see.
        raise ValidationFailed(field_errors={"other": [_("Laporan %(ref)s tidak ditemukan.") % {"ref": reference[:32] or "—"}]})
    if other.pk == this.pk:
        raise ValidationFailed(field_errors={"other": [_("Laporan tidak dapat ditautkan dengan dirinya sendiri.")]})
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationFailed(field_errors={"note": [_("Catatan paling panjang 300 karakter.")]})
    low, high = sorted((this, other), key=lambda r: r.pk)
    try:
        with transaction.atomic():
            link = ReportLink.objects.create(report=low, other=high, kind=ReportLink.Kind.RELATED, note=note,
                                             created_by=actor, created_at=now)
            _event(this, "link_related", actor, other, now, note)
            _event(other, "link_related", actor, this, now, note)
            audit_log(actor=actor, action="report_link_related", obj=link,
                      data={"report": this.reference, "other": other.reference})
    except IntegrityError:
        raise ValidationFailed(field_errors={"other": [_("Laporan %(ref)s sudah ditautkan.") % {"ref": other.reference}]}) from None
    return link


def report_unlink_related(*, report: Report | int, link_id: int, actor, now: datetime | None = None) -> None:
    now = now or timezone.now()
    if not may_link(actor):
        raise PermissionDenied()
    report_id = report.pk if isinstance(report, Report) else report
    visible = reports_visible_to(actor)
    with transaction.atomic():
        link = (ReportLink.objects.select_for_update().select_related("report", "other")
                .filter(pk=link_id).filter(report_id=report_id).first()
                or ReportLink.objects.select_for_update().select_related("report", "other")
                .filter(pk=link_id, other_id=report_id).first())
        if link is None or not visible.filter(pk__in=[link.report_id, link.other_id]).count() == 2:
            raise NotFound()
        _event(link.report, "unlink_related", actor, link.other, now)
        _event(link.other, "unlink_related", actor, link.report, now)
        audit_log(actor=actor, action="report_unlink_related", object_type="reports.reportlink", object_id=str(link.pk),
                  data={"report": link.report.reference, "other": link.other.reference})
        link.delete()


def report_links_for_staff(*, user, report: Report) -> dict:
    """The related reports of ``report`` that ``user`` may see, and whether they may link."""
    links = list((ReportLink.objects.filter(report=report) | ReportLink.objects.filter(other=report))
                 .select_related("report__agency", "other__agency", "created_by"))
    others = {link.pk: (link.other if link.report_id == report.pk else link.report) for link in links}
    visible = set(reports_visible_to(user).filter(pk__in=[o.pk for o in others.values()]).values_list("pk", flat=True))
    rows = []
    for link in links:
        other = others[link.pk]
        if other.pk not in visible:
            continue
        rows.append({"link_id": link.pk, "id": other.pk, "reference": other.reference, "title": other.title,
                     "agency": other.agency.name if other.agency_id else "",
                     "status_label": Status(other.status).label, "note": link.note, "created_at": link.created_at,
                     "by": str(link.created_by) if link.created_by else ""})
    return {"links": rows, "can_link": may_link(user)}
