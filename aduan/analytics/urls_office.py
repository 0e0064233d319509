"""Officials' analytics pages under /petugas/analitik/: early-warning alerts, budget upload."""

from django.urls import include, path

app_name = "analytics_office"
urlpatterns = [
    path("peringatan/", include("aduan.analytics.urls_alerts")),
    path("anggaran/", include("aduan.analytics.urls_budget")),
]
