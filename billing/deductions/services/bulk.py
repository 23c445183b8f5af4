"""Bulk decisions on a filtered set of findings (the findings page's whole filter
result, not only the page shown): confirm, waive or re-assign, with one reason.

Administration only; the month must be open (R-PRV-4). One UPDATE per action, the
month's totals rebuilt, one audit event with the count, the filter and the reason.
Confirming tells the people now charged (and their heads, one digest each), as the
audit would have; waiving tells nobody.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.models import BillingPeriod
from telephony_admin.core.services import audit_record
from telephony_admin.org.access import Scope, require, scope
from telephony_admin.org.models import Employee

from ..errors import DeductionError
from ..models import FindingStatus, Violation
from .notices import notify_charged
from .periods import ensure_open
from .totals import finding_totals_refresh

CONFIRM, WAIVE, REASSIGN = "confirm", "waive", "reassign"
ACTIONS = (
    (CONFIRM, gettext_lazy("Confirm (charge)")),
    (WAIVE, gettext_lazy("Waive")),
    (REASSIGN, gettext_lazy("Re-assign to another person")),
)
#: Which findings each action changes (the others in the filter stay as they are).
APPLIES = {
    CONFIRM: Q(status__in=(FindingStatus.HELD, FindingStatus.OPEN)),
    WAIVE: Q(status__in=(FindingStatus.HELD, FindingStatus.CHARGED)),
}


def bulk_applicable(
    queryset: QuerySet[Violation], action: str, employee: Employee | None = None
) -> QuerySet[Violation]:
    """The findings of ``queryset`` the action would change."""
    qs = queryset.order_by()
    if action == REASSIGN:
        if employee is None:
            return qs.none()
        return qs.filter(~Q(employee=employee) | Q(employee__isnull=True))
    if action not in APPLIES:
        raise DeductionError(_("Choose what to do with the findings."), field="action")
    return qs.filter(APPLIES[action])


def _refuse_unless_admin(actor) -> None:
    require(actor, "audits.decide")
    if scope(actor, "audits.decide") < Scope.ALL:
        from telephony_admin.errors import PermissionRefused

        raise PermissionRefused(_("Only administration decides findings in bulk."))


@transaction.atomic
def findings_bulk(
    *,
    actor,
    period: BillingPeriod,
    queryset: QuerySet[Violation],
    action: str,
    reason: str,
    employee: Employee | None = None,
    described: str = "",
) -> int:
    """Apply ``action`` to the month's findings in ``queryset``; their number."""
    _refuse_unless_admin(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DeductionError(_("Give the reason."), field="reason")
    if action == REASSIGN and employee is None:
        raise DeductionError(_("Choose the person to charge."), field="employee")
    # The month's lock, as the audit takes it: no audit inserts meanwhile.
    period = BillingPeriod.objects.select_for_update(no_key=True).get(pk=period.pk)
    ensure_open(period)
    qs = bulk_applicable(queryset.filter(period_id=period.pk), action, employee)
    now = timezone.now()
    decided = {"decided_by": actor, "decided_at": now, "decision_reason": reason[:500]}
    counts: dict[int, int] = {}
    if action == CONFIRM:
        counts = _per_employee(qs)
        changed = qs.update(status=FindingStatus.CHARGED, **decided)
    elif action == WAIVE:
        changed = qs.update(status=FindingStatus.WAIVED, **decided)
    else:
        charged = qs.filter(status=FindingStatus.CHARGED).count()
        changed = qs.update(employee=employee, **decided)
        counts = {employee.pk: charged} if charged else {}
    if not changed:
        raise DeductionError(_("No finding in this selection would change."))
    finding_totals_refresh(period)
    audit_record(
        actor=actor,
        action="deductions.findings_bulk_decided",
        target=period,
        details={
            "action": action,
            "count": changed,
            "reason": reason,
            "filter": described,
            "employee": employee.pk if employee else None,
        },
    )
    if counts:
        notify_charged(period, counts)
    return changed


def _per_employee(qs: QuerySet[Violation]) -> dict[int, int]:
    rows = (
        qs.filter(employee__isnull=False)
        .values("employee_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["employee_id"]: row["n"] for row in rows}
