from django.contrib import admin

from .models import BillImport, BillingPeriod, CallRecord, Carrier, NumberRule


@admin.register(NumberRule)
class NumberRuleAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "kind",
        "call_class",
        "min_length",
        "max_length",
        "valid_from",
        "valid_until",
        "note",
    ]
    list_filter = ["kind", "call_class"]
    search_fields = ["prefix", "note"]


@admin.register(BillingPeriod)
class BillingPeriodAdmin(admin.ModelAdmin):
    list_display = ["month", "status", "closed_at"]
    # Closing and reopening go through their services (an export first, a reason
    # to reopen, both recorded; R-PRV-4), never a raw edit of the status.
    readonly_fields = ["status", "closed_at", "closed_by"]


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ["name"]


@admin.register(BillImport)
class BillImportAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "period",
        "carrier",
        "status",
        "rows_imported",
        "error_count",
        "created_at",
    ]
    list_filter = ["status", "carrier", "period"]
    readonly_fields = [f.name for f in BillImport._meta.fields]


@admin.register(CallRecord)
class CallRecordAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "line_number",
        "called_number",
        "duration_seconds",
        "charge",
        "call_class",
        "carrier_call_type",
        "department",
        "owner",
    ]
    list_filter = ["call_class", "period"]
    search_fields = ["line_number", "called_number"]
    raw_id_fields = ["bill_import", "department", "owner"]
    show_full_result_count = False
    list_select_related = ["department", "owner"]

    def has_change_permission(self, request, obj=None) -> bool:
        # A closed month's calls are what its workbook was built from (R-PRV-4).
        if obj is not None and obj.period.is_closed:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.period.is_closed:
            return False
        return super().has_delete_permission(request, obj)
