"""Quotas (限额, R-BIL-1): a yearly plan proposed from headcount and role standards,
edited by administration, approved by the general manager; per-line quotas; a
month's quota changed for one department; alerts at 80% and 100% once per month."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.models import BillingPeriod, CallSummary, PeriodStatus
from telephony_admin.approvals.services import StepSpec, approval_request_create
from telephony_admin.core import config
from telephony_admin.core.money import to_money
from telephony_admin.core.services import audit_record, notify
from telephony_admin.org.access import employee_of, require
from telephony_admin.org.models import Department, Employee, Role

from ..errors import DeductionError
from ..models import (
    DepartmentQuota,
    LineQuota,
    PlanStatus,
    QuotaAlert,
    QuotaOverride,
    QuotaPlan,
)
from .periods import ensure_month_open, ensure_open

QUOTA_PLAN_KIND = "quota_plan"


def _refuse_if_year_closed(year: int) -> None:
    """The approved plan is every month's quota of its year (department sheet,
    R-PRV-4): a year with a closed month keeps the plan it had when closing."""
    ensure_open(
        BillingPeriod.objects.filter(month__year=year, status=PeriodStatus.CLOSED)
        .order_by("month")
        .first()
    )


def _editable(plan: QuotaPlan) -> None:
    if not plan.editable:
        raise DeductionError(
            _("The plan is %(status)s; it can no longer be edited.")
            % {"status": plan.get_status_display()}
        )
    _refuse_if_year_closed(plan.year)


@transaction.atomic
def quota_plan_propose(*, actor, year: int) -> QuotaPlan:
    """Propose (or propose again) a year's plan: staff x 30 + managers x 50 + duty
    lines, per department (R-BIL-1). Amounts already edited are replaced."""
    require(actor, "quotas.propose")
    plan, _created = QuotaPlan.objects.get_or_create(
        year=year, defaults={"proposed_by": actor}
    )
    _editable(plan)
    per_staff = config.get("deductions.quota_per_staff")
    per_manager = config.get("deductions.quota_per_manager")
    staff, managers = Counter(), Counter()
    for department_id, is_manager in Employee.objects.filter(
        is_active=True
    ).values_list("department_id", "is_manager"):
        (managers if is_manager else staff)[department_id] += 1
    duty = {
        row["line__department_id"]: row["total"]
        for row in plan.lines.filter(is_duty=True)
        .values("line__department_id")
        .annotate(total=Sum("monthly_amount"))
    }
    for department in Department.objects.all():
        amount = to_money(
            staff[department.pk] * per_staff
            + managers[department.pk] * per_manager
            + duty.get(department.pk, Decimal(0))
        )
        DepartmentQuota.objects.update_or_create(
            plan=plan,
            department=department,
            defaults={
                "staff_count": staff[department.pk],
                "manager_count": managers[department.pk],
                "duty_amount": duty.get(department.pk, Decimal(0)),
                "proposed_amount": amount,
                "monthly_amount": amount,
            },
        )
    plan.status = PlanStatus.DRAFT
    plan.proposed_by = actor
    plan.save(update_fields=["status", "proposed_by"])
    audit_record(actor=actor, action="deductions.quota_proposed", target=plan)
    return plan


@transaction.atomic
def department_quota_set(
    *, actor, quota_id: int, monthly_amount: Decimal
) -> DepartmentQuota:
    require(actor, "quotas.propose")
    quota = DepartmentQuota.objects.select_related("plan").get(pk=quota_id)
    _editable(quota.plan)
    if monthly_amount < 0:
        raise DeductionError(_("A quota cannot be negative."), field="monthly_amount")
    previous = quota.monthly_amount
    quota.monthly_amount = to_money(monthly_amount)
    quota.save(update_fields=["monthly_amount"])
    audit_record(
        actor=actor,
        action="deductions.quota_changed",
        target=quota.plan,
        details={
            "department": quota.department_id,
            "from": str(previous),
            "to": str(quota.monthly_amount),
        },
    )
    return quota


@transaction.atomic
def line_quota_set(
    *, actor, plan: QuotaPlan, line, monthly_amount: Decimal | None, is_duty: bool
) -> LineQuota | None:
    """Set (or with ``None`` remove) a line's quota; a duty line's amount is part
    of its department's proposal."""
    require(actor, "quotas.propose")
    _editable(plan)
    if monthly_amount is None:
        LineQuota.objects.filter(plan=plan, line=line).delete()
        audit_record(actor=actor, action="deductions.line_quota_removed", target=plan)
        return None
    if monthly_amount < 0:
        raise DeductionError(_("A quota cannot be negative."), field="monthly_amount")
    quota, _created = LineQuota.objects.update_or_create(
        plan=plan,
        line=line,
        defaults={"monthly_amount": to_money(monthly_amount), "is_duty": is_duty},
    )
    audit_record(
        actor=actor,
        action="deductions.line_quota_set",
        target=plan,
        details={"line": line.number, "amount": str(quota.monthly_amount)},
    )
    return quota


@transaction.atomic
def quota_plan_submit(*, actor, plan_id: int) -> QuotaPlan:
    """Send the plan to the general manager (R-BIL-1: approved by management)."""
    require(actor, "quotas.propose")
    plan = QuotaPlan.objects.select_for_update().get(pk=plan_id)
    _editable(plan)
    if not plan.departments.exists():
        raise DeductionError(_("Propose the amounts first."))
    requester = employee_of(actor)
    if requester is None:
        raise DeductionError(_("Only an employee can submit a plan."))
    total = plan.departments.aggregate(total=Sum("monthly_amount"))["total"]
    plan.approval = approval_request_create(
        subject=plan,
        kind=QUOTA_PLAN_KIND,
        requester=requester,
        title=gettext_lazy("Phone-charge quotas %(year)s: %(total)s yuan a month"),
        title_params={"year": plan.year, "total": total},
        chain=[StepSpec(label=gettext_lazy("General manager"), role=Role.GM)],
        url=reverse("deductions:quota_plan", args=[plan.year]),
    )
    plan.status = PlanStatus.PENDING
    plan.save(update_fields=["approval", "status"])
    audit_record(actor=actor, action="deductions.quota_submitted", target=plan)
    return plan


def quota_plan_guard(request, approve: bool) -> None:
    """Approving a plan sets the quotas of every month of its year; refused once a
    month of that year is closed. A refusal or withdrawal changes no month."""
    if not approve:
        return
    year = (
        QuotaPlan.objects.filter(pk=request.subject_id)
        .values_list("year", flat=True)
        .first()
    )
    if year is not None:
        _refuse_if_year_closed(year)


def quota_plan_on_approved(request, actor) -> None:
    QuotaPlan.objects.filter(pk=request.subject_id, status=PlanStatus.PENDING).update(
        status=PlanStatus.APPROVED, decided_at=timezone.now()
    )


def quota_plan_on_rejected(request, actor) -> None:
    QuotaPlan.objects.filter(pk=request.subject_id, status=PlanStatus.PENDING).update(
        status=PlanStatus.REJECTED, decided_at=timezone.now()
    )


@transaction.atomic
def quota_month_set(
    *, actor, department: Department, month: date, amount: Decimal, reason: str
) -> QuotaOverride:
    """Change one department's quota for one open month of an approved plan."""
    require(actor, "quotas.propose")
    month = month.replace(day=1)
    ensure_month_open(month)
    if not QuotaPlan.objects.filter(
        year=month.year, status=PlanStatus.APPROVED
    ).exists():
        raise DeductionError(_("The year's plan is not approved yet."))
    if amount < 0:
        raise DeductionError(_("A quota cannot be negative."), field="amount")
    if not (reason or "").strip():
        raise DeductionError(_("Give the reason."), field="reason")
    override, _created = QuotaOverride.objects.update_or_create(
        department=department,
        month=month,
        defaults={
            "amount": to_money(amount),
            "reason": reason.strip()[:300],
            "changed_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action="deductions.quota_month_changed",
        target=override.department,
        details={"month": f"{month:%Y-%m}", "amount": str(override.amount)},
    )
    return override


def quotas_for_month(month: date) -> dict[int, Decimal]:
    """Department id -> the month's quota (approved plan, then month changes)."""
    month = month.replace(day=1)
    result = dict(
        DepartmentQuota.objects.filter(
            plan__year=month.year, plan__status=PlanStatus.APPROVED
        ).values_list("department_id", "monthly_amount")
    )
    if not result:
        return {}
    result.update(
        QuotaOverride.objects.filter(month=month).values_list("department_id", "amount")
    )
    return result


def actual_by_department(month: date) -> dict[int, Decimal]:
    """Department id -> the month's charges, from the call summaries."""
    rows = (
        CallSummary.objects.filter(period__month=month.replace(day=1))
        .exclude(department__isnull=True)
        .order_by()
        .values("department_id")
        .annotate(total=Sum("charge"))
        .values_list("department_id", "total")
    )
    return {department_id: to_money(total) for department_id, total in rows}


def quota_alerts_check(*, month: date) -> int:
    """Notify each department passing 80% / 100% of its quota, once per threshold
    and month (a unique row is the memory; R-BIL-1). Returns alerts sent."""
    quotas = quotas_for_month(month)
    if not quotas:
        return 0
    actual = actual_by_department(month)
    thresholds = sorted(int(t) for t in config.get("deductions.quota_alert_thresholds"))
    month = month.replace(day=1)
    candidates = []
    for department_id, quota in quotas.items():
        spent = actual.get(department_id) or Decimal(0)
        if quota <= 0:
            continue
        for threshold in thresholds:
            if spent * 100 >= quota * threshold:
                candidates.append((department_id, threshold, spent, quota))
    if not candidates:
        return 0
    heads = dict(Department.objects.values_list("pk", "head_id"))
    names = dict(Department.objects.values_list("pk", "name"))
    sent = 0
    for department_id, threshold, spent, quota in candidates:
        _alert, created = QuotaAlert.objects.get_or_create(
            department_id=department_id,
            month=month,
            threshold=threshold,
            defaults={"actual": spent, "quota": quota},
        )
        if not created:
            continue
        sent += 1
        notify(
            recipients=Employee.objects.filter(pk=heads.get(department_id)),
            title=_("%(department)s reached %(threshold)s%% of its %(month)s quota")
            % {
                "department": names[department_id],
                "threshold": threshold,
                "month": f"{month:%Y-%m}",
            },
            body=_("Charges %(actual)s yuan of a quota of %(quota)s yuan.")
            % {"actual": spent, "quota": quota},
            url=reverse("deductions:statement") + f"?month={month:%Y-%m}",
        )
    return sent
