"""``manage.py routing_rules_seed``: create the default routing rules for the demo directory
(``services_rules.routing_rules_seed``). Idempotent; never changes a rule that exists."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from aduan.routing.services_rules import routing_rules_seed


class Command(BaseCommand):
    help = _("Membuat aturan rute bawaan (tidak mengubah aturan yang sudah ada).")

    def handle(self, *args, **options):
        counts = routing_rules_seed()
        self.stdout.write(self.style.SUCCESS(
            _("Aturan rute bawaan: %(created)d dibuat, %(existing)d sudah ada, %(skipped)d dilewati "
              "(kategori atau wilayah tidak ada).") % counts))
