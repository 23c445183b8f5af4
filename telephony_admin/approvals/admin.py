from django.contrib import admin

from .models import Absence, ApprovalRequest, ApprovalStep


class StepInline(admin.TabularInline):
    model = ApprovalStep
    extra = 0
    readonly_fields = ("decided_by", "on_behalf_of", "decided_at")


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(admin.ModelAdmin):
    list_display = ("shown_title", "kind", "requester", "status", "created_at")
    list_filter = ("kind", "status")
    inlines = [StepInline]


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ("employee", "starts_on", "ends_on", "delegate")
