"""Public transparency pages: /statistik/ (statistics, agency league, planning evidence)
and /data/ (open data). Officials' pages live in ``urls_office`` under /petugas/analitik/."""

from django.urls import include, path

app_name = "analytics"
urlpatterns = [
    path("statistik/", include("aduan.analytics.urls_stats")),
    path("statistik/perencanaan/", include("aduan.analytics.urls_planning")),
    path("data/", include("aduan.analytics.urls_opendata")),
]
