"""Reads of the deduction workbook (工资扣款表, R-PRV-4) for a month of any size.

The same figures as ``selectors.deduction_items`` / ``deductions_by_employee``
(the streamed findings' amounts as floats, the sheet's numbers), read
so that nothing grows with the month: the per-employee sums are grouped in SQL, and
the charged items come as a stream, the findings (nearly all of them) from a
server-side cursor. Items are in the order of ``deduction_items``: employee number,
day, column, and within those registrations, findings (by start), fines.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from itertools import groupby

from django.db.models import Count, FloatField, Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import BillingPeriod, CallClass
from telephony_admin.core.money import to_money
from telephony_admin.org.models import Employee

from .models import (
    FindingStatus,
    Fine,
    PrivateCallRegistration,
    RegistrationStatus,
    Rule,
    Violation,
)
from .selectors import (
    FINES,
    PRIVATE,
    RULE_COLUMN,
    DeductionItem,
    EmployeeDeductions,
    deduction_items,
)

CHUNK = 5000


class _AsFloat(Cast):
    """A column cast to a double, which the driver already returns as a float:
    without Django's ``float()`` per value (three per finding)."""

    def __init__(self, expression):
        super().__init__(expression, FloatField())

    @property
    def convert_value(self):
        return self._convert_value_noop


# (employee number, day, column) orders the detail sheet; the row follows.
Keyed = tuple[str, date, str, tuple]


def _registrations(period: BillingPeriod):
    return PrivateCallRegistration.objects.filter(
        period=period,
        call__isnull=False,
        status__in=(RegistrationStatus.PENDING, RegistrationStatus.CONSENTED),
    )


def _findings(period: BillingPeriod):
    return Violation.objects.filter(
        period=period, status=FindingStatus.CHARGED, employee__isnull=False
    )


def item_count(period: BillingPeriod) -> int:
    """How many detail rows the month's workbook has (for progress and the inline
    limit): registrations, charged findings, fines and their joint shares."""
    fines = Fine.objects.filter(period=period).aggregate(
        n=Count("pk"),
        shared=Count(
            "pk", filter=Q(supervisor__isnull=False) & ~Q(supervisor_amount=0)
        ),
    )
    return (
        _registrations(period).count()
        + _findings(period).count()
        + fines["n"]
        + fines["shared"]
    )


def deductions_by_employee_sql(period: BillingPeriod) -> list[EmployeeDeductions]:
    """The 扣款汇总 sheet: each employee's sums per column, grouped in the database."""
    sums: dict[int, dict[str, Decimal]] = {}

    def add(pk: int, column: str, amount) -> None:
        row = sums.setdefault(pk, {})
        row[column] = row.get(column, Decimal(0)) + to_money(amount)

    for r in (
        _registrations(period).order_by().values("employee").annotate(s=Sum("charge"))
    ):
        add(r["employee"], PRIVATE, r["s"])
    for r in (
        _findings(period)
        .order_by()
        .values("employee", "rule")
        .annotate(s=Sum("amount"))
    ):
        add(r["employee"], RULE_COLUMN.get(r["rule"], FINES), r["s"])
    fines = Fine.objects.filter(period=period).order_by()
    for r in fines.values("employee").annotate(s=Sum("amount")):
        add(r["employee"], FINES, r["s"])
    shares = fines.filter(supervisor__isnull=False).exclude(supervisor_amount=0)
    for r in shares.values("supervisor").annotate(s=Sum("supervisor_amount")):
        add(r["supervisor"], FINES, r["s"])
    people = Employee.objects.filter(pk__in=sums).select_related("department")
    rows = []
    for employee in people:
        row = EmployeeDeductions(employee)
        row.amounts.update(sums[employee.pk])
        rows.append(row)
    return sorted(rows, key=lambda r: r.employee.number)


def _row(item: DeductionItem) -> tuple:
    return (
        item.employee.number,
        item.employee.name,
        item.day,
        item.line,
        item.called,
        item.call_class,
        item.charge,
        item.reason,
        item.multiplier,
        item.amount,
    )


def _small_items(period: BillingPeriod) -> tuple[list[Keyed], list[Keyed]]:
    """Registrations and fines (few per month), each in the workbook's order."""
    registrations, fines = [], []
    for item in deduction_items(period, findings=False):
        target = registrations if item.column == PRIVATE else fines
        target.append((item.employee.number, item.day, item.column, _row(item)))
    key = _key
    return sorted(registrations, key=key), sorted(fines, key=key)


def _key(keyed: Keyed) -> tuple[str, date, str]:
    return keyed[0], keyed[1], keyed[2]


def _finding_items(period: BillingPeriod) -> Iterator[Keyed]:
    """Charged findings from a server-side cursor, by employee number then start;
    each (employee, day) group re-sorted by column (a handful of rows)."""
    rules = {key: str(label) for key, label in Rule.choices}
    classes = {key: str(label) for key, label in CallClass.choices}
    # Amounts as doubles straight from the database (numeric(12,2) fits exactly
    # enough; the sheet writes numbers anyway): no Decimal per cell.
    as_float = {
        f"{name}_f": _AsFloat(name) for name in ("charge", "multiplier", "amount")
    }
    cursor = (
        _findings(period)
        .order_by("employee__number", "started_at", "pk")
        .annotate(**as_float)
        .values_list(
            "employee__number",
            "employee__name",
            "started_at",
            "line_number",
            "called_number",
            "call_class",
            "charge_f",
            "rule",
            "fine",
            "multiplier_f",
            "amount_f",
        )
        .iterator(chunk_size=CHUNK)
    )
    tz = timezone.get_current_timezone()
    # Translated once: a month has hundreds of thousands of fined findings.
    with_fine = _("%(rule)s: fine %(fine)s plus the charge")

    def keyed(values) -> Keyed:
        number, name, start, line, called, cls, charge, rule, fine, mult, amount = (
            values
        )
        day = start.astimezone(tz).date()
        reason = rules.get(rule, rule)
        if fine:
            reason = with_fine % {"rule": reason, "fine": fine}
        column = RULE_COLUMN.get(rule, FINES)
        row = (
            number,
            name,
            day,
            line,
            called,
            classes.get(cls, cls or ""),
            charge,
            reason,
            mult,
            amount,
        )
        return number, day, column, row

    for _group, items in groupby(map(keyed, cursor), key=lambda k: (k[0], k[1])):
        yield from sorted(items, key=_key)


def detail_rows(period: BillingPeriod) -> Iterator[tuple]:
    """The 明细 sheet's rows, streamed (order of ``deduction_items``)."""
    registrations, fines = _small_items(period)
    merged = heapq.merge(registrations, _finding_items(period), fines, key=_key)
    for keyed in merged:
        yield keyed[3]
