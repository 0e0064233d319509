from django.urls import include, path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    # Citizen journeys (submit, confirmation, track, report page with reporter actions).
    path("", include("aduan.portal.urls_citizen")),
    # Citizen sign-in by one-time code.
    path("", include("aduan.portal.urls_account")),
    # Public browsing (search, agency pages, region pages).
    path("", include("aduan.portal.urls_public")),
]
