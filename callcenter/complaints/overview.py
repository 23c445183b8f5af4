"""The management home's overdue complaints (a live SLA clock past its due time,
R-CMP-3), counted as the 逾期 queue counts them; the report hub's monthly report."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from telephony_admin.org.access import scope
from telephony_admin.overview.figures import Figure, FigureGroup, FigureRow, ReportLink

from .selectors import complaint_queue

SECTION = gettext_lazy("Complaints")
SHOWN = 5


def overdue_complaints(user, now=None):
    """The overdue queue the user sees (their scope of complaints.view)."""
    return complaint_queue(user=user, queue="overdue", now=now or timezone.now())


def figures(user, month: date) -> list[Figure]:
    if not scope(user, "complaints.view"):
        return []
    overdue = overdue_complaints(user).distinct()
    count = overdue.count()
    rows = [
        FigureRow(
            text=f"{c.number} {c.customer_name}",
            value=c.department.name if c.department_id else "",
            note=c.get_status_display(),
            url=reverse("complaints:detail", args=[c.pk]),
        )
        for c in overdue.order_by("accepted_at", "pk")[:SHOWN]
    ]
    return [
        Figure(
            key="overdue-complaints",
            title=_("Overdue complaints"),
            value=str(count),
            url=reverse("complaints:queue") + "?queue=overdue",
            note=_("open cases past a due time, now"),
            tone="danger" if count else "success",
            groups=[FigureGroup(_("Longest waiting"), rows)] if rows else [],
            order=20,
        )
    ]


def reports(user) -> list[ReportLink]:
    if not scope(user, "complaints.report"):
        return []
    return [
        ReportLink(
            key="complaints",
            title=_("Complaint reports"),
            description=_(
                "Volume, kinds, departments, times to handle and to close, "
                "satisfaction."
            ),
            url_name="complaints:reports",
            section=str(SECTION),
        )
    ]
