from django.urls import include, path

from . import views

app_name = "backoffice"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # Sign-in with TOTP, inboxes and report actions.
    path("", include("aduan.backoffice.urls_work")),
    # Directory management (agencies, coverage, categories, time limits, calendars, officials).
    path("direktori/", include("aduan.backoffice.urls_directory")),
    path("pengiriman/", include("aduan.backoffice.views_dispatch")),
    # Call-centre and paper-box entry, the intake operator queue, monitoring devices (issue #5).
    path("penerimaan/", include("aduan.backoffice.urls_intake")),
    # Message templates sent to citizens and officials (issue #5).
    path("templat/", include("aduan.backoffice.urls_templates")),
    # The official's own e-mail preference (immediate, daily digest, none).
    path("pengaturan/", include("aduan.backoffice.views_preferences")),
]
