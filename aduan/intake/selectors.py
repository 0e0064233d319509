"""Reads for intake. A reporter without an account is recognised by the phone the report
was submitted with; a wrong phone looks exactly like a missing report (rule of the house 3)."""

from __future__ import annotations

from django.db.models import QuerySet

from aduan.core.refs import reference_normalise
from aduan.reports.models import Report

from .models import InboundMessage


def report_get_for_phone(*, reference: str, phone: str) -> Report | None:
    ref = reference_normalise(reference or "")
    if not ref or not phone:
        return None
    return Report.objects.select_related("agency").filter(reference=ref, reporter_phone=phone).first()


def report_get_for_sender(*, reference: str, channel: str, sender: str) -> Report | None:
    """The report, if this sender is its reporter on this channel: the phone for SMS and
    WhatsApp, the e-mail address for e-mail, the chat id for Telegram."""
    ref = reference_normalise(reference or "")
    if not ref or not sender:
        return None
    reports = Report.objects.select_related("agency").filter(reference=ref)
    if channel == "email":
        return reports.filter(reporter_email__iexact=sender).first()
    if channel == "telegram":
        return reports.filter(reply_address=sender).first()
    return reports.filter(reporter_phone=sender).first()


def inbound_operator_queue() -> QuerySet[InboundMessage]:
    """Messages waiting for an operator, oldest first."""
    return InboundMessage.objects.filter(state=InboundMessage.State.NEEDS_OPERATOR).order_by("received_at", "id")
