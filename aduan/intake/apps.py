from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "aduan.intake"
    label = "intake"
    verbose_name = "Pesan masuk"
