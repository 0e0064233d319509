"""Account services: creating officials and granting roles."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency
from aduan.audit.services import audit_log
from aduan.core.errors import PermissionDenied, ValidationFailed

from .models import Membership, User
from .permissions import Role
from .policies import user_has_perm

NATIONAL_ONLY = {Role.NATIONAL_ADMIN, Role.VERIFIER, Role.AUDITOR}


def membership_grant(*, actor, user: User, role: str, agency: Agency | None, include_descendants: bool = True,
                     bootstrap: bool = False) -> Membership:
    """Grant ``role`` on ``agency`` (None = national). ``bootstrap`` is for the command line
    on a fresh installation, where no administrator exists yet to act."""
    if role not in Role.values:
        raise ValidationFailed(field_errors={"role": [_("Peran tidak dikenal.")]})
    if agency is None and role not in NATIONAL_ONLY:
        raise ValidationFailed(field_errors={"agency": [_("Peran ini harus terkait dengan instansi.")]})
    if not bootstrap:
        if role == Role.NATIONAL_ADMIN or agency is None:
            allowed = user_has_perm(actor, "membership_manage", None)
        else:
            allowed = user_has_perm(actor, "membership_manage", agency)
        if not allowed:
            raise PermissionDenied()
    with transaction.atomic():
        membership, _created = Membership.objects.update_or_create(
            user=user, agency=agency, role=role, defaults={"include_descendants": include_descendants, "is_active": True},
        )
        if not user.is_staff:
            # Officials sign in to the back office; their powers still come only from memberships.
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        audit_log(actor=actor, action="membership_grant", obj=membership,
                  data={"user": user.pk, "role": role, "agency": agency.pk if agency else None})
    return membership
