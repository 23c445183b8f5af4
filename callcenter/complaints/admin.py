"""Raw access for administrators; the history and SLA records are read-only here."""

from django.contrib import admin

from .models import (
    Complaint,
    ComplaintEvent,
    CustomerContact,
    FollowUpTask,
    SlaClock,
    SlaEvent,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = ComplaintEvent
    fields = ("at", "actor", "action", "internal_note", "customer_text")


class ClockInline(ReadOnlyInline):
    model = SlaClock
    fields = ("kind", "cycle", "state", "started_at", "due_at", "met_at", "consumed")


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ("number", "accepted_at", "customer_name", "kind", "status")
    list_filter = ("status", "kind", "channel", "department")
    search_fields = ("number", "customer_name", "contact_phone")
    readonly_fields = [f.name for f in Complaint._meta.fields]
    inlines = [ClockInline, EventInline]

    def has_add_permission(self, request):
        return False


@admin.register(SlaEvent)
class SlaEventAdmin(admin.ModelAdmin):
    list_display = ("clock", "level", "at")
    list_filter = ("level",)

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(CustomerContact)
admin.site.register(FollowUpTask)
