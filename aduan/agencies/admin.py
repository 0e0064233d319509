"""Directory management for the national administrator (and agency admins for their own
subtree) in the Django admin. Access is decided by ``user_has_perm(user, "agency_manage", …)``,
not by Django's model permissions."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

from aduan.accounts.policies import grant_scopes, user_has_perm

from .models import Agency, AgencyCategory, AgencyCoverage, Category


class DirectoryPermissionMixin:
    def _agency_of(self, obj):
        return obj if isinstance(obj, Agency) else getattr(obj, "agency", None)

    def has_module_permission(self, request):
        national, scopes = grant_scopes(request.user, "agency_manage")
        return national or bool(scopes)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return self.has_module_permission(request)
        return user_has_perm(request.user, "agency_manage", self._agency_of(obj))

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        national, _ = grant_scopes(request.user, "agency_manage")
        return national


class CoverageInline(DirectoryPermissionMixin, admin.TabularInline):
    model = AgencyCoverage
    extra = 0
    raw_id_fields = ["region"]


class AgencyCategoryInline(DirectoryPermissionMixin, admin.TabularInline):
    model = AgencyCategory
    extra = 0
    raw_id_fields = ["region"]


@admin.register(Agency)
class AgencyAdmin(DirectoryPermissionMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "seat_region", "is_active", "accepts_reports")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "slug")
    raw_id_fields = ["parent", "seat_region"]
    inlines = [CoverageInline, AgencyCategoryInline]
    prepopulated_fields = {"slug": ("name",)}

    def save_model(self, request, obj, form, change):
        # Placing an agency (new or moved) needs the right on its new parent; top level is national.
        if "parent" in form.changed_data or not change:
            if not user_has_perm(request.user, "agency_manage", obj.parent):
                raise DjangoPermissionDenied
        super().save_model(request, obj, form, change)


@admin.register(Category)
class CategoryAdmin(DirectoryPermissionMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "default_tier", "is_active")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        national, _ = grant_scopes(request.user, "agency_manage")
        return national

    has_add_permission = has_change_permission
