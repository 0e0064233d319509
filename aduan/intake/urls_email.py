"""Provider inbound webhooks for e-mail, mounted under ``/intake/email/anymail/``.

django-anymail's own inbound views parse each provider's format (Mailgun, Postmark,
SparkPost, Mailjet, Brevo, Amazon SES, MailerSend, Postal, Resend, Mailtrap, Mandrill,
SendGrid) into one ``AnymailInboundMessage`` and send the ``anymail.signals.inbound``
signal; ``email_inbound.anymail_inbound_receiver`` stores it. The paths are anymail's:
``/intake/email/anymail/<provider>/inbound/`` (``mailgun/inbound_mime/`` for Mailgun's raw MIME,
``mandrill/`` for Mandrill). Tracking (delivery-event) webhooks are not mounted.

Anymail checks HTTP basic auth against ``ANYMAIL["WEBHOOK_SECRET"]`` (a wrong or missing
password → 400, nothing stored) and the provider's signature where it has one (Mailgun:
``MAILGUN_WEBHOOK_SIGNING_KEY``). Anymail would accept anyone when no secret is set; here,
as for every intake webhook, an endpoint whose secret is not configured answers 503.
"""

from functools import wraps

from anymail.urls import urlpatterns as anymail_patterns
from django.conf import settings
from django.http import JsonResponse
from django.urls import URLPattern, include, path


def _secret_required(view):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not (getattr(settings, "ANYMAIL", None) or {}).get("WEBHOOK_SECRET"):
            return JsonResponse({"code": "unavailable", "message": "ANYMAIL_WEBHOOK_SECRET is not set"}, status=503)
        return view(request, *args, **kwargs)

    return guarded


def _inbound(pattern: URLPattern) -> bool:
    return pattern.name.endswith("_inbound_webhook") or pattern.name == "mandrill_webhook"


inbound_patterns = [
    URLPattern(p.pattern, _secret_required(p.callback), p.default_args, p.name)
    for p in anymail_patterns if _inbound(p)
]

urlpatterns = [
    path("anymail/", include((inbound_patterns, "anymail"))),
]
