"""Train a new version of a routing model from a labelled CSV, compare it on held-out rows
with the current model and promote it only if it is not worse (issue #6). The training
itself is ``classifier.train_model``, which also accepts officials' labelled examples."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from aduan.routing.classifier import train_model
from aduan.routing.evaluate import read_labelled_csv

from .routing_evaluate import load_gazetteer


class Command(BaseCommand):
    help = _("Melatih model routing baru dari CSV berlabel dan mempromosikannya bila tidak lebih buruk.")

    def add_arguments(self, parser):
        parser.add_argument("--train", required=True, help=_("CSV berlabel"))
        parser.add_argument("--text-column", required=True)
        parser.add_argument("--label-column", required=True)
        parser.add_argument("--extra-text-column", default=None)
        parser.add_argument("--name", default=None, help=_("nama model (bawaan: nama kolom label)"))
        parser.add_argument("--holdout", type=float, default=0.2, help=_("bagian data uji (bawaan 0,2)"))
        parser.add_argument("--force", action="store_true", help=_("promosikan walau lebih buruk"))
        parser.add_argument("--dir", default=None, help=_("folder model (bawaan: VAR_DIR/models/routing)"))
        parser.add_argument("--regions-dir", default=None)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **opts):
        try:
            texts, extras, labels, dropped = read_labelled_csv(
                opts["train"], text_column=opts["text_column"], label_column=opts["label_column"],
                extra_text_column=opts["extra_text_column"])
        except FileNotFoundError as exc:
            raise CommandError(_("Berkas tidak ditemukan: %(f)s") % {"f": exc.filename}) from exc
        except KeyError as exc:
            raise CommandError(_("Kolom tidak ada di CSV: %(c)s") % {"c": exc.args[0]}) from exc
        if len(set(labels)) < 2:
            raise CommandError(_("Data latih butuh sedikitnya dua label berbeda."))
        name = opts["name"] or opts["label_column"]
        self.stdout.write(_("Baris tanpa label dibuang: %(n)d.") % {"n": dropped})
        gaz, problem = load_gazetteer(opts["regions_dir"])
        if problem:
            self.stdout.write(_("Peringatan: data wilayah tidak tersedia (%(p)s); tempat tidak dideteksi.") % {"p": problem})
        bar = None
        progress = None
        if not opts["no_progress"]:
            from tqdm import tqdm

            bar = tqdm(total=4, desc=_("Melatih"), unit=_("tahap"), file=sys.stderr)
            progress = bar.update
        try:
            result = train_model(list(zip(texts, labels, extras)), name=name, holdout=opts["holdout"],
                                 force=opts["force"], directory=opts["dir"], gazetteer=gaz, progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if bar:
                bar.close()
        new, cur = result.new_metrics, result.current_metrics
        self.stdout.write(_("Model baru (uji tertahan %(n)d baris): top-1 %(a).4f, top-3 %(b).4f, macro-F1 %(c).4f")
                          % {"n": new["n_test"], "a": new["top1_accuracy"], "b": new["top3_accuracy"], "c": new["macro_f1"]})
        if cur is None:
            self.stdout.write(_("Belum ada model aktif."))
        elif "error" in cur:
            self.stdout.write(_("Model aktif tidak dapat dibaca: %(e)s") % {"e": cur["error"]})
        else:
            self.stdout.write(_("Model aktif pada data yang sama: top-1 %(a).4f, top-3 %(b).4f, macro-F1 %(c).4f")
                              % {"a": cur["top1_accuracy"], "b": cur["top3_accuracy"], "c": cur["macro_f1"]})
        if result.promoted:
            self.stdout.write(_("Dipromosikan: %(p)s (%(r)s).") % {"p": result.path.name, "r": result.reason})
        else:
            self.stdout.write(_("Tidak dipromosikan: %(p)s lebih buruk dari model aktif (gunakan --force).")
                              % {"p": result.path.name})
        self.stdout.write(json.dumps({"promoted": result.promoted, "file": result.path.name, "new": new, "current": cur},
                                     ensure_ascii=False, default=str))
