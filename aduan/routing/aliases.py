"""Agency names in imported data → directory agencies (issue #6).

Legacy systems and citizens name agencies in many ways: "DPU BINMAR CIPKA", "Dinas
Pekerjaan Umum Kota Semarang", "BPJS Kesehatan KC Palangkaraya", "Disdukcapil Pemerintah
Kabupaten Batang", "Dinas Perhubungan Kabupaten Kabupaten Kendal". ``agency_match`` tries,
in order:

1. **alias** — the name exactly (case and spacing aside) as an agency's name, short name or
   stored alias;
2. **normalised** — equal after normalisation: case, punctuation, "dan"/"PT"/"Persero"/
   "Pemerintah" dropped, a "- Program …" tag dropped, and the common abbreviations of
   Indonesian government names expanded (``ABBREVIATIONS``: Din./Dinas, Kab./Kabupaten,
   Pemkot/Pemerintah Kota, Dispendukcapil/Dinas Kependudukan dan Pencatatan Sipil,
   PU/Pekerjaan Umum, BINMAR/Bina Marga, CIPKA/Cipta Karya, Kemen/Kementerian,
   KC/Kantor Cabang …);
3. **similarity** — weighted token-set similarity: tokens weigh their rarity in the
   directory (IDF), so a place name or "Kependudukan" counts far more than "Dinas"; the
   score is the F-measure with β = 0.5 of the shared weight over the query's and the
   agency's weights (a name that leaves out "Kota Semarang" still matches; one that adds an
   unknown place does not), and it is 0 when both names give a *different place at the same
   level* ("Kabupaten Kediri" vs "Kabupaten Kendal", "Kota Semarang" vs "Kabupaten
   Semarang"). A match needs ``MATCH_THRESHOLD``.

At every stage, two or more agencies at the top (within ``AMBIGUITY_MARGIN`` for similarity)
give no agency but the candidates: "Dinas Sosial" alone could be any region's. Aliases are
global; ``within`` (an agency) restricts matching to its subtree, e.g. Pemerintah Provinsi
Jawa Tengah for LaporGub! data, whose "DINAS SOSIAL" is the province's.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from aduan.agencies.models import Agency

MATCH_THRESHOLD = 0.85
AMBIGUITY_MARGIN = 0.05
CANDIDATE_FLOOR = 0.5
BETA = 0.5

# Token → expansion. Applied after lower-casing and removing punctuation ("Kab." → "kab").
ABBREVIATIONS: dict[str, str] = {
    # levels of government and offices
    "kab": "kabupaten", "kotamadya": "kota", "kodya": "kota", "prov": "provinsi", "propinsi": "provinsi",
    "pemkot": "kota", "pemkab": "kabupaten", "pemprov": "provinsi", "kec": "kecamatan", "kel": "kelurahan",
    "din": "dinas", "kemen": "kementerian", "kementrian": "kementerian", "kc": "kantor cabang",
    "kcu": "kantor cabang utama", "kacab": "kantor cabang", "kanwil": "kantor wilayah", "kanreg": "kantor regional",
    "kanim": "kantor imigrasi", "ditjen": "direktorat jenderal", "dirjen": "direktorat jenderal",
    "dit": "direktorat", "setda": "sekretariat daerah", "sudin": "suku dinas",
    # sectors
    "pu": "pekerjaan umum", "dpu": "dinas pekerjaan umum", "binmar": "bina marga", "cipka": "cipta karya",
    "dpupr": "dinas pekerjaan umum penataan ruang", "pupr": "pekerjaan umum perumahan rakyat",
    "psda": "pengelolaan sumber daya air", "sda": "sumber daya air", "esdm": "energi sumber daya mineral",
    "dispendukcapil": "dinas kependudukan pencatatan sipil", "disdukcapil": "dinas kependudukan pencatatan sipil",
    "dindukcapil": "dinas kependudukan pencatatan sipil", "dukcapil": "kependudukan pencatatan sipil",
    "capil": "pencatatan sipil", "dishub": "dinas perhubungan", "dinkes": "dinas kesehatan", "dinsos": "dinas sosial",
    "disdik": "dinas pendidikan", "disdikbud": "dinas pendidikan kebudayaan",
    "diskominfo": "dinas komunikasi informatika", "kominfo": "komunikasi informatika",
    "disnaker": "dinas tenaga kerja", "disnakertrans": "dinas tenaga kerja transmigrasi",
    "dlh": "dinas lingkungan hidup", "satpolpp": "satuan polisi pamong praja", "satpol": "satuan polisi pamong praja",
    "bpbd": "badan penanggulangan bencana daerah", "bkd": "badan kepegawaian daerah",
    "bkn": "badan kepegawaian negara", "bpn": "badan pertanahan nasional", "atr": "agraria tata ruang",
    "bpjs": "badan penyelenggara jaminan sosial", "tk": "ketenagakerjaan", "ham": "hak asasi manusia",
    "kumham": "hukum hak asasi manusia", "kemenkumham": "kementerian hukum hak asasi manusia",
    "kemendikbud": "kementerian pendidikan kebudayaan", "kemensos": "kementerian sosial",
    "kemenkes": "kementerian kesehatan", "kemenag": "kementerian agama", "kemnaker": "kementerian ketenagakerjaan",
    "kemenaker": "kementerian ketenagakerjaan", "kemendagri": "kementerian dalam negeri",
    "kemenkeu": "kementerian keuangan", "kemenhub": "kementerian perhubungan",
    "kemenkominfo": "kementerian komunikasi informatika", "klhk": "kementerian lingkungan hidup kehutanan",
    "polri": "kepolisian negara republik indonesia", "ri": "republik indonesia", "polda": "kepolisian daerah",
    "polres": "kepolisian resor", "polresta": "kepolisian resor kota", "polrestabes": "kepolisian resor kota besar",
    "rsud": "rumah sakit umum daerah", "rsup": "rumah sakit umum pusat", "rs": "rumah sakit",
    "pdam": "perusahaan daerah air minum", "umkm": "usaha mikro kecil menengah", "ukm": "usaha kecil menengah",
    "dpmptsp": "dinas penanaman modal pelayanan terpadu satu pintu", "ptsp": "pelayanan terpadu satu pintu",
    "bptsp": "badan pelayanan terpadu satu pintu", "bpkad": "badan pengelola keuangan aset daerah",
    "bppd": "badan pengelola pendapatan daerah", "pengelolaan": "pengelola", "ojk": "otoritas jasa keuangan",
    "kai": "kereta api indonesia", "pns": "pegawai negeri sipil", "asn": "aparatur sipil negara",
    # places
    "jateng": "jawa tengah", "jabar": "jawa barat", "jatim": "jawa timur", "diy": "daerah istimewa yogyakarta",
    "dki": "daerah khusus ibukota", "sumbar": "sumatera barat", "sumut": "sumatera utara",
    "sumsel": "sumatera selatan", "kalbar": "kalimantan barat", "kalteng": "kalimantan tengah",
    "kaltim": "kalimantan timur", "kalsel": "kalimantan selatan", "sulsel": "sulawesi selatan",
    "sulut": "sulawesi utara", "sulteng": "sulawesi tengah", "jaksel": "jakarta selatan", "jakbar": "jakarta barat",
    "jaktim": "jakarta timur", "jakut": "jakarta utara", "jakpus": "jakarta pusat",
}
# Whole phrases, on the expanded text.
PHRASES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"\bcatatan sipil\b"), "pencatatan sipil"),
    (re.compile(r"\bsatuan polisi pamong praja pp\b"), "satuan polisi pamong praja"),
    (re.compile(r"\bkota administrasi\b"), "kota"),
    (re.compile(r"\bhukum dan\b"), "hukum"),
]
STOP = {"dan", "pt", "persero", "tbk", "pemerintah", "the", "of", "&"}
# The kind of body a name starts with; two names of different kinds are different bodies
# ("Dinas Pekerjaan Umum …" is not "Kementerian Pekerjaan Umum …").
KIND_WORDS = ("kementerian", "dinas", "badan", "direktorat", "biro", "bagian", "inspektorat", "kecamatan",
              "kelurahan", "sekretariat", "suku", "satuan", "komisi", "universitas", "rumah", "perusahaan")
LEVEL_MARKERS = {"provinsi": 1, "kabupaten": 2, "kota": 2, "kecamatan": 3, "kelurahan": 4, "desa": 4}


def squash(name: str) -> str:
    return " ".join(str(name or "").split()).casefold()


def normalise_agency_name(name: str) -> str:
    text = squash(name)
    text = re.sub(r"\s+-\s+program\b.*$", "", text)  # "… - Program BPNT Rastra": a programme tag
    text = re.sub(r"[^\w\s]", " ", text.replace("&", " dan "))
    text = " ".join(ABBREVIATIONS.get(t, t) for t in text.split())
    for pattern, replacement in PHRASES:
        text = pattern.sub(replacement, text)
    out: list[str] = []
    for token in text.split():
        if token in STOP or (out and out[-1] == token):
            continue
        out.append(token)
    return " ".join(out)


def _kind_of(tokens) -> str:
    return next((w for w in KIND_WORDS if w in tokens), "")


def places_of(tokens: list[str]) -> dict[int, set[str]]:
    """Level → places named after a level word: "dinas kesehatan kota semarang" → {2: {"kota|semarang"}}."""
    places: dict[int, set[str]] = defaultdict(set)
    i = 0
    while i < len(tokens):
        level = LEVEL_MARKERS.get(tokens[i])
        if level is None:
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and tokens[j] not in LEVEL_MARKERS:
            j += 1
        if j > i + 1:
            places[level].add(f"{tokens[i]}|{''.join(tokens[i + 1:j])}")
        i = j
    return dict(places)


def places_compatible(a: dict[int, set[str]], b: dict[int, set[str]]) -> bool:
    """Both name no place, or both name places down to the same level and agree on every
    level both name: "Kecamatan Tembalang" fits "Kecamatan Tembalang Kota Semarang";
    "… Kabupaten Bojonegoro" does not fit "… Provinsi Jawa Tengah", nor "Kota Semarang"
    "Kabupaten Semarang", nor a name without a place one with a place."""
    if not a or not b:
        return not a and not b
    if max(a) != max(b):
        return False
    return all(names & b[level] for level, names in a.items() if level in b)


@dataclass(frozen=True)
class AgencyMatch:
    agency: Agency | None
    score: float
    via: str  # "alias", "normalised", "similarity"; or "ambiguous", "none" (agency is None)
    candidates: tuple[tuple[Agency, float], ...] = field(default=())


@dataclass
class _Form:
    agency_id: int
    tokens: frozenset[str]
    places: dict[int, set[str]]


class AliasIndex:
    """The directory's names, ready for matching many names (build once per batch)."""

    def __init__(self, agencies=None):
        agencies = list(agencies if agencies is not None else Agency.objects.filter(is_active=True))
        self.agencies = {a.pk: a for a in agencies}
        self.exact: dict[str, set[int]] = defaultdict(set)
        self.exact_via: dict[tuple[str, int], str] = {}
        self.normalised: dict[str, set[int]] = defaultdict(set)
        self.forms: list[_Form] = []
        self.by_token: dict[str, set[int]] = defaultdict(set)
        document_tokens: dict[int, set[str]] = defaultdict(set)
        for agency in agencies:
            names = [(agency.name, "name"), (agency.short_name, "name")] + [(a, "alias") for a in agency.aliases or []]
            for raw, via in names:
                if not raw:
                    continue
                key = squash(raw)
                self.exact[key].add(agency.pk)
                if self.exact_via.get((key, agency.pk)) != "alias":
                    self.exact_via[(key, agency.pk)] = via
                norm = normalise_agency_name(raw)
                if not norm:
                    continue
                self.normalised[norm].add(agency.pk)
                tokens = norm.split()
                form = _Form(agency.pk, frozenset(tokens), places_of(tokens))
                for token in form.tokens:
                    self.by_token[token].add(len(self.forms))
                self.forms.append(form)
                document_tokens[agency.pk].update(tokens)
        n = max(len(document_tokens), 1)
        df: dict[str, int] = defaultdict(int)
        for tokens in document_tokens.values():
            for token in tokens:
                df[token] += 1
        self.idf = {t: math.log((n + 1) / (c + 1)) + 1 for t, c in df.items()}
        self.unknown_idf = math.log(n + 1) + 1
        self.rare_idf = math.log((n + 1) / 2) + 1  # a word in the names of one agency only

    def weight(self, tokens) -> float:
        return sum(self.idf.get(t, self.unknown_idf) for t in tokens)

    def similarity(self, query: frozenset[str], query_places, form: _Form) -> tuple[float, float]:
        """(strict, raw): the weighted token-set score, and the same score with the place,
        kind and rare-word checks applied (0 when one fails)."""
        shared_tokens = query & form.tokens
        if not shared_tokens:
            return 0.0, 0.0
        shared = self.weight(shared_tokens)
        precision, recall = shared / self.weight(query), shared / self.weight(form.tokens)
        b2 = BETA * BETA
        raw = (1 + b2) * precision * recall / (b2 * precision + recall)
        if not places_compatible(query_places, form.places) or _kind_of(query) != _kind_of(form.tokens):
            return 0.0, raw
        # A rare word (in the names of at most one agency, or of none) on one side only is
        # a different office: "Kacab Bekasi Kota" is not "Kacab Bekasi Cikarang".
        if any(self.idf.get(t, self.unknown_idf) >= self.rare_idf for t in query ^ form.tokens):
            return 0.0, raw
        return raw, raw


def _in_scope(agency: Agency, within: Agency | None) -> bool:
    return within is None or agency.path.startswith(within.path)


def agency_match(name: str, *, within: Agency | None = None, index: AliasIndex | None = None) -> AgencyMatch:
    """The directory agency that ``name`` (as written in imported data) refers to."""
    index = index or AliasIndex()
    key = squash(name)
    if not key:
        return AgencyMatch(None, 0.0, "none")

    ids = [i for i in index.exact.get(key, ()) if _in_scope(index.agencies[i], within)]
    if len(ids) == 1:
        return AgencyMatch(index.agencies[ids[0]], 1.0, index.exact_via[(key, ids[0])])
    if len(ids) > 1:
        return AgencyMatch(None, 1.0, "ambiguous", tuple((index.agencies[i], 1.0) for i in sorted(ids)))

    norm = normalise_agency_name(name)
    ids = [i for i in index.normalised.get(norm, ()) if _in_scope(index.agencies[i], within)]
    if len(ids) == 1:
        return AgencyMatch(index.agencies[ids[0]], 1.0, "normalised")
    if len(ids) > 1:
        return AgencyMatch(None, 1.0, "ambiguous", tuple((index.agencies[i], 1.0) for i in sorted(ids)))

    tokens = frozenset(norm.split())
    query_places = places_of(norm.split())
    strict: dict[int, float] = {}
    raw: dict[int, float] = {}
    for form_no in {f for t in tokens for f in index.by_token.get(t, ())}:
        form = index.forms[form_no]
        if not _in_scope(index.agencies[form.agency_id], within):
            continue
        score, loose = index.similarity(tokens, query_places, form)
        strict[form.agency_id] = max(score, strict.get(form.agency_id, 0.0))
        raw[form.agency_id] = max(loose, raw.get(form.agency_id, 0.0))
    ranked = sorted(((score, i) for i, score in raw.items() if score >= CANDIDATE_FLOOR), key=lambda p: (-p[0], p[1]))
    candidates = tuple((index.agencies[i], round(score, 3)) for score, i in ranked[:5])
    best_score, best_id = max(((score, -i) for i, score in strict.items()), default=(0.0, 0))
    if best_score >= MATCH_THRESHOLD:
        # Another agency that fits almost as well once places are ignored makes it ambiguous:
        # "Dinas Pendidikan" is the province's as much as the city's.
        rivals = [i for i, score in raw.items() if i != -best_id and score > best_score - AMBIGUITY_MARGIN]
        if not rivals:
            return AgencyMatch(index.agencies[-best_id], round(best_score, 3), "similarity", candidates)
        return AgencyMatch(None, round(best_score, 3), "ambiguous", candidates)
    top = ranked[0][0] if ranked else 0.0
    close = [i for score, i in ranked if score >= MATCH_THRESHOLD and top - score < AMBIGUITY_MARGIN]
    return AgencyMatch(None, round(top, 3), "ambiguous" if len(close) > 1 else "none", candidates)


def agency_alias_add(*, actor, agency: Agency, alias: str) -> bool:
    """Store ``alias`` on ``agency`` through the directory's own audited write service
    (``agency_manage`` on the agency needed). False when it was already there."""
    from aduan.agencies.services import agency_update

    alias = " ".join(str(alias or "").split())
    current = Agency.objects.get(pk=agency.pk)
    if not alias or alias in (current.aliases or []) or alias == current.name:
        return False
    agency_update(actor=actor, agency=current, aliases=[*(current.aliases or []), alias])
    return True
