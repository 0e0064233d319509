"""Officials edit the wording of messages: one override per (message, variant, language),
checked before it is saved (allowed tags only, and it must render with the message's
variables), audited; deleting the override restores the shipped default."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.audit.services import audit_log
from aduan.core.errors import NotFound, ValidationFailed

from .message_defaults import DEFAULTS, LANGUAGES, VARIABLES, VARIANTS
from .models import NotificationTemplate
from .render import _ENGINE, Context, template_check

# Sample values used to try a template before saving it.
_SAMPLE = {
    "reference": "2611-K7QX-M9P3", "title": "Contoh judul", "track_url": "https://aduan.example/lacak/",
    "late_filing_warning": False, "status_label": "Diteruskan", "action_label": "Verifikasi", "agency": "Dinas Contoh",
    "note": "Contoh catatan", "via_duplicate": "", "close_date": "01-12-2026", "code": "123456", "text": "Contoh",
    "subject": "Contoh", "due": "01-12-2026 23:59 WIB", "what": "tanggapan pertama", "target": "Atasan",
    "items": [{"subject": "Contoh", "reference": "2611-K7QX-M9P3"}], "public_url": "https://aduan.example",
}


def _known(key: str, variant: str, language: str) -> None:
    if key not in DEFAULTS or variant not in VARIANTS or language not in LANGUAGES:
        raise NotFound(_("Templat tidak dikenal."))


def template_preview(text: str) -> str:
    """The text rendered with sample values; ValueError (in the official's language) if unusable."""
    template_check(text)
    try:
        return _ENGINE.from_string(text).render(Context(_SAMPLE, autoescape=False))
    except Exception as exc:  # a filter given a bad argument fails only when rendering
        raise ValueError(_("Templat tidak dapat dibaca: %(error)s") % {"error": exc}) from None


def template_save(*, key: str, variant: str, language: str, text: str, actor) -> NotificationTemplate:
    _known(key, variant, language)
    text = (text or "").replace("\r\n", "\n")
    if not text.strip():
        raise ValidationFailed(field_errors={"text": [_("Isi templat wajib diisi.")]})
    if variant == "subject" and "\n" in text.strip():
        raise ValidationFailed(field_errors={"text": [_("Subjek surel harus satu baris.")]})
    try:
        template_preview(text)
    except ValueError as exc:
        raise ValidationFailed(field_errors={"text": [str(exc)]}) from None
    with transaction.atomic():
        row, _created = NotificationTemplate.objects.update_or_create(
            key=key, variant=variant, language=language, defaults={"text": text, "updated_by": actor})
        audit_log(actor=actor, action="notification_template_save", obj=row,
                  data={"key": key, "variant": variant, "language": language})
    return row


def template_reset(*, key: str, variant: str, language: str, actor) -> bool:
    _known(key, variant, language)
    with transaction.atomic():
        deleted, _ = NotificationTemplate.objects.filter(key=key, variant=variant, language=language).delete()
        if deleted:
            audit_log(actor=actor, action="notification_template_reset", object_type="notifications.notificationtemplate",
                      object_id=f"{key}.{variant}.{language}")
    return bool(deleted)


def templates_overview() -> list[dict]:
    """Every message with, per variant and language, whether an override is in force."""
    overrides = set(NotificationTemplate.objects.values_list("key", "variant", "language"))
    return [
        {"key": key, "variables": VARIABLES.get(key, []),
         "variants": [{"variant": v, "languages": [{"language": lang, "override": (key, v, lang) in overrides}
                                                   for lang in LANGUAGES]} for v in VARIANTS]}
        for key in DEFAULTS
    ]
