"""Reads shared by pages, the workbook and the demo: the month's charged items per
employee (R-PRV-4) and the statement per department (R-BIL-4)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import BillingPeriod, CallClass, CallSummary
from billing.services import parse_month
from telephony_admin.core.money import to_money
from telephony_admin.errors import DomainError
from telephony_admin.org.access import filter_by_scope
from telephony_admin.org.models import Department, Employee

from .models import (
    FindingStatus,
    Fine,
    PrivateCallRegistration,
    RegistrationStatus,
    Rule,
    Violation,
)
from .services.quotas import quotas_for_month

ZERO = Decimal("0.00")
PRIVATE, PREMIUM, LATE_LD, FINES = "private", "premium", "late_ld", "fines"
COLUMNS = (PRIVATE, PREMIUM, LATE_LD, FINES)
RULE_COLUMN = {
    Rule.PRIVATE_UNREGISTERED: PRIVATE,
    Rule.PREMIUM: PREMIUM,
    Rule.LD_LAPSED: LATE_LD,
}


@dataclass
class DeductionItem:
    """One charged line of the workbook's 明细 sheet."""

    employee: Employee
    column: str
    day: date
    line: str
    called: str
    call_class: str
    charge: Decimal
    reason: str
    multiplier: Decimal
    amount: Decimal


@dataclass
class EmployeeDeductions:
    employee: Employee
    amounts: dict[str, Decimal] = field(
        default_factory=lambda: dict.fromkeys(COLUMNS, ZERO)
    )

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)


def _class_label(code: str) -> str:
    return str(dict(CallClass.choices).get(code, code or ""))


def deduction_items(
    period: BillingPeriod, *, findings: bool = True
) -> list[DeductionItem]:
    """Every charged item of the month, from the database (fixed number of queries).

    ``findings=False`` leaves out the charged findings (the streamed workbook reads
    those from a cursor: ``sheet_rows``).
    """
    items: list[DeductionItem] = []
    registrations = PrivateCallRegistration.objects.filter(
        period=period,
        call__isnull=False,
        status__in=(RegistrationStatus.PENDING, RegistrationStatus.CONSENTED),
    ).select_related("employee__department", "call")
    for r in registrations:
        items.append(
            DeductionItem(
                employee=r.employee,
                column=PRIVATE,
                day=r.call_date,
                line=r.line_number,
                called=r.called_number,
                # The matched call's type (local, long distance, ...).
                call_class=_class_label(r.call.call_class) if r.call else "",
                charge=r.charge,
                reason=_("Registered private call: %(reason)s") % {"reason": r.reason},
                multiplier=Decimal(1),
                amount=r.charge,
            )
        )
    charged = (
        Violation.objects.filter(
            period=period, status=FindingStatus.CHARGED, employee__isnull=False
        )
        .select_related("employee__department")
        .order_by("started_at", "pk")
    )
    for v in charged if findings else ():
        reason = v.get_rule_display()
        if v.fine:
            reason = _("%(rule)s: fine %(fine)s plus the charge") % {
                "rule": reason,
                "fine": v.fine,
            }
        items.append(
            DeductionItem(
                employee=v.employee,
                column=RULE_COLUMN.get(v.rule, FINES),
                day=timezone.localtime(v.started_at).date(),
                line=v.line_number,
                called=v.called_number,
                call_class=_class_label(v.call_class),
                charge=v.charge,
                reason=reason,
                multiplier=v.multiplier,
                amount=v.amount,
            )
        )
    fines = Fine.objects.filter(period=period).select_related(
        "employee__department", "supervisor__department"
    )
    for f in fines:
        label = f.get_fine_type_display()
        items.append(
            DeductionItem(
                employee=f.employee,
                column=FINES,
                day=f.occurred_on,
                line="",
                called="",
                call_class="",
                charge=f.base_amount,
                reason=_("Fine (%(type)s): %(reason)s")
                % {"type": label, "reason": f.reason},
                multiplier=Decimal(f.multiplier),
                amount=f.amount,
            )
        )
        if f.supervisor_id and f.supervisor_amount:
            items.append(
                DeductionItem(
                    employee=f.supervisor,
                    column=FINES,
                    day=f.occurred_on,
                    line="",
                    called="",
                    call_class="",
                    charge=f.amount,
                    reason=_("Joint share of %(name)s's fine (%(type)s)")
                    % {"name": f.employee.name, "type": label},
                    multiplier=f.supervisor_amount / f.amount
                    if f.amount
                    else Decimal(0),
                    amount=f.supervisor_amount,
                )
            )
    items.sort(key=lambda i: (i.employee.number, i.day, i.column))
    return items


def deductions_by_employee(items: list[DeductionItem]) -> list[EmployeeDeductions]:
    people: dict[int, EmployeeDeductions] = {}
    for item in items:
        row = people.setdefault(item.employee.pk, EmployeeDeductions(item.employee))
        row.amounts[item.column] += item.amount
    return sorted(people.values(), key=lambda r: r.employee.number)


@dataclass
class StatementRow:
    department: Department
    quota: Decimal | None
    actual: Decimal
    by_class: dict[str, Decimal]
    calls: int

    @property
    def saving(self) -> Decimal:
        if self.quota is None:
            return ZERO
        return max(self.quota - self.actual, ZERO)

    @property
    def excess(self) -> Decimal:
        if self.quota is None:
            return ZERO
        return max(self.actual - self.quota, ZERO)

    @property
    def percent(self) -> int | None:
        if not self.quota:
            return None
        return int(self.actual * 100 / self.quota)


def statement(month: date, departments: QuerySet[Department]) -> list[StatementRow]:
    """Quota, actual, saving/excess and the split by call type per department
    (R-BIL-4), from the month's call summaries."""
    month = month.replace(day=1)
    quotas = quotas_for_month(month)
    summaries = CallSummary.objects.filter(
        period__month=month, department__in=departments
    ).order_by()
    split: dict[int, dict[str, Decimal]] = defaultdict(dict)
    counts: dict[int, int] = defaultdict(int)
    for row in summaries.values("department_id", "call_class").annotate(
        total=Sum("charge"), n=Sum("calls")
    ):
        split[row["department_id"]][row["call_class"]] = to_money(row["total"])
        counts[row["department_id"]] += row["n"]
    rows = []
    for department in departments.order_by("code"):
        by_class = split.get(department.pk, {})
        actual = sum(by_class.values(), ZERO)
        quota = quotas.get(department.pk)
        if not by_class and quota is None:
            continue
        rows.append(
            StatementRow(department, quota, actual, by_class, counts[department.pk])
        )
    return rows


def departments_visible_to(user) -> QuerySet[Department]:
    """Statements: administration, finance, GM all; a head their departments."""
    return filter_by_scope(
        user, "calls.view", Department.objects.all(), department="pk", owner=None
    )


def department_year(department: Department, year: int) -> list[dict]:
    """Twelve months of actual against quota for one department (chart)."""
    actual = {
        row["m"].month: to_money(row["total"])
        for row in CallSummary.objects.filter(
            department=department, period__month__year=year
        )
        .order_by()
        .annotate(m=TruncMonth("period__month"))
        .values("m")
        .annotate(total=Sum("charge"))
    }
    result = []
    for m in range(1, 13):
        quota = quotas_for_month(date(year, m, 1)).get(department.pk)
        result.append(
            {
                "month": f"{year}-{m:02d}",
                "actual": actual.get(m) or ZERO,
                "quota": quota,
            }
        )
    return result


def lines_of(month: date, department: Department) -> QuerySet:
    """Drill-down: the department's lines in the month with totals (summaries)."""
    return (
        CallSummary.objects.filter(
            period__month=month.replace(day=1), department=department
        )
        .order_by()
        .values("line_number", "owner__name")
        .annotate(calls=Sum("calls"), seconds=Sum("seconds"), total=Sum("charge"))
        .order_by("-total", "line_number")
    )


def line_call_count(month: date, department: Department, line: str) -> int:
    """How many calls of the line the department had in the month (the drill-down's
    pager), from the summaries."""
    return (
        CallSummary.objects.filter(
            period__month=month.replace(day=1), department=department, line_number=line
        ).aggregate(n=Sum("calls"))["n"]
        or 0
    )


def finding_totals_for(filterset, user) -> tuple[int, Decimal] | None:
    """(count, charged amount) of a findings filter from ``FindingTotal``, or None
    when the filter or the user's scope does not map onto its dimensions (month,
    rule, kind, status, department).

    The whole company reads the totals alone; a department head reads those of
    the departments they head, plus their own findings charged elsewhere (a few,
    through the (period, employee) index), which is exactly the list's scope.
    """
    from telephony_admin.org.access import (
        Scope,
        employee_of,
        headed_department_ids,
        scope,
    )

    from .models import UNAMBIGUOUS, FindingKind, FindingTotal

    granted = scope(user, "calls.view")
    if granted < Scope.DEPT or not filterset.is_valid():
        return None
    data = filterset.form.cleaned_data
    if data.get("employee") or data.get("line"):
        return None
    try:
        month = parse_month(data.get("month") or "")
    except DomainError:
        return None
    totals = FindingTotal.objects.filter(period__month=month)
    if scope(user, "audits.decide") < Scope.ALL:
        totals = totals.exclude(status=FindingStatus.HELD)  # as the list
    if data.get("rule"):
        totals = totals.filter(rule=data["rule"])
    if data.get("kind"):
        unambiguous = [str(r) for r in UNAMBIGUOUS]
        if data["kind"] == FindingKind.VIOLATION:
            totals = totals.filter(rule__in=unambiguous)
        else:
            totals = totals.exclude(rule__in=unambiguous)
    if data.get("status"):
        totals = totals.filter(status=data["status"])
    if data.get("department"):
        totals = totals.filter(department=data["department"])
    charged_only = Q(status=FindingStatus.CHARGED)
    headed = headed_department_ids(user) if granted == Scope.DEPT else None
    if headed is not None:
        totals = totals.filter(department__in=headed)
    result = totals.aggregate(
        n=Sum("count"), charged=Sum("amount", filter=charged_only)
    )
    count, charged = result["n"] or 0, to_money(result["charged"])
    if headed is not None:
        employee = employee_of(user)
        if employee is not None:
            elsewhere = (
                filterset.qs.filter(employee=employee)
                .exclude(department__in=headed)
                .order_by()
                .aggregate(n=Count("pk"), charged=Sum("amount", filter=charged_only))
            )
            count += elsewhere["n"] or 0
            charged = to_money(charged + to_money(elsewhere["charged"]))
    return count, charged
