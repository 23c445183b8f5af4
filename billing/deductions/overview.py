"""The management home's telephone cost against quota (R-BIL-4) with its 12-month
trend, and the month's top findings by rule and by person; the report hub's
statement and findings.

Everything is read from the month totals (``CallSummary``, ``FindingTotal``) except
the ranking by person, which reads the month's charged findings through their
(period, employee) index: a few per person, never the month's calls.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.models import CallSummary
from billing.selectors import period_id_of
from telephony_admin.core.money import ZERO, to_money
from telephony_admin.org.access import Scope, headed_department_ids, scope
from telephony_admin.org.models import Employee
from telephony_admin.overview.figures import (
    Chart,
    Figure,
    FigureGroup,
    FigureRow,
    ReportLink,
    months_back,
)

from .models import FindingStatus, FindingTotal, Rule, Violation
from .services.quotas import quotas_for_month

TREND_MONTHS = 12
TOP = 5
#: Decided as not owed, or held for confirmation (administration's until
#: confirmed): left out of "the month's top violations".
NOT_OWED = (FindingStatus.WAIVED, FindingStatus.DISMISSED, FindingStatus.HELD)


def _money(value: Decimal) -> str:
    return f"{to_money(value):,.2f}"


def _department_ids(user) -> set[int] | None:
    """None for the whole company, else the departments the user heads."""
    if scope(user, "calls.view") == Scope.ALL:
        return None
    return headed_department_ids(user)


def cost_against_quota(
    department_ids: set[int] | None, months: list[date]
) -> list[dict]:
    """Per month: ``month``, ``actual`` (the departments' charges, from the call
    summaries) and ``quota`` (their approved quotas, None when none has one)."""
    summaries = CallSummary.objects.filter(period__month__in=months).order_by()
    if department_ids is None:
        summaries = summaries.exclude(department__isnull=True)
    else:
        summaries = summaries.filter(department_id__in=department_ids)
    actual = {
        row["period__month"]: to_money(row["total"])
        for row in summaries.values("period__month").annotate(total=Sum("charge"))
    }
    result = []
    for month in months:
        quotas = quotas_for_month(month)
        if department_ids is not None:
            quotas = {k: v for k, v in quotas.items() if k in department_ids}
        quota = to_money(sum(quotas.values(), ZERO)) if quotas else None
        result.append(
            {"month": month, "actual": actual.get(month, ZERO), "quota": quota}
        )
    return result


def top_rules(department_ids: set[int] | None, month: date) -> list[dict]:
    """The month's findings per rule (not waived or dismissed): ``rule``, ``count``
    and the ``charged`` amount, most findings first (``FindingTotal``)."""
    totals = FindingTotal.objects.filter(period__month=month).exclude(
        status__in=NOT_OWED
    )
    if department_ids is not None:
        totals = totals.filter(department_id__in=department_ids)
    rows = (
        totals.order_by()
        .values("rule")
        .annotate(
            count=Sum("count"),
            charged=Sum("amount", filter=Q(status=FindingStatus.CHARGED)),
        )
        .filter(count__gt=0)
        .order_by("-count", "rule")
    )
    return [
        {"rule": r["rule"], "count": r["count"], "charged": to_money(r["charged"])}
        for r in rows[:TOP]
    ]


def top_people(department_ids: set[int] | None, month: date) -> list[dict]:
    """The people charged most in the month: ``employee``, ``count``, ``amount``."""
    period_id = period_id_of(month)
    if period_id is None:
        return []
    findings = Violation.objects.filter(
        period_id=period_id, status=FindingStatus.CHARGED, employee__isnull=False
    )
    if department_ids is not None:
        findings = findings.filter(department_id__in=department_ids)
    rows = list(
        findings.order_by()
        .values("employee_id")
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by("-amount", "-count", "employee_id")[:TOP]
    )
    names = dict(
        Employee.objects.filter(pk__in=[r["employee_id"] for r in rows]).values_list(
            "pk", "name"
        )
    )
    return [
        {
            "employee_id": r["employee_id"],
            "name": names.get(r["employee_id"], ""),
            "count": r["count"],
            "amount": to_money(r["amount"]),
        }
        for r in rows
    ]


def figures(user, month: date) -> list[Figure]:
    if scope(user, "calls.view") < Scope.DEPT:
        return []
    department_ids = _department_ids(user)
    if department_ids is not None and not department_ids:
        return []
    trend = cost_against_quota(department_ids, months_back(month, TREND_MONTHS))
    current = trend[-1]
    key = f"{month:%Y-%m}"
    statement_url = reverse("deductions:statement") + f"?month={key}"
    if current["quota"]:
        percent = int(current["actual"] * 100 / current["quota"])
        note = _("of a quota of %(quota)s yuan (%(percent)s%%)") % {
            "quota": _money(current["quota"]),
            "percent": percent,
        }
        tone = "danger" if percent >= 100 else "warning" if percent >= 80 else "success"
    else:
        note, tone = _("No approved quota for this month."), "secondary"
    cost = Figure(
        key="cost",
        title=_("Telephone cost this month"),
        value=_("%(amount)s yuan") % {"amount": _money(current["actual"])},
        url=statement_url,
        note=note,
        tone=tone,
        chart=Chart(
            labels=[f"{row['month']:%Y-%m}" for row in trend],
            datasets=[
                {
                    "label": _("Actual"),
                    "type": "bar",
                    "data": [float(row["actual"]) for row in trend],
                },
                {
                    "label": _("Quota"),
                    "type": "line",
                    "data": [
                        float(row["quota"]) if row["quota"] is not None else None
                        for row in trend
                    ],
                },
            ],
        ),
        order=10,
        wide=True,
    )
    findings_url = reverse("deductions:findings") + f"?month={key}"
    labels = dict(Rule.choices)
    by_rule = [
        FigureRow(
            text=str(labels.get(row["rule"], row["rule"])),
            value=str(row["count"]),
            note=_("%(amount)s yuan charged") % {"amount": _money(row["charged"])},
            url=f"{findings_url}&rule={row['rule']}",
        )
        for row in top_rules(department_ids, month)
    ]
    by_person = [
        FigureRow(
            text=row["name"],
            value=_("%(amount)s yuan") % {"amount": _money(row["amount"])},
            note=_("%(count)s findings") % {"count": row["count"]},
            url=f"{findings_url}&employee={row['employee_id']}&status=charged",
        )
        for row in top_people(department_ids, month)
    ]
    violations = Figure(
        key="violations",
        title=_("Top violations this month"),
        value=str(sum(int(r.value) for r in by_rule)),
        url=findings_url,
        note=_("findings, not counting waived or dismissed ones"),
        tone="danger" if by_person else "secondary",
        groups=[
            FigureGroup(_("By rule"), by_rule, _("No findings this month.")),
            FigureGroup(
                _("By person (charged)"), by_person, _("Nobody charged this month.")
            ),
        ],
        order=50,
        wide=True,
    )
    return [cost, violations]


SECTION = gettext_lazy("Telephone cost and deductions")


def reports(user) -> list[ReportLink]:
    result = []
    if scope(user, "calls.view") >= Scope.DEPT:
        result.append(
            ReportLink(
                key="statement",
                title=_("Monthly statement"),
                description=_(
                    "Quota, actual cost, saving or excess per department, by call type."
                ),
                url_name="deductions:statement",
                section=str(SECTION),
            )
        )
    if scope(user, "calls.view"):
        result.append(
            ReportLink(
                key="findings",
                title=_("Audit findings"),
                description=_("The month's violations and review flags."),
                url_name="deductions:findings",
                section=str(SECTION),
            )
        )
    return result
