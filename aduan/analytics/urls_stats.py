"""/statistik/: public statistics, the agency league and one page per agency."""

from django.urls import path
from django.views.generic import TemplateView

from . import views_stats

urlpatterns = [
    path("", views_stats.statistics, name="statistics"),
    path("metode/", TemplateView.as_view(template_name="analytics/method.html"), name="statistics_method"),
    path("instansi/", views_stats.league, name="league"),
    path("instansi/<slug:slug>/", views_stats.agency_statistics, name="agency_statistics"),
]
