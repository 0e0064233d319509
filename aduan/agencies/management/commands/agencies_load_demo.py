"""``manage.py agencies_load_demo``: seed the real-sourced demo agency directory (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from aduan.agencies.services import directory_load_demo
from aduan.core.errors import DomainError


class Command(BaseCommand):
    help = "Memuat direktori instansi contoh (nama instansi nyata dari data LAPOR! dan LaporGub!)."

    def handle(self, *args, **options):
        try:
            counts = directory_load_demo(progress=options["verbosity"] > 0)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Direktori contoh dimuat: {counts['agencies']} instansi ({counts['created_agencies']} baru), "
            f"{counts['categories']} kategori, {counts['coverage']} cakupan wilayah, "
            f"{counts['agency_categories']} penanganan kategori."
        ))
