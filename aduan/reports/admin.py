"""Reports are read-only in the Django admin: every change goes through report_transition."""

from django.contrib import admin

from .models import Disposition, Event, Report


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = Event
    fields = ("at", "action", "actor_kind", "agency", "from_status", "to_status", "is_public")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("reference", "kind", "status", "agency", "submitted_at", "is_anonymous", "is_confidential")
    list_filter = ("status", "kind", "channel", "is_anonymous", "is_confidential")
    search_fields = ("reference",)
    # Reporter identity is deliberately not shown here: it is read through the audited selector.
    exclude = ("token_hash", "reporter", "reporter_name", "reporter_email", "reporter_phone")
    inlines = [EventInline]

    def get_queryset(self, request):
        from .selectors import reports_visible_to

        return reports_visible_to(request.user)


@admin.register(Disposition)
class DispositionAdmin(ReadOnlyAdmin):
    list_display = ("report", "agency", "disposed_at", "ended_at", "end_reason")
