"""/petugas/penerimaan/: call-centre and paper-box entry, the intake operator queue,
monitoring devices (issue #5). See views_intake."""

from django.urls import path

from . import views_intake

urlpatterns = [
    path("", views_intake.home, name="intake_home"),
    path("catat/", views_intake.entry, name="intake_entry"),
    path("catat/<str:reference>/selesai/", views_intake.entry_done, name="intake_entry_done"),
    path("antrean/", views_intake.queue, name="intake_queue"),
    path("antrean/<int:message_id>/", views_intake.message_detail, name="intake_message"),
    path("antrean/<int:message_id>/laporan/", views_intake.message_report, name="intake_message_report"),
    path("antrean/<int:message_id>/tambahkan/", views_intake.message_attach, name="intake_message_attach"),
    path("antrean/<int:message_id>/tutup/", views_intake.message_dismiss, name="intake_message_dismiss"),
    path("perangkat/", views_intake.devices, name="intake_devices"),
    path("perangkat/<int:device_id>/nonaktifkan/", views_intake.device_deactivate_view, name="intake_device_deactivate"),
]
