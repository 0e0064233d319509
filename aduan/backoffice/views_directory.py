"""Directory management pages (/petugas/direktori/): parse input → one service → render.

Access: a signed-in, OTP-verified official holding ``agency_manage`` or
``membership_manage`` somewhere; everyone else gets 403 (anonymous → sign-in).
Objects outside the official's scope answer 404, the same as missing ones.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aduan.accounts.policies import grant_scopes, user_has_national_perm, user_has_perm_anywhere
from aduan.accounts.services import membership_grant
from aduan.accounts.services_directory import membership_revoke, memberships_manageable_by, official_invite
from aduan.agencies.models import Agency, AgencyCategory, AgencyCoverage, Category
from aduan.agencies.services import agency_category_set, agency_coverage_set, agency_create, agency_update
from aduan.agencies.services_categories import category_create, category_update
from aduan.backoffice.auth import official_required
from aduan.core.errors import PermissionDenied, ValidationFailed
from aduan.standards.deadlines import limits_for
from aduan.standards.models import DEFAULT_LIMITS, CalendarDay, TimeLimits
from aduan.standards.services import (
    calendar_day_add,
    calendar_day_remove,
    calendar_days_for_year,
    national_holidays_for_year,
    time_limits_set,
)

from .form_errors import errors_to_form
from .forms_directory import (
    LIMIT_LABELS,
    AgencyCategoryForm,
    AgencyFilterForm,
    AgencyForm,
    CalendarDayForm,
    CategoryForm,
    CoverageForm,
    GrantForm,
    InviteForm,
    TimeLimitsForm,
)


def _directory_access(view):
    @official_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not (user_has_perm_anywhere(user, "agency_manage") or user_has_perm_anywhere(user, "membership_manage")):
            raise DjangoPermissionDenied
        return view(request, *args, **kwargs)
    return wrapper


def agencies_manageable_by(user):
    """Agencies ``user`` may manage: all for a national grant, else the granted subtrees."""
    national, scopes = grant_scopes(user, "agency_manage")
    qs = Agency.objects.all()
    if national:
        return qs
    q = Q(pk__in=[])
    for scope in scopes:
        q |= Q(pk=int(scope[1:])) if scope.startswith("=") else Q(path__startswith=scope)
    return qs.filter(q)


def _agency_for(user, slug: str) -> Agency:
    agency = agencies_manageable_by(user).filter(slug=slug).first()
    if agency is None:
        raise Http404
    return agency



@_directory_access
def agency_list(request):
    form = AgencyFilterForm(request.GET or None)
    agencies = agencies_manageable_by(request.user).select_related("parent").order_by("path")
    if form.is_valid():
        if form.cleaned_data["q"]:
            text = form.cleaned_data["q"]
            agencies = agencies.filter(Q(name__icontains=text) | Q(short_name__icontains=text))
        if form.cleaned_data["kind"]:
            agencies = agencies.filter(kind=form.cleaned_data["kind"])
    rows = [(a, max(a.path.count("/") - 2, 0)) for a in agencies]
    return render(request, "backoffice/directory_agency_list.html",
                  {"form": form, "rows": rows, "kinds": Agency.Kind.choices,
                   "national": user_has_national_perm(request.user, "agency_manage"),
                   "can_grant": user_has_perm_anywhere(request.user, "membership_manage")})


def _agency_detail_render(request, agency, *, coverage_form=None, category_form=None, status=200):
    coverage = list(AgencyCoverage.objects.filter(agency=agency).order_by("region_id").values_list("region_id", flat=True))
    handled = AgencyCategory.objects.filter(agency=agency).select_related("category").order_by("category__name", "region_id")
    return render(request, "backoffice/directory_agency_detail.html", {
        "agency": agency, "coverage": coverage, "handled": handled,
        "form": coverage_form or CoverageForm(initial={"region_codes": "\n".join(coverage)}),
        "category_form": category_form or AgencyCategoryForm(prefix="kat"),
    }, status=status)


@_directory_access
@require_http_methods(["GET", "POST"])
def agency_detail(request, slug: str):
    """Agency page with its coverage form (POST here) and categories handled."""
    agency = _agency_for(request.user, slug)
    if request.method != "POST":
        return _agency_detail_render(request, agency)
    form = CoverageForm(request.POST)
    if form.is_valid():
        try:
            agency_coverage_set(actor=request.user, agency=agency, region_codes=form.codes())
        except PermissionDenied:
            raise Http404 from None
        except ValidationFailed as exc:
            errors_to_form(form, exc)
        else:
            return redirect("backoffice:directory_agency_detail", slug=agency.slug)
    return _agency_detail_render(request, agency, coverage_form=form, status=400)


@_directory_access
@require_http_methods(["POST"])
def agency_category(request, slug: str):
    agency = _agency_for(request.user, slug)
    form = AgencyCategoryForm(request.POST, prefix="kat")
    if form.is_valid():
        data = form.cleaned_data
        try:
            agency_category_set(actor=request.user, agency=agency, category=data["category"],
                                region=data["region"] or None, tier=data["tier"],
                                resolution_days=data["resolution_days"])
        except PermissionDenied:
            raise Http404 from None
        except ValidationFailed as exc:
            errors_to_form(form, exc)
        else:
            return redirect("backoffice:directory_agency_detail", slug=agency.slug)
    return _agency_detail_render(request, agency, category_form=form, status=400)


# --- service targets ------------------------------------------------------------------------

def _national_only(request) -> None:
    if not user_has_national_perm(request.user, "agency_manage"):
        raise DjangoPermissionDenied


@_directory_access
@require_http_methods(["GET", "POST"])
def time_limits(request, slug: str | None = None):
    """National defaults (no slug) or one agency's overrides; empty fields inherit."""
    _national_only(request)
    agency = _agency_for(request.user, slug) if slug else None
    row = TimeLimits.objects.filter(agency=agency).first()
    status = 200
    if request.method == "POST":
        form = TimeLimitsForm(request.POST)
        if form.is_valid():
            try:
                time_limits_set(actor=request.user, agency=agency, **form.cleaned_data)
            except ValidationFailed as exc:
                errors_to_form(form, exc)
            else:
                return redirect(request.path)
        status = 400
    else:
        form = TimeLimitsForm(initial={f: getattr(row, f) for f in DEFAULT_LIMITS} if row else None)
    effective = limits_for(agency)
    rows = [(LIMIT_LABELS[f], effective[f]) for f in DEFAULT_LIMITS]
    return render(request, "backoffice/directory_time_limits.html",
                  {"agency": agency, "form": form, "effective": rows}, status=status)


# --- calendars ------------------------------------------------------------------------------

@_directory_access
@require_http_methods(["GET", "POST"])
def calendar(request):
    _national_only(request)
    try:
        year = int(request.GET.get("tahun") or timezone_year())
    except ValueError:
        year = timezone_year()
    year = min(max(year, 2000), 2100)
    status = 200
    if request.method == "POST":
        form = CalendarDayForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                day = calendar_day_add(actor=request.user, date=data["date"], name=data["name"],
                                       kind=data["kind"], region=data["region"] or None)
            except ValidationFailed as exc:
                errors_to_form(form, exc)
            else:
                return redirect(f"{request.path}?tahun={day.date.year}")
        status = 400
    else:
        form = CalendarDayForm(initial={"kind": CalendarDay.Kind.HOLIDAY})
    return render(request, "backoffice/directory_calendar.html", {
        "year": year, "form": form, "days": calendar_days_for_year(year),
        "national": national_holidays_for_year(year),
    }, status=status)


def timezone_year() -> int:
    return timezone.localdate().year


@_directory_access
@require_http_methods(["GET", "POST"])
def calendar_day_delete(request, pk: int):
    _national_only(request)
    day = CalendarDay.objects.select_related("region").filter(pk=pk).first()
    if day is None:
        raise Http404
    if request.method == "POST":
        calendar_day_remove(actor=request.user, calendar_day=day)
        return redirect(f"/petugas/direktori/kalender/?tahun={day.date.year}")
    return render(request, "backoffice/directory_confirm.html", {
        "title": _("Hapus hari dari kalender"), "object": f"{day.date:%Y-%m-%d} — {day.name}",
        "back": f"/petugas/direktori/kalender/?tahun={day.date.year}"})


# --- officials and roles --------------------------------------------------------------------

@_directory_access
@require_http_methods(["GET", "POST"])
def officials(request):
    if not user_has_perm_anywhere(request.user, "membership_manage"):
        raise DjangoPermissionDenied
    status = 200
    if request.method == "POST":
        form = GrantForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            user = get_user_model().objects.filter(username=data["username"]).first()
            agency = None
            if data["agency"]:
                agency = Agency.objects.filter(slug=data["agency"]).first()
            if user is None:
                form.add_error("username", "Pengguna tidak ditemukan.")
            elif data["agency"] and agency is None:
                form.add_error("agency", "Instansi tidak ditemukan.")
            else:
                try:
                    membership_grant(actor=request.user, user=user, role=data["role"], agency=agency,
                                     include_descendants=data["include_descendants"])
                except PermissionDenied:
                    form.add_error("agency", "Anda tidak berwenang memberi peran ini pada instansi tersebut.")
                except ValidationFailed as exc:
                    errors_to_form(form, exc)
                else:
                    return redirect(request.path)
        status = 400
    else:
        form = GrantForm()
    return render(request, "backoffice/directory_officials.html", {
        "form": form, "invite_form": InviteForm(prefix="baru"),
        "memberships": memberships_manageable_by(request.user)}, status=status)


@_directory_access
@require_http_methods(["POST"])
def official_invite_view(request):
    """Create an official's account with a role; they set a password via the reset link."""
    form = InviteForm(request.POST, prefix="baru")
    if form.is_valid():
        data = form.cleaned_data
        agency = Agency.objects.filter(slug=data["agency"]).first() if data["agency"] else None
        if data["agency"] and agency is None:
            form.add_error("agency", "Instansi tidak ditemukan.")
        else:
            try:
                official_invite(actor=request.user, username=data["username"], email=data["email"],
                                full_name=data["full_name"], role=data["role"], agency=agency)
            except PermissionDenied:
                form.add_error("agency", "Anda tidak berwenang memberi peran ini pada instansi tersebut.")
            except ValidationFailed as exc:
                errors_to_form(form, exc)
            else:
                return redirect("backoffice:directory_officials")
    return render(request, "backoffice/directory_officials.html", {
        "form": GrantForm(), "invite_form": form,
        "memberships": memberships_manageable_by(request.user)}, status=400)


@_directory_access
@require_http_methods(["GET", "POST"])
def membership_delete(request, pk: int):
    membership = memberships_manageable_by(request.user).filter(pk=pk).first()
    if membership is None:
        raise Http404
    if request.method == "POST":
        try:
            membership_revoke(actor=request.user, membership=membership)
        except PermissionDenied:
            raise Http404 from None
        except ValidationFailed as exc:
            return render(request, "backoffice/directory_confirm.html", {
                "title": _("Cabut peran"), "object": str(membership), "back": "/petugas/direktori/petugas/",
                "error": " ".join(str(m) for ms in exc.field_errors.values() for m in ms)}, status=400)
        return redirect("/petugas/direktori/petugas/")
    label = f"{membership.user.username} — {membership.get_role_display()} — {membership.agency or 'nasional'}"
    return render(request, "backoffice/directory_confirm.html", {
        "title": _("Cabut peran"), "object": label, "back": "/petugas/direktori/petugas/"})


# --- agency create / edit -------------------------------------------------------------------

def _agency_initial(agency: Agency) -> dict:
    return {
        "name": agency.name, "short_name": agency.short_name, "slug": agency.slug, "kind": agency.kind,
        "parent": agency.parent.slug if agency.parent_id else "", "seat_region": agency.seat_region_id or "",
        "aliases": ", ".join(agency.aliases or []), "is_active": agency.is_active,
        "accepts_reports": agency.accepts_reports, "first_response_days": agency.first_response_days,
    }


@_directory_access
@require_http_methods(["GET", "POST"])
def agency_form(request, slug: str | None = None):
    """Create (no slug) or edit an agency; the parent is named by slug within the user's scope."""
    agency = _agency_for(request.user, slug) if slug else None
    status = 200
    if request.method == "POST":
        form = AgencyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            parent = None
            if data["parent"]:
                parent = agencies_manageable_by(request.user).filter(slug=data["parent"]).first()
                if parent is None:
                    form.add_error("parent", "Instansi induk tidak ditemukan atau di luar wewenang Anda.")
            if not form.errors:
                try:
                    if agency is None:
                        agency = agency_create(
                            actor=request.user, name=data["name"], slug=data["slug"], kind=data["kind"],
                            parent=parent, seat_region=data["seat_region"] or None,
                            short_name=data["short_name"], aliases=form.alias_list())
                    else:
                        agency = agency_update(
                            actor=request.user, agency=agency, name=data["name"], short_name=data["short_name"],
                            slug=data["slug"], kind=data["kind"], parent=parent,
                            seat_region=data["seat_region"] or None, aliases=form.alias_list(),
                            is_active=data["is_active"], accepts_reports=data["accepts_reports"],
                            first_response_days=data["first_response_days"])
                except PermissionDenied:
                    form.add_error("parent", "Anda tidak berwenang mengelola instansi di bawah induk ini.")
                except ValidationFailed as exc:
                    errors_to_form(form, exc)
                else:
                    return redirect("backoffice:directory_agency_detail", slug=agency.slug)
        status = 400
    else:
        initial = _agency_initial(agency) if agency else {"is_active": True, "accepts_reports": True,
                                                           "parent": request.GET.get("induk", "")}
        form = AgencyForm(initial=initial)
    return render(request, "backoffice/directory_agency_form.html",
                  {"agency": agency, "form": form}, status=status)


# --- categories -----------------------------------------------------------------------------

@_directory_access
def category_list(request):
    _national_only(request)
    categories = Category.objects.select_related("parent").order_by("name")
    return render(request, "backoffice/directory_category_list.html", {"categories": categories})


@_directory_access
@require_http_methods(["GET", "POST"])
def category_form(request, slug: str | None = None):
    _national_only(request)
    category = None
    if slug:
        category = Category.objects.filter(slug=slug).first()
        if category is None:
            raise Http404
    status = 200
    if request.method == "POST":
        form = CategoryForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            parent = Category.objects.filter(slug=data["parent"]).first() if data["parent"] else None
            if data["parent"] and parent is None:
                form.add_error("parent", "Kategori induk tidak ditemukan.")
            else:
                fields = {k: data[k] for k in ("name", "slug", "default_tier", "description")}
                try:
                    if category is None:
                        category_create(actor=request.user, parent=parent, **fields)
                    else:
                        category_update(actor=request.user, category=category, parent=parent,
                                        is_active=data["is_active"], **fields)
                except ValidationFailed as exc:
                    errors_to_form(form, exc)
                else:
                    return redirect("backoffice:directory_category_list")
        status = 400
    elif category is not None:
        form = CategoryForm(initial={
            "name": category.name, "slug": category.slug, "parent": category.parent.slug if category.parent_id else "",
            "default_tier": category.default_tier, "description": category.description, "is_active": category.is_active})
    else:
        form = CategoryForm(initial={"is_active": True, "default_tier": "normative"})
    return render(request, "backoffice/directory_category_form.html",
                  {"category": category, "form": form}, status=status)
