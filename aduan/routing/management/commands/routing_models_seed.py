"""``manage.py routing_models_seed``: first routing models for a new installation, trained on
the shipped LaporGub! data (``laporgub-jateng/laporgub_jateng_80.csv``), so that the
verifiers see suggestions from the first report instead of waiting for their own decisions
to accumulate (``routing_learn`` takes over from there).

- **category** — ``laporan`` → ``kategori``, mapped to the directory's categories through the
  LaporGub! kategori each category seed names (``agencies/demo_directory.py``); rows whose
  kategori is not a category (regency names) are left out.
- **agency** — ``laporan`` → ``diteruskan`` (Jawa Tengah's agencies, learnt as sector × place).

Idempotent: a model that exists is kept (``--force`` trains again; promotion still needs the
new model to be not worse). Without the CSV it says so and does nothing.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from aduan.agencies.demo_directory import CATEGORIES
from aduan.agencies.models import Category
from aduan.routing.classifier import current_model_path, train_model
from aduan.routing.places import gazetteer_from_database

SOURCE = Path("laporgub-jateng") / "laporgub_jateng_80.csv"


def kategori_to_slug() -> dict[str, str]:
    """LaporGub! kategori (upper case) → category slug, from the seeds' own sources."""
    mapping = {}
    for seed in CATEGORIES:
        for m in re.finditer(r"LaporGub: ([^;(]+)", seed.source):
            mapping.setdefault(m.group(1).strip().upper(), seed.slug)
    mapping.setdefault("SEKTOR LAIN-LAIN", "lain-lain")
    return mapping


class Command(BaseCommand):
    help = _("Melatih model routing awal dari data LaporGub! yang disertakan (bila belum ada).")

    def add_arguments(self, parser):
        parser.add_argument("--data", default=None, help=_("folder data bersama (bawaan: ADUAN_SHARED_DATA)"))
        parser.add_argument("--force", action="store_true", help=_("latih ulang walau model sudah ada"))
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **opts):
        path = Path(opts["data"] or settings.SHARED_DATA_DIR) / SOURCE
        if not path.is_file():
            self.stdout.write(_("Data LaporGub! tidak ditemukan (%(p)s); model routing awal tidak dilatih.") % {"p": path})
            return
        csv.field_size_limit(10_000_000)
        with open(path, newline="", encoding="utf-8") as handle:
            rows = [r for r in csv.DictReader(handle) if (r.get("laporan") or "").strip()]
        slugs = kategori_to_slug()
        known = set(Category.objects.filter(is_active=True).values_list("slug", flat=True))
        examples = {
            "category": [(r["laporan"], slugs[r["kategori"].strip().upper()]) for r in rows
                         if slugs.get((r.get("kategori") or "").strip().upper()) in known],
            "agency": [(r["laporan"], r["diteruskan"].strip()) for r in rows if (r.get("diteruskan") or "").strip()],
        }
        names = dict(getattr(settings, "ADUAN_ROUTING_MODELS", {"agency": "agency", "category": "category"}))
        gazetteer = gazetteer_from_database()
        for kind in ("category", "agency"):
            name = names.get(kind)
            if not name:
                continue
            if current_model_path(name) is not None and not opts["force"]:
                self.stdout.write(_("Model %(m)s sudah ada; dilewati.") % {"m": name})
                continue
            if len({label for _t, label in examples[kind]}) < 2:
                self.stdout.write(_("Model %(m)s tidak dilatih: kurang dari dua label.") % {"m": name})
                continue
            bar = None
            if not opts["no_progress"]:
                from tqdm import tqdm

                bar = tqdm(total=4, desc=_("Melatih model %(m)s") % {"m": name}, unit=_("tahap"), file=sys.stderr)
            try:
                result = train_model(examples[kind], name=name, gazetteer=gazetteer, progress=bar.update if bar else None)
            finally:
                if bar:
                    bar.close()
            self.stdout.write(_("Model %(m)s: %(n)d contoh; top-1 uji tertahan %(a).3f; %(s)s.") % {
                "m": name, "n": len(examples[kind]), "a": result.new_metrics["top1_accuracy"],
                "s": _("dipromosikan") if result.promoted else _("tidak dipromosikan")})
