from django.urls import path

from . import views_work

urlpatterns = [
    path("masuk/", views_work.login_view, name="login"),
    path("2fa/", views_work.otp_verify_view, name="otp_verify"),
    path("2fa/daftar/", views_work.otp_enrol_view, name="otp_enrol"),
    path("keluar/", views_work.logout_view, name="logout"),
    path("kotak/<slug:name>/", views_work.inbox_view, name="inbox"),
    path("laporan/<int:report_id>/", views_work.report_detail_view, name="report_detail"),
    path("laporan/<int:report_id>/aksi/", views_work.report_action_view, name="report_action"),
    path("laporan/<int:report_id>/terkait/", views_work.report_link_view, name="report_link"),
    path("laporan/<int:report_id>/terkait/<int:link_id>/hapus/", views_work.report_unlink_view, name="report_unlink"),
    path("laporan/<int:report_id>/lampiran/<int:attachment_id>/", views_work.attachment_view, name="report_attachment"),
]
