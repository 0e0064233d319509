"""Full-text index for the public report search on PostgreSQL.

The index is built from the same ``SearchVector("title", "body", config="simple")``
expression that ``aduan.portal.public_selectors`` queries with, so the planner can use it.
SQLite (the embedded default) has no GIN indexes; there the search falls back to LIKE and
this migration does nothing.
"""

from django.db import migrations

INDEX_NAME = "report_search_simple_gin"


def _index():
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    return GinIndex(SearchVector("title", "body", config="simple"), name=INDEX_NAME)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("reports", "Report"), _index())


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("reports", "Report"), _index())


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
