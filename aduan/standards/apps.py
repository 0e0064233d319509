from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "aduan.standards"
    label = "standards"
    verbose_name = "Standar & batas waktu"
