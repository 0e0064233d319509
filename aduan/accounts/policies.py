"""The one permission check: ``user_has_perm(user, code, agency)``.

A national membership (agency empty) grants its codes everywhere. An agency membership
grants them on that agency and, when ``include_descendants`` is set, on its units.
Memberships are read once per request/user object and cached on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from aduan.agencies.models import Agency

from .permissions import ROLE_PERMISSIONS


@dataclass(frozen=True)
class Grant:
    role: str
    agency_id: int | None
    agency_path: str | None
    include_descendants: bool

    @property
    def codes(self) -> frozenset[str]:
        return ROLE_PERMISSIONS[self.role]

    def covers(self, agency: Agency | None) -> bool:
        if self.agency_id is None:
            return True
        if agency is None:
            return False
        if agency.pk == self.agency_id:
            return True
        return self.include_descendants and agency.path.startswith(self.agency_path or "\0")


def grants_of(user) -> list[Grant]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_aduan_grants", None)
    if cached is None:
        cached = [
            Grant(m.role, m.agency_id, m.agency.path if m.agency_id else None, m.include_descendants)
            for m in user.memberships.filter(is_active=True).select_related("agency")
        ]
        user._aduan_grants = cached
    return cached


def user_has_perm(user, code: str, agency: Agency | None = None) -> bool:
    """Does ``user`` hold ``code`` on ``agency``? ``agency=None`` asks for national scope."""
    return any(code in g.codes and g.covers(agency) for g in grants_of(user))


def user_has_perm_anywhere(user, code: str) -> bool:
    return any(code in g.codes for g in grants_of(user))


def user_has_national_perm(user, code: str) -> bool:
    return any(code in g.codes and g.agency_id is None for g in grants_of(user))


def grant_scopes(user, code: str) -> tuple[bool, list[str]]:
    """(national, [agency paths]) where ``user`` holds ``code``; paths cover subtrees when
    the grant includes descendants, exact agencies otherwise (marked by a trailing '=')."""
    national = False
    scopes: list[str] = []
    for g in grants_of(user):
        if code not in g.codes:
            continue
        if g.agency_id is None:
            national = True
        else:
            scopes.append(g.agency_path if g.include_descendants else f"={g.agency_id}")
    return national, scopes
