"""E-mail sender for the outbox (channel ``email``) and the reply-address scheme.

Every message says it was written by a machine (RFC 3834 ``Auto-Submitted``, plus
Microsoft's ``X-Auto-Response-Suppress``) so that out-of-office responders do not answer
it, and carries what lets the citizen's reply find its report again (intake's e-mail
adapter reads it back):

- the reference in square brackets in the subject (``[2611-K7QX-M9P3]``), whatever the
  template (an official may edit the subject and drop it, so it is put back here);
- ``Reply-To`` the per-report address when ``ADUAN_EMAIL_REPLY_ADDRESS`` is set
  (``lapor+{reference}@…`` → ``lapor+2611k7qxm9p3@…``), for messages to the reporter;
- ``In-Reply-To``/``References`` when the row answers one of the citizen's messages.

The ``Message-ID`` is derived from the outbox row, so a row sent again after a worker
crashed (delivery is at-least-once) is recognisably the same message to the receiving
side, which may drop the duplicate.
"""

from __future__ import annotations

import re
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage

from aduan.core.refs import reference_normalise

from .models import Outbox
from .render import message_render

# Messages to the reporter: a reply to them is about the report (added information).
# Officials' messages get the reference in the subject but no per-report Reply-To: an
# official's reply must not land on the report as the reporter's words.
REPORTER_TEMPLATES = frozenset({"report_submitted", "report_event", "report_autoclose_reminder", "channel_reply"})

_REFERENCE_CHARS = r"[0-9A-Za-z*~$=-]{12,14}"


def email_reply_address(reference: str) -> str:
    """The per-report address for ``reference``, or "" when the scheme is off."""
    pattern = settings.ADUAN_EMAIL_REPLY_ADDRESS
    if not pattern or "{reference}" not in pattern or not reference:
        return ""
    return pattern.replace("{reference}", reference.replace("-", "").lower())


def email_reply_reference(address: str) -> str | None:
    """The canonical reference in a per-report address (any case, with or without dashes),
    or None when ``address`` is not one (or its check symbol is wrong)."""
    pattern = settings.ADUAN_EMAIL_REPLY_ADDRESS
    if not pattern or "{reference}" not in pattern or not address:
        return None
    prefix, _, suffix = pattern.partition("{reference}")
    match = re.fullmatch(re.escape(prefix) + f"({_REFERENCE_CHARS})" + re.escape(suffix), address.strip(), re.IGNORECASE)
    return reference_normalise(match.group(1)) if match else None


def email_subject(rendered: str, reference: str = "") -> str:
    """One line, with ``[reference]`` in it exactly once when there is a reference."""
    subject = " ".join(rendered.split())
    if not reference:
        return subject
    tag = f"[{reference}]"
    if tag in subject:
        # A reply's subject repeats the citizen's, which already holds the tag: keep the last.
        head, _, tail = subject.rpartition(tag)
        subject = head.replace(tag, "") + tag + tail
    elif reference in subject:
        subject = subject.replace(reference, tag, 1)
    else:
        subject = f"{tag} {subject}"
    return " ".join(subject.split())


def _domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "aduan.localhost"


def outbox_message_id(row: Outbox) -> str:
    return f"<outbox-{row.pk}@{_domain()}>"


def _message_id(raw) -> str:
    """A message id from a payload, as one bracketed token (no header injection)."""
    token = "".join(str(raw or "").split())
    if not token:
        return ""
    return token if token.startswith("<") and token.endswith(">") else f"<{token.strip('<>')}>"


def send_email(row: Outbox) -> None:
    payload = row.payload or {}
    reference = str(payload.get("reference") or "")
    subject = email_subject(message_render(row.template, "subject", payload), reference)
    body = message_render(row.template, "body", payload)
    in_reply_to = _message_id(payload.get("in_reply_to"))
    headers = {
        "Message-ID": outbox_message_id(row),
        # RFC 3834 §5: "auto-replied" for an automatic answer to a message, else "auto-generated".
        "Auto-Submitted": "auto-replied" if in_reply_to else "auto-generated",
        "X-Auto-Response-Suppress": "All",
    }
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
        headers["References"] = in_reply_to
    reply_to = []
    if reference and row.template in REPORTER_TEMPLATES:
        address = email_reply_address(reference)
        if address:
            reply_to = [address]
    EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[row.recipient],
        reply_to=reply_to, headers=headers,
    ).send(fail_silently=False)
