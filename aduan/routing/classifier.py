"""Routing text classifier (issue #6): text → destination agency, category or kind, with
calibrated probabilities and the terms behind each suggestion, for the verifier.

How a suggestion is made — what a human verifier does:

1. Every training label is split into a *template* and *places* with the gazetteer
   (``places.py``): "Dinas Pekerjaan Umum Kota Semarang" → ``Dinas Pekerjaan Umum {2}``
   with Kota Semarang in slot 2 (1 = province, 2 = regency/city, 3 = district);
   "Kabupaten Demak" → ``{2}``; "Kementerian Sosial" has no place and is its own template.
2. A *sector* model (linear SVM, one-vs-rest, over TF-IDF of stemmed word 1–2-grams,
   character 2–5-grams and place-indicator tokens; its scores are turned into
   probabilities by a softmax with a temperature fitted on inner-CV log-loss) gives
   P(template | text). The place tokens ("a regency is named", "Kabupaten Demak is named")
   let it learn when a named place means "the regency's own government" and when it does
   not. When there are few classes (≤ ``STYLE_MAX_CLASSES`` = 10 templates: a kind of
   request, not a destination) three *style* blocks are added: unstemmed, normalised word
   1–3-grams, character 2–5-grams of the raw text (punctuation kept: "?") and the
   first/last ``EDGE_TOKENS`` tokens marked by position. How a report is written ("apakah
   …", "… mohon infonya", a closing question) separates a request for information from a
   complaint as much as its topic does, and stemming folds "apakah" into "apa". The switch
   is the number of classes seen in the data, never the label's name; on lapor-stream
   ``request_type`` (3 classes) it lifts 5-fold CV top-1 from 0.776 to 0.792 (plain
   TF-IDF + logistic regression: 0.760).
3. A template with a slot is *composed* with the places detected in the text: the label
   seen in training for that template and place, or — when never seen — a new name rendered
   in the house style of the known labels ("Dinas Kesehatan Kota Bandung"), at a discount
   (``novel_weight``). The share the place detection is unsure about falls back to the
   *flat* distribution: the training labels of that template by their frequency.
4. The auto-dispose threshold is chosen on the training data only: out-of-fold
   predictions of an inner K-fold cross-validation (the same pipeline refitted on each
   fold) give (confidence, right?) pairs, and the threshold is the lowest confidence t
   such that the one-sided 95 % Wilson *lower* confidence bound on the precision of the
   predictions with confidence ≥ t is at least the target (95 %), with at least
   ``AUTO_MIN_SUPPORT`` such predictions (``choose_threshold_lcb``). A point estimate
   ("right ≥ 96 % of the time") is optimistic: it is the best of many noisy estimates on
   few predictions. With the bound, even a run of correct predictions only qualifies once
   there are enough of them (≥ 52 all right for 95 %). No qualifying threshold → 1.01,
   never auto-dispose. It is stored with the model, with the out-of-fold expected
   calibration error as a reliability check.

   The support needed is ``AUTO_MIN_SUPPORT`` = 100 predictions (it was 30). The rule scans
   every threshold and keeps the lowest that passes, so the smallest admissible sets — the
   few dozen most confident predictions — are where chance wins: a model whose confident
   predictions are right ≈ 90 % of the time still shows, in some training sets, a run of
   52–90 right ones at the very top, and the bound then passes on that run alone. That is
   what happened on laporgub-jateng ``diteruskan`` (top-confidence precision ≈ 0.90 in
   inner CV; with 30 the threshold qualified in 1 of 5 outer folds and auto-disposed
   cases right only 92 % of the time in outer CV). With 100, a threshold qualifies only
   on ≥ 99 right of 100 (≈ 97.5 % of 300) — a sustained record, not a lucky run — and
   ``request_type``, whose qualifying thresholds hold over 100–300 predictions, keeps its
   share. 5 inner folds instead of 3 did not help (the luck moved, it did not go away).

Public API: ``RoutingModel.fit(examples)``, ``.suggest(text, extra_text="", k=3)`` →
``Suggestion(label, probability, terms, source)``, ``.auto_threshold``, ``.save(path)``,
``RoutingModel.load(name)`` and ``train_model(examples, …)``.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .normalise import normalise, stem_tokens
from .places import DISTRICT, PROVINCE, REGENCY, W_PREFIXED, Gazetteer, gazetteer_from_csv

MODEL_FORMAT = 1
DEFAULT_TEMPERATURE = 5.0
_SLOT = re.compile(r"\{([123])\}")
AUTO_MIN_SUPPORT = 100  # predictions at or above a threshold needed before it can qualify
AUTO_CONFIDENCE = 0.95  # one-sided confidence level of the lower bound on precision
NEVER = 1.01            # threshold above any probability: no auto-disposal
STYLE_MAX_CLASSES = 10  # sector models with at most this many classes also get the style blocks
EDGE_TOKENS = 10        # opening/closing tokens marked by position (style block)


def wilson_lower_bound(right: int, n: int, *, confidence: float = AUTO_CONFIDENCE) -> float:
    """One-sided Wilson score lower confidence bound on a proportion (``right`` of ``n``)."""
    if n <= 0:
        return 0.0
    from statistics import NormalDist

    z = NormalDist().inv_cdf(confidence)
    p = right / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * ((p * (1 - p) / n + z2 / (4 * n * n)) ** 0.5)
    return max(0.0, (centre - spread) / (1 + z2 / n))


def choose_threshold_lcb(confidences: Sequence[float], correct: Sequence[bool], *, target: float = 0.95,
                         confidence: float = AUTO_CONFIDENCE, min_support: int = AUTO_MIN_SUPPORT) -> float:
    """Lowest threshold t such that the predictions with confidence ≥ t number at least
    ``min_support`` and the one-sided ``confidence`` Wilson lower bound on their precision
    is ≥ ``target``; ``NEVER`` (1.01) when no threshold qualifies. Deterministic: ties in
    confidence are never split (a threshold keeps or drops all equal confidences)."""
    pairs = sorted(zip((float(c) for c in confidences), (bool(o) for o in correct)), key=lambda p: -p[0])
    best = NEVER
    right = 0
    for k, (conf, ok) in enumerate(pairs, start=1):
        right += ok
        if k < len(pairs) and pairs[k][0] == conf:
            continue  # ties: a threshold cannot split equal confidences
        if k >= min_support and wilson_lower_bound(right, k, confidence=confidence) >= target:
            best = conf
    return best


@dataclass(frozen=True)
class Suggestion:
    label: str
    probability: float
    terms: list[str] = field(default_factory=list)
    source: str = "flat"  # "composed" (sector × detected place) or "flat"


@dataclass
class _Template:
    key: str
    level: int  # most specific slot level, 0 when the template has no slot
    slot_style: dict[int, str]  # level → prefix word used in the labels ("Kab.", "Kota", "" for bare)
    upper: bool
    labels: Counter = field(default_factory=Counter)  # training labels → count
    by_code: dict[str, str] = field(default_factory=dict)  # region code at ``level`` → training label


def _ancestor(code: str, level: int) -> str:
    return ".".join(code.split(".")[:level])


# -- text features -----------------------------------------------------------------------------
def _identity(doc):
    return doc


@dataclass
class _Doc:
    words: list[str]
    chars: str
    places: object
    raw: str = ""  # the text as written (lower-cased by the vectoriser): punctuation such as "?" kept


def _prepare(gaz: Gazetteer, text: str, extra: str = "") -> _Doc:
    full = f"{extra}\n{text}" if extra else (text or "")
    places = gaz.detect(full)
    stems = stem_tokens(full)
    feats = stems + [f"{a} {b}" for a, b in zip(stems, stems[1:])]
    for level, tag in ((PROVINCE, "prov"), (REGENCY, "reg"), (DISTRICT, "kec")):
        code, conf = places.best(level)
        if code and conf >= 0.3:
            feats += [f"__{tag}__", f"__{tag}_{code}__"]
            if level == REGENCY:
                feats.append(f"__{gaz.regions[code].kind}__")
    return _Doc(feats, normalise(full), places, full)


def _analyzer_key(vec) -> tuple:
    """Vectorisers with the same key split a text into the same features."""
    analyzer = vec.analyzer
    return (analyzer if isinstance(analyzer, str) else getattr(analyzer, "__qualname__", repr(analyzer)),
            vec.ngram_range, vec.lowercase, vec.strip_accents, vec.preprocessor, vec.tokenizer,
            vec.token_pattern, vec.stop_words)


def _tfidf_one(vec, doc: _Doc, part: str, value):
    """``vec.transform([value])`` for one report, the same numbers (l2-normalised sublinear
    TF × IDF), without sklearn's per-call validation; the features of ``value`` are kept on
    ``doc`` so that every model with the same analyser (the category, agency and kind models
    all use character 2–5-grams of the normalised text) splits the text once."""
    from scipy.sparse import csr_matrix

    cache = doc.__dict__.get("_features")  # only on prediction docs (_prepare_cached), not training ones
    key = (part, _analyzer_key(vec)) if cache is not None else None
    features = cache.get(key) if cache is not None else None
    if features is None:
        features = vec.build_analyzer()(value)
        if cache is not None:
            cache[key] = features
    vocabulary = vec.vocabulary_
    counts: dict[int, int] = {}
    for feature in features:
        j = vocabulary.get(feature)
        if j is not None:
            counts[j] = counts.get(j, 0) + 1
    n = len(vocabulary)
    if not counts:
        return csr_matrix((1, n), dtype=vec.dtype)
    cols = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    vals = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    order = np.argsort(cols)
    cols, vals = cols[order], vals[order]
    if vec.sublinear_tf:
        vals = np.log(vals) + 1.0
    if vec.use_idf:
        vals = vals * vec.idf_[cols]
    if vec.norm == "l2":
        norm = np.sqrt(np.dot(vals, vals))
        if norm > 0:
            vals = vals / norm
    elif vec.norm == "l1":
        vals = vals / np.abs(vals).sum()
    return csr_matrix((vals.astype(vec.dtype), cols, np.array([0, len(cols)])), shape=(1, n))


_prepared: OrderedDict = OrderedDict()
_prepared_lock = threading.Lock()
PREPARED_CACHE = 32


def _prepare_cached(gaz: Gazetteer, text: str, extra: str = "") -> _Doc:
    """``_prepare`` for prediction, remembered for the last few texts: routing asks the
    category, agency and kind models about the same report, and normalising, stemming and
    place detection are most of a long report's cost. Models whose gazetteers find the
    same places (same fingerprint) share the work."""
    key = (gaz.fingerprint if gaz is not None else "", text, extra)
    with _prepared_lock:
        doc = _prepared.get(key)
        if doc is not None:
            _prepared.move_to_end(key)
            return doc
    doc = _prepare(gaz, text, extra)
    doc._features = {}
    with _prepared_lock:
        _prepared[key] = doc
        while len(_prepared) > PREPARED_CACHE:
            _prepared.popitem(last=False)
    return doc


def _edge_tokens(doc: _Doc, n: int = EDGE_TOKENS) -> list[str]:
    """The first and last ``n`` normalised (unstemmed) tokens, marked by position: how a
    report opens and closes ("apakah …", "… bagaimana caranya", "… mohon saran")."""
    toks = doc.chars.split()
    return [f"H_{t}" for t in toks[:n]] + [f"T_{t}" for t in toks[-n:]]


def _style_input(kind: str, doc: _Doc):
    if kind == "norm_words":
        return doc.chars
    if kind == "raw_chars":
        return doc.raw
    return _edge_tokens(doc)


class RoutingModel:
    """Sector × place composition over a logistic-regression sector model (module docstring)."""

    def __init__(self, *, name: str = "", C: float = 0.5, max_char_features: int = 60000,
                 max_word_features: int = 60000, novel_weight: float = 0.7, inner_folds: int = 3,
                 target_precision: float = 0.95, random_state: int = 0, compose: bool = True,
                 style_features: bool = True):
        self.name = name
        self.C = C
        self.max_char_features = max_char_features
        self.max_word_features = max_word_features
        self.novel_weight = novel_weight
        self.inner_folds = inner_folds
        self.target_precision = target_precision
        self.random_state = random_state
        self.compose = compose
        self.style_features = style_features
        self.auto_threshold = NEVER
        self.temperature = DEFAULT_TEMPERATURE
        self.oof_ece: float | None = None
        self.trained_at = ""
        self.n_train = 0
        self.gazetteer: Gazetteer | None = None

    # -- training --------------------------------------------------------------------------
    def fit(self, examples: Iterable[Sequence[str]], *, gazetteer: Gazetteer | None = None,
            progress: Callable[[int], None] | None = None) -> RoutingModel:
        """Train on ``examples``: (text, label) or (text, label, extra_text) tuples, e.g. from
        a CSV or from officials' decisions. ``progress(n)`` is called as steps complete
        (``inner_folds`` + 1 steps)."""
        rows = [(ex[0] or "", str(ex[1]).strip(), ex[2] if len(ex) > 2 and ex[2] else "") for ex in examples]
        rows = [r for r in rows if r[1]]
        if len(rows) < 2 or len({r[1] for r in rows}) < 2:
            raise ValueError("butuh sedikitnya dua contoh dengan dua label berbeda")
        self.gazetteer = gazetteer or self.gazetteer or gazetteer_from_csv()
        docs = [_prepare(self.gazetteer, t, e) for t, _, e in rows]
        labels = [r[1] for r in rows]
        # Inner cross-validation (training data only): the same pipeline refitted on each
        # fold gives out-of-fold sector scores (→ softmax temperature) and then out-of-fold
        # suggestions (→ auto-dispose threshold and calibration error).
        inner_models = []
        for train_idx, test_idx in self._folds(labels):
            inner = self._clone()
            inner.gazetteer = self.gazetteer
            inner._fit_docs([docs[i] for i in train_idx], [labels[i] for i in train_idx])
            inner_models.append((inner, test_idx))
            if progress:
                progress(1)
        self.temperature = self._fit_temperature(inner_models, docs, labels)
        confs, oks = [], []
        for inner, test_idx in inner_models:
            inner.temperature = self.temperature
            for i in test_idx:
                ranked = inner._rank_doc(docs[i], k=1)
                confs.append(ranked[0][1] if ranked else 0.0)
                oks.append(bool(ranked) and ranked[0][0] == labels[i])
        self._fit_docs(docs, labels)
        if progress:
            progress(1)
        from .evaluate import expected_calibration_error

        self.auto_threshold = choose_threshold_lcb(confs, oks, target=self.target_precision) if confs else NEVER
        self.oof_ece = round(expected_calibration_error(confs, oks), 4) if confs else None
        self.n_train = len(rows)
        self.trained_at = time.strftime("%Y-%m-%dT%H:%M:%S")
        return self

    def _fit_temperature(self, inner_models, docs, labels) -> float:
        """Softmax temperature of the sector scores minimising out-of-fold log-loss."""
        scores, truth = [], []
        for inner, test_idx in inner_models:
            if inner.sector is None:
                continue
            for i in test_idx:
                key = inner.template_of.get(labels[i], self.template_of.get(labels[i]) if hasattr(self, "template_of") else None)
                key = key or inner._split_label(labels[i])[0]
                pos = np.flatnonzero(inner.classes_ == key)
                d = inner._decision(docs[i])
                scores.append(d)
                truth.append(int(pos[0]) if len(pos) else -1)
        if not scores:
            return DEFAULT_TEMPERATURE
        best, best_loss = DEFAULT_TEMPERATURE, float("inf")
        for t in np.linspace(0.5, 30, 60):
            loss = 0.0
            for d, y in zip(scores, truth):
                z = d * t
                z = z - z.max()
                logp = z - np.log(np.exp(z).sum())
                loss -= logp[y] if y >= 0 else np.log(1e-3)  # unseen template: its share is lost
            if loss < best_loss:
                best, best_loss = float(t), loss
        return best

    def _clone(self) -> RoutingModel:
        return RoutingModel(name=self.name, C=self.C, max_char_features=self.max_char_features,
                            max_word_features=self.max_word_features, novel_weight=self.novel_weight,
                            inner_folds=0, target_precision=self.target_precision,
                            random_state=self.random_state, compose=self.compose,
                            style_features=getattr(self, "style_features", True))

    def _folds(self, labels):
        if self.inner_folds < 2 or len(labels) < 2 * self.inner_folds:
            return []
        from sklearn.model_selection import KFold, StratifiedKFold

        counts = Counter(labels)
        if min(counts.values()) >= self.inner_folds:
            splitter = StratifiedKFold(self.inner_folds, shuffle=True, random_state=self.random_state)
            return list(splitter.split(np.zeros(len(labels)), labels))
        splitter = KFold(self.inner_folds, shuffle=True, random_state=self.random_state)
        return list(splitter.split(np.zeros(len(labels))))

    def _fit_docs(self, docs: list[_Doc], labels: list[str]) -> None:
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        self._build_templates(labels)
        keys = [self.template_of[lab] for lab in labels]
        self.word_vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=1,
                                        max_features=self.max_word_features, dtype=np.float32)
        self.char_vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2,
                                        max_features=self.max_char_features, dtype=np.float32)
        blocks = [self.word_vec.fit_transform([d.words for d in docs]),
                  self.char_vec.fit_transform([d.chars for d in docs])]
        self.n_word_features = blocks[0].shape[1]
        # Few classes (a kind of request rather than a destination): how a report is written
        # matters as much as its topic, so three *style* blocks are added — unstemmed word
        # 1–3-grams (stemming folds "apakah" into "apa", "infonya" into "info"), character
        # 2–5-grams of the raw text (punctuation: "?") and the opening/closing tokens.
        self.style_vecs = []
        if getattr(self, "style_features", True) and 1 < len(set(keys)) <= STYLE_MAX_CLASSES:
            for kind, vec in self._style_vectorisers():
                blocks.append(vec.fit_transform([_style_input(kind, d) for d in docs]))
                self.style_vecs.append((kind, vec))
        x = hstack(blocks).tocsr()
        if len(set(keys)) == 1:
            self.sector = None
            self.classes_ = np.array(keys[:1])
            return
        self.sector = LinearSVC(C=self.C, class_weight=None)
        self.sector.fit(x, keys)
        self.sector.coef_ = self.sector.coef_.astype(np.float32)
        self.classes_ = self.sector.classes_

    def _style_vectorisers(self):
        from sklearn.feature_extraction.text import TfidfVectorizer

        return [("norm_words", TfidfVectorizer(analyzer="word", ngram_range=(1, 3), sublinear_tf=True, min_df=2,
                                               max_features=self.max_word_features, dtype=np.float32)),
                ("raw_chars", TfidfVectorizer(analyzer="char", ngram_range=(2, 5), sublinear_tf=True, min_df=2,
                                              max_features=self.max_char_features, dtype=np.float32)),
                ("edges", TfidfVectorizer(analyzer=_identity, sublinear_tf=True, dtype=np.float32))]

    def _build_templates(self, labels: list[str]) -> None:
        self.templates: dict[str, _Template] = {}
        self.template_of: dict[str, str] = {}
        self.surface: dict[tuple[str, bool], Counter] = defaultdict(Counter)  # (code, prefixed) → surfaces
        for label, count in Counter(labels).items():
            key, level, style, codes, surfaces = self._split_label(label) if self.compose else (label, 0, {}, [], [])
            letters = _SLOT.sub("", key)
            tpl = self.templates.get(key) or _Template(key, level, style, letters.isupper() and any(c.isalpha() for c in letters))
            self.templates[key] = tpl
            tpl.labels[label] += count
            for code in codes:
                tpl.by_code.setdefault(code, label)
            for code, prefixed, text in surfaces:
                self.surface[(code, prefixed)][text] += count
            self.template_of[label] = key

    def _split_label(self, label: str):
        gaz = self.gazetteer
        places = gaz.detect(label)
        spans: dict[tuple[int, int], list] = defaultdict(list)
        for m in places.mentions:
            spans[(m.start, m.end)].append(m)
        if not spans:
            return label, 0, {}, [], []
        # Drop spans nested in a longer one (a district span inside nothing else, etc.).
        ordered = sorted(spans, key=lambda s: (s[0], -s[1]))
        key, pos, style, surfaces = "", 0, {}, []
        level_codes: dict[int, list[str]] = {}
        for start, end in ordered:
            if start < pos:
                continue
            ms = spans[(start, end)]
            level = max(m.level for m in ms)
            ms = [m for m in ms if m.level == level]
            text = label[start:end]
            prefixed = ms[0].prefixed
            prefix_word = text.split()[0] if prefixed else ""
            key += label[pos:start] + "{%d}" % level
            style[level] = prefix_word
            level_codes.setdefault(level, [m.code for m in ms])
            for m in ms:
                surfaces.append((m.code, prefixed, text))
            pos = end
        key += label[pos:]
        main = max(level_codes)
        return key, main, style, level_codes[main], surfaces

    # -- prediction ------------------------------------------------------------------------
    def _decision(self, doc: _Doc, x=None):
        x = self._vector(doc) if x is None else x
        # The linear scores, computed directly: sklearn's decision_function validates its input
        # on every call, which costs more than the product itself for one report.
        d = np.asarray(x @ self.sector.coef_.T).ravel() + self.sector.intercept_
        if d.shape[0] == 1:  # two classes: one score for the second
            return np.array([-d[0], d[0]]) / 2
        return d

    def _sector_proba(self, doc: _Doc):
        x = self._vector(doc)
        if self.sector is None:
            return np.ones(1), x
        z = self._decision(doc, x) * self.temperature
        z = np.exp(z - z.max())
        return z / z.sum(), x

    def _vector(self, doc: _Doc):
        from scipy.sparse import hstack

        blocks = [_tfidf_one(self.word_vec, doc, "words", doc.words), _tfidf_one(self.char_vec, doc, "chars", doc.chars)]
        blocks += [_tfidf_one(vec, doc, kind, _style_input(kind, doc)) for kind, vec in getattr(self, "style_vecs", ())]
        return hstack(blocks).tocsr()

    def _render(self, tpl: _Template, code: str) -> str | None:
        gaz = self.gazetteer

        def slot(match):
            level = int(match.group(1))
            region = _ancestor(code, level)
            if region not in gaz.regions:
                raise KeyError(region)
            prefix_word = tpl.slot_style.get(level, "")
            seen = self.surface.get((region, bool(prefix_word)))
            if seen:
                text = seen.most_common(1)[0][0]
            elif prefix_word:
                kind = gaz.regions[region].kind
                text = gaz.display(region, True)
                if kind == "kab" and prefix_word.lower().startswith("kab"):
                    text = f"{prefix_word} {gaz.display(region, False)}"
            else:
                text = gaz.display(region, False)
            return text.upper() if tpl.upper else text

        try:
            return _SLOT.sub(slot, tpl.key)
        except KeyError:
            return None

    def _rank_doc(self, doc: _Doc, k: int | None = None, *, explain: bool = False):
        proba, x = self._sector_proba(doc)
        scores: dict[str, float] = defaultdict(float)
        source: dict[str, tuple[str, str, float]] = {}  # label → (template key, source, weight)
        order = np.argsort(-proba)
        for idx in order:
            p = float(proba[idx])
            if p < 1e-5:
                break
            tpl = self.templates[self.classes_[idx]]
            if not tpl.level:
                label = next(iter(tpl.labels))
                scores[label] += p
                source.setdefault(label, (tpl.key, "flat", p))
                continue
            ranked = doc.places.ranked(tpl.level)
            strength = min(1.0, sum(doc.places.scores[tpl.level].values()) / W_PREFIXED)
            used = 0.0
            for code, share in ranked[:3]:
                label = tpl.by_code.get(code)
                weight = strength * share
                if label is None:
                    label = self._render(tpl, code)
                    weight *= self.novel_weight
                if not label:
                    continue
                scores[label] += p * weight
                used += weight
                if p * weight > source.get(label, ("", "", 0.0))[2]:
                    source[label] = (tpl.key, "composed", p * weight)
            rest = p * (1.0 - used)
            total = sum(tpl.labels.values())
            for label, count in tpl.labels.items():
                scores[label] += rest * count / total
                if label not in source:
                    source[label] = (tpl.key, "flat", rest * count / total)
        ranked_labels = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[: k or None]
        if explain:
            return ranked_labels, source, x
        return ranked_labels

    def rank(self, text: str, extra_text: str = "", k: int | None = None) -> list[tuple[str, float]]:
        """(label, probability) pairs, best first."""
        return self._rank_doc(_prepare_cached(self.gazetteer, text, extra_text), k)

    def suggest(self, text: str, extra_text: str = "", k: int = 3) -> list[Suggestion]:
        """The top ``k`` suggestions with their probability, the terms behind them and whether
        they were composed from a detected place."""
        doc = _prepare_cached(self.gazetteer, text, extra_text)
        ranked, source, x = self._rank_doc(doc, k, explain=True)
        out = []
        for label, prob in ranked:
            key, src, _ = source.get(label, (self.template_of.get(label, ""), "flat", 0.0))
            terms = self._terms(x, key)
            if src == "composed":
                level = self.templates[key].level
                spans = [m for m in doc.places.mentions if m.level <= level]
                full = f"{extra_text}\n{text}" if extra_text else text
                terms = [full[m.start:m.end] for m in spans][:2] + terms
            out.append(Suggestion(label=label, probability=round(prob, 4), terms=terms[:6], source=src))
        return out

    def _terms(self, x, template_key: str, n: int = 5) -> list[str]:
        if self.sector is None or template_key not in self.templates:
            return []
        idx = int(np.searchsorted(self.classes_, template_key))
        coef = self.sector.coef_[idx] if self.sector.coef_.shape[0] > 1 else self.sector.coef_[0] * (1 if idx else -1)
        row = x[:, : self.n_word_features].tocoo()
        contrib = [(float(v * coef[j]), j) for j, v in zip(row.col, row.data)]
        names = self.word_vec.get_feature_names_out() if not hasattr(self, "_word_names") else self._word_names
        self._word_names = names
        return [str(names[j]) for c, j in sorted(contrib, reverse=True)[:n] if c > 0 and not str(names[j]).startswith("__")]

    # -- persistence -----------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        import joblib

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.__dict__.pop("_word_names", None)
        joblib.dump(self, path, compress=3)
        return path

    @classmethod
    def load(cls, name: str, *, directory: str | Path | None = None) -> RoutingModel:
        """The promoted model for ``name`` (e.g. "agency"), or a path to a .joblib file."""
        import joblib

        path = Path(name)
        if not path.suffix:
            path = current_model_path(name, directory=directory)
            if path is None:
                raise FileNotFoundError(f"belum ada model routing '{name}'")
        return joblib.load(path)


# -- model files under VAR_DIR/models/routing -------------------------------------------------
def models_dir(directory: str | Path | None = None) -> Path:
    if directory:
        return Path(directory)
    from django.conf import settings

    return Path(getattr(settings, "ADUAN_ROUTING_MODEL_DIR", None) or Path(settings.VAR_DIR) / "models" / "routing")


def current_model_path(name: str, *, directory: str | Path | None = None) -> Path | None:
    manifest = models_dir(directory) / f"{name}.json"
    if not manifest.is_file():
        return None
    data = json.loads(manifest.read_text(encoding="utf-8"))
    path = models_dir(directory) / data["current"]
    return path if path.is_file() else None


def read_manifest(name: str, *, directory: str | Path | None = None) -> dict:
    manifest = models_dir(directory) / f"{name}.json"
    return json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else {"name": name, "versions": []}


def promote(name: str, model_path: Path, metrics: dict, *, directory: str | Path | None = None) -> dict:
    """Make ``model_path`` the current model for ``name`` and record its figures."""
    data = read_manifest(name, directory=directory)
    data["current"] = model_path.name
    data["current_metrics"] = metrics
    data.setdefault("versions", []).append({"file": model_path.name, "metrics": metrics,
                                            "promoted_at": time.strftime("%Y-%m-%dT%H:%M:%S")})
    (models_dir(directory) / f"{name}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return data


# -- training service ---------------------------------------------------------------------------
@dataclass
class TrainResult:
    name: str
    path: Path
    promoted: bool
    new_metrics: dict
    current_metrics: dict | None
    reason: str


def _holdout_split(examples: list, holdout: float, seed: int):
    rng = np.random.default_rng(seed)
    idx = rng.permutation(len(examples))
    n_test = max(1, int(round(len(examples) * holdout)))
    return [examples[i] for i in idx[n_test:]], [examples[i] for i in idx[:n_test]]


def evaluate_model(model: RoutingModel, examples: Sequence[Sequence[str]], *, n_train: int) -> dict:
    from dataclasses import asdict

    from .evaluate import metrics

    ranked = [model.rank(ex[0], ex[2] if len(ex) > 2 else "", k=3) for ex in examples]
    result = metrics(truth=[str(ex[1]).strip() for ex in examples], ranked=ranked,
                     threshold=model.auto_threshold, n_train=n_train)
    return asdict(result)


def train_model(examples: Iterable[Sequence[str]], *, name: str, holdout: float = 0.2, force: bool = False,
                directory: str | Path | None = None, seed: int = 0, gazetteer: Gazetteer | None = None,
                progress: Callable[[int], None] | None = None, **params) -> TrainResult:
    """Train a new version of model ``name`` from (text, label[, extra_text]) examples — a CSV's
    rows or the labelled examples officials produce — and promote it if it is not worse.

    A seeded ``holdout`` share of the examples is kept aside; the new model trains on the rest
    and both the new and the current model are scored on it. The new model is promoted when
    its top-1 accuracy is at least the current one's (or ``force``). The file is written
    either way (``<name>-<version>.joblib``) so a rejected model can be inspected; the
    manifest ``<name>.json`` records every promoted version with its figures."""
    rows = [tuple(ex) for ex in examples if str(ex[1]).strip()]
    train, test = _holdout_split(rows, holdout, seed)
    model = RoutingModel(name=name, **params).fit(train, gazetteer=gazetteer, progress=progress)
    new_metrics = evaluate_model(model, test, n_train=len(train))
    new_metrics.update(auto_threshold=model.auto_threshold, temperature=model.temperature, oof_ece=model.oof_ece)
    current_metrics = None
    current_path = current_model_path(name, directory=directory)
    if current_path is not None:
        try:
            current = RoutingModel.load(str(current_path))
            current_metrics = evaluate_model(current, test, n_train=current.n_train)
        except Exception as exc:  # an unreadable current model must not block a new one
            current_metrics = {"error": str(exc), "top1_accuracy": -1.0}
    version = time.strftime("%Y%m%d%H%M%S")
    path = models_dir(directory) / f"{name}-{version}.joblib"
    serial = 1
    while path.exists():  # two trainings in one second must not overwrite each other
        serial += 1
        path = models_dir(directory) / f"{name}-{version}-{serial}.joblib"
    path = model.save(path)
    if current_metrics is None:
        promoted, reason = True, "no current model"
    elif new_metrics["top1_accuracy"] >= current_metrics["top1_accuracy"]:
        promoted, reason = True, "not worse than the current model"
    elif force:
        promoted, reason = True, "forced"
    else:
        promoted, reason = False, "worse than the current model"
    if promoted:
        promote(name, path, new_metrics, directory=directory)
    return TrainResult(name, path, promoted, new_metrics, current_metrics, reason)
