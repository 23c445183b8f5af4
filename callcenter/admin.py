from django.contrib import admin

from . import models


@admin.register(models.HotlineCall)
class HotlineCallAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "caller_number",
        "agent",
        "outcome",
        "in_service_hours",
        "source",
    )
    list_filter = ("outcome", "in_service_hours", "source")
    search_fields = ("caller_number", "caller_name", "content", "external_id")
    date_hierarchy = "started_at"


@admin.register(models.SwitchboardCall)
class SwitchboardCallAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "caller_name",
        "caller_number",
        "outcome",
        "transferred_to",
    )
    list_filter = ("outcome", "private_info_requested", "source")
    search_fields = ("caller_name", "caller_organisation", "caller_number", "purpose")
    date_hierarchy = "started_at"


@admin.register(models.Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "recipient",
        "caller_number",
        "due_at",
        "returned_at",
        "escalated_at",
    )
    list_filter = ("kind", "urgency")
    search_fields = ("caller_name", "caller_number", "content")


@admin.register(models.Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ("date", "service", "starts_at", "ends_at", "employee", "delegate")
    list_filter = ("service",)


@admin.register(models.Handover)
class HandoverAdmin(admin.ModelAdmin):
    list_display = ("at", "service", "from_employee", "to_employee")


@admin.register(models.HotlineFault)
class HotlineFaultAdmin(admin.ModelAdmin):
    list_display = ("opened_at", "cause", "reported_by", "closed_at")


@admin.register(models.DialCheck)
class DialCheckAdmin(admin.ModelAdmin):
    list_display = ("at", "by", "result", "note")


@admin.register(models.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("system", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "token_hash")


@admin.register(models.CallEvent)
class CallEventAdmin(admin.ModelAdmin):
    list_display = ("received_at", "system", "line", "external_id", "event")
    list_filter = ("line", "event")
