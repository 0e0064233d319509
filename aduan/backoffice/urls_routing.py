"""Routing rules as data (/petugas/direktori/rute/), included from urls_directory.py."""

from django.urls import path

from . import views_routing as views

urlpatterns: list = [
    path("", views.rule_list, name="routing_rule_list"),
    path("baru/", views.rule_form, name="routing_rule_create"),
    path("uji/", views.rule_test, name="routing_rule_test"),
    path("<int:pk>/ubah/", views.rule_form, name="routing_rule_edit"),
    path("<int:pk>/nonaktifkan/", views.rule_deactivate, name="routing_rule_deactivate"),
]
