"""REST API v1. Endpoints are added per area (citizens, officials, directory, keys)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

app_name = "api_v1"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
