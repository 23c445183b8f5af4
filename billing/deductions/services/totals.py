"""Finding totals per month x rule x status x department (``FindingTotal``).

Rebuilt for a whole month by the audit (one GROUP BY over the month's findings) and
for the groups a decision touches, in the same transaction, so the findings and
home pages read a few dozen rows instead of summing a month's findings.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, Sum

from billing.models import BillingPeriod
from telephony_admin.core.money import to_money

from ..models import FindingTotal, Violation


def finding_totals_refresh(
    period: BillingPeriod | int,
    *,
    groups: Iterable[tuple[str, int | None]] | None = None,
) -> None:
    """Recompute the month's totals; only the (rule, department) ``groups`` given."""
    period_id = getattr(period, "pk", period)
    totals = FindingTotal.objects.filter(period_id=period_id)
    findings = Violation.objects.filter(period_id=period_id)
    if groups is not None:
        match = Q(pk__in=[])
        for rule, department_id in set(groups):
            match |= Q(rule=rule, department_id=department_id)
        totals, findings = totals.filter(match), findings.filter(match)
    totals.delete()
    rows = (
        findings.order_by()
        .values("rule", "status", "department_id")
        .annotate(n=Count("pk"), total=Sum("amount"))
    )
    FindingTotal.objects.bulk_create(
        FindingTotal(
            period_id=period_id,
            rule=row["rule"],
            status=row["status"],
            department_id=row["department_id"],
            count=row["n"],
            amount=to_money(row["total"]),
        )
        for row in rows
    )


def finding_totals_touch(findings: Iterable[Violation]) -> None:
    """After decisions on these findings: refresh their groups."""
    by_period: dict[int, set] = {}
    for finding in findings:
        by_period.setdefault(finding.period_id, set()).add(
            (finding.rule, finding.department_id)
        )
    for period_id, groups in by_period.items():
        finding_totals_refresh(period_id, groups=groups)
