"""Directory-management services for officials: revoke a role, list memberships in scope.

Granting stays in ``services.membership_grant``. Revoking follows the same rule: national
roles (no agency, or ``national_admin``) need the national ``membership_manage``; an
agency role needs ``membership_manage`` on that agency, so an agency admin acts only
within its own subtree. A revoked membership is kept inactive (history), not deleted.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q

from aduan.audit.services import audit_log
from aduan.core.errors import PermissionDenied, ValidationFailed

from .models import Membership
from .permissions import Role
from .policies import grant_scopes, user_has_perm
from .services import membership_grant


def _may_manage(actor, membership: Membership) -> bool:
    if membership.role == Role.NATIONAL_ADMIN or membership.agency_id is None:
        return user_has_perm(actor, "membership_manage", None)
    return user_has_perm(actor, "membership_manage", membership.agency)


def membership_revoke(*, actor, membership: Membership) -> Membership:
    with transaction.atomic():
        current = Membership.objects.select_for_update(of=("self",)).select_related("agency").filter(pk=membership.pk).first()
        if current is None:
            raise ValidationFailed(field_errors={"membership": ["Peran tidak ditemukan."]})
        if not _may_manage(actor, current):
            raise PermissionDenied()
        if current.user_id == getattr(actor, "pk", None) and current.role == Role.NATIONAL_ADMIN:
            raise ValidationFailed(field_errors={"membership": ["Anda tidak dapat mencabut peran admin nasional Anda sendiri."]})
        if current.is_active:
            current.is_active = False
            current.save(update_fields=["is_active"])
            audit_log(actor=actor, action="membership_revoke", obj=current, data={
                "user": current.user_id, "role": current.role, "agency": current.agency_id})
    return current


def memberships_manageable_by(user):
    """Active memberships ``user`` may revoke: all for a national grant, else those on
    agencies in the granted subtrees."""
    national, scopes = grant_scopes(user, "membership_manage")
    qs = Membership.objects.filter(is_active=True).select_related("user", "agency").order_by("user__username", "role")
    if national:
        return qs
    q = Q(pk__in=[])
    for scope in scopes:
        q |= Q(agency_id=int(scope[1:])) if scope.startswith("=") else Q(agency__path__startswith=scope)
    return qs.filter(q).exclude(role=Role.NATIONAL_ADMIN)


def official_invite(*, actor, username: str, email: str, full_name: str, role: str, agency, include_descendants: bool = True):
    """Create an official's account (unusable password: they set one through the password
    reset link) and grant ``role`` through ``membership_grant``, all or nothing."""
    User = get_user_model()
    errors: dict[str, list[str]] = {}
    username = str(username or "").strip()
    if not username:
        errors["username"] = ["Nama pengguna wajib diisi."]
    elif len(username) > 150 or User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["Nama pengguna ini sudah dipakai atau terlalu panjang."]
    email = str(email or "").strip()
    try:
        validate_email(email)
    except DjangoValidationError:
        errors["email"] = ["Alamat surel tidak valid."]
    full_name = " ".join(str(full_name or "").split())
    if not full_name:
        errors["full_name"] = ["Nama lengkap wajib diisi."]
    if errors:
        raise ValidationFailed(field_errors=errors)
    with transaction.atomic():
        user = User(username=username, email=email, full_name=full_name[:150])
        user.set_unusable_password()
        user.save()
        membership_grant(actor=actor, user=user, role=role, agency=agency, include_descendants=include_descendants)
        audit_log(actor=actor, action="official_invite", obj=user, data={"role": role, "agency": getattr(agency, "pk", None)})
    return user
