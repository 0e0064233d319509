"""Retrain the routing models from officials' decisions and promote each only if it is not
worse than the current one on held-out examples (issue #6).

    python manage.py routing_learn [--min-examples 50] [--holdout 0.2] [--force] [--no-progress]
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from aduan.reports.services.routing_learn import MIN_EXAMPLES, routing_learn

STEPS_PER_MODEL = 4  # classifier.RoutingModel.fit reports four steps


class Command(BaseCommand):
    help = _("Melatih ulang model routing dari keputusan petugas; model baru dipakai hanya bila tidak lebih buruk.")

    def add_arguments(self, parser):
        parser.add_argument("--min-examples", type=int, default=MIN_EXAMPLES)
        parser.add_argument("--holdout", type=float, default=0.2, help=_("bagian contoh untuk uji (bawaan 0,2)"))
        parser.add_argument("--force", action="store_true", help=_("promosikan walau lebih buruk"))
        parser.add_argument("--dir", default=None, help=_("folder model (bawaan: ADUAN_ROUTING_MODEL_DIR)"))
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **opts):
        from tqdm import tqdm

        quiet = opts["no_progress"]
        reading = tqdm(desc=_("Membaca keputusan petugas"), unit=_("contoh"), file=sys.stderr, disable=quiet)
        bars: dict[str, tqdm] = {}

        def on_step(model: str, n: int) -> None:
            if model not in bars:
                reading.close()
                bars[model] = tqdm(total=STEPS_PER_MODEL, desc=_("Melatih model %(m)s") % {"m": model},
                                   unit=_("tahap"), file=sys.stderr, disable=quiet)
            bars[model].update(n)

        try:
            results = routing_learn(min_examples=opts["min_examples"], holdout=opts["holdout"], force=opts["force"],
                                    directory=opts["dir"], on_example=reading.update, on_step=on_step)
        finally:
            reading.close()
            for bar in bars.values():
                bar.close()
        for r in results:
            if not r.trained:
                self.stdout.write(_("Model %(m)s tidak dilatih: %(n)d contoh, %(l)d label (butuh sedikitnya %(k)d contoh dan 2 label).")
                                  % {"m": r.model, "n": r.n_examples, "l": r.n_labels, "k": opts["min_examples"]})
                continue
            self.stdout.write(_("Model %(m)s: %(n)d contoh, %(l)d label. Baru (uji tertahan %(t)d): top-1 %(a).4f, top-3 %(b).4f, macro-F1 %(c).4f.")
                              % {"m": r.model, "n": r.n_examples, "l": r.n_labels, "t": r.new["n_test"],
                                 "a": r.new["top1_accuracy"], "b": r.new["top3_accuracy"], "c": r.new["macro_f1"]})
            if r.current and "error" not in r.current:
                self.stdout.write(_("  Model aktif pada contoh yang sama: top-1 %(a).4f, top-3 %(b).4f, macro-F1 %(c).4f.")
                                  % {"a": r.current["top1_accuracy"], "b": r.current["top3_accuracy"], "c": r.current["macro_f1"]})
            self.stdout.write(_("  Dipromosikan: %(f)s.") % {"f": r.file} if r.promoted else
                              _("  Tidak dipromosikan (lebih buruk dari model aktif): %(f)s.") % {"f": r.file})
        self.stdout.write(json.dumps([{"model": r.model, "examples": r.n_examples, "labels": r.n_labels,
                                       "trained": r.trained, "promoted": r.promoted, "file": r.file,
                                       "top1_new": (r.new or {}).get("top1_accuracy"),
                                       "top1_current": (r.current or {}).get("top1_accuracy")} for r in results]))
