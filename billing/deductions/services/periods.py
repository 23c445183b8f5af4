"""Billing months for deductions: open/closed checks, closing and reopening (R-PRV-4).

``BillingPeriod`` belongs to billing; its status is changed here only, by finance
(close, after an export) and administration (reopen, with a reason).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from billing.models import BillingPeriod, PeriodStatus
from telephony_admin.core.services import audit_record, notify
from telephony_admin.org.access import require

from ..errors import DeductionError, PeriodClosed
from ..models import PeriodAction, PeriodEvent


def month_start(day: date) -> date:
    return day.replace(day=1)


def period_for(day: date) -> BillingPeriod:
    period, _created = BillingPeriod.objects.get_or_create(month=month_start(day))
    return period


def closed_message(period: BillingPeriod | None) -> str | None:
    """What every refused change of a closed month says (R-PRV-4); pages show it
    in place of the forms they hide, services raise it."""
    if period is not None and period.status == PeriodStatus.CLOSED:
        return _("The month %(month)s is closed; it cannot be changed.") % {
            "month": period
        }
    return None


def ensure_open(period: BillingPeriod | None) -> None:
    """Refuse changes to a closed month (R-PRV-4)."""
    message = closed_message(period)
    if message is not None:
        raise PeriodClosed(message)


def ensure_month_open(day: date) -> None:
    ensure_open(BillingPeriod.objects.filter(month=month_start(day)).first())


def export_recorded(
    *, actor, period: BillingPeriod, total: Decimal, fingerprint: str = ""
) -> PeriodEvent:
    event = PeriodEvent.objects.create(
        period=period,
        action=PeriodAction.EXPORTED,
        actor=_user(actor),
        total=total,
        fingerprint=fingerprint,
    )
    audit_record(
        actor=actor,
        action="deductions.workbook_exported",
        target=period,
        details={"total": str(total)},
    )
    return event


def _user(actor):
    user = getattr(actor, "user", actor)
    return user if getattr(user, "is_authenticated", False) else None


def close_refusal(period: BillingPeriod) -> str | None:
    """Why the month cannot be closed on its last export, or None (R-PRV-4): it
    needs an export since it was last reopened whose figures are the month's
    figures now (a decision, fine or audit since then makes a new export due)."""
    from ..workbook import figures_fingerprint
    from .holds import held_refusal

    held = held_refusal(period)
    if held:
        return held
    events = PeriodEvent.objects.filter(
        period=period, action__in=(PeriodAction.EXPORTED, PeriodAction.REOPENED)
    ).order_by("-at", "-pk")
    last = events.first()
    if last is None or last.action != PeriodAction.EXPORTED:
        return _("Export the deduction workbook of %(month)s before closing it.") % {
            "month": period
        }
    if last.fingerprint != figures_fingerprint(period):
        return _(
            "The deductions of %(month)s changed after the workbook was exported at "
            "%(time)s: export it again, then close the month."
        ) % {
            "month": period,
            "time": formats.date_format(
                timezone.localtime(last.at), "SHORT_DATETIME_FORMAT"
            ),
        }
    return None


@transaction.atomic
def period_close(*, actor, period: BillingPeriod) -> BillingPeriod:
    """Finance closes a month once its workbook was exported (R-PRV-4)."""
    require(actor, "period.close")
    from .audit_state import ensure_audit_current

    ensure_audit_current(period)
    refusal = close_refusal(period)
    if refusal:
        raise DeductionError(refusal)
    changed = BillingPeriod.objects.filter(
        pk=period.pk, status=PeriodStatus.OPEN
    ).update(status=PeriodStatus.CLOSED, closed_at=timezone.now(), closed_by=actor)
    if not changed:
        raise PeriodClosed(
            _("The month %(month)s is already closed.") % {"month": period}
        )
    PeriodEvent.objects.create(
        period=period, action=PeriodAction.CLOSED, actor=_user(actor)
    )
    audit_record(actor=actor, action="deductions.period_closed", target=period)
    period.refresh_from_db()
    return period


@transaction.atomic
def period_reopen(*, actor, period: BillingPeriod, reason: str) -> BillingPeriod:
    """Administration reopens a closed month, with a reason (audited)."""
    require(actor, "period.reopen")
    reason = (reason or "").strip()
    if not reason:
        raise DeductionError(_("Give the reason for reopening."), field="reason")
    changed = BillingPeriod.objects.filter(
        pk=period.pk, status=PeriodStatus.CLOSED
    ).update(status=PeriodStatus.OPEN, closed_at=None, closed_by=None)
    if not changed:
        raise DeductionError(
            _("The month %(month)s is not closed.") % {"month": period}
        )
    PeriodEvent.objects.create(
        period=period, action=PeriodAction.REOPENED, actor=_user(actor), reason=reason
    )
    audit_record(
        actor=actor,
        action="deductions.period_reopened",
        target=period,
        details={"reason": reason},
    )
    from telephony_admin.org.models import Employee, Role

    notify(
        recipients=Employee.objects.filter(user__groups__name=Role.FINANCE),
        title=_("Month %(month)s reopened") % {"month": period},
        body=reason,
    )
    period.refresh_from_db()
    return period
