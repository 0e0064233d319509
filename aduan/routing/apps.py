from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "aduan.routing"
    label = "routing"
    verbose_name = "Routing"
