from django.contrib import admin

from .models import CalendarDay, TimeLimits


@admin.register(TimeLimits)
class TimeLimitsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "verify_days", "first_response_days", "autoclose_days")
    autocomplete_fields = ["agency"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "kind", "region")
    list_filter = ("kind",)
    date_hierarchy = "date"
