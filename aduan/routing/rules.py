"""The routing rules engine (issue #6): category × region × asset owner → the agency with
authority. It only reads the directory; it writes nothing and has no side effects, so the
same question always gets the same answer and the back-office tester can explain it.

Which rule applies — deterministic specificity, compared in this order:

1. the rule's region: deeper wins (village 4 > district 3 > regency 2 > province 1 >
   anywhere 0); a region rule covers its whole subtree;
2. the rule's category: the report's own category beats its parent, which beats "any";
3. the asset owner: a rule naming the owner (e.g. jalan provinsi) beats one that does not;
4. ``priority`` (higher first), then the rule's id (older first).

The first rule in that order that *resolves* to an agency wins; a rule that cannot
resolve (no government for the region in the directory, nobody handles the category)
hands over to the next one, and the trace says so.

How a rule resolves:

- a fixed ``target_agency`` (if active and accepting reports);
- otherwise ``region_level``: take the report region's ancestor at that level, find its
  government (a province / regency or city agency whose coverage is exactly that region;
  at district or village level, the agency covering exactly it), then the agencies in that
  government's subtree that handle the category (AgencyCategory for the category or an
  ancestor, unrestricted or for a region containing the report's) and cover the report's
  region. At national level (0) the candidates are the handlers outside every regional
  government's subtree: ministries, agencies, BPJS/BUMN and their vertical offices.
  Candidates are ranked by: exact category over a parent category; a handler row for a
  specific region (deeper first) over an unrestricted one; deeper coverage; narrower
  coverage (fewer regions — an office closer to the citizen). A tie goes to the lowest
  common ancestor of the tied agencies (the one that disposes internally — the
  "terpadu dan berjenjang" model of SP4N, DOMAIN-RULES §2.4); no common ancestor → the
  rule does not resolve. When nobody handles the category and the rule says
  ``fallback_to_government``, the government itself (its admin koordinator) gets the
  report; at national level that is the national coordinator (Perpres 76/2013).

Layer 2: imports only agencies, regions and core.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Iterable

from django.utils.translation import gettext as _

from aduan.agencies.models import Agency, AgencyCategory, AgencyCoverage, Category
from aduan.regions.models import Region

from .models import AssetOwner, AuthorityLevel, RoutingRule

GOVERNMENT_KINDS = {
    AuthorityLevel.PROVINCE: {Agency.Kind.PROVINCE},
    AuthorityLevel.REGENCY: {Agency.Kind.REGENCY, Agency.Kind.CITY},
}
REGIONAL_GOVERNMENT_KINDS = {Agency.Kind.PROVINCE, Agency.Kind.REGENCY, Agency.Kind.CITY}
_FAR = 99  # category distance of a rule without category


@dataclass(frozen=True)
class RuleMatch:
    agency: Agency
    rule: RoutingRule
    reason_text: str
    trace: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Explanation:
    """Everything the tester shows: the match (or None) and each step considered."""

    match: RuleMatch | None
    trace: tuple[str, ...]
    rules_considered: tuple[RoutingRule, ...]


# --- pure helpers ---------------------------------------------------------------------------

def region_level_of(code: str | None) -> int:
    """Kemendagri codes carry their level: "33" 1, "33.74" 2, "33.74.01" 3, "33.74.01.1001" 4."""
    return len(code.split(".")) if code else 0


def region_chain(code: str | None) -> list[str]:
    """Own code and every ancestor's, nearest first."""
    if not code:
        return []
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


def _ids_of(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


def rule_sort_key(rule, *, category_distance: int) -> tuple:
    return (-region_level_of(rule.region_id), category_distance, 0 if rule.asset_owner else 1,
            -(rule.priority or 0), rule.pk or 0)


def _rule_label(rule) -> str:
    return f"#{rule.pk}" if rule.pk else _("(aturan belum disimpan)")


# --- asset owner from text ----------------------------------------------------------------

_ROAD = r"(?:jalan|jln|jl|ruas(?:\s+jalan)?|jalur)"
_ASSET_CUES: list[tuple[str, re.Pattern]] = [
    # Jalan tol is a national road (UU 38/2004 Pasal 1 angka 7); "tol" as a whole word only,
    # so "tolong" (please) never counts.
    (AssetOwner.NATIONAL, re.compile(rf"\b(?:{_ROAD}\s+(?:nasional|negara)|tol)\b")),
    (AssetOwner.PROVINCIAL, re.compile(rf"\b{_ROAD}\s+(?:provinsi|propinsi|prov)\b")),
    (AssetOwner.REGENCY, re.compile(rf"\b{_ROAD}\s+(?:kabupaten|kab|kota|kotamadya|pemkab|pemkot)\b")),
    (AssetOwner.VILLAGE, re.compile(rf"\b{_ROAD}\s+(?:desa|kampung)\b")),
]


def asset_owner_detect(text: str) -> str:
    """The asset owner named in a complaint ("jalan nasional", "jln provinsi", "jalan kab",
    "jalan desa", "tol" …), or "" when none is named — or when the text names two different
    owners ("jalan kabupaten menuju jalan nasional"): then the location and the category
    decide and the verifier sees the text."""
    lowered = re.sub(r"[^\w\s]", " ", (text or "").lower())
    found = {owner for owner, pattern in _ASSET_CUES if pattern.search(lowered)}
    return found.pop() if len(found) == 1 else ""


# --- the directory reader (read-only queries, memoised for one resolution) ----------------

class _Directory:
    """The directory as the engine reads it: a snapshot in memory (agencies, coverage,
    category handlers, categories, active rules), loaded in a handful of queries and shared
    by every resolution until the directory changes (signals, see ``directory_changed``) or
    ``SNAPSHOT_SECONDS`` pass (changes made by another process, or by bulk updates that send
    no signal). A resolution then costs no query (bench/bench_routing_latency.py)."""

    def __init__(self):
        self.agencies_by_id: dict[int, Agency] = {a.pk: a for a in Agency.objects.all()}
        self.categories: dict[int, Category] = {c.pk: c for c in Category.objects.all()}
        self.category_by_slug: dict[str, int] = {c.slug: c.pk for c in self.categories.values()}
        self.category_parent: dict[int, int | None] = {c.pk: c.parent_id for c in self.categories.values()}
        self._coverage: dict[int, list[str]] = {}
        self._covering: dict[str, list[int]] = {}
        for agency_id, code in AgencyCoverage.objects.values_list("agency_id", "region_id"):
            self._coverage.setdefault(agency_id, []).append(code)
            self._covering.setdefault(code, []).append(agency_id)
        self._handlers: dict[int, list[tuple[int, str | None]]] = {}
        for agency_id, category_id, region_id in AgencyCategory.objects.values_list("agency_id", "category_id", "region_id"):
            self._handlers.setdefault(category_id, []).append((agency_id, region_id))
        self.rules = list(RoutingRule.objects.filter(is_active=True))
        self._provinces = Region.objects.filter(level=Region.Level.PROVINCE).count()
        self.loaded_at = time.monotonic()

    def category_chain(self, category_id: int | None) -> list[int]:
        if category_id is None:
            return []
        chain, node = [], category_id
        while node is not None and node not in chain:
            chain.append(node)
            node = self.category_parent.get(node)
        return chain

    def agencies(self, ids: Iterable[int]) -> dict[int, Agency]:
        return {i: self.agencies_by_id[i] for i in ids if i in self.agencies_by_id}

    def coverage(self, ids: Iterable[int]) -> dict[int, list[str]]:
        return {i: self._coverage.get(i, []) for i in ids}

    def handlers(self, categories: list[int]) -> list[tuple[int, int, str | None]]:
        """(agency, category, region) rows for ``categories``, agencies active and accepting."""
        out = []
        for category_id in categories:
            for agency_id, region_id in self._handlers.get(category_id, ()):
                agency = self.agencies_by_id.get(agency_id)
                if agency is not None and agency.is_active and agency.accepts_reports:
                    out.append((agency_id, category_id, region_id))
        return out

    def province_count(self) -> int:
        return self._provinces

    def government(self, code: str, level: int) -> tuple[Agency | None, list[Agency]]:
        """(the government of region ``code``, [] ) or (None, the ambiguous candidates)."""
        kinds = GOVERNMENT_KINDS.get(level)
        found = [a for a in self.agencies(self._covering.get(code, ())).values()
                 if a.is_active and (not kinds or a.kind in kinds)]
        if not found:
            return None, []
        depth = min(a.path.count("/") for a in found)
        top = sorted((a for a in found if a.path.count("/") == depth), key=lambda a: (a.path, a.pk))
        return (top[0], []) if len(top) == 1 else (None, top)

    def coordinator(self) -> Agency | None:
        found = [a for a in self.agencies_by_id.values()
                 if a.kind == Agency.Kind.COORDINATOR and a.is_active and a.accepts_reports]
        return found[0] if len(found) == 1 else None


SNAPSHOT_SECONDS = 60
_snapshot: dict[str, _Directory] = {}


def directory_snapshot() -> _Directory:
    d = _snapshot.get("directory")
    if d is None or time.monotonic() - d.loaded_at > SNAPSHOT_SECONDS:
        d = _snapshot["directory"] = _Directory()
    return d


def category_by_slug(slug: str) -> Category | None:
    """An active category by its slug, from the snapshot (no query)."""
    d = directory_snapshot()
    category = d.categories.get(d.category_by_slug.get(slug, -1))
    return category if category is not None and category.is_active else None


def directory_snapshot_clear() -> None:
    _snapshot.clear()


def directory_changed(**_kwargs) -> None:
    """Signal receiver (apps.py): the next resolution reads the directory afresh — now, and
    again once the transaction commits (bulk writes later in the same transaction send no
    signal of their own)."""
    from django.db import transaction

    _snapshot.clear()
    transaction.on_commit(_snapshot.clear)


def _usable(agency: Agency | None) -> bool:
    return agency is not None and agency.is_active and agency.accepts_reports


# --- candidate ranking --------------------------------------------------------------------

@dataclass
class _Candidate:
    agency: Agency
    category_distance: int
    handler_level: int
    coverage_level: int
    breadth: int

    @property
    def key(self) -> tuple:
        return (self.category_distance, -self.handler_level, -self.coverage_level, self.breadth)


def _candidates(d: _Directory, *, categories: list[int], chain: list[str], within: Agency | None) -> list[_Candidate]:
    chain_codes = set(chain)
    best: dict[int, tuple[int, int]] = {}
    for agency_id, category_id, region_id in d.handlers(categories):
        if region_id is not None and region_id not in chain_codes:
            continue
        if within is not None and not d.agencies_by_id[agency_id].path.startswith(within.path):
            continue
        rank = (categories.index(category_id), -region_level_of(region_id))
        if agency_id not in best or rank < best[agency_id]:
            best[agency_id] = rank
    agencies = d.agencies(best)
    coverage = d.coverage(best)
    if within is None:  # national level: leave out regional governments and their units
        ancestor_ids = {i for a in agencies.values() for i in _ids_of(a.path)}
        kinds = {a.pk: a.kind for a in d.agencies(ancestor_ids).values()}
        agencies = {i: a for i, a in agencies.items()
                    if not any(kinds.get(x) in REGIONAL_GOVERNMENT_KINDS for x in _ids_of(a.path))}
    out = []
    chain_set = set(chain)
    for agency_id, agency in agencies.items():
        codes = coverage.get(agency_id, [])
        covering = [c for c in codes if c in chain_set]
        if codes and chain and not covering:
            continue
        if not codes and (within is not None or agency.parent_id is not None):
            # No coverage: reached by name only (a hospital), unless it is a top-level
            # national body, which by convention serves all of Indonesia.
            continue
        if not chain and codes and sum(1 for c in codes if "." not in c) < d.province_count():
            continue  # no location known: only bodies serving all of Indonesia qualify
        distance, neg_level = best[agency_id]
        out.append(_Candidate(agency, distance, -neg_level, max((region_level_of(c) for c in covering), default=0),
                              len(codes) if codes else 10**6))
    return out


def _common_ancestor(d: _Directory, agencies: list[Agency]) -> Agency | None:
    paths = [_ids_of(a.path) for a in agencies]
    common: list[int] = []
    for ids in zip(*paths):
        if len(set(ids)) != 1:
            break
        common.append(ids[0])
    by_id = d.agencies(common)
    for agency_id in reversed(common):
        if _usable(by_id.get(agency_id)):
            return by_id[agency_id]
    return None


# --- resolution of one rule ---------------------------------------------------------------

def _resolve_rule(d: _Directory, rule, *, categories: list[int], code: str | None, trace: list[str]) -> tuple[Agency | None, str]:
    label = _rule_label(rule)
    if rule.target_agency_id:
        agency = d.agencies([rule.target_agency_id]).get(rule.target_agency_id)
        if not _usable(agency):
            trace.append(_("Aturan %(rule)s: instansi tujuan tetap tidak aktif atau tidak menerima laporan.") % {"rule": label})
            return None, ""
        return agency, _("Aturan %(rule)s menetapkan instansi tujuan: %(agency)s.") % {"rule": label, "agency": agency.name}

    level = rule.region_level
    chain = region_chain(code)
    government = None
    if level == AuthorityLevel.NATIONAL:
        where = _("tingkat nasional")
    else:
        if region_level_of(code) < level:
            trace.append(_("Aturan %(rule)s: lokasi laporan kurang rinci untuk tingkat %(level)s.")
                         % {"rule": label, "level": AuthorityLevel(level).label})
            return None, ""
        area = chain[len(chain) - level]
        government, tied = d.government(area, level)
        if government is None:
            trace.append((_("Aturan %(rule)s: pemerintah wilayah %(code)s tidak jelas (%(names)s).")
                          % {"rule": label, "code": area, "names": ", ".join(a.name for a in tied)}) if tied else
                         (_("Aturan %(rule)s: belum ada instansi pemerintah untuk wilayah %(code)s di direktori.")
                          % {"rule": label, "code": area}))
            return None, ""
        where = government.name

    found = _candidates(d, categories=categories, chain=chain, within=government) if categories else []
    if found:
        found.sort(key=lambda c: (c.key, c.agency.pk))
        tied = [c for c in found if c.key == found[0].key]
        if len(tied) == 1:
            agency = tied[0].agency
            return agency, _("Aturan %(rule)s: %(agency)s menangani kategori ini di %(where)s.") % {
                "rule": label, "agency": agency.name, "where": where}
        agency = _common_ancestor(d, [c.agency for c in tied])
        names = ", ".join(c.agency.name for c in tied)
        if agency is not None:
            return agency, _("Aturan %(rule)s: beberapa instansi menangani kategori ini (%(names)s); "
                             "diserahkan ke %(agency)s untuk disposisi internal.") % {
                "rule": label, "names": names, "agency": agency.name}
        trace.append(_("Aturan %(rule)s: beberapa instansi setara menangani kategori ini (%(names)s) tanpa induk bersama.")
                     % {"rule": label, "names": names})
        return None, ""

    if rule.fallback_to_government:
        fallback = government if government is not None else d.coordinator()
        if _usable(fallback):
            return fallback, _("Aturan %(rule)s: tidak ada unit yang menangani kategori ini; diserahkan ke "
                               "%(agency)s (admin koordinator) untuk disposisi.") % {"rule": label, "agency": fallback.name}
    trace.append(_("Aturan %(rule)s: tidak ada instansi yang menangani kategori ini di %(where)s.")
                 % {"rule": label, "where": where})
    return None, ""


# --- public API ---------------------------------------------------------------------------

def _category_id(category, d: _Directory) -> int | None:
    if category is None or category == "":
        return None
    if isinstance(category, Category):
        return category.pk
    return d.category_by_slug.get(str(category))


def _region_code(region) -> str | None:
    if region is None or region == "":
        return None
    return region.code if isinstance(region, Region) else str(region).strip()


def rules_matching(*, category_chain: list[int], code: str | None, asset_owner: str = "", rules=None) -> list:
    """Active rules that apply to the question, most specific first (``rules``: the given
    ones, e.g. unsaved ones in the tester; otherwise the snapshot's active rules)."""
    chain = region_chain(code)
    if rules is None:
        rules = directory_snapshot().rules
    applicable = []
    for rule in rules:
        if not rule.is_active or rule.asset_owner not in ("", asset_owner or ""):
            continue
        if rule.region_id and rule.region_id not in chain:
            continue
        if rule.category_id and rule.category_id not in category_chain:
            continue
        distance = category_chain.index(rule.category_id) if rule.category_id else _FAR
        applicable.append((rule_sort_key(rule, category_distance=distance), rule))
    applicable.sort(key=lambda pair: pair[0])
    return [rule for _key, rule in applicable]


def rules_explain(*, category=None, region=None, asset_owner: str = "", rules=None) -> Explanation:
    """Like ``rules_resolve`` but also returns every step considered (for the tester)."""
    d = directory_snapshot()
    code = _region_code(region)
    categories = d.category_chain(_category_id(category, d))
    ordered = rules_matching(category_chain=categories, code=code, asset_owner=asset_owner, rules=rules)
    trace: list[str] = []
    if not ordered:
        trace.append(_("Tidak ada aturan aktif yang berlaku untuk kategori, wilayah dan pemilik aset ini."))
    for rule in ordered:
        agency, reason = _resolve_rule(d, rule, categories=categories, code=code, trace=trace)
        if agency is not None:
            return Explanation(RuleMatch(agency, rule, reason, tuple(trace)), tuple(trace), tuple(ordered))
    return Explanation(None, tuple(trace), tuple(ordered))


def rules_resolve(*, category=None, region=None, asset_owner: str = "", rules=None) -> RuleMatch | None:
    """The agency with authority for ``category`` (Category, slug or None) at ``region``
    (Region, Kemendagri code or None) for an asset of ``asset_owner`` ("" = not named), by
    the active rules (or the given ``rules``, e.g. unsaved ones), or None."""
    return rules_explain(category=category, region=region, asset_owner=asset_owner, rules=rules).match


def authority_for(*, region, sector_category, asset_owner: str = "", text: str = "") -> Agency | None:
    """The combination's entry point: location decides the level and region (``region``,
    detected from the text or given by the citizen), text decides the sector
    (``sector_category`` from the classifier). ``asset_owner`` defaults to the one named in
    ``text``."""
    owner = asset_owner or (asset_owner_detect(text) if text else "")
    match = rules_resolve(category=sector_category, region=region, asset_owner=owner)
    return match.agency if match else None
