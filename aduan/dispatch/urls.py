"""Endpoints agency systems call (under /dispatch/v1/)."""

from django.urls import path

from . import views

app_name = "dispatch"
urlpatterns = [
    path("updates/", views.updates_receive, name="updates"),
]
