"""Write services for the category taxonomy. National ``agency_manage`` only: categories
are shared by every agency and by routing. Atomic and audited; Indonesian field errors."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_slug
from django.db import transaction

from aduan.accounts.policies import user_has_perm
from aduan.audit.services import audit_log
from aduan.core.errors import PermissionDenied, ValidationFailed

from .models import Category, ResolutionTier

NAME_MAX = Category._meta.get_field("name").max_length
SLUG_MAX = Category._meta.get_field("slug").max_length


def _clean(*, name: Any, slug: Any, default_tier: Any, parent: Category | None, exclude_pk: int | None) -> dict:
    errors: dict[str, list[str]] = {}
    name = " ".join(str(name or "").split())
    if not name:
        errors["name"] = ["Nama kategori wajib diisi."]
    elif len(name) > NAME_MAX:
        errors["name"] = [f"Paling banyak {NAME_MAX} karakter."]
    slug = str(slug or "").strip()
    try:
        validate_slug(slug)
        if len(slug) > SLUG_MAX:
            errors["slug"] = [f"Slug paling banyak {SLUG_MAX} karakter."]
        elif Category.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
            errors["slug"] = ["Slug ini sudah dipakai kategori lain."]
    except DjangoValidationError:
        errors["slug"] = ["Slug wajib diisi dengan huruf, angka, tanda hubung atau garis bawah."]
    if default_tier not in ResolutionTier.values:
        errors["default_tier"] = ["Jenjang penyelesaian tidak dikenal."]
    if parent is not None and exclude_pk is not None:
        node = parent
        while node is not None:
            if node.pk == exclude_pk:
                errors["parent"] = ["Kategori tidak dapat berada di bawah dirinya sendiri."]
                break
            node = node.parent
    if errors:
        raise ValidationFailed(field_errors=errors)
    return {"name": name, "slug": slug, "default_tier": default_tier, "parent": parent}


def category_create(*, actor, name: str, slug: str, default_tier: str = ResolutionTier.NORMATIVE,
                    parent: Category | None = None, description: str = "") -> Category:
    if not user_has_perm(actor, "agency_manage", None):
        raise PermissionDenied()
    fields = _clean(name=name, slug=slug, default_tier=default_tier, parent=parent, exclude_pk=None)
    with transaction.atomic():
        category = Category.objects.create(description=str(description or "").strip(), **fields)
        audit_log(actor=actor, action="category_create", obj=category,
                  data={"slug": category.slug, "name": category.name})
    return category


def category_update(*, actor, category: Category, name: str, slug: str, default_tier: str,
                    parent: Category | None = None, description: str = "", is_active: bool = True) -> Category:
    if not user_has_perm(actor, "agency_manage", None):
        raise PermissionDenied()
    fields = _clean(name=name, slug=slug, default_tier=default_tier, parent=parent, exclude_pk=category.pk)
    with transaction.atomic():
        current = Category.objects.select_for_update().get(pk=category.pk)
        fields.update(description=str(description or "").strip(), is_active=bool(is_active))
        changes = {k: [str(getattr(current, k)), str(v)] for k, v in fields.items() if getattr(current, k) != v}
        for k, v in fields.items():
            setattr(current, k, v)
        if changes:
            current.save()
            audit_log(actor=actor, action="category_update", obj=current, data={"changes": changes})
    return current
