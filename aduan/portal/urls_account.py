from django.urls import path

from . import views_account

urlpatterns = [
    path("masuk/", views_account.login_start, name="login"),
    path("masuk/kode/", views_account.login_code, name="login_code"),
    path("keluar/", views_account.logout_view, name="logout"),
    path("akun/pemberitahuan/", views_account.notify_settings, name="notify_settings"),
]
