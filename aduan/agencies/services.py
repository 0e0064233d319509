"""Write services for the agency directory (rule of the house 7: officials edit it as data).

Every service is keyword-only, atomic and audited. Permission: ``agency_manage`` on the
agency being changed — for a new agency or a move, on the parent it goes under; the
national scope when there is no parent. An agency admin whose membership covers
descendants therefore manages their own subtree and nothing else.

``directory_load_demo`` seeds the real-sourced demo directory of ``demo_directory.py``
(idempotent by slug); it is a system action, run from the ``agencies_load_demo`` command.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_slug
from django.db import transaction
from tqdm import tqdm

from aduan.accounts.policies import user_has_perm
from aduan.audit.services import audit_log
from aduan.core.errors import PermissionDenied, ValidationFailed
from aduan.regions.models import Region

from . import demo_directory
from .models import Agency, AgencyCategory, AgencyCoverage, Category, ResolutionTier

NAME_MAX = Agency._meta.get_field("name").max_length
SHORT_NAME_MAX = Agency._meta.get_field("short_name").max_length
SLUG_MAX = Agency._meta.get_field("slug").max_length
# Longest resolution a tier allows (60 working days, DOMAIN-RULES §1.2); past it the report goes to the Ombudsman.
RESOLUTION_DAYS_MAX = 60

UPDATABLE_FIELDS = frozenset({
    "name", "short_name", "slug", "kind", "parent", "seat_region", "aliases",
    "is_active", "accepts_reports", "first_response_days",
})


# --- helpers --------------------------------------------------------------------------------

def _require_manage(actor, agency: Agency | None) -> None:
    if not user_has_perm(actor, "agency_manage", agency):
        raise PermissionDenied()


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(field_errors={field: [message]})


def _clean_name(value: Any, *, field: str = "name", required: bool = True, max_length: int = NAME_MAX) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise _invalid(field, "Nama instansi wajib diisi.")
    if len(text) > max_length:
        raise _invalid(field, f"Paling banyak {max_length} karakter.")
    return text


def _clean_slug(value: Any, *, exclude_pk: int | None = None) -> str:
    slug = str(value or "").strip()
    if not slug:
        raise _invalid("slug", "Slug wajib diisi.")
    try:
        validate_slug(slug)
    except DjangoValidationError:
        raise _invalid("slug", "Slug hanya boleh berisi huruf, angka, tanda hubung dan garis bawah.") from None
    if len(slug) > SLUG_MAX:
        raise _invalid("slug", f"Slug paling banyak {SLUG_MAX} karakter.")
    if Agency.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        raise _invalid("slug", "Slug ini sudah dipakai instansi lain.")
    return slug


def _clean_kind(value: Any) -> str:
    if value not in Agency.Kind.values:
        raise _invalid("kind", "Jenis instansi tidak dikenal.")
    return value


def _clean_aliases(value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise _invalid("aliases", "Nama lain harus berupa daftar nama.")
    aliases: list[str] = []
    for item in value:
        alias = _clean_name(item, field="aliases", required=False)
        if alias and alias not in aliases:
            aliases.append(alias)
    return aliases


def _region(value: Region | str | None, *, field: str) -> Region | None:
    if value is None or value == "":
        return None
    code = value.code if isinstance(value, Region) else str(value).strip()
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise _invalid(field, f"Kode wilayah {code} tidak dikenal.")
    return region


def _fresh(agency: Agency | None, *, field: str = "parent") -> Agency | None:
    """The agency as stored now: its path decides permissions and its children's paths,
    so a stale copy held by the caller is never trusted."""
    if agency is None:
        return None
    fresh = Agency.objects.filter(pk=agency.pk).first()
    if fresh is None:
        raise _invalid(field, "Instansi tidak ditemukan.")
    return fresh


def _check_kind_parent(kind: str, parent: Agency | None) -> None:
    if kind == Agency.Kind.UNIT and parent is None:
        raise _invalid("parent", "Unit kerja harus berada di bawah instansi induk.")


# --- services -------------------------------------------------------------------------------

def agency_create(
    *,
    actor,
    name: str,
    slug: str,
    kind: str,
    parent: Agency | None = None,
    seat_region: Region | str | None = None,
    short_name: str = "",
    aliases: Iterable[str] = (),
) -> Agency:
    """Add an agency under ``parent`` (national scope needed for a top-level agency)."""
    parent = _fresh(parent)
    _require_manage(actor, parent)
    name = _clean_name(name)
    short_name = _clean_name(short_name, field="short_name", required=False, max_length=SHORT_NAME_MAX)
    kind = _clean_kind(kind)
    _check_kind_parent(kind, parent)
    aliases = _clean_aliases(aliases)
    region = _region(seat_region, field="seat_region")
    with transaction.atomic():
        slug = _clean_slug(slug)
        agency = Agency.objects.create(
            name=name, short_name=short_name, slug=slug, kind=kind, parent=parent, seat_region=region, aliases=aliases,
        )
        audit_log(actor=actor, action="agency_create", obj=agency, data={
            "name": name, "slug": slug, "kind": kind, "parent": parent.pk if parent else None,
            "seat_region": region.code if region else None,
        })
    return agency


def agency_update(*, actor, agency: Agency, **fields) -> Agency:
    """Change an agency's fields; moving it (``parent``) also needs ``agency_manage`` on the
    new parent, and it can never go under itself or one of its own units."""
    with transaction.atomic():
        current = Agency.objects.select_for_update().filter(pk=agency.pk).first()
        if current is None:
            raise _invalid("agency", "Instansi tidak ditemukan.")
        _require_manage(actor, current)  # the stored path decides, not a possibly stale copy
        unknown = sorted(set(fields) - UPDATABLE_FIELDS)
        if unknown:
            raise ValidationFailed(field_errors={f: ["Kolom ini tidak dapat diubah."] for f in unknown})
        changes: dict[str, list] = {}

        def change(field: str, new) -> None:
            old = getattr(current, field)
            if old != new:
                changes[field] = [old, new]
                setattr(current, field, new)

        if "name" in fields:
            change("name", _clean_name(fields["name"]))
        if "short_name" in fields:
            change("short_name", _clean_name(fields["short_name"], field="short_name", required=False,
                                             max_length=SHORT_NAME_MAX))
        if "slug" in fields:
            change("slug", _clean_slug(fields["slug"], exclude_pk=current.pk))
        if "kind" in fields:
            change("kind", _clean_kind(fields["kind"]))
        if "aliases" in fields:
            change("aliases", _clean_aliases(fields["aliases"]))
        for flag in ("is_active", "accepts_reports"):
            if flag in fields:
                if not isinstance(fields[flag], bool):
                    raise _invalid(flag, "Isian harus ya atau tidak.")
                change(flag, fields[flag])
        if "first_response_days" in fields:
            days = fields["first_response_days"]
            if days is not None and (not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= RESOLUTION_DAYS_MAX):
                raise _invalid("first_response_days", f"Isi dengan 1 sampai {RESOLUTION_DAYS_MAX} hari kerja, atau kosongkan.")
            change("first_response_days", days)
        if "seat_region" in fields:
            region = _region(fields["seat_region"], field="seat_region")
            if current.seat_region_id != (region.code if region else None):
                changes["seat_region"] = [current.seat_region_id, region.code if region else None]
                current.seat_region = region
        if "parent" in fields:
            new_parent = _fresh(fields["parent"])
            if (new_parent.pk if new_parent else None) != current.parent_id:
                if new_parent is not None and new_parent.path.startswith(current.path):
                    raise _invalid("parent", "Instansi tidak dapat dipindahkan ke bawah dirinya sendiri atau unitnya.")
                _require_manage(actor, new_parent)
                changes["parent"] = [current.parent_id, new_parent.pk if new_parent else None]
                current.parent = new_parent
        _check_kind_parent(current.kind, current.parent)

        if changes:
            current.save()  # recomputes the materialised path of the whole subtree on a move
            audit_log(actor=actor, action="agency_update", obj=current, data={"changes": changes})
    return current


def agency_coverage_set(*, actor, agency: Agency, region_codes: Iterable[str]) -> list[str]:
    """Replace the regions ``agency`` has authority over. Unknown codes change nothing."""
    agency = _fresh(agency, field="agency")
    _require_manage(actor, agency)
    if isinstance(region_codes, str):
        raise _invalid("region_codes", "Kode wilayah harus berupa daftar.")
    codes = sorted({str(c).strip() for c in region_codes if str(c).strip()})
    known = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise _invalid("region_codes", f"Kode wilayah tidak dikenal: {', '.join(unknown)}.")
    with transaction.atomic():
        before = set(AgencyCoverage.objects.filter(agency=agency).values_list("region_id", flat=True))
        removed, added = sorted(before - known), sorted(known - before)
        AgencyCoverage.objects.filter(agency=agency, region_id__in=removed).delete()
        AgencyCoverage.objects.bulk_create([AgencyCoverage(agency=agency, region_id=c) for c in added])
        if removed or added:
            audit_log(actor=actor, action="agency_coverage_set", obj=agency,
                      data={"added": added, "removed": removed, "coverage": codes})
    return codes


def agency_category_set(
    *,
    actor,
    agency: Agency,
    category: Category | str,
    region: Region | str | None = None,
    tier: str = "",
    resolution_days: int | None = None,
) -> AgencyCategory:
    """Say that ``agency`` handles ``category`` (in ``region``, or all its coverage), with the
    tier or explicit number of working days it applies."""
    agency = _fresh(agency, field="agency")
    _require_manage(actor, agency)
    if isinstance(category, Category):
        category_obj = category
    else:
        category_obj = Category.objects.filter(slug=str(category)).first()
        if category_obj is None:
            raise _invalid("category", "Kategori tidak dikenal.")
    region_obj = _region(region, field="region")
    if tier not in ("", *ResolutionTier.values):
        raise _invalid("tier", "Jenjang penyelesaian tidak dikenal.")
    if resolution_days is not None and (
        not isinstance(resolution_days, int) or isinstance(resolution_days, bool)
        or not 1 <= resolution_days <= RESOLUTION_DAYS_MAX
    ):
        raise _invalid("resolution_days", f"Batas waktu penyelesaian harus 1 sampai {RESOLUTION_DAYS_MAX} hari kerja.")
    if region_obj is not None:
        coverage = set(AgencyCoverage.objects.filter(agency=agency).values_list("region_id", flat=True))
        if coverage and not coverage.intersection(region_obj.ancestor_codes()):
            raise _invalid("region", "Wilayah ini berada di luar cakupan wilayah instansi.")
    with transaction.atomic():
        # region=None filters on IS NULL, so "all its coverage" rows are found again too
        # (the unique constraint alone would not stop duplicates there: NULLs are distinct).
        row, created = AgencyCategory.objects.update_or_create(
            agency=agency, category=category_obj, region=region_obj,
            defaults={"tier": tier, "resolution_days": resolution_days},
        )
        audit_log(actor=actor, action="agency_category_set", obj=row, data={
            "agency": agency.pk, "category": category_obj.slug, "region": region_obj.code if region_obj else None,
            "tier": tier, "resolution_days": resolution_days, "created": created,
        })
    return row


# --- demo directory -----------------------------------------------------------------------------

def _demo_region_codes(resolved) -> set[str]:
    codes: set[str] = set()
    for seed, seat, coverage in resolved:
        if seat:
            codes.add(seat)
        codes.update(c for c in coverage if c != demo_directory.NATIONAL)
        for entry in seed.categories:
            if isinstance(entry, tuple) and entry[1]:
                codes.add(entry[1])
    return codes


def directory_load_demo(*, progress: bool = True) -> dict[str, int]:
    """Seed the demo directory (``demo_directory.py``): categories, agencies, coverage and
    who-handles-what. Idempotent by slug: a second run updates the same rows.

    Needs the Kemendagri regions (``manage.py regions_load``) because seats and coverage
    point at region rows."""
    resolved = demo_directory.resolved_agencies()
    needed = _demo_region_codes(resolved)
    present = set(Region.objects.filter(code__in=needed).values_list("code", flat=True))
    provinces = list(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", flat=True))
    missing = sorted(needed - present)
    if missing or not provinces:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        raise ValidationFailed(
            f"Data wilayah belum dimuat (kode tidak ditemukan: {shown or 'semua provinsi'}). "
            "Jalankan `python manage.py regions_load` terlebih dahulu.",
            code="regions_missing",
        )

    created = {"agencies": 0, "categories": 0, "coverage": 0, "agency_categories": 0}
    with transaction.atomic():
        categories: dict[str, Category] = {}
        for seed in demo_directory.CATEGORIES:
            obj, was_created = Category.objects.update_or_create(slug=seed.slug, defaults={
                "name": seed.name, "description": seed.description, "default_tier": seed.default_tier,
                "parent": categories[seed.parent] if seed.parent else None,
            })
            categories[seed.slug] = obj
            created["categories"] += was_created

        agencies: dict[str, Agency] = {}
        for seed, seat, coverage in tqdm(resolved, desc="Instansi", unit=" instansi", disable=not progress):
            # Not update_or_create: it saves with update_fields, which would leave ``path`` stale on a move.
            agency = Agency.objects.filter(slug=seed.slug).first() or Agency(slug=seed.slug)
            created["agencies"] += agency.pk is None
            agency.name, agency.short_name, agency.kind = seed.name, seed.short_name, seed.kind
            agency.parent = agencies[seed.parent] if seed.parent else None
            agency.seat_region_id, agency.aliases = seat, seed.all_aliases
            agency.save()
            agencies[seed.slug] = agency

            codes = set(provinces) if demo_directory.NATIONAL in coverage else set(coverage)
            before = set(AgencyCoverage.objects.filter(agency=agency).values_list("region_id", flat=True))
            AgencyCoverage.objects.filter(agency=agency, region_id__in=before - codes).delete()
            AgencyCoverage.objects.bulk_create([AgencyCoverage(agency=agency, region_id=c) for c in sorted(codes - before)])
            created["coverage"] += len(codes - before)

            for entry in seed.categories:
                slug, region, tier = entry if isinstance(entry, tuple) else (entry, None, "")
                _, was_created = AgencyCategory.objects.update_or_create(
                    agency=agency, category=categories[slug], region_id=region, defaults={"tier": tier},
                )
                created["agency_categories"] += was_created

        demo_slugs = [seed.slug for seed in demo_directory.AGENCIES]
        counts = {
            "agencies": Agency.objects.filter(slug__in=demo_slugs).count(),
            "categories": Category.objects.filter(slug__in=[c.slug for c in demo_directory.CATEGORIES]).count(),
            "coverage": AgencyCoverage.objects.filter(agency__slug__in=demo_slugs).count(),
            "agency_categories": AgencyCategory.objects.filter(agency__slug__in=demo_slugs).count(),
        }
        audit_log(actor=None, action="directory_load_demo", object_type="agencies.directory", object_id="demo",
                  data={"counts": counts, "created": created})
    return {**counts, **{f"created_{k}": v for k, v in created.items()}}
