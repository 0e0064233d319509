"""E-mail: the report (or its new step) as a plain-text message to the agency's addresses,
through Django's e-mail backend. Attachments are listed, not attached."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from ..models import Delivery
from ..payloads import event_payload, report_payload, report_summary
from . import DeliveryError, SendResult


def recipients_of(value: str) -> list[str]:
    return [a.strip() for a in (value or "").replace(";", ",").split(",") if a.strip()]


def email_send(delivery: Delivery) -> SendResult:
    to = recipients_of(delivery.route.email_to)
    if not to:
        raise DeliveryError("alamat surel instansi belum diatur")
    report = delivery.report
    is_report = delivery.kind == Delivery.Kind.REPORT
    context = {
        "agency": delivery.agency.name,
        "report": report_payload(report, delivery=delivery) if is_report else report_summary(report),
        "event": event_payload(delivery.event) if delivery.event_id else None,
        "url": f"{settings.ADUAN_PUBLIC_URL}/petugas/laporan/{report.pk}/",
    }
    name = "email_report" if is_report else "email_update"
    subject = " ".join(render_to_string(f"dispatch/{name}.subject.txt", context).split())
    body = render_to_string(f"dispatch/{name}.txt", context)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to,
                           headers={"X-Aduan-Delivery": str(delivery.pk), "X-Aduan-Report": report.reference})
    message.send(fail_silently=False)
    return SendResult()
