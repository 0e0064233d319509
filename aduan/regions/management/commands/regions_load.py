"""``manage.py regions_load``: load the Kemendagri region tree and boundaries (idempotent)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aduan.core.errors import DomainError
from aduan.regions.services import regions_load


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = "Memuat seluruh kode wilayah Kemendagri dan batas wilayah provinsi/kabupaten/kota."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            default=None,
            help=f"Folder berisi wilayah.csv (bawaan: {settings.SHARED_DATA_DIR}/wilayah-kemendagri).",
        )
        parser.add_argument("--force", action="store_true", help="Muat ulang walaupun jumlah data sudah sesuai.")

    def handle(self, *args, data_dir=None, force=False, **options):
        try:
            counts = regions_load(data_dir=data_dir, force=force, progress=options["verbosity"] > 0)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        summary = (
            f"{_n(counts['province'])} provinsi, {_n(counts['regency'])} kabupaten/kota, "
            f"{_n(counts['district'])} kecamatan, {_n(counts['village'])} desa/kelurahan "
            f"(total {_n(counts['total'])}); {_n(counts['boundaries'])} batas wilayah; "
            f"{_n(counts.get('population', 0))} wilayah dengan jumlah penduduk."
        )
        if counts["skipped"]:
            self.stdout.write(f"Data wilayah sudah dimuat (already loaded): {summary} Gunakan --force untuk memuat ulang.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Wilayah dimuat: {summary}"))
