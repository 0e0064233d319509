"""Routing at submission (issue #6): rules and classifier combine, and a confident answer
disposes the report at once.

Location decides the level and the region, text decides the sector:

- **place** — the report's region (given by the reporter or found from the coordinates);
  when there is none, the regency/city or province named in the text (the gazetteer the
  models carry; only a confident detection counts);
- **sector** — the category model's top suggestions (``var/models/routing/category``),
  plus the category the reporter chose;
- **rules path** — for each sector suggestion, the rules engine says which agency has
  authority there (``rules_resolve``; the asset owner named in the text, e.g. "jalan
  provinsi", decides between national, provincial and regency roads). An agency's
  confidence is the probability mass of the sectors that lead to it;
- **flat path** — the agency model (``var/models/routing/agency``, trained on officials'
  dispositions) suggests agency names, composed as sector × place where it can, matched
  to the directory through the aliases. It decides only where the rules path cannot
  (no region, or no rule resolves).

The report is disposed automatically (``Action.AUTO_DISPOSE``, an event with the confidence
and the reasons) when all of these hold:

1. the top agency's confidence is at least the deployment's ``ADUAN_ROUTING_AUTO_THRESHOLD``;
2. it is also at least the threshold the deciding model proved on held-out data
   (``RoutingModel.auto_threshold``: a 95 % lower bound on precision; a model that could
   not prove it never auto-disposes);
3. nothing disagrees: not the agency model's confident top answer, not the category the
   reporter chose, not the agency the reporter chose.

An urgent report (an emergency recognised at submission) goes to the top agency of the rules
path at the lower ``ADUAN_ROUTING_URGENT_THRESHOLD``: for an emergency, waiting in a queue
is the worse mistake, and the verifier can still redirect it.

Otherwise the report waits for a verifier, who sees the top three suggestions with their
confidence and the terms behind them (``Report.routing``).

Routing never loses a report: ``report_route`` runs after the report is stored, inside its
own savepoint, and any failure is logged (never the text) and leaves the report in the
queue.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency, Category
from aduan.regions.models import Region
from aduan.routing.aliases import AliasIndex, agency_match
from aduan.routing.classifier import RoutingModel, current_model_path
from aduan.routing.places import PROVINCE, REGENCY
from aduan.routing.rules import asset_owner_detect, category_by_slug, rules_resolve

from ..actors import SYSTEM
from ..models import Report
from ..workflow import Action, Status
from .transition import report_transition

logger = logging.getLogger(__name__)

SUGGESTIONS = 3
ROUTING_MAX_CHARS = 3000
# A place named in the text counts only when the detection is this sure (places.py scores).
PLACE_MIN_CONFIDENCE = 0.5
# The agency model "disagrees" with the rules path when its own top answer, a different
# agency, is at least this probable.
DISAGREE_PROBABILITY = 0.5
# A sector the text hardly suggests is not worth a rules lookup or a line for the verifier.
MIN_SECTOR_PROBABILITY = 0.02


# --- models, loaded once per process and reloaded when a new version is promoted ---------------

_models: dict[str, tuple[tuple, RoutingModel]] = {}
_alias_index: dict[str, object] = {}


def routing_model(kind: str) -> RoutingModel | None:
    """The promoted model for ``kind`` ("agency", "category", "kind"), or None."""
    name = routing_settings()["models"].get(kind)
    if not name:
        return None
    path = current_model_path(name)
    if path is None:
        return None
    key = (str(path), path.stat().st_mtime_ns)
    hit = _models.get(kind)
    if hit is not None and hit[0] == key:
        return hit[1]
    model = RoutingModel.load(str(path))
    if model.gazetteer is not None:
        model.gazetteer.fingerprint  # computed once here, not on a citizen's first report
    _models[kind] = (key, model)
    return model


def _aliases() -> AliasIndex:
    """The alias index, rebuilt at most once a minute (agencies change rarely)."""
    built = _alias_index.get("at", 0.0)
    if "index" not in _alias_index or time.monotonic() - built > 60:
        _alias_index["index"] = AliasIndex()
        _alias_index["at"] = time.monotonic()
    return _alias_index["index"]


def routing_cache_clear() -> None:
    _models.clear()
    _alias_index.clear()


def routing_settings() -> dict:
    return {
        "enabled": getattr(settings, "ADUAN_ROUTING_ENABLED", True),
        "threshold": float(getattr(settings, "ADUAN_ROUTING_AUTO_THRESHOLD", 0.95)),
        "urgent_threshold": float(getattr(settings, "ADUAN_ROUTING_URGENT_THRESHOLD", 0.5)),
        "models": dict(getattr(settings, "ADUAN_ROUTING_MODELS", {"agency": "agency", "category": "category", "kind": "kind"})),
    }


# --- the combination ---------------------------------------------------------------------------

@dataclass
class AgencyCandidate:
    agency: Agency
    confidence: float = 0.0
    path: str = "rules"  # rules | model | reporter
    reasons: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    # The rule that decided names the asset owner ("jalan provinsi"): legal knowledge the
    # agency model cannot learn from history, so its disagreement does not count.
    asset_owner: str = ""

    def as_dict(self) -> dict:
        return {"agency_id": self.agency.pk, "agency": self.agency.name, "confidence": round(self.confidence, 4),
                "path": self.path, "reasons": self.reasons, "terms": self.terms}


@dataclass
class RoutingOutcome:
    candidates: list[AgencyCandidate]
    auto: bool
    confidence: float
    threshold: float
    why_not: str = ""
    data: dict = field(default_factory=dict)

    @property
    def top(self) -> AgencyCandidate | None:
        return self.candidates[0] if self.candidates else None


def _region_of(report: Report, models: list[RoutingModel]) -> tuple[Region | None, str, str]:
    """(region, source, the words it was found from) — the report's own region first."""
    if report.region_id:
        return report.region, "reporter", ""
    text = f"{report.title}\n{report.body}\n{report.address}"
    for model in models:
        gazetteer = getattr(model, "gazetteer", None)
        if gazetteer is None:
            continue
        places = gazetteer.detect(text)
        for level in (REGENCY, PROVINCE):
            code, confidence = places.best(level)
            if code and confidence >= PLACE_MIN_CONFIDENCE:
                region = Region.objects.filter(code=code).first()
                if region is not None:
                    spans = [text[m.start:m.end] for m in places.mentions if m.code == code or code.startswith(m.code + ".")
                             or m.code.startswith(code + ".")]
                    return region, "text", (spans[0] if spans else "")
        break
    return None, "", ""


def _percent(p: float) -> str:
    return f"{round(p * 100)} %"


def route_suggest(report: Report) -> RoutingOutcome:
    """What routing would do with ``report``: ranked agencies, the combined confidence, and
    whether it may dispose automatically (and why not). Reads only; writes nothing."""
    config = routing_settings()
    threshold = config["threshold"]
    # The first ROUTING_MAX_CHARS characters decide (99 % of reports are shorter): a
    # 10,000-character letter costs no more than a long complaint.
    text = f"{report.title}\n{report.body}"[:ROUTING_MAX_CHARS]
    category_model = routing_model("category")
    agency_model = routing_model("agency")
    kind_model = routing_model("kind")
    data: dict = {"models": {}}
    for kind, model in (("category", category_model), ("agency", agency_model), ("kind", kind_model)):
        if model is not None:
            data["models"][kind] = {"name": model.name, "trained_at": model.trained_at,
                                    "auto_threshold": round(float(model.auto_threshold), 4)}

    region, region_source, region_words = _region_of(report, [m for m in (category_model, agency_model) if m])
    data["region"] = {"code": region.code, "name": region.name, "source": region_source,
                      **({"words": region_words} if region_words else {})} if region else None

    # Sector: the category model's suggestions, and the reporter's own choice.
    sectors: list[tuple[Category, float, list[str], str]] = []
    category_suggestions = []
    if category_model is not None:
        for s in category_model.suggest(text, k=SUGGESTIONS):
            category_suggestions.append({"category": s.label, "probability": s.probability, "terms": s.terms})
            category = category_by_slug(s.label)
            if category is not None and s.probability >= MIN_SECTOR_PROBABILITY:
                sectors.append((category, s.probability, s.terms, "model"))
    data["categories"] = category_suggestions
    if report.category_id and all(c.pk != report.category_id for c, *_ in sectors):
        sectors.append((report.category, 0.0, [], "reporter"))

    # Rules path: location × sector → the agency with authority.
    owner = asset_owner_detect(text)
    by_agency: dict[int, AgencyCandidate] = {}
    if region is not None:
        for category, probability, terms, source in sectors:
            match = rules_resolve(category=category, region=region, asset_owner=owner)
            if match is None or not match.agency.is_active or not match.agency.accepts_reports:
                continue
            candidate = by_agency.setdefault(match.agency.pk, AgencyCandidate(match.agency, path="rules"))
            candidate.confidence += probability
            candidate.asset_owner = candidate.asset_owner or match.rule.asset_owner
            candidate.terms = candidate.terms or list(terms)
            sector = (_("sektor %(c)s (pilihan pelapor)") % {"c": category.name} if source == "reporter" else
                      _("sektor %(c)s %(p)s") % {"c": category.name, "p": _percent(probability)})
            candidate.reasons.append(_("%(sector)s di %(region)s → %(rule)s") % {
                "sector": sector, "region": region.name, "rule": match.reason_text or _("aturan routing")})
    rules_ranked = sorted(by_agency.values(), key=lambda c: (-c.confidence, c.agency.pk))

    # Flat path: the agency model's names, matched to the directory.
    model_ranked: list[AgencyCandidate] = []
    agency_suggestions = []
    if agency_model is not None:
        index = _aliases()
        merged: dict[int, AgencyCandidate] = {}
        for s in agency_model.suggest(text, k=SUGGESTIONS):
            match = agency_match(s.label, index=index)
            agency_suggestions.append({"label": s.label, "probability": s.probability, "terms": s.terms, "source": s.source,
                                       "agency_id": match.agency.pk if match.agency else None})
            if match.agency is None or not match.agency.accepts_reports:
                continue
            candidate = merged.setdefault(match.agency.pk, AgencyCandidate(match.agency, path="model"))
            candidate.confidence += s.probability
            candidate.terms = candidate.terms or list(s.terms)
            candidate.reasons.append(_("model instansi %(p)s (%(how)s)") % {
                "p": _percent(s.probability),
                "how": _("sektor × tempat") if s.source == "composed" else _("riwayat laporan serupa")})
        model_ranked = sorted(merged.values(), key=lambda c: (-c.confidence, c.agency.pk))
    data["agency_model"] = agency_suggestions
    if kind_model is not None:
        data["kinds"] = [{"kind": s.label, "probability": s.probability} for s in kind_model.suggest(text, k=SUGGESTIONS)]

    # Location decides where it can; the flat model only where the rules cannot.
    if rules_ranked:
        ranked, deciding = rules_ranked, category_model
        for extra in model_ranked:
            if extra.agency.pk not in by_agency:
                ranked = ranked + [extra]
    else:
        ranked, deciding = model_ranked, agency_model
    if report.suggested_agency_id and all(c.agency.pk != report.suggested_agency_id for c in ranked):
        if report.suggested_agency.is_active and report.suggested_agency.accepts_reports:
            ranked = ranked + [AgencyCandidate(report.suggested_agency, 0.0, "reporter", [_("dipilih pelapor")])]
    candidates = ranked[:SUGGESTIONS]
    top = candidates[0] if candidates else None
    confidence = min(1.0, top.confidence) if top else 0.0

    why_not = ""
    if not config["enabled"]:
        why_not = _("routing otomatis dimatikan")
    elif top is None:
        why_not = _("tidak ada usulan instansi")
    elif report.is_urgent and top.path == "rules" and confidence >= config["urgent_threshold"]:
        why_not = ""  # an emergency goes at the lower bar (module docstring)
    elif confidence < threshold:
        why_not = _("keyakinan %(p)s di bawah ambang %(t)s") % {"p": _percent(confidence), "t": _percent(threshold)}
    elif deciding is None or confidence < float(deciding.auto_threshold):
        why_not = _("model belum terbukti cukup tepat untuk keyakinan ini")
    if not why_not and top is not None:
        if top.path == "rules" and not top.asset_owner and model_ranked and model_ranked[0].agency.pk != top.agency.pk \
                and model_ranked[0].confidence >= DISAGREE_PROBABILITY:
            why_not = _("model instansi mengusulkan %(a)s") % {"a": model_ranked[0].agency.name}
        elif report.category_id and sectors and sectors[0][0].pk != report.category_id:
            why_not = _("kategori pilihan pelapor berbeda")
        elif report.suggested_agency_id and report.suggested_agency_id != top.agency.pk:
            why_not = _("instansi pilihan pelapor berbeda")
    auto = top is not None and not why_not
    return RoutingOutcome(candidates=candidates, auto=auto, confidence=round(confidence, 4), threshold=threshold,
                          why_not=why_not, data=data)


def _reasons(outcome: RoutingOutcome, report: Report) -> list[str]:
    top = outcome.top
    reasons = []
    region = outcome.data.get("region")
    if region:
        source = {"reporter": _("dari pelapor"), "point": _("dari titik peta"),
                  "text": _("disebut dalam laporan")}.get(region["source"], "")
        reasons.append(_("lokasi: %(r)s (%(s)s)") % {"r": region["name"], "s": source})
    reasons += top.reasons
    if top.terms:
        reasons.append(_("kata kunci: %(t)s") % {"t": ", ".join(top.terms[:5])})
    if report.is_urgent:
        reasons.append(_("darurat: %(k)s") % {"k": report.emergency_kind})
    return reasons


def report_route(report: Report, *, now=None) -> RoutingOutcome | None:
    """Route a just-submitted report: store the suggestions on it and, when confident,
    dispose it automatically. Never raises; returns None when routing failed."""
    if report.status != Status.SUBMITTED or not routing_settings()["enabled"]:
        return None
    now = now or timezone.now()
    started = time.perf_counter()
    try:
        with transaction.atomic():
            outcome = route_suggest(report)
            routing = {
                "at": now.isoformat(), "suggestions": [c.as_dict() for c in outcome.candidates],
                "confidence": outcome.confidence, "threshold": outcome.threshold, "auto": outcome.auto,
                "why_not": outcome.why_not, **outcome.data,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            }
            Report.objects.filter(pk=report.pk).update(routing=routing)
            report.routing = routing
            if outcome.auto:
                report_transition(report=report, action=Action.AUTO_DISPOSE, actor=SYSTEM,
                                  expected_status=Status.SUBMITTED, now=now, agency=outcome.top.agency.pk,
                                  confidence=outcome.confidence, reasons=_reasons(outcome, report))
                report.refresh_from_db()
        return outcome
    except Exception:
        # Never the text: the reference and the exception type are enough to find it.
        logger.exception("routing failed for report %s; it stays in the verification queue", report.reference)
        return None
