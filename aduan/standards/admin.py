"""Time limits and calendars are national rules: only the national administrator edits them."""

from django.contrib import admin

from aduan.accounts.policies import user_has_national_perm

from .models import CalendarDay, TimeLimits


class NationalDirectoryAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return user_has_national_perm(request.user, "agency_manage")

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


@admin.register(TimeLimits)
class TimeLimitsAdmin(NationalDirectoryAdmin):
    list_display = ("__str__", "verify_days", "first_response_days", "autoclose_days")
    raw_id_fields = ["agency"]


@admin.register(CalendarDay)
class CalendarDayAdmin(NationalDirectoryAdmin):
    list_display = ("date", "name", "kind", "region")
    list_filter = ("kind",)
    date_hierarchy = "date"
    raw_id_fields = ["region"]
