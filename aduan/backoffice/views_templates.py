"""Message templates (/petugas/templat/): national administrators edit the wording of the
messages citizens and officials receive, per language; preview with sample values; reset
to the shipped default. Parse input → one service → render."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from aduan.accounts.policies import user_has_national_perm
from aduan.core.errors import NotFound, ValidationFailed
from aduan.notifications.message_defaults import DEFAULTS, LANGUAGES, VARIABLES, VARIANTS
from aduan.notifications.render import template_source
from aduan.notifications.services_templates import template_preview, template_reset, template_save, templates_overview

from .auth import official_required

VARIANT_LABELS = {"subject": gettext_lazy("Subjek surel"), "body": gettext_lazy("Isi surel"),
                  "short": gettext_lazy("Pesan singkat (SMS, WhatsApp, Telegram)")}
LANGUAGE_LABELS = {"id": "Bahasa Indonesia", "en": "English"}


def _templates_access(view):
    @official_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_has_national_perm(request.user, "notification_templates_manage"):
            raise DjangoPermissionDenied
        return view(request, *args, **kwargs)
    return wrapper


class TemplateForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Isi templat"), widget=forms.Textarea(attrs={"rows": 10}), strip=False)


@_templates_access
def template_list(request):
    return render(request, "backoffice/templates_list.html", {
        "messages_overview": templates_overview(), "variant_labels": VARIANT_LABELS, "language_labels": LANGUAGE_LABELS,
    })


@_templates_access
@require_http_methods(["GET", "POST"])
def template_edit(request, key: str, variant: str, language: str):
    if key not in DEFAULTS or variant not in VARIANTS or language not in LANGUAGES:
        raise Http404
    current, overridden = template_source(key, variant, language)
    preview = None
    if request.method == "POST" and "reset" in request.POST:
        template_reset(key=key, variant=variant, language=language, actor=request.user)
        return redirect("backoffice:template_edit", key=key, variant=variant, language=language)
    form = TemplateForm(request.POST or None, initial={"text": current})
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        if "preview" in request.POST:
            try:
                preview = template_preview(text)
            except ValueError as exc:
                form.add_error("text", str(exc))
        else:
            try:
                template_save(key=key, variant=variant, language=language, text=text, actor=request.user)
            except ValidationFailed as exc:
                for message in exc.field_errors.get("text", []) or [exc.message]:
                    form.add_error("text", message)
            except NotFound:
                raise Http404 from None
            else:
                return redirect("backoffice:template_list")
    return render(request, "backoffice/template_form.html", {
        "form": form, "key": key, "variant": variant, "language": language, "overridden": overridden,
        "variables": VARIABLES.get(key, []), "default_text": DEFAULTS[key][variant][language], "preview": preview,
        "variant_label": VARIANT_LABELS[variant], "language_label": LANGUAGE_LABELS[language],
    }, status=400 if form.errors else 200)


urlpatterns = [
    path("", template_list, name="template_list"),
    path("<slug:key>/<slug:variant>/<slug:language>/", template_edit, name="template_edit"),
]
