from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "aduan.agencies"
    label = "agencies"
    verbose_name = "Instansi"
