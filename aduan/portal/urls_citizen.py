"""Citizen journeys: submit (with the no-JavaScript location picker and map pin), confirmation,
track by reference + token, the report page with the reporter's actions, and the
signed-in citizen's own reports."""

from django.urls import path

from . import views_report, views_submit

urlpatterns = [
    path("lapor/", views_submit.submit, name="submit"),
    path("lapor/lokasi/", views_submit.location_search, name="location_search"),
    path("lapor/peta/<str:code>.svg", views_submit.region_map, name="region_map"),
    path("lapor/terkirim/<str:reference>/", views_submit.submitted, name="submitted"),
    path("lacak/", views_report.track, name="track"),
    path("laporan/<str:reference>/", views_report.report_page, name="report_page"),
    path("laporan/<str:reference>/aksi/", views_report.report_action, name="report_action"),
    path("akun/laporan/", views_report.my_reports, name="my_reports"),
]
