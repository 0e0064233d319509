"""Who should hear about an agency's work: the officials holding a permission on it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from aduan.agencies.models import Agency

from .models import Membership, User
from .permissions import ROLE_PERMISSIONS


def _ancestor_paths(agency: Agency) -> list[str]:
    ids = [p for p in agency.path.strip("/").split("/") if p]
    return ["/" + "/".join(ids[: i + 1]) + "/" for i in range(len(ids))]


def officials_with_perm(agency: Agency | None, code: str) -> QuerySet[User]:
    """Active users holding ``code`` on ``agency`` itself or through an ancestor's grant
    that includes descendants; ``agency=None`` means national-scope holders only."""
    roles = [role for role, codes in ROLE_PERMISSIONS.items() if code in codes]
    memberships = Membership.objects.filter(is_active=True, role__in=roles)
    if agency is None:
        memberships = memberships.filter(agency__isnull=True)
    else:
        memberships = memberships.filter(
            Q(agency=agency) | Q(include_descendants=True, agency__path__in=_ancestor_paths(agency))
        )
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id")).order_by("pk")
