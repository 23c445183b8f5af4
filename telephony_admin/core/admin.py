from django.contrib import admin

from .models import AuditEvent, ConfigValue, ExportJob, Notification


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "target_repr")
    list_filter = ("action",)
    search_fields = ("action", "target_repr")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "title", "read_at")
    search_fields = ("title",)


@admin.register(ConfigValue)
class ConfigValueAdmin(admin.ModelAdmin):
    list_display = ("key", "value", "updated_at", "updated_by")


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "requested_by", "status", "rows_done")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in ExportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
