"""Budget upload for agencies (/petugas/analitik/anggaran/): parse the form → ``budget_import``
→ render. The published lines appear on the public planning page.

Access: a signed-in, OTP-verified official holding ``agency_manage`` somewhere (the agency
admin; the national administrator everywhere); everyone else gets 403 (anonymous → sign-in).
An agency outside the official's grants answers 404, the same as a missing one.
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from aduan.accounts.policies import user_has_perm_anywhere
from aduan.backoffice.auth import official_required
from aduan.core.errors import PermissionDenied, ValidationFailed

from .budget import MAX_YEAR, MIN_YEAR, PERMISSION, budget_agencies_for, budget_import, budget_lines_of


class BudgetUploadForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Tahun anggaran"), min_value=MIN_YEAR, max_value=MAX_YEAR,
                              error_messages={"required": gettext_lazy("Isi tahun anggaran."),
                                              "invalid": gettext_lazy("Tahun harus berupa angka, mis. 2026.")})
    file = forms.FileField(label=gettext_lazy("Berkas anggaran (CSV atau XLSX)"),
                           help_text=gettext_lazy("Kolom: sektor, jumlah, catatan (opsional). Berkas baru menggantikan "
                                                  "semua baris tahun yang sama."),
                           error_messages={"required": gettext_lazy("Pilih berkas CSV atau XLSX.")})


def _budget_access(view):
    @official_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_has_perm_anywhere(request.user, PERMISSION):
            raise DjangoPermissionDenied
        return view(request, *args, **kwargs)
    return wrapper


@_budget_access
@require_http_methods(["GET"])
def budget_index(request):
    agencies = (budget_agencies_for(request.user).filter(is_active=True)
                .annotate(lines=Count("budget_lines"), last_year=Max("budget_lines__year")).order_by("path")[:500])
    return render(request, "analytics/budget_index.html", {"agencies": agencies})


def _render_agency(request, agency, form, status=200):
    lines = budget_lines_of(agency=agency)
    years: dict[int, dict] = {}
    for line in lines:
        year = years.setdefault(line.year, {"year": line.year, "lines": [], "total": 0})
        year["lines"].append(line)
        year["total"] += line.amount
    return render(request, "analytics/budget_agency.html",
                  {"agency": agency, "form": form, "years": list(years.values())}, status=status)


@_budget_access
@require_http_methods(["GET", "POST"])
def budget_agency(request, slug: str):
    agency = budget_agencies_for(request.user).filter(slug=slug).first()
    if agency is None:
        raise Http404
    if request.method != "POST":
        return _render_agency(request, agency, BudgetUploadForm(initial={"year": timezone.localdate().year + 1}))
    form = BudgetUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = budget_import(agency=agency, year=form.cleaned_data["year"], file=form.cleaned_data["file"],
                                   actor=request.user)
        except PermissionDenied:
            raise Http404 from None
        except ValidationFailed as exc:
            for field, errors in exc.field_errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, str(error))
            if not exc.field_errors:
                form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Anggaran tahun %(year)s disimpan: %(n)s sektor, total Rp %(total)s.") % {
                "year": result.year, "n": len(result.lines),
                "total": formats.number_format(result.total, 0, use_l10n=True, force_grouping=True)})
            return redirect("analytics_office:budget_agency", slug=agency.slug)
    return _render_agency(request, agency, form, status=400)

