from django.urls import include, path

from . import views_directory as views

urlpatterns: list = [
    path("", views.agency_list, name="directory_agency_list"),
    path("instansi/baru/", views.agency_form, name="directory_agency_create"),
    path("instansi/<slug:slug>/ubah/", views.agency_form, name="directory_agency_edit"),
    path("instansi/<slug:slug>/kategori/", views.agency_category, name="directory_agency_category"),
    path("instansi/<slug:slug>/", views.agency_detail, name="directory_agency_detail"),
    path("instansi/<slug:slug>/batas-waktu/", views.time_limits, name="directory_agency_time_limits"),
    path("kategori/", views.category_list, name="directory_category_list"),
    path("kategori/baru/", views.category_form, name="directory_category_create"),
    path("kategori/<slug:slug>/ubah/", views.category_form, name="directory_category_edit"),
    path("batas-waktu/", views.time_limits, name="directory_time_limits"),
    path("kalender/", views.calendar, name="directory_calendar"),
    path("kalender/<int:pk>/hapus/", views.calendar_day_delete, name="directory_calendar_day_delete"),
    path("petugas/", views.officials, name="directory_officials"),
    path("petugas/undang/", views.official_invite_view, name="directory_official_invite"),
    path("petugas/peran/<int:pk>/cabut/", views.membership_delete, name="directory_membership_revoke"),
    # Routing rules as data (issue #6).
    path("rute/", include("aduan.backoffice.urls_routing")),
]
