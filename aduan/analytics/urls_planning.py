"""Planning evidence (APBD) under /statistik/perencanaan/ (namespace ``analytics``)."""

from django.urls import path

from . import views_planning

urlpatterns = [
    path("", views_planning.planning_page, name="planning"),
]
