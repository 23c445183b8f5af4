"""Raw access for administrators; day-to-day work goes through the app's pages."""

from django.contrib import admin

from .models import (
    ClassChange,
    DepartmentLineLimit,
    EquipmentRequest,
    Fault,
    Line,
    LineAssignment,
    LongDistanceRequest,
    PermissionApplication,
)


class AssignmentInline(admin.TabularInline):
    model = LineAssignment
    extra = 0
    raw_id_fields = ["owner"]


class ClassChangeInline(admin.TabularInline):
    model = ClassChange
    extra = 0
    readonly_fields = [f.name for f in ClassChange._meta.fields]
    can_delete = False


@admin.register(Line)
class LineAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "department", "owner", "class_of_service"]
    list_filter = ["kind", "class_of_service", "is_active", "department"]
    search_fields = ["number", "owner__name", "location"]
    raw_id_fields = ["owner"]
    inlines = [AssignmentInline, ClassChangeInline]


@admin.register(DepartmentLineLimit)
class DepartmentLineLimitAdmin(admin.ModelAdmin):
    list_display = ["department", "local_lines", "long_distance_lines"]


@admin.register(PermissionApplication)
class PermissionApplicationAdmin(admin.ModelAdmin):
    list_display = ["pk", "line", "requester", "requested_class", "status"]
    list_filter = ["status"]
    raw_id_fields = ["line", "requester", "override_by", "class_change", "approval"]


@admin.register(EquipmentRequest)
class EquipmentRequestAdmin(admin.ModelAdmin):
    list_display = ["pk", "department", "quantity", "needed_by", "status"]
    list_filter = ["status"]
    raw_id_fields = ["requester", "fulfilled_by", "approval"]
    filter_horizontal = ["lines"]


@admin.register(Fault)
class FaultAdmin(admin.ModelAdmin):
    list_display = ["pk", "line", "reported_at", "status", "assigned_to"]
    list_filter = ["status"]
    raw_id_fields = ["line", "reported_by", "assigned_to", "closed_by"]


@admin.register(LongDistanceRequest)
class LongDistanceRequestAdmin(admin.ModelAdmin):
    list_display = ["pk", "caller", "line", "call_on", "urgent", "status"]
    list_filter = ["status", "urgent", "region"]
    raw_id_fields = ["requester", "caller", "line", "placed_by", "approval"]
