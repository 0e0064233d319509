"""Routing rules pages (/petugas/direktori/rute/): parse input → one service → render.

Access: a signed-in, OTP-verified official holding ``agency_manage`` somewhere; everyone
else gets 403. Every such official sees the whole rule list (rules are not secret) and the
tester; who may create or change which rule is decided by ``routing.services_rules``
(national admins: all; agency admins: rules that pull reports to their own agency in its
own area for a category it handles). A rule outside the official's remit answers 404 on
its edit and deactivate pages, the same as a missing one.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aduan.accounts.policies import user_has_national_perm, user_has_perm_anywhere
from aduan.audit.models import AuditLog
from aduan.backoffice.auth import official_required
from aduan.core.errors import PermissionDenied, ValidationFailed
from aduan.regions.models import Region
from aduan.routing.models import AssetOwner, RoutingRule
from aduan.routing.rules import asset_owner_detect, region_level_of, rules_explain
from aduan.routing.services_rules import (
    can_edit_existing_rule,
    routing_rule_create,
    routing_rule_deactivate,
    routing_rule_update,
)

from .form_errors import errors_to_form
from .forms_routing import RoutingRuleForm, RoutingTestForm


def _routing_access(view):
    @official_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_has_perm_anywhere(request.user, "agency_manage"):
            raise DjangoPermissionDenied
        return view(request, *args, **kwargs)
    return wrapper



def _rule_for(user, pk: int) -> RoutingRule:
    rule = RoutingRule.objects.select_related("category", "category__parent", "region", "target_agency").filter(pk=pk).first()
    if rule is None or not can_edit_existing_rule(user, rule):
        raise Http404
    return rule


def _ordered(rules):
    """Most specific first, the way the engine compares rules (category depth aside)."""
    return sorted(rules, key=lambda r: (not r.is_active, -region_level_of(r.region_id), r.category_id is None,
                                        not r.asset_owner, -r.priority, r.pk))


@_routing_access
def rule_list(request):
    rules = _ordered(RoutingRule.objects.select_related("category", "region", "target_agency"))
    rows = [(rule, can_edit_existing_rule(request.user, rule)) for rule in rules]
    return render(request, "backoffice/routing_rule_list.html", {
        "rows": rows, "national": user_has_national_perm(request.user, "agency_manage")})


def _initial(rule: RoutingRule) -> dict:
    return {
        "category": rule.category.slug if rule.category_id else "", "region": rule.region_id or "",
        "asset_owner": rule.asset_owner, "region_level": "" if rule.region_level is None else str(rule.region_level),
        "target_agency": rule.target_agency.slug if rule.target_agency_id else "",
        "fallback_to_government": rule.fallback_to_government, "priority": str(rule.priority),
        "is_active": rule.is_active, "note": rule.note,
    }


@_routing_access
@require_http_methods(["GET", "POST"])
def rule_form(request, pk: int | None = None):
    rule = _rule_for(request.user, pk) if pk else None
    status = 200
    if request.method == "POST":
        form = RoutingRuleForm(request.POST)
        if form.is_valid():
            values = dict(form.cleaned_data)
            try:
                if rule is None:
                    rule = routing_rule_create(actor=request.user, **values)
                else:
                    rule = routing_rule_update(actor=request.user, rule=rule, **values)
            except PermissionDenied:
                form.add_error(None, _("Anda hanya dapat membuat aturan yang mengarahkan laporan ke instansi yang Anda "
                                       "kelola, di wilayah cakupannya, untuk kategori yang ditanganinya."))
            except ValidationFailed as exc:
                errors_to_form(form, exc)
            else:
                return redirect("backoffice:routing_rule_list")
        status = 400
    else:
        form = RoutingRuleForm(initial=_initial(rule) if rule else {"is_active": True, "fallback_to_government": True,
                                                                    "priority": "0"})
    history = []
    if rule is not None and user_has_perm_anywhere(request.user, "audit_view"):
        history = AuditLog.objects.filter(object_type="routing.routingrule", object_id=str(rule.pk)).select_related("actor")
    return render(request, "backoffice/routing_rule_form.html",
                  {"rule": rule, "form": form, "history": history}, status=status)


@_routing_access
@require_http_methods(["GET", "POST"])
def rule_deactivate(request, pk: int):
    rule = _rule_for(request.user, pk)
    back = "/petugas/direktori/rute/"
    if request.method == "POST":
        try:
            routing_rule_deactivate(actor=request.user, rule=rule)
        except PermissionDenied:
            raise Http404 from None
        return redirect("backoffice:routing_rule_list")
    return render(request, "backoffice/directory_confirm.html", {
        "title": _("Nonaktifkan aturan rute"), "object": f"#{rule.pk} — {rule.note or rule}", "back": back})


@_routing_access
def rule_test(request):
    """Which agency would a report go to? GET only: bookmarkable, changes nothing."""
    form = RoutingTestForm(request.GET or None)
    explanation = detected = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        owner = data["aset"]
        if not owner and data["teks"]:
            owner = detected = asset_owner_detect(data["teks"])
        code = (data["wilayah"] or "").strip()
        if code and not Region.objects.filter(code=code).exists():
            form.add_error("wilayah", _("Kode wilayah %(code)s tidak dikenal.") % {"code": code})
        else:
            explanation = rules_explain(category=data["kategori"] or None, region=code or None, asset_owner=owner)
    return render(request, "backoffice/routing_rule_test.html", {
        "form": form, "explanation": explanation,
        "detected": AssetOwner(detected).label if detected else ("" if detected is None else _("tidak disebut")),
    }, status=400 if form.errors else 200)
