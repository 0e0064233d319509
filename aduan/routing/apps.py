from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "aduan.routing"
    label = "routing"
    verbose_name = "Routing"

    def ready(self):
        # The rules engine reads a snapshot of the directory (rules.directory_snapshot);
        # any change to what it reads drops the snapshot in this process.
        from django.db.models.signals import post_delete, post_save

        from aduan.agencies.models import Agency, AgencyCategory, AgencyCoverage, Category

        from .models import RoutingRule
        from .rules import directory_changed

        for model in (Agency, AgencyCategory, AgencyCoverage, Category, RoutingRule):
            post_save.connect(directory_changed, sender=model, dispatch_uid=f"routing-directory-{model.__name__}-save")
            post_delete.connect(directory_changed, sender=model, dispatch_uid=f"routing-directory-{model.__name__}-delete")
