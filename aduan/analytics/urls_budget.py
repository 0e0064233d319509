"""Budget upload for agencies under /petugas/analitik/anggaran/ (namespace ``analytics_office``)."""

from django.urls import path

from . import views_budget

urlpatterns = [
    path("", views_budget.budget_index, name="budget"),
    path("<slug:slug>/", views_budget.budget_agency, name="budget_agency"),
]
