"""Open data under /data/ (issue #7; docs/opendata.md): the documentation page, the streamed
exports with filters, the schema, the daily dump's manifest and files."""

from django.urls import path

from . import views_opendata

urlpatterns = [
    path("", views_opendata.opendata_page, name="opendata"),
    path("laporan.csv", views_opendata.reports_csv, name="opendata_csv"),
    path("laporan.jsonl", views_opendata.reports_jsonl, name="opendata_jsonl"),
    path("skema.json", views_opendata.schema_json, name="opendata_schema"),
    path("manifest.json", views_opendata.manifest_json, name="opendata_manifest"),
    # <str:> never matches a "/": a name is one path segment, checked against the manifest.
    path("unduh/<str:name>", views_opendata.dump_download, name="opendata_download"),
]
