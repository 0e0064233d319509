"""Small database helpers that are the same for every app."""

from __future__ import annotations

from django.db import connection


def database_optimize() -> str:
    """Refresh the query planner's statistics where the engine needs us to (SQLite)."""
    if connection.vendor != "sqlite":
        return "skipped"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            cursor.execute("ANALYZE")  # first time: full statistics
            return "analyzed"
        cursor.execute("PRAGMA optimize")
    return "optimized"
