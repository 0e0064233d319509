"""Places named in a complaint, from the Kemendagri region tree (issue #6).

Routing composes a destination from a *sector* learnt from the text and a *place* found
here ("Dinas Pekerjaan Umum" × "Kota Semarang"). A wrong place sends the report to the
wrong government, so detection favours precision over recall:

- only provinces, regencies/cities and districts are looked up; villages are not (83,762
  names, many of them ordinary words such as "Baru", "Jaya", "Sari");
- a district counts only after its prefix ("Kecamatan Tembalang", "kec. tembalang") and
  its evidence goes to its regency, split between same-named districts unless the regency
  is also named;
- a regency/city or province name counts bare only if it is not a common word (the list is
  data, ``data/place_stopwords.txt``); "Kabupaten/Kab./Pemkab/Kota/Pemkot/Provinsi …"
  always counts and weighs more than a bare name;
- informal forms are data too: region aliases (``data/place_aliases.txt``: "Jaksel",
  "Jateng", "Solo" …) and name abbreviations combined with a prefix
  (``data/place_name_variants.txt``: "kota smg", "kab. bdg").

The gazetteer is built from (code, name, level, parent) rows — ``wilayah.csv`` through
``aduan.regions.services.wilayah_rows`` or the loaded ``Region`` table — and is pickled
with each routing model, so prediction needs neither the CSV nor the database.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

PROVINCE, REGENCY, DISTRICT = 1, 2, 3

_WORD = re.compile(r"[a-z0-9]+")
_ADMIN_PREFIX = re.compile(r"^(kabupaten administrasi|kota administrasi|kabupaten|kota|provinsi)\s+")

# Prefix word → the kind of region it introduces.
_PREFIXES = {
    "kabupaten": "kab", "kab": "kab", "pemkab": "kab", "kabupaten administrasi": "kab",
    "kota": "kota", "pemkot": "kota", "kotamadya": "kota", "kodya": "kota", "walikota": "kota",
    "kota administrasi": "kota", "kotif": "kota",
    "kecamatan": "kec", "kec": "kec",
    "provinsi": "prov", "propinsi": "prov", "prov": "prov", "pemprov": "prov",
}

# Evidence weights: an administrative prefix is the strongest sign of a place.
W_PREFIXED = 3.0
W_ALIAS = 2.5
W_BARE_MULTI = 2.0
W_BARE_SINGLE = 1.5
W_DISTRICT = 2.0
W_PROVINCE_PREFIXED = 2.0
W_PROVINCE_BARE = 1.5
KOTA_SHARE_WHEN_AMBIGUOUS = 0.6  # a bare "Semarang" more often means the city than the regency


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _read_pairs(name: str) -> list[tuple[str, str]]:
    pairs = []
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            left, _, right = line.rpartition(" ") if name == "place_aliases.txt" else line.partition(" ")
            pairs.append((left.strip().lower(), right.strip().lower()))
    return pairs


def _read_words(name: str) -> set[str]:
    return {_key(line) for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


@dataclass(frozen=True)
class Region:
    code: str
    name: str  # official, e.g. "Kota Administrasi Jakarta Selatan"
    level: int
    parent: str | None
    base: str  # without the administrative prefix, e.g. "Jakarta Selatan"
    kind: str  # "kab", "kota", "kec" or "prov"


@dataclass(frozen=True)
class Mention:
    code: str
    level: int
    start: int  # character span in the text
    end: int
    prefixed: bool
    weight: float


@dataclass
class Places:
    """What was found in one text: mentions and evidence per region, most specific first."""

    mentions: list[Mention] = field(default_factory=list)
    scores: dict[int, dict[str, float]] = field(default_factory=lambda: {PROVINCE: {}, REGENCY: {}, DISTRICT: {}})

    def best(self, level: int) -> tuple[str | None, float]:
        """(code, confidence in 0…1) of the best region at ``level``, or (None, 0)."""
        scores = self.scores.get(level) or {}
        if not scores:
            return None, 0.0
        code, top = max(scores.items(), key=lambda kv: (kv[1], kv[0]))
        share = top / sum(scores.values())
        return code, round(share * min(1.0, top / W_PREFIXED), 4)

    def ranked(self, level: int) -> list[tuple[str, float]]:
        scores = self.scores.get(level) or {}
        total = sum(scores.values()) or 1.0
        return sorted(((c, s / total) for c, s in scores.items()), key=lambda kv: -kv[1])


class Gazetteer:
    """Region names and their informal forms; ``detect(text)`` finds the places in a text."""

    MAX_NAME_TOKENS = 6

    def __init__(self, rows):
        """``rows``: iterable of (code, name, level, parent_code) with level 1…4 (4 is ignored)."""
        self.regions: dict[str, Region] = {}
        for code, name, level, parent in rows:
            level = int(level)
            if level > DISTRICT:
                continue
            name = " ".join(str(name).split())
            base = _ADMIN_PREFIX.sub("", name.lower()) if level <= REGENCY else name.lower()
            if level == PROVINCE:
                kind = "prov"
            elif level == DISTRICT:
                kind = "kec"
            else:
                kind = "kota" if name.lower().startswith("kota") else "kab"
            self.regions[code] = Region(code, name, level, parent, _key(base), kind)
        self.stop = _read_words("place_stopwords.txt")
        self.name_variants = dict(_read_pairs("place_name_variants.txt"))
        self.upper: dict[str, list[str]] = defaultdict(list)  # key → province/regency codes
        self.districts: dict[str, list[str]] = defaultdict(list)
        self.aliases: dict[str, str] = {}
        for region in self.regions.values():
            keys = {region.base, region.base.replace(" ", "")}
            if region.code == "31":
                keys |= {"jakarta", "dki jakarta"}
            if region.code == "34":
                keys |= {"yogyakarta", "diy"}
            target = self.districts if region.level == DISTRICT else self.upper
            for k in keys:
                target[k].append(region.code)
        for alias, code in _read_pairs("place_aliases.txt"):
            if code in self.regions:
                self.aliases[_key(alias)] = code

    # -- detection ---------------------------------------------------------------------------
    def detect(self, text: str) -> Places:
        words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer((text or "").lower())]
        toks = [self.name_variants.get(w, w) for w, _, _ in words]
        mentions: list[Mention] = []
        pending_districts: list[tuple[list[str], int, int]] = []
        i, n = 0, len(toks)
        while i < n:
            prefix, plen = self._prefix_at(toks, i)
            if prefix:
                found = self._match_prefixed(toks, i + plen, prefix)
                if found:
                    codes, length = found
                    start, end = words[i][1], words[i + plen + length - 1][2]
                    if prefix == "kec":
                        pending_districts.append((codes, start, end))
                    else:
                        weight = W_PROVINCE_PREFIXED if prefix == "prov" else W_PREFIXED
                        for code, share in self._split(codes):
                            mentions.append(Mention(code, self.regions[code].level, start, end, True, weight * share))
                    i += plen + length
                    continue
            found = self._match_bare(toks, i)
            if found:
                codes, length, via_alias = found
                start, end = words[i][1], words[i + length - 1][2]
                for code, share in self._split(codes):
                    level = self.regions[code].level
                    if level == PROVINCE:
                        weight = W_PROVINCE_BARE
                    elif via_alias:
                        weight = W_ALIAS
                    else:
                        weight = W_BARE_MULTI if length > 1 else W_BARE_SINGLE
                    mentions.append(Mention(code, level, start, end, False, weight * share))
                i += length
                continue
            i += 1
        places = Places(mentions=mentions)
        for m in mentions:
            bucket = places.scores[m.level]
            bucket[m.code] = bucket.get(m.code, 0.0) + m.weight
        # Districts: evidence for their regency; same-named districts share it unless the
        # regency itself is named in the text.
        for codes, start, end in pending_districts:
            named = [c for c in codes if self.regions[c].parent in places.scores[REGENCY]]
            chosen = named or codes
            for code in chosen:
                weight = W_DISTRICT / len(chosen)
                places.mentions.append(Mention(code, DISTRICT, start, end, True, weight))
                places.scores[DISTRICT][code] = places.scores[DISTRICT].get(code, 0.0) + weight
                parent = self.regions[code].parent
                if parent:
                    places.scores[REGENCY][parent] = places.scores[REGENCY].get(parent, 0.0) + weight
        # A regency implies its province.
        for code, score in list(places.scores[REGENCY].items()):
            parent = self.regions[code].parent
            if parent:
                places.scores[PROVINCE][parent] = places.scores[PROVINCE].get(parent, 0.0) + 0.5 * score
        return places

    def _prefix_at(self, toks, i) -> tuple[str | None, int]:
        if i + 1 < len(toks) and f"{toks[i]} {toks[i + 1]}" in _PREFIXES:
            return _PREFIXES[f"{toks[i]} {toks[i + 1]}"], 2
        if toks[i] in _PREFIXES:
            return _PREFIXES[toks[i]], 1
        return None, 0

    def _match_prefixed(self, toks, j, prefix):
        for length in range(min(self.MAX_NAME_TOKENS, len(toks) - j), 0, -1):
            key = " ".join(toks[j:j + length])
            if prefix == "kec":
                codes = self.districts.get(key)
            else:
                codes = [c for c in self.upper.get(key, ()) if self.regions[c].kind == prefix]
                if not codes and key in self.aliases:
                    alias = self.aliases[key]
                    if self.regions[alias].kind == prefix or prefix != "prov" and self.regions[alias].level == REGENCY:
                        codes = [alias]
                    elif prefix == "prov" and self.regions[alias].level == PROVINCE:
                        codes = [alias]
                if not codes and prefix != "prov":  # "Kota Probolinggo" when only the kabupaten matched, etc.
                    codes = [c for c in self.upper.get(key, ()) if self.regions[c].level == REGENCY]
            if codes:
                return codes, length
        return None

    def _match_bare(self, toks, i):
        for length in range(min(self.MAX_NAME_TOKENS, len(toks) - i), 0, -1):
            key = " ".join(toks[i:i + length])
            if key in self.aliases:
                return [self.aliases[key]], length, True
            if key in self.stop or (length == 1 and (len(key) < 4 or key.isdigit())):
                continue
            codes = self.upper.get(key)
            if codes:
                return codes, length, False
        return None

    def _split(self, codes: list[str]) -> list[tuple[str, float]]:
        """Share one mention between the regions it may name (e.g. Kota/Kabupaten Semarang)."""
        if len(codes) == 1:
            return [(codes[0], 1.0)]
        kinds = {self.regions[c].kind for c in codes}
        if len(codes) == 2 and kinds == {"kota", "kab"}:
            return [(c, KOTA_SHARE_WHEN_AMBIGUOUS if self.regions[c].kind == "kota" else 1 - KOTA_SHARE_WHEN_AMBIGUOUS)
                    for c in codes]
        return [(c, 1.0 / len(codes)) for c in codes]

    # -- display -----------------------------------------------------------------------------
    def display(self, code: str, prefixed: bool = True) -> str:
        """How an agency name usually writes the region: "Kota Semarang", "Kabupaten Demak",
        "Provinsi Jawa Tengah", "Kecamatan Tembalang"; bare: "Semarang", "Jawa Tengah"."""
        region = self.regions[code]
        bare = " ".join(w.capitalize() for w in region.base.split())
        if region.code == "31":
            bare = "DKI Jakarta"
        if not prefixed:
            return bare
        return {"kota": "Kota ", "kab": "Kabupaten ", "kec": "Kecamatan ", "prov": "Provinsi "}[region.kind] + bare

    @property
    def fingerprint(self) -> str:
        """A digest of everything detection depends on (stable across processes): two
        gazetteers with the same fingerprint find the same places in any text."""
        cached = self.__dict__.get("_fingerprint")
        if cached is None:
            import hashlib

            parts = [sorted((c, r.name, r.level, r.parent or "") for c, r in self.regions.items()),
                     sorted(self.aliases.items()), sorted(self.stop), sorted(self.name_variants.items())]
            cached = self.__dict__["_fingerprint"] = hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()
        return cached

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_fingerprint"}

    def __setstate__(self, state):
        self.__dict__.update(state)


@lru_cache(maxsize=2)
def gazetteer_from_csv(folder: str | None = None) -> Gazetteer:
    """The gazetteer from ``wilayah.csv`` (``settings.SHARED_DATA_DIR`` by default); no database."""
    from aduan.regions.services import wilayah_dir, wilayah_rows

    rows = [r for r in wilayah_rows(wilayah_dir(folder)) if r[2] <= DISTRICT]
    return Gazetteer(rows)


def gazetteer_from_database() -> Gazetteer | None:
    """The gazetteer from the loaded ``Region`` table, or None when it holds no regions."""
    from aduan.regions.models import Region as RegionModel

    rows = list(RegionModel.objects.filter(level__lte=DISTRICT).values_list("code", "name", "level", "parent_id"))
    return Gazetteer(rows) if rows else None
