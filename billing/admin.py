from django.contrib import admin
from django.db import transaction

from .models import BillImport, BillingPeriod, CallRecord, Carrier, NumberRule
from .summaries import call_records_changed


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

    # Raw changes still keep the month's summaries and audit state current.
    @transaction.atomic
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        before = form.initial.get("period") if change else None
        call_records_changed(
            actor=request.user,
            period_ids=[pk for pk in (obj.period_id, before) if pk is not None],
            action="billing.call_changed_in_admin",
        )

    @transaction.atomic
    def delete_model(self, request, obj) -> None:
        period_id = obj.period_id
        super().delete_model(request, obj)
        call_records_changed(
            actor=request.user,
            period_ids=[period_id],
            action="billing.calls_deleted_in_admin",
        )

    @transaction.atomic
    def delete_queryset(self, request, queryset) -> None:
        period_ids = set(queryset.values_list("period_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        call_records_changed(
            actor=request.user,
            period_ids=period_ids,
            action="billing.calls_deleted_in_admin",
        )
