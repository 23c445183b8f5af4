"""Raw access for administrators; every save and delete goes through the services.

Going through the services keeps the admin's changes audited and, above all,
invalidates the in-memory calendar snapshot that deadlines are computed from.
"""

from django.contrib import admin

from .models import DateOverride, ServiceInterval
from .services import (
    date_override_delete,
    date_override_save,
    service_interval_delete,
    service_interval_save,
)


@admin.register(ServiceInterval)
class ServiceIntervalAdmin(admin.ModelAdmin):
    list_display = ("weekday", "start", "end")
    list_filter = ("weekday",)
    ordering = ("weekday", "start")

    def save_model(self, request, obj, form, change):
        # The admin form's clean() already ran the same checks as the service.
        service_interval_save(actor=request.user, interval=obj)

    def delete_model(self, request, obj):
        service_interval_delete(actor=request.user, interval=obj)

    def delete_queryset(self, request, queryset):
        for interval in queryset:
            service_interval_delete(actor=request.user, interval=interval)


@admin.register(DateOverride)
class DateOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "intervals_display", "display_name", "source")
    list_filter = ("kind", "source")
    date_hierarchy = "date"
    search_fields = ("name",)
    readonly_fields = ("source", "updated_at")

    def save_model(self, request, obj, form, change):
        saved = date_override_save(
            actor=request.user,
            day=obj.date,
            kind=obj.kind,
            intervals=obj.parsed_intervals(),  # validated by the form's clean()
            name=obj.name,
            override=obj if change else None,
        )
        obj.pk, obj.source, obj.intervals = saved.pk, saved.source, saved.intervals

    def delete_model(self, request, obj):
        date_override_delete(actor=request.user, override=obj)

    def delete_queryset(self, request, queryset):
        for override in queryset:
            date_override_delete(actor=request.user, override=override)
