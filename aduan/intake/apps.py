from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "aduan.intake"
    label = "intake"
    verbose_name = "Pesan masuk"

    def ready(self):
        # E-mail that a provider posts to anymail's inbound webhooks (urls_email.py) is
        # stored by this receiver; dispatch_uid keeps it connected once.
        from anymail.signals import inbound

        from .email_inbound import anymail_inbound_receiver

        inbound.connect(anymail_inbound_receiver, dispatch_uid="aduan.intake.email_inbound")
