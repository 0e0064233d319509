"""Emergencies recognised at submission (issue #6): is this report about a fire, an accident,
a medical emergency, a crime in progress or a disaster happening *now*?

A report that is an emergency must not wait in the verification queue: the citizen is told
at once to call 112, and officials see it flagged urgent. Pure function over the title and
body; the phrase lists are data (``data/emergency_id.txt``) so a verifier can add a phrase
without a deploy.

How a report is recognised:

1. The text is normalised: lower case, letters and digits only, letters repeated three
   times or more squeezed ("tolooong" → "tolong"), informal spellings replaced word by word
   from the ``[slang]`` section ("kbakaran" → "kebakaran", "skrg" → "sekarang").
2. A trigger phrase of a kind ("kebakaran", "tabrakan", "tanah longsor", …) counts only when
   it is *live*: it is a strong phrase that says "now" by itself ("terjebak api", "kirim
   ambulans"), or an urgency cue ("sedang", "baru saja", "sekarang", "terjebak", or for an
   accident "korban"/"terluka") stands in the same sentence within ``CUE_WINDOW`` words or
   anywhere in the title.
3. A negative cue within ``NEGATIVE_WINDOW`` words cancels the trigger, whatever else is
   there: the past ("bekas", "tahun lalu", "pernah"), risk ("rawan", "sering", "berpotensi"),
   the hypothetical ("kalau hujan", "jika terjadi"), and the vocabulary of ordinary
   maintenance complaints ("diperbaiki", "perbaikan").

Precision over recall: a false alarm tells a citizen who wrote about a pothole to call 112
and jumps their report ahead of real emergencies; a missed emergency still reaches the
verifier within the normal 3 working days, and the confirmation page always shows the 112
number anyway. Words that are everywhere in complaints ("tolong", "segera", "tadi") are
therefore not cues, and a negative cue always wins.

Numbers to call. 112 is the national single emergency number (Layanan Panggilan Darurat
112, Kominfo/Komdigi since 2015 — layanan112.kominfo.go.id; Republika 2016-04-29 on the
Kominfo–Kemendagri MoU integrating 110, 113 and 118; ANTARA 2025 "141 kabupaten/kota").
Where 112 is not yet active the older numbers still work: 110 Polri, 113 pemadam kebakaran,
115 Basarnas (SAR), 119 ambulans / SPGDT Kemenkes, 118 ambulans (PMI) — listed by
kids.grid.id citing layanan112.kominfo.go.id and sibisnis.co.id 2026 ("118 & 119"); 117 is
BNPB's disaster call centre (Kepala BNPB, alinea.id 2022-11-22). 129 is not used: no source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "emergency_id.txt"

KINDS = ("fire", "accident", "medical", "crime", "disaster")
# When triggers of several kinds are live, the one with most matches wins; ties go to the
# kind listed first (a fire with victims is a fire for the responders).
KIND_PRIORITY = {kind: i for i, kind in enumerate(("fire", "disaster", "accident", "medical", "crime"))}

NATIONAL_NUMBER = "112"
NUMBERS: dict[str, tuple[str, ...]] = {
    "fire": ("112", "113"),
    "accident": ("112", "110", "119"),
    "medical": ("112", "119", "118"),
    "crime": ("112", "110"),
    "disaster": ("112", "117", "115"),
}
# What each number is, for messages and pages (Bahasa Indonesia; wrapped where shown).
NUMBER_LABELS = {
    "112": "Layanan Darurat 112",
    "110": "Polisi",
    "113": "Pemadam Kebakaran",
    "115": "Basarnas (SAR)",
    "117": "BNPB (bencana)",
    "118": "Ambulans PMI",
    "119": "Ambulans / SPGDT",
}

CUE_WINDOW = 8  # words either side of a trigger in which an urgency cue makes it live
NEGATIVE_WINDOW = 6  # words either side in which a negative cue cancels it

_SENTENCE = re.compile(r"[.!?\n;]+")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")


@dataclass(frozen=True)
class Emergency:
    kind: str
    phrases: tuple[str, ...]  # the live trigger phrases, in normalised form
    numbers: tuple[str, ...]  # to call, 112 first

    def as_dict(self) -> dict:
        return {"kind": self.kind, "call": list(self.numbers)}


@dataclass(frozen=True)
class _Lexicon:
    triggers: dict[str, list[tuple[tuple[str, ...], bool]]]  # kind → [(words, strong)]
    urgent: tuple[tuple[str, ...], ...]
    urgent_by_kind: dict[str, tuple[tuple[str, ...], ...]]
    negative: tuple[tuple[str, ...], ...]
    slang: dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    triggers: dict[str, list] = {kind: [] for kind in KINDS}
    urgent: list = []
    urgent_by_kind: dict[str, list] = {kind: [] for kind in KINDS}
    negative: list = []
    slang: dict[str, tuple[str, ...]] = {}
    section: tuple[str, str] = ("", "")
    for raw in DATA_FILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            name, _, arg = line[1:-1].partition(" ")
            if name not in ("kind", "urgent", "negative", "slang") or (arg and arg not in KINDS) or (name == "kind" and not arg):
                raise ValueError(f"emergency_id.txt: unknown section {line}")
            section = (name, arg)
            continue
        name, arg = section
        if name == "slang":
            key, _, value = line.partition(" ")
            slang[key] = tuple(value.split())
            continue
        strong = line.endswith(" !")
        words = tuple(line.removesuffix(" !").split())
        if name == "kind":
            triggers[arg].append((words, strong))
        elif name == "urgent" and arg:
            urgent_by_kind[arg].append(words)
        elif name == "urgent":
            urgent.append(words)
        elif name == "negative":
            negative.append(words)
        else:
            raise ValueError(f"emergency_id.txt: phrase before any section: {line}")
    return _Lexicon(
        triggers=triggers, urgent=tuple(urgent),
        urgent_by_kind={k: tuple(v) for k, v in urgent_by_kind.items()},
        negative=tuple(negative), slang=slang,
    )


def normalise_words(text: str) -> list[str]:
    """Lower-case words with informal spellings replaced (the matcher's own small form;
    ``routing.normalise`` is not used so the phrase list stays readable as typed)."""
    slang = lexicon().slang
    text = _REPEATS.sub(r"\1", (text or "").lower())
    words: list[str] = []
    for word in _NON_WORD.sub(" ", text).split():
        words.extend(slang.get(word, (word,)))
    return words


def _sentences(text: str) -> list[list[str]]:
    return [w for w in (normalise_words(part) for part in _SENTENCE.split(text or "")) if w]


def _find(words: list[str], phrase: tuple[str, ...]) -> list[int]:
    n = len(phrase)
    first = phrase[0]
    return [i for i, w in enumerate(words) if w == first and tuple(words[i:i + n]) == phrase]


def _near(words: list[str], start: int, end: int, phrases, window: int) -> bool:
    """Is one of ``phrases`` within ``window`` words of ``words[start:end]``? The trigger
    itself does not count ("tertimbun reruntuhan" is not its own cue "tertimbun")."""
    lo, hi = max(0, start - window), min(len(words), end + window)
    span = words[lo:start] + ["|"] + words[end:hi]
    return any(_find(span, p) for p in phrases)


def emergency_detect(title: str, body: str) -> Emergency | None:
    """The emergency the report describes as happening now, or None. See the module doc."""
    lex = lexicon()
    title_words = normalise_words(title)
    sentences = _sentences(title) + _sentences(body)
    hits: dict[str, list[str]] = {}
    for kind in KINDS:
        cues = lex.urgent + lex.urgent_by_kind[kind]
        title_urgent = any(_find(title_words, c) for c in cues)
        for words in sentences:
            for phrase, strong in lex.triggers[kind]:
                for start in _find(words, phrase):
                    end = start + len(phrase)
                    if _near(words, start, end, lex.negative, NEGATIVE_WINDOW):
                        continue
                    if strong or title_urgent or _near(words, start, end, cues, CUE_WINDOW):
                        text = " ".join(phrase)
                        if text not in hits.setdefault(kind, []):
                            hits[kind].append(text)
    if not hits:
        return None
    kind = min(hits, key=lambda k: (-len(hits[k]), KIND_PRIORITY[k]))
    return Emergency(kind=kind, phrases=tuple(hits[kind]), numbers=NUMBERS[kind])


def emergency_numbers(kind: str) -> list[str]:
    """The numbers to call for a stored ``Report.emergency_kind`` (112 alone when unknown)."""
    return list(NUMBERS.get(kind, (NATIONAL_NUMBER,)))
