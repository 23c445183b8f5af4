"""Key facts of our approval subjects for the approvals inbox (bulk decisions)."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from telephony_admin.core.money import to_money


def quota_plan_summary(request) -> list[tuple[str, str]]:
    """A quota plan: its year, how many departments, and the monthly total (R-QUO)."""
    plan = request.subject
    if plan is None:
        return []
    figures = plan.departments.aggregate(
        total=Sum("monthly_amount"), departments=Count("pk")
    )
    return [
        (_("Year"), str(plan.year)),
        (_("Departments"), str(figures["departments"])),
        (_("Monthly quota, all departments"), f"{to_money(figures['total'] or 0):,}"),
    ]
