"""Decisions on audit findings by administration: waive, confirm, dismiss, re-assign,
and marking a call private that nobody registered (R-PRV-3)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import CallRecord
from telephony_admin.core.services import audit_record
from telephony_admin.org.access import require
from telephony_admin.org.models import Employee

from ..errors import DeductionError
from ..models import (
    FindingStatus,
    PrivateCallRegistration,
    Rule,
    Violation,
)
from .audit_rules import RuleContext
from .audits import notify_finding
from .periods import ensure_open
from .totals import finding_totals_touch

#: Allowed decisions: from status -> to statuses (style: explicit transitions).
TRANSITIONS = {
    # Held (待确认): confirmed (charged, and the person told) or waived.
    FindingStatus.HELD: {FindingStatus.CHARGED, FindingStatus.WAIVED},
    FindingStatus.CHARGED: {FindingStatus.WAIVED},
    FindingStatus.WAIVED: {FindingStatus.CHARGED},
    FindingStatus.OPEN: {FindingStatus.CHARGED, FindingStatus.DISMISSED},
    FindingStatus.DISMISSED: {FindingStatus.OPEN},
}


def _locked(pk: int) -> Violation:
    finding = Violation.objects.select_for_update().select_related("period").get(pk=pk)
    ensure_open(finding.period)
    return finding


@transaction.atomic
def finding_decide(
    *, actor, finding_id: int, status: str, reason: str = ""
) -> Violation:
    """Waive a violation (reason needed), confirm or dismiss a review flag."""
    require(actor, "audits.decide")
    finding = _locked(finding_id)
    if status not in TRANSITIONS.get(finding.status, set()):
        raise DeductionError(
            _("A finding that is “%(from)s” cannot become “%(to)s”.")
            % {
                "from": finding.get_status_display(),
                "to": FindingStatus(status).label,
            }
        )
    reason = (reason or "").strip()
    if status in (FindingStatus.WAIVED, FindingStatus.DISMISSED) and not reason:
        raise DeductionError(_("Give the reason."), field="reason")
    previous = finding.status
    finding.status = status
    finding.decided_by = actor
    finding.decided_at = timezone.now()
    finding.decision_reason = reason[:500]
    finding.save(
        update_fields=["status", "decided_by", "decided_at", "decision_reason"]
    )
    finding_totals_touch([finding])
    audit_record(
        actor=actor,
        action="deductions.finding_decided",
        target=finding,
        details={"from": previous, "to": status, "reason": reason},
    )
    if status == FindingStatus.CHARGED and finding.employee_id:
        notify_finding(finding.employee, 1, finding.period)
    return finding


@transaction.atomic
def finding_reassign(
    *, actor, finding_id: int, employee: Employee, reason: str
) -> Violation:
    """Charge a finding to another person (the caller was not the line's holder)."""
    require(actor, "audits.decide")
    finding = _locked(finding_id)
    reason = (reason or "").strip()
    if not reason:
        raise DeductionError(_("Give the reason."), field="reason")
    previous = finding.employee_id
    finding.employee = employee
    finding.decision_reason = reason[:500]
    finding.decided_by = actor
    finding.decided_at = timezone.now()
    finding.save(
        update_fields=["employee", "decision_reason", "decided_by", "decided_at"]
    )
    audit_record(
        actor=actor,
        action="deductions.finding_reassigned",
        target=finding,
        details={"from": previous, "to": employee.pk, "reason": reason},
    )
    if finding.status == FindingStatus.CHARGED:
        notify_finding(employee, 1, finding.period)
    return finding


@transaction.atomic
def call_mark_private(*, actor, call_id: int, reason: str) -> Violation:
    """A call administration finds private and nobody registered is charged to the
    department head (R-PRV-3)."""
    require(actor, "audits.decide")
    call = CallRecord.objects.select_related("period", "department").get(pk=call_id)
    ensure_open(call.period)
    reason = (reason or "").strip()
    if not reason:
        raise DeductionError(_("Give the reason."), field="reason")
    if PrivateCallRegistration.objects.filter(call=call).exists():
        raise DeductionError(
            _(
                "This call is registered as private; it is already charged to the caller."
            )
        )
    if call.department is None or call.department.head_id is None:
        raise DeductionError(
            _("The call has no department head to charge; attribute its line first.")
        )
    if Violation.objects.filter(call=call, rule=Rule.PRIVATE_UNREGISTERED).exists():
        raise DeductionError(_("This call is already marked private."))
    row = {
        "pk": call.pk,
        "owner_id": call.owner_id,
        "department_id": call.department_id,
        "line_number": call.line_number,
        "called_number": call.called_number,
        "started_at": call.started_at,
        "duration_seconds": call.duration_seconds,
        "call_class": call.call_class,
        "charge": call.charge,
    }
    finding = RuleContext(period=call.period, now=timezone.now()).finding(
        row,
        Rule.PRIVATE_UNREGISTERED,
        employee_id=call.department.head_id,
        note=reason[:300],
    )
    finding.decided_by = actor
    finding.decided_at = timezone.now()
    finding.save()
    finding_totals_touch([finding])
    audit_record(
        actor=actor,
        action="deductions.call_marked_private",
        target=finding,
        details={"call": call.pk, "reason": reason},
    )
    notify_finding(call.department.head, 1, call.period)
    return finding
