"""Write services for routing rules (rule of the house 7: officials edit them as data).

Keyword-only, atomic, audited: every create/update writes the full field values (and on an
update the before/after of each changed field) to the audit log — the rule's version
history, shown on its edit page.

Who may edit which rule (``can_edit_rule``), kept deliberately simple:

- ``agency_manage`` at **national** scope: every rule;
- ``agency_manage`` on some agencies only (an agency admin): a rule that can only pull
  reports *to an agency they manage*, *in its own area*, *for a category it handles*:
  a fixed ``target_agency`` they manage, a ``region`` inside that agency's coverage, and
  a ``category`` that agency handles (AgencyCategory for it or a parent). Such a rule can
  neither push reports onto another agency nor claim reports outside its remit. Level-based
  rules, rules for all of Indonesia and rules for any category are national-only. An
  existing rule is editable only if it passes the check both before and after the change.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.accounts.policies import user_has_national_perm, user_has_perm
from aduan.agencies.models import Agency, AgencyCategory, AgencyCoverage, Category
from aduan.audit.services import audit_log
from aduan.core.errors import PermissionDenied, ValidationFailed
from aduan.regions.models import Region

from .models import AssetOwner, AuthorityLevel, RoutingRule
from .rules import region_chain

FIELDS = ("category", "region", "asset_owner", "region_level", "target_agency", "fallback_to_government",
          "priority", "is_active", "note")
PRIORITY_RANGE = (-1000, 1000)
NOTE_MAX = 2000


# --- policy -------------------------------------------------------------------------------

def can_edit_rule(user, *, category: Category | None, region: Region | None, target_agency: Agency | None,
                  region_level: int | None = None) -> bool:
    if user_has_national_perm(user, "agency_manage"):
        return True
    if target_agency is None or region is None or category is None or region_level is not None:
        return False
    if not user_has_perm(user, "agency_manage", target_agency):
        return False
    chain = region_chain(region.code)
    if not AgencyCoverage.objects.filter(agency=target_agency, region_id__in=chain).exists():
        return False
    categories, node = [], category
    while node is not None and node.pk not in categories:
        categories.append(node.pk)
        node = node.parent
    return AgencyCategory.objects.filter(agency=target_agency, category_id__in=categories).exists()


def can_edit_existing_rule(user, rule: RoutingRule) -> bool:
    return can_edit_rule(user, category=rule.category, region=rule.region, target_agency=rule.target_agency,
                         region_level=rule.region_level)


def rules_editable_by(user) -> bool:
    """May ``user`` edit any rule at all (national or agency ``agency_manage``)?"""
    from aduan.accounts.policies import user_has_perm_anywhere

    return user_has_perm_anywhere(user, "agency_manage")


# --- validation ---------------------------------------------------------------------------

def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Turn raw values (objects, slugs, codes, strings) into model values, or raise
    ValidationFailed with every field's error at once."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}

    category = values.get("category")
    if isinstance(category, Category) or category in (None, ""):
        out["category"] = category or None
    else:
        out["category"] = Category.objects.filter(slug=str(category).strip()).first()
        if out["category"] is None:
            errors["category"] = [_("Kategori tidak dikenal.")]

    region = values.get("region")
    if isinstance(region, Region) or region in (None, ""):
        out["region"] = region or None
    else:
        out["region"] = Region.objects.filter(code=str(region).strip()).first()
        if out["region"] is None:
            errors["region"] = [_("Kode wilayah %(code)s tidak dikenal.") % {"code": str(region).strip()}]

    owner = values.get("asset_owner") or ""
    if owner not in AssetOwner.values:
        errors["asset_owner"] = [_("Pemilik aset tidak dikenal.")]
    out["asset_owner"] = owner

    level = values.get("region_level")
    if level in (None, ""):
        out["region_level"] = None
    else:
        try:
            level = int(level)
        except (TypeError, ValueError):
            level = -1
        if level not in AuthorityLevel.values:
            errors["region_level"] = [_("Tingkat pemerintahan tidak dikenal.")]
        out["region_level"] = level

    target = values.get("target_agency")
    if isinstance(target, Agency) or target in (None, ""):
        out["target_agency"] = target or None
    else:
        out["target_agency"] = Agency.objects.filter(slug=str(target).strip()).first()
        if out["target_agency"] is None:
            errors["target_agency"] = [_("Instansi tidak ditemukan.")]
    if out["target_agency"] is not None and not out["target_agency"].is_active:
        errors["target_agency"] = [_("Instansi ini tidak aktif.")]

    if "target_agency" not in errors and "region_level" not in errors:
        if out["target_agency"] is None and out["region_level"] is None:
            errors["region_level"] = [_("Pilih tingkat pemerintahan yang berwenang, atau isi instansi tujuan tetap.")]
        elif out["target_agency"] is not None and out["region_level"] is not None:
            errors["target_agency"] = [_("Isi salah satu saja: instansi tujuan tetap atau tingkat pemerintahan.")]
    if (out.get("region") is not None and out.get("region_level") not in (None, -1)
            and out["region_level"] != AuthorityLevel.NATIONAL and out["region_level"] < out["region"].level):
        errors["region_level"] = [_("Tingkat pemerintahan lebih tinggi dari wilayah aturan: pakai wilayah yang lebih luas.")]

    priority = values.get("priority", 0)
    try:
        priority = int(priority if priority not in (None, "") else 0)
    except (TypeError, ValueError):
        priority = None
    if priority is None or isinstance(values.get("priority"), bool) or not PRIORITY_RANGE[0] <= priority <= PRIORITY_RANGE[1]:
        errors["priority"] = [_("Prioritas harus bilangan bulat %(low)d sampai %(high)d.")
                              % {"low": PRIORITY_RANGE[0], "high": PRIORITY_RANGE[1]}]
    out["priority"] = priority

    note = str(values.get("note") or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = [_("Catatan paling banyak %(max)d karakter.") % {"max": NOTE_MAX}]
    out["note"] = note
    out["fallback_to_government"] = bool(values.get("fallback_to_government", True))
    out["is_active"] = bool(values.get("is_active", True))
    if errors:
        raise ValidationFailed(field_errors=errors)
    return out


def _snapshot(rule: RoutingRule) -> dict[str, Any]:
    return {
        "category": rule.category.slug if rule.category_id else None,
        "region": rule.region_id,
        "asset_owner": rule.asset_owner,
        "region_level": rule.region_level,
        "target_agency": rule.target_agency.slug if rule.target_agency_id else None,
        "fallback_to_government": rule.fallback_to_government,
        "priority": rule.priority,
        "is_active": rule.is_active,
        "note": rule.note,
    }


def _require(actor, values: dict[str, Any]) -> None:
    if not can_edit_rule(actor, category=values["category"], region=values["region"],
                         target_agency=values["target_agency"], region_level=values["region_level"]):
        raise PermissionDenied()


# --- services -------------------------------------------------------------------------------

def routing_rule_create(*, actor, **values) -> RoutingRule:
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise ValidationFailed(field_errors={f: [_("Kolom ini tidak dikenal.")] for f in unknown})
    if not rules_editable_by(actor):
        raise PermissionDenied()
    clean = _clean(values)
    _require(actor, clean)
    with transaction.atomic():
        rule = RoutingRule.objects.create(updated_by=actor if getattr(actor, "is_authenticated", False) else None, **clean)
        audit_log(actor=actor, action="routing_rule_create", obj=rule, data={"rule": _snapshot(rule)})
    return rule


def routing_rule_update(*, actor, rule: RoutingRule, **values) -> RoutingRule:
    """Change the given fields (others keep their value)."""
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise ValidationFailed(field_errors={f: [_("Kolom ini tidak dapat diubah.")] for f in unknown})
    with transaction.atomic():
        current = RoutingRule.objects.select_for_update(of=("self",)).select_related("category", "region", "target_agency") \
            .filter(pk=rule.pk).first()
        if current is None:
            raise ValidationFailed(field_errors={"rule": [_("Aturan tidak ditemukan.")]})
        if not can_edit_existing_rule(actor, current):
            raise PermissionDenied()
        merged = {f: getattr(current, f) for f in FIELDS}
        merged.update(values)
        clean = _clean(merged)
        _require(actor, clean)
        before = _snapshot(current)
        for name, value in clean.items():
            setattr(current, name, value)
        after = _snapshot(current)
        changes = {k: [before[k], after[k]] for k in FIELDS if before[k] != after[k]}
        if changes:
            current.updated_by = actor if getattr(actor, "is_authenticated", False) else None
            current.save()
            audit_log(actor=actor, action="routing_rule_update", obj=current, data={"changes": changes, "rule": after})
    return current


def routing_rule_deactivate(*, actor, rule: RoutingRule) -> RoutingRule:
    return routing_rule_update(actor=actor, rule=rule, is_active=False)


# --- seed -----------------------------------------------------------------------------------

NATIONAL_SECTORS = (
    # (category slug, why it is a central-government affair)
    ("jaminan-sosial", "BPJS Kesehatan dan BPJS Ketenagakerjaan adalah badan hukum publik nasional (UU 24/2011); "
                       "kantor cabangnya menangani wilayahnya."),
    ("pertanahan", "Pendaftaran tanah dan sertifikat dilaksanakan instansi vertikal ATR/BPN (PP 24/1997)."),
    ("pelayanan-kepolisian", "Polri adalah instansi vertikal (UU 2/2002); Polda/Polres menangani wilayahnya."),
    ("perbankan", "Pengawasan perbankan dan jasa keuangan oleh OJK (UU 21/2011)."),
    ("listrik", "Penyediaan tenaga listrik untuk umum oleh PLN (UU 30/2009); unit distribusi menangani wilayahnya."),
)

ROAD_CATEGORY = "infrastruktur"
ROAD_RULES = (
    (AssetOwner.NATIONAL, AuthorityLevel.NATIONAL, "Jalan nasional dan jalan tol: Pemerintah Pusat (UU 38/2004 Pasal 14)."),
    (AssetOwner.PROVINCIAL, AuthorityLevel.PROVINCE, "Jalan provinsi: pemerintah provinsi (UU 38/2004 Pasal 15)."),
    (AssetOwner.REGENCY, AuthorityLevel.REGENCY, "Jalan kabupaten/kota: pemerintah kabupaten/kota (UU 38/2004 Pasal 16)."),
    (AssetOwner.VILLAGE, AuthorityLevel.REGENCY, "Jalan desa diselenggarakan pemerintah kabupaten (UU 38/2004 Pasal 16)."),
)


def _seed_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"category": None, "region": None, "asset_owner": "", "region_level": AuthorityLevel.REGENCY, "priority": 0,
         "fallback_to_government": True,
         "note": "Bawaan: urusan konkuren dilayani kabupaten/kota tempat kejadian (UU 23/2014 Pasal 11–12); "
                 "bila tidak ada unit yang menangani, admin koordinator pemerintah daerah mendisposisikan."},
        {"category": None, "region": None, "asset_owner": "", "region_level": AuthorityLevel.PROVINCE, "priority": -10,
         "fallback_to_government": True,
         "note": "Bila kabupaten/kota tidak ada di direktori atau lokasi hanya diketahui sampai provinsi."},
        {"category": None, "region": None, "asset_owner": "", "region_level": AuthorityLevel.NATIONAL, "priority": -20,
         "fallback_to_government": False,
         "note": "Terakhir: instansi pusat yang menangani kategori; bila tidak ada, laporan menunggu verifikator."},
        # DKI Jakarta: one autonomous level, the province; its administrative cities are not
        # autonomous (UU 29/2007). No fallback, so national sectors still reach BPJS, BPN, Polri.
        {"category": None, "region": "31", "asset_owner": "", "region_level": AuthorityLevel.PROVINCE, "priority": 0,
         "fallback_to_government": False,
         "note": "DKI Jakarta: otonomi tunggal di tingkat provinsi (UU 29/2007); kota administrasi adalah perangkatnya."},
    ]
    for slug, why in NATIONAL_SECTORS:
        rows.append({"category": slug, "region": None, "asset_owner": "", "region_level": AuthorityLevel.NATIONAL,
                     "priority": 0, "fallback_to_government": False, "note": why})
    for owner, level, why in ROAD_RULES:
        rows.append({"category": ROAD_CATEGORY, "region": None, "asset_owner": owner, "region_level": level,
                     "priority": 0, "fallback_to_government": True, "note": why})
    return rows


def routing_rules_seed() -> dict[str, int]:
    """Create the default rules for the demo directory. Idempotent and respectful of
    officials' edits: a rule is created only when no rule (active or not) exists yet for
    the same category, region, asset owner and level; existing rules are never changed.
    Rules whose category or region is missing from the database are skipped."""
    created = skipped = existing = 0
    with transaction.atomic():
        for row in _seed_rows():
            category = Category.objects.filter(slug=row["category"]).first() if row["category"] else None
            region = Region.objects.filter(code=row["region"]).first() if row["region"] else None
            if (row["category"] and category is None) or (row["region"] and region is None):
                skipped += 1
                continue
            if RoutingRule.objects.filter(category=category, region=region, asset_owner=row["asset_owner"],
                                          region_level=row["region_level"], target_agency=None).exists():
                existing += 1
                continue
            rule = RoutingRule.objects.create(**{**row, "category": category, "region": region})
            audit_log(actor=None, action="routing_rule_create", obj=rule, data={"rule": _snapshot(rule), "seed": True})
            created += 1
    return {"created": created, "existing": existing, "skipped": skipped}
