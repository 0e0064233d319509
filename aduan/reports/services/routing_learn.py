"""The routing models learn from officials (issue #6): every verifier disposition and every
forward is a labelled example (``routing_examples``). ``routing_learn`` retrains the agency,
category and kind models from them; each new model is scored on held-out examples against
the current one and promoted only if it is not worse (``classifier.train_model``). Runs from
the ``routing_learn`` command and weekly from the task queue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from aduan.routing.classifier import train_model
from aduan.routing.places import gazetteer_from_database

from ..routing_examples import routing_examples
from .routing import routing_cache_clear, routing_settings

MIN_EXAMPLES = 50  # below this a model's held-out figures say nothing
MIN_PER_LABEL = 2


@dataclass
class LearnResult:
    model: str  # agency | category | kind
    n_examples: int
    n_labels: int
    trained: bool
    promoted: bool = False
    reason: str = ""
    file: str = ""
    new: dict | None = None
    current: dict | None = None


def _labelled(examples, attribute: str) -> list[tuple[str, str]]:
    rows = [(e.text, str(getattr(e, attribute) or "").strip()) for e in examples]
    rows = [r for r in rows if r[1]]
    counts = Counter(label for _, label in rows)
    # A label seen once can be neither learnt nor tested.
    return [r for r in rows if counts[r[1]] >= MIN_PER_LABEL]


def routing_learn(*, min_examples: int = MIN_EXAMPLES, holdout: float = 0.2, force: bool = False,
                  directory=None, on_example: Callable[[int], None] | None = None,
                  on_step: Callable[[str, int], None] | None = None) -> list[LearnResult]:
    """Retrain each configured model from officials' decisions. ``on_example(n)`` is called
    as examples are read, ``on_step(model, n)`` as training steps complete."""
    examples = []
    for example in routing_examples():
        examples.append(example)
        if on_example and len(examples) % 500 == 0:
            on_example(500)
    if on_example:
        on_example(len(examples) % 500)
    names = routing_settings()["models"]
    gazetteer = gazetteer_from_database()
    results = []
    for kind, attribute in (("agency", "agency_name"), ("category", "category"), ("kind", "kind")):
        name = names.get(kind)
        if not name:
            continue
        rows = _labelled(examples, attribute)
        n_labels = len({label for _, label in rows})
        if len(rows) < min_examples or n_labels < 2:
            results.append(LearnResult(kind, len(rows), n_labels, trained=False,
                                       reason=f"need at least {min_examples} examples of 2 or more labels"))
            continue
        progress = (lambda n, _kind=kind: on_step(_kind, n)) if on_step else None
        result = train_model(rows, name=name, holdout=holdout, force=force, directory=directory,
                             gazetteer=gazetteer, progress=progress)
        results.append(LearnResult(kind, len(rows), n_labels, trained=True, promoted=result.promoted,
                                   reason=result.reason, file=result.path.name, new=result.new_metrics,
                                   current=result.current_metrics))
    routing_cache_clear()
    return results
