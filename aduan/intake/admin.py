from django.contrib import admin

from .models import InboundMessage


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ("received_at", "channel", "gateway", "state", "report")
    list_filter = ("channel", "gateway", "state")
    readonly_fields = [f.name for f in InboundMessage._meta.fields]
