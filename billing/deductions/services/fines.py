"""Conduct fines (R-PEN-1): etiquette 20, phone use 30, charges 50 (settings), up to
25 times in severe cases; the direct supervisor bears an 80% joint share, deducted
as a separate line of the workbook."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from telephony_admin.core import config
from telephony_admin.core.money import to_money
from telephony_admin.core.services import audit_record, notify
from telephony_admin.org.access import require
from telephony_admin.org.models import Employee

from ..errors import DeductionError
from ..models import Fine, FineType
from .periods import ensure_open, period_for

STANDARD = {
    FineType.ETIQUETTE: "deductions.fine_etiquette",
    FineType.USE: "deductions.fine_use",
    FineType.CHARGES: "deductions.fine_charges",
}


def standard_fine(fine_type: str) -> Decimal:
    return config.get(STANDARD[FineType(fine_type)])


@transaction.atomic
def fine_record(
    *,
    actor,
    employee: Employee,
    fine_type: str,
    occurred_on: date,
    reason: str,
    multiplier: int = 1,
    base_amount: Decimal | None = None,
) -> Fine:
    require(actor, "audits.decide")
    period = period_for(occurred_on)
    ensure_open(period)
    most = int(config.get("deductions.fine_max_multiplier"))
    if not 1 <= multiplier <= most:
        raise DeductionError(
            _("The multiple must be between 1 and %(most)s.") % {"most": most},
            field="multiplier",
        )
    base = to_money(
        base_amount if base_amount is not None else standard_fine(fine_type)
    )
    if base < 0:
        raise DeductionError(_("A fine cannot be negative."), field="base_amount")
    if not (reason or "").strip():
        raise DeductionError(_("Give the reason."), field="reason")
    amount = to_money(base * multiplier)
    supervisor = employee.supervisor
    share = config.get("deductions.supervisor_share_percent")
    fine = Fine.objects.create(
        employee=employee,
        supervisor=supervisor,
        fine_type=fine_type,
        occurred_on=occurred_on,
        period=period,
        base_amount=base,
        multiplier=multiplier,
        amount=amount,
        supervisor_amount=to_money(amount * share / 100)
        if supervisor
        else Decimal("0.00"),
        reason=reason.strip()[:300],
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="deductions.fine_recorded",
        target=fine,
        details={"amount": str(fine.amount), "supervisor": str(fine.supervisor_amount)},
    )
    notify(
        recipients=[employee, supervisor],
        title=_("Fine of %(amount)s yuan for %(name)s (%(type)s)")
        % {
            "amount": amount,
            "name": employee.name,
            "type": fine.get_fine_type_display(),
        },
        body=fine.reason,
    )
    return fine


@transaction.atomic
def fine_delete(*, actor, fine_id: int, reason: str) -> None:
    require(actor, "audits.decide")
    fine = Fine.objects.select_related("period").get(pk=fine_id)
    ensure_open(fine.period)
    if not (reason or "").strip():
        raise DeductionError(_("Give the reason."), field="reason")
    audit_record(
        actor=actor,
        action="deductions.fine_deleted",
        target=fine,
        details={"amount": str(fine.amount), "reason": reason},
    )
    fine.delete()
