from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "aduan.api"
    label = "api"
    verbose_name = "API (REST v1 and Open311 GeoReport v2)"
