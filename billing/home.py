from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from telephony_admin.core.home import HomePanel, HomeRow
from telephony_admin.core.templatetags.money import money
from telephony_admin.org.access import employee_of, scope

from .models import CallSummary, ImportStatus
from .selectors import imports_recent, latest_billed_month
from .summaries import summary_totals


def panels(user) -> list[HomePanel]:
    result = []
    employee = employee_of(user)
    if employee is not None and scope(user, "calls.view"):
        # Bills arrive after the month ends: show the latest billed month.
        month = latest_billed_month() or timezone.localdate().replace(day=1)
        totals = summary_totals(
            CallSummary.objects.filter(owner=employee, period__month=month)
        )
        rows = []
        if totals["count"]:
            rows.append(
                HomeRow(
                    text=_("%(count)s calls, %(minutes)s minutes")
                    % {"count": totals["count"], "minutes": totals["seconds"] // 60},
                    url=reverse("billing:calls")
                    + f"?month={month:%Y-%m}&owner={employee.pk}",
                    badge=_("%(amount)s yuan") % {"amount": money(totals["charge"])},
                    badge_class="primary",
                )
            )
        result.append(
            HomePanel(
                key="billing-my-calls",
                title=_("My calls in %(month)s") % {"month": f"{month:%Y-%m}"},
                rows=rows,
                empty_text=_("No calls billed to you in that month."),
                more_url=reverse("billing:calls"),
            )
        )
    if scope(user, "bills.import"):
        rows = [
            HomeRow(
                text=f"{imp.period} · {imp.carrier} · {imp.original_name}",
                url=reverse("billing:import_detail", args=[imp.pk]),
                badge=imp.get_status_display(),
                badge_class="danger"
                if imp.status == ImportStatus.FAILED
                else "secondary",
            )
            for imp in imports_recent()[:5]
        ]
        result.append(
            HomePanel(
                key="billing-imports",
                title=_("Recent bill imports"),
                rows=rows,
                empty_text=_("No bill imported yet."),
                more_url=reverse("billing:imports"),
            )
        )
    return result
