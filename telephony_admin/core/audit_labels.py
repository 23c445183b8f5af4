"""Words for the audit trail: each recorded action's name and each detail's label.

``audit_record(action="deductions.period_closed", ...)`` stores the action's key; the
audit trail page shows ``action_label(key)`` ("Month closed" / 关账) and the details
as "label: value" pairs. A test greps every ``audit_record(action=...)`` of the code
and fails on a key missing here; an app may also ``register(key, label)`` its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

# Audit trail words have their own context ("audit trail"), so that a short word
# ("reason", "from") keeps the translation other pages give it.

ACTIONS: dict[str, Any] = {
    # approvals
    "absence.created": pgettext_lazy("audit trail", "Absence recorded"),
    "approval.approved": pgettext_lazy("audit trail", "Approval step decided"),
    "approval.cancelled": pgettext_lazy("audit trail", "Request withdrawn"),
    "approval.filed": pgettext_lazy("audit trail", "Request filed for approval"),
    # billing
    "billing.bill_imported": pgettext_lazy("audit trail", "Carrier bill imported"),
    "billing.bill_refused": pgettext_lazy("audit trail", "Carrier bill refused"),
    "billing.bill_unchanged": pgettext_lazy(
        "audit trail", "Carrier bill already imported (unchanged)"
    ),
    "billing.bill_uploaded": pgettext_lazy("audit trail", "Carrier bill uploaded"),
    "billing.call_changed_in_admin": pgettext_lazy(
        "audit trail", "Call changed in the Django admin"
    ),
    "billing.calls_deleted_in_admin": pgettext_lazy(
        "audit trail", "Calls deleted in the Django admin"
    ),
    "billing.calls_reattributed": pgettext_lazy("audit trail", "Calls attributed anew"),
    "billing.line_resolved": pgettext_lazy("audit trail", "Unknown line resolved"),
    "billing.number_rule_created": pgettext_lazy("audit trail", "Number rule added"),
    "billing.number_rule_deleted": pgettext_lazy("audit trail", "Number rule deleted"),
    "billing.number_rule_ended": pgettext_lazy("audit trail", "Number rule ended"),
    # switchboard and hotline
    "callcenter.api_token_create": pgettext_lazy(
        "audit trail", "Telephone system token created"
    ),
    "callcenter.api_token_revoke": pgettext_lazy(
        "audit trail", "Telephone system token revoked"
    ),
    "callcenter.dial_check": pgettext_lazy("audit trail", "Hotline test dial"),
    "callcenter.fault_close": pgettext_lazy("audit trail", "Hotline fault closed"),
    "callcenter.fault_open": pgettext_lazy("audit trail", "Hotline fault opened"),
    "callcenter.handover": pgettext_lazy("audit trail", "Shift handed over"),
    "callcenter.hotline_call_log": pgettext_lazy("audit trail", "Hotline call logged"),
    "callcenter.message_escalate": pgettext_lazy("audit trail", "Message escalated"),
    "callcenter.message_return": pgettext_lazy("audit trail", "Message returned"),
    "callcenter.message_take": pgettext_lazy("audit trail", "Message taken"),
    "callcenter.shift_create": pgettext_lazy(
        "audit trail", "Shift added to the roster"
    ),
    "callcenter.shift_delete": pgettext_lazy(
        "audit trail", "Shift removed from the roster"
    ),
    "callcenter.switchboard_call_log": pgettext_lazy(
        "audit trail", "Switchboard call logged"
    ),
    # complaints
    "complaints.answer": pgettext_lazy("audit trail", "Complaint desk: answered"),
    "complaints.attachment": pgettext_lazy(
        "audit trail", "Complaint desk: attachment added"
    ),
    "complaints.callback": pgettext_lazy(
        "audit trail", "Complaint desk: callback visit recorded"
    ),
    "complaints.complexity": pgettext_lazy(
        "audit trail", "Complaint desk: complexity changed"
    ),
    "complaints.contact": pgettext_lazy(
        "audit trail", "Complaint desk: customer contacted"
    ),
    "complaints.note": pgettext_lazy("audit trail", "Complaint desk: internal note"),
    "complaints.register": pgettext_lazy(
        "audit trail", "Complaint desk: case registered"
    ),
    "complaints.reopen": pgettext_lazy("audit trail", "Complaint desk: case reopened"),
    "complaints.resume": pgettext_lazy("audit trail", "Complaint desk: case resumed"),
    "complaints.return": pgettext_lazy(
        "audit trail", "Complaint desk: returned to customer service"
    ),
    "complaints.send": pgettext_lazy(
        "audit trail", "Complaint desk: sent to a department"
    ),
    "complaints.sign_off": pgettext_lazy(
        "audit trail", "Complaint desk: signed off and closed"
    ),
    "complaints.solve": pgettext_lazy(
        "audit trail", "Complaint desk: solution recorded"
    ),
    "complaints.take_over": pgettext_lazy(
        "audit trail", "Complaint desk: taken over by the department head"
    ),
    "complaints.tell_result": pgettext_lazy(
        "audit trail", "Complaint desk: customer told the result"
    ),
    "complaints.verify": pgettext_lazy("audit trail", "Complaint desk: verified"),
    "complaints.wait": pgettext_lazy(
        "audit trail", "Complaint desk: waiting for the customer"
    ),
    # settings and exports
    "config.set": pgettext_lazy("audit trail", "Setting changed"),
    "core.export_built": pgettext_lazy("audit trail", "Export file built"),
    "core.export_downloaded": pgettext_lazy("audit trail", "Export file downloaded"),
    "core.export_failed": pgettext_lazy("audit trail", "Export failed"),
    "core.export_requested": pgettext_lazy("audit trail", "Export requested"),
    "core.exports_purged": pgettext_lazy("audit trail", "Old export files removed"),
    # deductions
    "deductions.audit_run": pgettext_lazy("audit trail", "Call audit run"),
    "deductions.call_marked_private": pgettext_lazy(
        "audit trail", "Call marked as private"
    ),
    "deductions.finding_decided": pgettext_lazy("audit trail", "Finding decided"),
    "deductions.finding_reassigned": pgettext_lazy(
        "audit trail", "Finding assigned to another person"
    ),
    "deductions.findings_waived_by_registration": pgettext_lazy(
        "audit trail", "Findings waived by a private-call registration"
    ),
    "deductions.fine_deleted": pgettext_lazy("audit trail", "Fine deleted"),
    "deductions.fine_recorded": pgettext_lazy("audit trail", "Fine recorded"),
    "deductions.line_quota_removed": pgettext_lazy("audit trail", "Line quota removed"),
    "deductions.line_quota_set": pgettext_lazy("audit trail", "Line quota set"),
    "deductions.period_closed": pgettext_lazy("audit trail", "Month closed"),
    "deductions.period_reopened": pgettext_lazy("audit trail", "Month reopened"),
    "deductions.private_cancelled": pgettext_lazy(
        "audit trail", "Private-call registration withdrawn"
    ),
    "deductions.private_registered": pgettext_lazy(
        "audit trail", "Private call registered"
    ),
    "deductions.quota_changed": pgettext_lazy(
        "audit trail", "Department quota changed"
    ),
    "deductions.quota_month_changed": pgettext_lazy(
        "audit trail", "Quota changed for one month"
    ),
    "deductions.quota_proposed": pgettext_lazy("audit trail", "Quota plan proposed"),
    "deductions.quota_submitted": pgettext_lazy(
        "audit trail", "Quota plan submitted for approval"
    ),
    "deductions.workbook_exported": pgettext_lazy(
        "audit trail", "Deduction workbook exported"
    ),
    # staff
    "employee.transferred": pgettext_lazy("audit trail", "Employee transferred"),
    "org.roles_set": pgettext_lazy("audit trail", "Roles changed"),
    "org.staff_import": pgettext_lazy("audit trail", "Staff list imported"),
    # lines and requests
    "equipment.filed": pgettext_lazy("audit trail", "Equipment application filed"),
    "equipment.fulfilled": pgettext_lazy(
        "audit trail", "Equipment application fulfilled"
    ),
    "fault.assigned": pgettext_lazy("audit trail", "Line fault assigned"),
    "fault.closed": pgettext_lazy("audit trail", "Line fault closed"),
    "fault.reported": pgettext_lazy("audit trail", "Line fault reported"),
    "ld.filed": pgettext_lazy("audit trail", "Long-distance request filed"),
    "ld.lapsed": pgettext_lazy("audit trail", "Urgent long-distance request lapsed"),
    "ld.placed_now": pgettext_lazy("audit trail", "Urgent long-distance call placed"),
    "line.application_filed": pgettext_lazy(
        "audit trail", "Telephone application filed"
    ),
    "line.assigned": pgettext_lazy("audit trail", "Line assigned"),
    "line.class_change_took_effect": pgettext_lazy(
        "audit trail", "Class-of-service change took effect"
    ),
    "line.class_changed": pgettext_lazy("audit trail", "Class of service changed"),
    "line.created": pgettext_lazy("audit trail", "Line created"),
    "line.limit_override": pgettext_lazy(
        "audit trail", "Line limit exceeded with a reason"
    ),
    "line.limit_set": pgettext_lazy("audit trail", "Department line limit set"),
    "line.list_imported": pgettext_lazy("audit trail", "Line list imported"),
    "line.updated": pgettext_lazy("audit trail", "Line changed"),
    # working calendar
    "workcal.interval.delete": pgettext_lazy("audit trail", "Service hours removed"),
    "workcal.interval.save": pgettext_lazy("audit trail", "Service hours saved"),
    "workcal.override.delete": pgettext_lazy(
        "audit trail", "Calendar day change removed"
    ),
    "workcal.override.save": pgettext_lazy("audit trail", "Calendar day changed"),
    "workcal.seed": pgettext_lazy("audit trail", "Holidays loaded into the calendar"),
}

DETAIL_KEYS: dict[str, Any] = {
    "amount": pgettext_lazy("audit trail", "amount"),
    "before": pgettext_lazy("audit trail", "before"),
    "call": pgettext_lazy("audit trail", "call"),
    "calls": pgettext_lazy("audit trail", "calls"),
    "change": pgettext_lazy("audit trail", "change"),
    "class": pgettext_lazy("audit trail", "class of service"),
    "clock": pgettext_lazy("audit trail", "clock"),
    "comment": pgettext_lazy("audit trail", "comment"),
    "complete_by": pgettext_lazy("audit trail", "complete by"),
    "complexity": pgettext_lazy("audit trail", "complexity"),
    "created": pgettext_lazy("audit trail", "created"),
    "cycle": pgettext_lazy("audit trail", "cycle"),
    "date": pgettext_lazy("audit trail", "date"),
    "deleted": pgettext_lazy("audit trail", "deleted"),
    "department": pgettext_lazy("audit trail", "department"),
    "dry_run": pgettext_lazy("audit trail", "trial run"),
    "duplicates": pgettext_lazy("audit trail", "duplicates"),
    "effective_at": pgettext_lazy("audit trail", "takes effect"),
    "employee": pgettext_lazy("audit trail", "employee"),
    "end": pgettext_lazy("audit trail", "end"),
    "error": pgettext_lazy("audit trail", "error"),
    "errors": pgettext_lazy("audit trail", "errors"),
    "explanation": pgettext_lazy("audit trail", "explanation"),
    "features": pgettext_lazy("audit trail", "features"),
    "file": pgettext_lazy("audit trail", "file"),
    "findings": pgettext_lazy("audit trail", "findings"),
    "founded": pgettext_lazy("audit trail", "complaint founded"),
    "from": pgettext_lazy("audit trail", "from"),
    "in_service_hours": pgettext_lazy("audit trail", "in service hours"),
    "intervals": pgettext_lazy("audit trail", "service hours"),
    "jobs": pgettext_lazy("audit trail", "jobs"),
    "key": pgettext_lazy("audit trail", "setting"),
    "kind": pgettext_lazy("audit trail", "kind"),
    "late": pgettext_lazy("audit trail", "late"),
    "level": pgettext_lazy("audit trail", "level"),
    "line": pgettext_lazy("audit trail", "line"),
    "lines": pgettext_lazy("audit trail", "lines"),
    "local": pgettext_lazy("audit trail", "local lines"),
    "long_distance": pgettext_lazy("audit trail", "long-distance lines"),
    "message": pgettext_lazy("audit trail", "message"),
    "month": pgettext_lazy("audit trail", "month"),
    "months": pgettext_lazy("audit trail", "months"),
    "name": pgettext_lazy("audit trail", "name"),
    "outcome": pgettext_lazy("audit trail", "outcome"),
    "override": pgettext_lazy("audit trail", "override"),
    "owner": pgettext_lazy("audit trail", "owner"),
    "params": pgettext_lazy("audit trail", "parameters"),
    "pk": pgettext_lazy("audit trail", "number"),
    "prefix": pgettext_lazy("audit trail", "prefix"),
    "private_info_refused": pgettext_lazy("audit trail", "private information refused"),
    "private_matched": pgettext_lazy("audit trail", "private calls matched"),
    "reason": pgettext_lazy("audit trail", "reason"),
    "recipient": pgettext_lazy("audit trail", "recipient"),
    "replaced": pgettext_lazy("audit trail", "replaced"),
    "result": pgettext_lazy("audit trail", "result"),
    "roles": pgettext_lazy("audit trail", "roles"),
    "rows": pgettext_lazy("audit trail", "rows"),
    "satisfaction": pgettext_lazy("audit trail", "satisfaction"),
    "service": pgettext_lazy("audit trail", "service"),
    "start": pgettext_lazy("audit trail", "start"),
    "status": pgettext_lazy("audit trail", "status"),
    "step": pgettext_lazy("audit trail", "step"),
    "supervisor": pgettext_lazy("audit trail", "supervisor"),
    "system": pgettext_lazy("audit trail", "system"),
    "to": pgettext_lazy("audit trail", "new status"),
    "to_class": pgettext_lazy("audit trail", "new class of service"),
    "total": pgettext_lazy("audit trail", "total"),
    "transferred_to": pgettext_lazy("audit trail", "transferred to"),
    "updated": pgettext_lazy("audit trail", "updated"),
    "urgency": pgettext_lazy("audit trail", "urgency"),
    "value": pgettext_lazy("audit trail", "value"),
    "weekday": pgettext_lazy("audit trail", "weekday"),
    "year": pgettext_lazy("audit trail", "year"),
}

# Detail values that are a model field's choice: (action prefix, key) -> field.
VALUE_CHOICES = {
    ("complaints.", "to"): ("complaints", "Complaint", "status"),
    ("complaints.", "kind"): ("complaints", "Complaint", "kind"),
    ("complaints.", "complexity"): ("complaints", "Complaint", "complexity"),
    ("complaints.", "satisfaction"): ("complaints", "Complaint", "satisfaction"),
}


def register(action: str, label) -> None:
    """An app names an action of its own (a lazy translation)."""
    ACTIONS[action] = label


def action_label(action: str) -> str:
    label = ACTIONS.get(action)
    return str(label) if label is not None else action


def _choice_label(action: str, key: str, value: Any) -> str | None:
    for (prefix, choice_key), (app, model, field) in VALUE_CHOICES.items():
        if key == choice_key and action.startswith(prefix):
            try:
                choices = dict(
                    apps.get_model(app, model)._meta.get_field(field).choices
                )
            except (LookupError, FieldDoesNotExist):  # app not installed
                return None
            label = choices.get(value)
            return str(label) if label is not None else None
    return None


def _value_text(action: str, key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "、".join(_value_text(action, key, v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value_text(action, k, v)}" for k, v in value.items())
    label = _choice_label(action, key, value)
    if label is not None:
        return label
    if isinstance(value, str) and "T" in value and value[:4].isdigit():
        moment = parse_datetime(value)
        if isinstance(moment, datetime) and moment.tzinfo is not None:
            return date_format(localtime(moment), "Y-m-d H:i")
    return str(value)


def detail_items(action: str, details: Any) -> list[tuple[str, str]]:
    """The event's details as (label, value) pairs in the reader's language."""
    if not isinstance(details, dict):
        return [("", str(details))] if details else []
    if action == "config.set" and "key" in details:
        from . import config

        setting = config.REGISTRY.get(details["key"])
        if setting is not None:
            value = details.get("value", "")
            choice = setting.choice(value) if setting.choices else None
            return [
                (str(DETAIL_KEYS["key"]), str(setting.label)),
                (str(DETAIL_KEYS["value"]), str(choice.label) if choice else value),
            ]
    return [
        (str(DETAIL_KEYS.get(key, key)), _value_text(action, key, value))
        for key, value in details.items()
    ]
