from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from billing.models import BillingPeriod, PeriodStatus
from telephony_admin.core.home import HomePanel, HomeRow
from telephony_admin.core.money import to_money
from telephony_admin.org.access import Scope, employee_of, scope

from .models import FindingStatus, FindingTotal, Violation


def panels(user) -> list[HomePanel]:
    result = []
    employee = employee_of(user)
    if employee is not None:
        # The last months only: the (period, employee) index finds them at once.
        recent = BillingPeriod.objects.order_by("-month").values_list("pk", flat=True)[
            :6
        ]
        mine = (
            Violation.objects.filter(
                period__in=list(recent),
                employee=employee,
                status=FindingStatus.CHARGED,
            )
            .values("period__month")
            .annotate(total=Sum("amount"))
            .order_by("-period__month")[:3]
        )
        result.append(
            HomePanel(
                key="deductions-mine",
                title=_("My call violations"),
                rows=[
                    HomeRow(
                        text=f"{row['period__month']:%Y-%m}",
                        url=reverse("deductions:findings")
                        + f"?month={row['period__month']:%Y-%m}",
                        badge=_("%(amount)s yuan") % {"amount": to_money(row["total"])},
                        badge_class="danger",
                    )
                    for row in mine
                ],
                empty_text=_("No call violation charged to you."),
                more_url=reverse("deductions:private_calls"),
            )
        )
    if scope(user, "audits.decide"):
        # From the month totals (FindingTotal), not a count of the findings.
        open_flags = (
            FindingTotal.objects.filter(
                status=FindingStatus.OPEN, period__status=PeriodStatus.OPEN
            )
            .values("period__month")
            .annotate(n=Sum("count"))
            .filter(n__gt=0)
            .order_by("-period__month")
        )
        rows = []
        for row in open_flags[:5]:
            count = row["n"]
            rows.append(
                HomeRow(
                    text=_("%(count)s review flags in %(month)s")
                    % {"count": count, "month": f"{row['period__month']:%Y-%m}"},
                    url=reverse("deductions:findings")
                    + f"?month={row['period__month']:%Y-%m}&status=open",
                    badge_class="warning",
                    badge=FindingStatus.OPEN.label,
                )
            )
        result.append(
            HomePanel(
                key="deductions-review",
                title=_("Audit flags to review"),
                rows=rows,
                empty_text=_("Nothing to review."),
                more_url=reverse("deductions:findings"),
            )
        )
    if scope(user, "audits.decide") == Scope.ALL:
        result.append(_held_panel())
    if scope(user, "deductions.export"):
        rows = [
            HomeRow(
                text=str(p),
                url=reverse("deductions:closing"),
                badge=p.get_status_display(),
                badge_class="dark" if p.status == PeriodStatus.CLOSED else "success",
            )
            for p in BillingPeriod.objects.order_by("-month")[:3]
        ]
        result.append(
            HomePanel(
                key="deductions-closing",
                title=_("Deduction workbooks"),
                rows=rows,
                empty_text=_("No billing month yet."),
                more_url=reverse("deductions:closing"),
            )
        )
    return result


def _held_panel() -> HomePanel:
    """Held findings of the open months and why they were held (issue 15)."""
    from .services.holds import hold_reasons

    months = (
        FindingTotal.objects.filter(
            status=FindingStatus.HELD, period__status=PeriodStatus.OPEN, count__gt=0
        )
        .values_list("period_id", flat=True)
        .distinct()
    )
    rows = []
    for period in BillingPeriod.objects.filter(pk__in=list(months)).order_by("-month"):
        for reason in hold_reasons(period):
            rows.append(
                HomeRow(
                    text=f"{period}: {reason.text}",
                    url=reverse("deductions:findings")
                    + f"?month={period}&status=held&rule={reason.rule}",
                    badge=FindingStatus.HELD.label,
                    badge_class="warning",
                )
            )
    return HomePanel(
        key="deductions-held",
        title=_("Findings held for confirmation"),
        rows=rows[:5],
        empty_text=_("No finding held."),
        more_url=reverse("deductions:findings") + "?status=held",
    )
