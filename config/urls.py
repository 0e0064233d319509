from django.contrib import admin
from django.urls import include, path

from aduan.core.views import healthz, ping

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("ping", ping, name="ping"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("aduan.api.v1.urls")),
    path("open311/v2/", include("aduan.api.open311.urls")),
    path("dispatch/v1/", include("aduan.dispatch.urls")),
    path("intake/", include("aduan.intake.urls")),
    path("petugas/analitik/", include("aduan.analytics.urls_office")),
    path("petugas/", include("aduan.backoffice.urls")),
    path("", include("aduan.analytics.urls")),
    path("", include("aduan.portal.urls")),
]
