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
]
