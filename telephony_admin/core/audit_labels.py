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
from django.utils.translation import gettext_lazy as L

ACTIONS: dict[str, Any] = {
    # approvals
    "absence.created": L("Absence recorded"),
    "approval.approved": L("Approval step decided"),
    "approval.cancelled": L("Request withdrawn"),
    "approval.filed": L("Request filed for approval"),
    # billing
    "billing.bill_imported": L("Carrier bill imported"),
    "billing.bill_refused": L("Carrier bill refused"),
    "billing.bill_unchanged": L("Carrier bill already imported (unchanged)"),
    "billing.bill_uploaded": L("Carrier bill uploaded"),
    "billing.call_changed_in_admin": L("Call changed in the Django admin"),
    "billing.calls_deleted_in_admin": L("Calls deleted in the Django admin"),
    "billing.calls_reattributed": L("Calls attributed anew"),
    "billing.line_resolved": L("Unknown line resolved"),
    "billing.number_rule_created": L("Number rule added"),
    "billing.number_rule_deleted": L("Number rule deleted"),
    "billing.number_rule_ended": L("Number rule ended"),
    # switchboard and hotline
    "callcenter.api_token_create": L("Telephone system token created"),
    "callcenter.api_token_revoke": L("Telephone system token revoked"),
    "callcenter.dial_check": L("Hotline test dial"),
    "callcenter.fault_close": L("Hotline fault closed"),
    "callcenter.fault_open": L("Hotline fault opened"),
    "callcenter.handover": L("Shift handed over"),
    "callcenter.hotline_call_log": L("Hotline call logged"),
    "callcenter.message_escalate": L("Message escalated"),
    "callcenter.message_return": L("Message returned"),
    "callcenter.message_take": L("Message taken"),
    "callcenter.shift_create": L("Shift added to the roster"),
    "callcenter.shift_delete": L("Shift removed from the roster"),
    "callcenter.switchboard_call_log": L("Switchboard call logged"),
    # complaints
    "complaints.answer": L("Complaint desk: answered"),
    "complaints.attachment": L("Complaint desk: attachment added"),
    "complaints.callback": L("Complaint desk: callback visit recorded"),
    "complaints.complexity": L("Complaint desk: complexity changed"),
    "complaints.contact": L("Complaint desk: customer contacted"),
    "complaints.note": L("Complaint desk: internal note"),
    "complaints.register": L("Complaint desk: case registered"),
    "complaints.reopen": L("Complaint desk: case reopened"),
    "complaints.resume": L("Complaint desk: case resumed"),
    "complaints.return": L("Complaint desk: returned to customer service"),
    "complaints.send": L("Complaint desk: sent to a department"),
    "complaints.sign_off": L("Complaint desk: signed off and closed"),
    "complaints.solve": L("Complaint desk: solution recorded"),
    "complaints.take_over": L("Complaint desk: taken over by the department head"),
    "complaints.tell_result": L("Complaint desk: customer told the result"),
    "complaints.verify": L("Complaint desk: verified"),
    "complaints.wait": L("Complaint desk: waiting for the customer"),
    # settings and exports
    "config.set": L("Setting changed"),
    "core.export_built": L("Export file built"),
    "core.export_downloaded": L("Export file downloaded"),
    "core.export_failed": L("Export failed"),
    "core.export_requested": L("Export requested"),
    "core.exports_purged": L("Old export files removed"),
    # deductions
    "deductions.audit_run": L("Call audit run"),
    "deductions.call_marked_private": L("Call marked as private"),
    "deductions.finding_decided": L("Finding decided"),
    "deductions.finding_reassigned": L("Finding assigned to another person"),
    "deductions.findings_waived_by_registration": L(
        "Findings waived by a private-call registration"
    ),
    "deductions.fine_deleted": L("Fine deleted"),
    "deductions.fine_recorded": L("Fine recorded"),
    "deductions.line_quota_removed": L("Line quota removed"),
    "deductions.line_quota_set": L("Line quota set"),
    "deductions.period_closed": L("Month closed"),
    "deductions.period_reopened": L("Month reopened"),
    "deductions.private_cancelled": L("Private-call registration withdrawn"),
    "deductions.private_registered": L("Private call registered"),
    "deductions.quota_changed": L("Department quota changed"),
    "deductions.quota_month_changed": L("Quota changed for one month"),
    "deductions.quota_proposed": L("Quota plan proposed"),
    "deductions.quota_submitted": L("Quota plan submitted for approval"),
    "deductions.workbook_exported": L("Deduction workbook exported"),
    # staff
    "employee.transferred": L("Employee transferred"),
    "org.roles_set": L("Roles changed"),
    "org.staff_import": L("Staff list imported"),
    # lines and requests
    "equipment.filed": L("Equipment application filed"),
    "equipment.fulfilled": L("Equipment application fulfilled"),
    "fault.assigned": L("Line fault assigned"),
    "fault.closed": L("Line fault closed"),
    "fault.reported": L("Line fault reported"),
    "ld.filed": L("Long-distance request filed"),
    "ld.lapsed": L("Urgent long-distance request lapsed"),
    "ld.placed_now": L("Urgent long-distance call placed"),
    "line.application_filed": L("Telephone application filed"),
    "line.assigned": L("Line assigned"),
    "line.class_change_took_effect": L("Class-of-service change took effect"),
    "line.class_changed": L("Class of service changed"),
    "line.created": L("Line created"),
    "line.limit_override": L("Line limit exceeded with a reason"),
    "line.limit_set": L("Department line limit set"),
    "line.list_imported": L("Line list imported"),
    "line.updated": L("Line changed"),
    # working calendar
    "workcal.interval.delete": L("Service hours removed"),
    "workcal.interval.save": L("Service hours saved"),
    "workcal.override.delete": L("Calendar day change removed"),
    "workcal.override.save": L("Calendar day changed"),
    "workcal.seed": L("Holidays loaded into the calendar"),
}

DETAIL_KEYS: dict[str, Any] = {
    "amount": L("amount"),
    "before": L("before"),
    "call": L("call"),
    "calls": L("calls"),
    "change": L("change"),
    "class": L("class of service"),
    "clock": L("clock"),
    "comment": L("comment"),
    "complete_by": L("complete by"),
    "complexity": L("complexity"),
    "created": L("created"),
    "cycle": L("cycle"),
    "date": L("date"),
    "deleted": L("deleted"),
    "department": L("department"),
    "dry_run": L("trial run"),
    "duplicates": L("duplicates"),
    "effective_at": L("takes effect"),
    "employee": L("employee"),
    "end": L("end"),
    "error": L("error"),
    "errors": L("errors"),
    "explanation": L("explanation"),
    "features": L("features"),
    "file": L("file"),
    "findings": L("findings"),
    "founded": L("complaint founded"),
    "from": L("from"),
    "in_service_hours": L("in service hours"),
    "intervals": L("service hours"),
    "jobs": L("jobs"),
    "key": L("setting"),
    "kind": L("kind"),
    "late": L("late"),
    "level": L("level"),
    "line": L("line"),
    "lines": L("lines"),
    "local": L("local lines"),
    "long_distance": L("long-distance lines"),
    "message": L("message"),
    "month": L("month"),
    "months": L("months"),
    "name": L("name"),
    "outcome": L("outcome"),
    "override": L("override"),
    "owner": L("owner"),
    "params": L("parameters"),
    "pk": L("number"),
    "prefix": L("prefix"),
    "private_info_refused": L("private information refused"),
    "private_matched": L("private calls matched"),
    "reason": L("reason"),
    "recipient": L("recipient"),
    "replaced": L("replaced"),
    "result": L("result"),
    "roles": L("roles"),
    "rows": L("rows"),
    "satisfaction": L("satisfaction"),
    "service": L("service"),
    "start": L("start"),
    "status": L("status"),
    "step": L("step"),
    "supervisor": L("supervisor"),
    "system": L("system"),
    "to": L("new status"),
    "to_class": L("new class of service"),
    "total": L("total"),
    "transferred_to": L("transferred to"),
    "updated": L("updated"),
    "urgency": L("urgency"),
    "value": L("value"),
    "weekday": L("weekday"),
    "year": L("year"),
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
