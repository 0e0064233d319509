from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "aduan.dispatch"
    label = "dispatch"
    verbose_name = "Pengiriman ke sistem instansi"

    def ready(self):
        # reports (layer 3) may not import dispatch (layer 4): dispatch registers itself on the
        # hook list that report_transition's notify_event runs inside its transaction.
        from aduan.reports.notify import EVENT_HOOKS

        from .services import deliveries_enqueue_for_event

        if deliveries_enqueue_for_event not in EVENT_HOOKS:
            EVENT_HOOKS.append(deliveries_enqueue_for_event)
