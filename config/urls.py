from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from aduan.core.views import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # The citizen portal arrives with the web issue (#3); until then the root leads to the back office.
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
