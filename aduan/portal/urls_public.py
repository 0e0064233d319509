"""Public browsing: /laporan/ (search), /instansi/<slug>/, /wilayah/<code>/.
Report pages (/laporan/<reference>/) belong to urls_citizen."""

from django.urls import path

from . import views_public

urlpatterns = [
    path("laporan/", views_public.report_search, name="report_search"),
    path("instansi/<slug:slug>/", views_public.agency_detail, name="agency_detail"),
    path("wilayah/<str:code>/", views_public.region_detail, name="region_detail"),
]
