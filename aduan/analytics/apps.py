from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "aduan.analytics"
    label = "analytics"
    verbose_name = "Statistik dan data terbuka"
