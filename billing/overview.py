"""The report hub's call list (the month's calls the user may see)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from telephony_admin.org.access import Scope, scope
from telephony_admin.overview.figures import ReportLink

SECTION = gettext_lazy("Telephone cost and deductions")


def reports(user) -> list[ReportLink]:
    granted = scope(user, "calls.view")
    if not granted:
        return []
    return [
        ReportLink(
            key="calls",
            title=_("Call records") if granted > Scope.OWN else _("My calls"),
            description=_("The month's calls with their totals, exportable to Excel."),
            url_name="billing:calls",
            section=str(SECTION),
        )
    ]
