"""Routing metrics shared by ``routing_evaluate``, ``routing_train`` and the CV bench (issue #6).

- top-1 / top-3 accuracy over ranked suggestions;
- macro-F1 over the labels present in the truth or the predictions (scikit-learn's
  definition), so unseen held-out labels count;
- auto-dispose accuracy and share: among the predictions whose top probability reaches
  the model's threshold, how many are right, and what share of all predictions they are;
- expected calibration error (10 equal-width bins) as a reliability check of the
  probabilities;
- ``choose_threshold``: the lowest probability threshold whose precision on out-of-fold
  predictions reaches the target — chosen on training data only.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass

JSON_KEYS = ("top1_accuracy", "top3_accuracy", "macro_f1", "auto_dispose_accuracy", "auto_dispose_share", "n_train", "n_test")


@dataclass
class Metrics:
    top1_accuracy: float
    top3_accuracy: float
    macro_f1: float
    auto_dispose_accuracy: float | None
    auto_dispose_share: float
    n_train: int
    n_test: int
    ece: float = 0.0

    def as_json(self) -> str:
        data = asdict(self)
        return json.dumps({k: data[k] for k in JSON_KEYS}, ensure_ascii=False)


def metrics(*, truth: Sequence[str], ranked: Sequence[Sequence[tuple[str, float]]], threshold: float,
            n_train: int) -> Metrics:
    """``ranked[i]`` is the model's (label, probability) list for row i, best first."""
    from sklearn.metrics import f1_score

    n = len(truth)
    if n == 0:
        return Metrics(0.0, 0.0, 0.0, None, 0.0, n_train, 0)
    top1 = [r[0][0] if r else "" for r in ranked]
    conf = [r[0][1] if r else 0.0 for r in ranked]
    hit1 = sum(t == p for t, p in zip(truth, top1))
    hit3 = sum(t in [lab for lab, _ in r[:3]] for t, r in zip(truth, ranked))
    auto = [t == p for t, p, c in zip(truth, top1, conf) if c >= threshold]
    return Metrics(
        top1_accuracy=round(hit1 / n, 4),
        top3_accuracy=round(hit3 / n, 4),
        macro_f1=round(float(f1_score(list(truth), top1, average="macro", zero_division=0)), 4),
        auto_dispose_accuracy=round(sum(auto) / len(auto), 4) if auto else None,
        auto_dispose_share=round(len(auto) / n, 4),
        n_train=n_train,
        n_test=n,
        ece=round(expected_calibration_error(conf, [t == p for t, p in zip(truth, top1)]), 4),
    )


def expected_calibration_error(confidences: Sequence[float], correct: Sequence[bool], bins: int = 10) -> float:
    n = len(confidences)
    if not n:
        return 0.0
    total = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, c in enumerate(confidences) if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if idx:
            acc = sum(correct[i] for i in idx) / len(idx)
            avg = sum(confidences[i] for i in idx) / len(idx)
            total += len(idx) / n * abs(acc - avg)
    return total


def choose_threshold(confidences: Sequence[float], correct: Sequence[bool], *, target: float = 0.95,
                     min_support: int = 10, margin: float = 0.01) -> float:
    """Lowest threshold t such that the predictions with confidence ≥ t are right at least
    ``target + margin`` of the time (and there are at least ``min_support`` of them).
    Returns 1.01 (never auto-dispose) when no threshold qualifies. The margin absorbs the
    optimism of picking t on the same out-of-fold predictions."""
    pairs = sorted(zip(confidences, correct), key=lambda p: -p[0])
    best = 1.01
    right = 0
    for k, (conf, ok) in enumerate(pairs, start=1):
        right += ok
        nxt = pairs[k][0] if k < len(pairs) else -1.0
        if nxt == conf:
            continue  # ties: a threshold cannot split equal confidences
        if k >= min_support and right / k >= target + margin:
            best = conf
    return round(best, 6)


def read_labelled_csv(path: str, *, text_column: str, label_column: str, extra_text_column: str | None = None):
    """(texts, extra_texts, labels, dropped) from a CSV; rows with an empty label are dropped."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    texts, extras, labels = [], [], []
    dropped = 0
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in (text_column, label_column, extra_text_column) if c and c not in (reader.fieldnames or [])]
        if missing:
            raise KeyError(", ".join(missing))
        for row in reader:
            label = (row.get(label_column) or "").strip()
            if not label:
                dropped += 1
                continue
            texts.append(row.get(text_column) or "")
            extras.append(row.get(extra_text_column) or "" if extra_text_column else "")
            labels.append(label)
    return texts, extras, labels, dropped
