"""``manage.py stats_refresh [--full]``: bring the report facts and the statistics rollups up to date."""

from django.core.management.base import BaseCommand

from aduan.analytics.facts import facts_refresh


class Command(BaseCommand):
    help = "Menghitung ulang fakta laporan dan rekap statistik (yang berubah sejak terakhir, atau semua dengan --full)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Hitung ulang semua laporan dan semua bulan.")

    def handle(self, *args, full=False, **options):
        result = facts_refresh(full=full, progress=options["verbosity"] > 0)
        self.stdout.write(self.style.SUCCESS(
            f"Statistik diperbarui: {result['reports']} laporan, {result['months']} bulan, {result['cells']} sel rekap."))
