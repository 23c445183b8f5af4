from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DeductionsConfig(AppConfig):
    """Billing II: quotas, statements, audits, private calls, deductions, closing."""

    name = "billing.deductions"
    label = "deductions"
    verbose_name = _("Quotas and deductions")

    def ready(self) -> None:
        from billing import services as billing_services
        from telephony_admin.approvals import registry
        from telephony_admin.core import audit_labels
        from telephony_admin.core.closing import month_check_register
        from telephony_admin.core.exports import export_kind_register

        from . import (
            approval_summaries,
            conf,  # noqa: F401  (registers settings)
            inputs,
            tasks,
        )
        from .services import export, periods, private_calls, quotas
        from .tasks import on_bill_imported

        audit_labels.register(
            "deductions.findings_bulk_decided",
            pgettext_lazy("audit trail", "Findings decided in bulk"),
        )
        registry.register(
            quotas.QUOTA_PLAN_KIND,
            label=_("Phone-charge quota plan"),
            on_approved=quotas.quota_plan_on_approved,
            on_rejected=quotas.quota_plan_on_rejected,
            guard=quotas.quota_plan_guard,
            summary=approval_summaries.quota_plan_summary,
        )
        registry.register(
            private_calls.PRIVATE_CALL_KIND,
            label=_("Private call registration"),
            on_approved=private_calls.private_call_on_approved,
            on_rejected=private_calls.private_call_on_rejected,
            guard=private_calls.private_call_guard,
            summary=registry.field_summary(
                "employee",
                "call_date",
                "approx_time",
                "line_number",
                "called_number",
                "duration_minutes",
                "reason",
            ),
        )
        export_kind_register(
            key=export.EXPORT_KIND,
            capability="deductions.export",
            write=export.deductions_export_job_write,
        )
        # Long-distance requests (extensions) refuse decisions for closed months
        # through this check (extensions may not import billing).
        month_check_register(periods.ensure_month_open)
        hooks = getattr(billing_services, "AFTER_IMPORT", None)
        if hooks is not None and on_bill_imported not in hooks:
            hooks.append(on_bill_imported)
        if tasks.audit_after_command not in billing_services.AFTER_COMMAND:
            billing_services.AFTER_COMMAND.append(tasks.audit_after_command)
        changed = billing_services.CALLS_CHANGED
        if inputs.calls_changed not in changed:
            changed.append(inputs.calls_changed)
        inputs.connect()
