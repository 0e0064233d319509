"""/petugas/pengaturan/: an official chooses how task e-mail reaches them — each one at
once, one daily digest, or none (in-app notifications stay either way)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.audit.services import audit_log

from .auth import official_required


@official_required
def preferences(request):
    user = request.user
    error = None
    if request.method == "POST":
        choice = request.POST.get("email_digest", "")
        if choice not in User.Digest.values:
            error = _("Pilih salah satu cara pengiriman surel.")
        else:
            if choice != user.email_digest:
                user.email_digest = choice
                user.save(update_fields=["email_digest"])
                audit_log(actor=user, action="official_email_digest_set", obj=user, data={"email_digest": choice})
            messages.success(request, _("Pengaturan surel disimpan."))
            return redirect("backoffice:preferences")
    return render(request, "backoffice/preferences.html", {
        "choices": User.Digest.choices, "current": user.email_digest, "error": error,
    }, status=400 if error else 200)


urlpatterns = [path("", preferences, name="preferences")]
