from django.contrib import admin

from .models import Outbox


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "channel", "template", "state", "attempts", "next_attempt_at")
    list_filter = ("state", "channel", "template")
    readonly_fields = [f.name for f in Outbox._meta.fields]
