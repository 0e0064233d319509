from django.urls import include, path

from . import views

app_name = "intake"

urlpatterns = [
    path("sms/generic/", views.sms_generic, name="sms_generic"),
    path("sms/twilio/", views.sms_twilio, name="sms_twilio"),
    path("email/", include("aduan.intake.urls_email")),
    path("", include("aduan.intake.urls_chat")),
]
