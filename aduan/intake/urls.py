from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("sms/generic/", views.sms_generic, name="sms_generic"),
    path("sms/twilio/", views.sms_twilio, name="sms_twilio"),
]
