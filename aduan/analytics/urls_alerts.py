"""Early-warning alerts for officials (issue #7), under /petugas/analitik/peringatan/."""

from django.urls import path

from . import views_alerts

urlpatterns = [
    path("", views_alerts.alert_list_view, name="alert_list"),
    path("<int:alert_id>/", views_alerts.alert_detail_view, name="alert_detail"),
    path("<int:alert_id>/tandai/", views_alerts.alert_acknowledge_view, name="alert_acknowledge"),
]
