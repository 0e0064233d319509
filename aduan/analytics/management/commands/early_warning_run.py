"""Run the early-warning job for one day (issue #7; the daily task runs it at 01:30 WIB).

    python manage.py early_warning_run [--date YYYY-MM-DD] [--no-progress]

The window is the 7 days ending the day before ``--date`` (default: today, WIB). Idempotent:
running it again for the same date raises nothing new.
"""

from __future__ import annotations

import json
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from aduan.analytics.early_warning import early_warning_run


class Command(BaseCommand):
    help = _("Peringatan dini: mencari kategori atau kata yang naik tidak wajar di suatu kabupaten/kota.")

    def add_arguments(self, parser):
        parser.add_argument("--date", default=None, help=_("hari pemeriksaan, YYYY-MM-DD (bawaan: hari ini, WIB)"))
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **opts):
        from tqdm import tqdm

        try:
            day = date.fromisoformat(opts["date"]) if opts["date"] else None
        except ValueError:
            raise CommandError(_("Tanggal harus berbentuk YYYY-MM-DD.")) from None

        def progress(series, total):
            return tqdm(series, total=total, desc=_("Memeriksa deret"), unit=_("deret"), file=sys.stderr,
                        disable=opts["no_progress"])

        counts = early_warning_run(day=day, progress=progress)
        self.stdout.write(_("Jendela %(a)s s.d. %(b)s: %(n)d deret, %(t)d diuji, %(k)d riwayat terlalu pendek; "
                            "%(x)d peringatan baru, %(c)d lanjutan, %(e)d sudah ada "
                            "(%(h)d ditahan uji FDR, %(m)d kata digabung).")
                          % {"a": counts["window_start"], "b": counts["window_end"], "n": counts["series"],
                             "t": counts["tested"], "k": counts["too_short"], "x": counts["alerts"],
                             "c": counts["continuing"], "e": counts["existing"], "h": counts["held_back"],
                             "m": counts["merged"]})
        self.stdout.write(json.dumps(counts))
