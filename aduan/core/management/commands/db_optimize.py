from django.core.management.base import BaseCommand

from aduan.core.db import database_optimize


class Command(BaseCommand):
    help = "Refresh the query planner's statistics (SQLite; PostgreSQL keeps its own)."

    def handle(self, *args, **options):
        self.stdout.write(f"database statistics: {database_optimize()}")
