"""How well routing did in a period, against what officials decided (issue #6).

    python manage.py routing_quality [--days 30]
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.reports.services.routing_quality import routing_quality


def _pct(value) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


class Command(BaseCommand):
    help = _("Ketepatan routing dalam suatu periode dibanding keputusan petugas.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help=_("periode ke belakang (bawaan 30 hari)"))

    def handle(self, *args, **opts):
        until = timezone.now()
        q = routing_quality(since=until - timedelta(days=opts["days"]), until=until)
        self.stdout.write(_("Laporan yang dirute: %(r)d; dengan usulan: %(s)d; sudah diputuskan petugas: %(d)d.")
                          % {"r": q.routed, "s": q.suggested, "d": q.decided})
        self.stdout.write(_("Usulan pertama tepat: %(a)s; tepat di antara tiga usulan: %(b)s.")
                          % {"a": _pct(q.top1), "b": _pct(q.top3)})
        self.stdout.write(_("Disposisi otomatis: %(n)d; dikembalikan \"bukan wewenang\": %(k)d; tepat: %(p)s.")
                          % {"n": q.automatic, "k": q.automatic_returned, "p": _pct(q.automatic_right)})
        self.stdout.write(json.dumps(q.as_dict()))
