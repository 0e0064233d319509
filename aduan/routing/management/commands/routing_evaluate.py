"""Evaluate the routing classifier on any labelled CSV pair without code changes (issue #6):
train on TRAIN only, predict TEST, print the figures and one final JSON line."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from aduan.routing.classifier import RoutingModel
from aduan.routing.evaluate import metrics, read_labelled_csv
from aduan.routing.places import Gazetteer, gazetteer_from_csv


def load_gazetteer(folder: str | None):
    """Regions from wilayah.csv (no database needed); an empty gazetteer if it is missing."""
    try:
        return gazetteer_from_csv(folder), None
    except Exception as exc:  # the CSV is absent: classify without places
        return Gazetteer([]), str(exc)


class Command(BaseCommand):
    help = _("Melatih pengklasifikasi routing pada CSV latih dan mengukurnya pada CSV uji.")

    def add_arguments(self, parser):
        parser.add_argument("--train", required=True, help=_("CSV latih"))
        parser.add_argument("--test", required=True, help=_("CSV uji"))
        parser.add_argument("--text-column", required=True, help=_("kolom teks"))
        parser.add_argument("--label-column", required=True, help=_("kolom label"))
        parser.add_argument("--extra-text-column", default=None, help=_("kolom teks tambahan (mis. judul)"))
        parser.add_argument("--regions-dir", default=None, help=_("folder wilayah.csv (bawaan: data bersama)"))
        parser.add_argument("--target-precision", type=float, default=0.95,
                            help=_("presisi minimum disposisi otomatis (bawaan 0,95)"))
        parser.add_argument("--no-progress", action="store_true", help=_("tanpa bilah kemajuan"))

    def handle(self, *args, **opts):
        cols = dict(text_column=opts["text_column"], label_column=opts["label_column"],
                    extra_text_column=opts["extra_text_column"])
        try:
            x_train, e_train, y_train, drop_train = read_labelled_csv(opts["train"], **cols)
            x_test, e_test, y_test, drop_test = read_labelled_csv(opts["test"], **cols)
        except FileNotFoundError as exc:
            raise CommandError(_("Berkas tidak ditemukan: %(f)s") % {"f": exc.filename}) from exc
        except KeyError as exc:
            raise CommandError(_("Kolom tidak ada di CSV: %(c)s") % {"c": exc.args[0]}) from exc
        if len(set(y_train)) < 2:
            raise CommandError(_("Data latih butuh sedikitnya dua label berbeda."))
        out = self.stdout
        out.write(_("Baris tanpa label dibuang: %(a)d dari data latih, %(b)d dari data uji.")
                  % {"a": drop_train, "b": drop_test})
        out.write(_("Data latih: %(n)d baris, %(k)d label; data uji: %(m)d baris.")
                  % {"n": len(y_train), "k": len(set(y_train)), "m": len(y_test)})
        gaz, problem = load_gazetteer(opts["regions_dir"])
        if problem:
            out.write(_("Peringatan: data wilayah tidak tersedia (%(p)s); tempat tidak dideteksi.") % {"p": problem})
        model = RoutingModel(name=opts["label_column"], target_precision=opts["target_precision"])
        progress = None
        bar = None
        if not opts["no_progress"]:
            from tqdm import tqdm

            bar = tqdm(total=model.inner_folds + 1, desc=_("Melatih"), unit=_("tahap"), file=sys.stderr)
            progress = bar.update
        model.fit(list(zip(x_train, y_train, e_train)), gazetteer=gaz, progress=progress)
        if bar:
            bar.close()
        ranked = [model.rank(t, e, k=3) for t, e in zip(x_test, e_test)]
        result = metrics(truth=y_test, ranked=ranked, threshold=model.auto_threshold, n_train=len(y_train))
        auto = "—" if result.auto_dispose_accuracy is None else f"{result.auto_dispose_accuracy:.4f}"
        out.write(_("Akurasi top-1: %(v).4f") % {"v": result.top1_accuracy})
        out.write(_("Akurasi top-3: %(v).4f") % {"v": result.top3_accuracy})
        out.write(_("Macro-F1: %(v).4f") % {"v": result.macro_f1})
        out.write(_("Ambang disposisi otomatis (dipilih pada data latih): %(t).4f") % {"t": model.auto_threshold})
        out.write(_("Disposisi otomatis: akurasi %(a)s pada %(s).1f%% laporan uji")
                  % {"a": auto, "s": result.auto_dispose_share * 100})
        out.write(result.as_json())
