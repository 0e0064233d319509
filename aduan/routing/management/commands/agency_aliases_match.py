"""``manage.py agency_aliases_match --csv FILE --column COL [--within SLUG] [--apply --as USER]``:
match the agency names of an imported CSV to the directory (``routing.aliases``), print how
many matched, were ambiguous or unmatched, and with ``--apply`` store the names matched by
normalisation or similarity as aliases of their agencies (audited, as the official named by
``--as``, who needs ``agency_manage`` on each agency). Agency names are public data; the
command never reads any other column."""

from __future__ import annotations

import csv
import json
from collections import Counter

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency
from aduan.core.errors import DomainError
from aduan.routing.aliases import AliasIndex, agency_alias_add, agency_match


class Command(BaseCommand):
    help = _("Mencocokkan nama instansi dalam CSV impor dengan direktori melalui nama lain (alias).")

    def add_arguments(self, parser):
        parser.add_argument("--csv", required=True, help=_("berkas CSV"))
        parser.add_argument("--column", required=True, help=_("kolom nama instansi"))
        parser.add_argument("--within", default=None, help=_("slug instansi: cocokkan hanya di bawah instansi ini"))
        parser.add_argument("--apply", action="store_true", help=_("simpan nama yang cocok sebagai alias instansi"))
        parser.add_argument("--as", dest="username", default=None, help=_("nama pengguna petugas yang menyimpan alias"))

    def handle(self, *args, **opts):
        try:
            with open(opts["csv"], newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                if opts["column"] not in (reader.fieldnames or []):
                    raise CommandError(_("Kolom %(col)s tidak ada di %(file)s.") % {"col": opts["column"], "file": opts["csv"]})
                names = Counter(" ".join((row.get(opts["column"]) or "").split()) for row in reader)
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        names.pop("", None)
        within = None
        if opts["within"]:
            within = Agency.objects.filter(slug=opts["within"]).first()
            if within is None:
                raise CommandError(_("Instansi %(slug)s tidak ditemukan.") % {"slug": opts["within"]})
        actor = None
        if opts["apply"]:
            if not opts["username"]:
                raise CommandError(_("--apply memerlukan --as NAMA_PENGGUNA (petugas dengan izin agency_manage)."))
            actor = get_user_model().objects.filter(username=opts["username"]).first()
            if actor is None:
                raise CommandError(_("Pengguna %(user)s tidak ditemukan.") % {"user": opts["username"]})

        index = AliasIndex()
        tally: Counter = Counter()
        added = refused = 0
        for name in sorted(names):
            match = agency_match(name, within=within, index=index)
            tally[match.via] += 1
            if opts["verbosity"] > 1:
                shown = match.agency.name if match.agency else "; ".join(f"{a.name} ({s:.2f})" for a, s in match.candidates[:3])
                self.stdout.write(f"{match.via:<10} {match.score:.2f}  {name}  →  {shown or '—'}")
            if actor is not None and match.agency is not None and match.via in ("normalised", "similarity"):
                try:
                    added += agency_alias_add(actor=actor, agency=match.agency, alias=name)
                except DomainError:
                    refused += 1

        matched = tally["alias"] + tally["name"] + tally["normalised"] + tally["similarity"]
        total = len(names)
        self.stdout.write(_("%(total)d nama: %(matched)d cocok (alias/nama %(exact)d, normalisasi %(norm)d, "
                            "kemiripan %(sim)d), %(amb)d ambigu, %(none)d tidak cocok.") % {
            "total": total, "matched": matched, "exact": tally["alias"] + tally["name"], "norm": tally["normalised"],
            "sim": tally["similarity"], "amb": tally["ambiguous"], "none": tally["none"]})
        if opts["apply"]:
            self.stdout.write(_("%(added)d alias baru disimpan; %(refused)d ditolak (di luar wewenang).")
                              % {"added": added, "refused": refused})
        self.stdout.write(json.dumps({
            "names": total, "matched": matched, "exact": tally["alias"] + tally["name"],
            "normalised": tally["normalised"], "similarity": tally["similarity"], "ambiguous": tally["ambiguous"],
            "unmatched": tally["none"], "aliases_added": added,
        }))
