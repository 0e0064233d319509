"""Time limits and calendars are national rules: only the national administrator edits them."""

from django.contrib import admin

from aduan.accounts.admin_access import NationalPermissionMixin

from .models import CalendarDay, TimeLimits


class NationalDirectoryAdmin(NationalPermissionMixin, admin.ModelAdmin):
    admin_permission_code = "agency_manage"


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
