"""Accounts in the Django admin: national administrators (``membership_manage`` nationally)
manage officials; grants made here go through ``membership_grant`` so they are audited."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Membership, User
from .admin_access import NationalPermissionMixin
from .services import membership_grant


class NationalOnly(NationalPermissionMixin):
    admin_permission_code = "membership_manage"


class MembershipInline(NationalOnly, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(NationalOnly, BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("Aduan", {"fields": ("full_name", "phone")}),)
    list_display = ("username", "full_name", "email", "phone", "is_staff")
    search_fields = ("username", "full_name", "email", "phone")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(NationalOnly, admin.ModelAdmin):
    list_display = ("user", "role", "agency", "include_descendants", "is_active")
    list_filter = ("role", "is_active")
    autocomplete_fields = ["user", "agency"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        saved = membership_grant(actor=request.user, user=obj.user, role=obj.role, agency=obj.agency,
                                 include_descendants=obj.include_descendants)
        obj.pk = saved.pk
