from django.urls import include, path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    # Citizen journeys (submit, confirmation, track, report page with reporter actions).
    path("", include("aduan.portal.urls_citizen")),
    # Public browsing (search, agency pages, region pages).
    path("", include("aduan.portal.urls_public")),
]
