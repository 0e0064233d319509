"""Rendering a message: the official's override if there is one, else the shipped default
(message_defaults.py), in the row's language (Bahasa Indonesia unless English is asked for).

Templates edited by officials are restricted to variables, filters and ``{% if %}`` /
``{% for %}``: ``template_check`` refuses ``{% load %}``, ``{% include %}``, ``{% debug %}``
and the like, so a template can only show what the message's context holds.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import translation
from django.utils.translation import gettext as _

from .message_defaults import DEFAULTS, LANGUAGES
from .models import NotificationTemplate

# A separate engine: no loaders, no libraries, autoescape off (these are plain texts).
_ENGINE = Engine(autoescape=False, builtins=["django.template.defaulttags", "django.template.defaultfilters"])
_ALLOWED_TAGS = {"if", "elif", "else", "endif", "for", "empty", "endfor"}
_TAG = re.compile(r"{%-?\s*(\w+)")


def message_language(language: str | None = None) -> str:
    lang = (language or translation.get_language() or settings.LANGUAGE_CODE or "id")[:2].lower()
    return lang if lang in LANGUAGES else "id"


def template_source(key: str, variant: str, language: str) -> tuple[str, bool]:
    """The text in force and whether it is an official's override."""
    row = NotificationTemplate.objects.filter(key=key, variant=variant, language=language).only("text").first()
    if row is not None:
        return row.text, True
    return DEFAULTS[key][variant][language], False


def template_check(text: str) -> None:
    """Raise ValueError with a message in the official's language if the text cannot be used."""
    for tag in _TAG.findall(text):
        if tag not in _ALLOWED_TAGS:
            raise ValueError(_("Tag {%% %(tag)s %%} tidak diizinkan. Gunakan hanya variabel, if dan for.") % {"tag": tag})
    try:
        _ENGINE.from_string(text)
    except TemplateSyntaxError as exc:
        raise ValueError(_("Templat tidak dapat dibaca: %(error)s") % {"error": exc}) from exc


def message_render(key: str, variant: str, context: dict, *, language: str | None = None) -> str:
    lang = message_language(language)
    source, _override = template_source(key, variant, lang)
    full = {"public_url": settings.ADUAN_PUBLIC_URL, **context}
    return _ENGINE.from_string(source).render(Context(full, autoescape=False))
