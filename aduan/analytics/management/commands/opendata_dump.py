"""``manage.py opendata_dump``: write the daily full dump of the open data now (the periodic
job in ``tasks_opendata`` does the same every night). The work is ``opendata_dump``."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from aduan.analytics.opendata import opendata_count
from aduan.analytics.opendata_dump import DumpRunning, opendata_dir, opendata_dump


class Command(BaseCommand):
    help = _("Menulis berkas unduhan harian data terbuka (CSV dan JSON Lines, gzip) beserta manifest.json.")

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help=_("tanpa bilah kemajuan"))

    def handle(self, *args, **opts):
        bar = None
        if not opts["no_progress"] and opts["verbosity"] > 0:
            from tqdm import tqdm

            bar = tqdm(total=opendata_count(), desc=_("Data terbuka"), unit=_(" laporan"), unit_scale=True, file=sys.stderr)
        try:
            manifest = opendata_dump(progress=bar.update if bar else None)
        except DumpRunning as exc:
            raise CommandError(str(exc.message)) from exc
        finally:
            if bar:
                bar.close()
        self.stdout.write(self.style.SUCCESS(
            _("Data terbuka ditulis ke %(dir)s: %(n)d laporan, versi skema %(v)s.")
            % {"dir": opendata_dir(), "n": manifest.rows, "v": manifest.schema_version}
        ))
        for entry in manifest.files:
            self.stdout.write(f"  {entry.name}  {filesizeformat(entry.bytes)}  sha256 {entry.sha256}")
