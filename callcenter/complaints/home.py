"""Home panels: the agent's mandatory follow-ups (R-CMP-3) and the user's open cases."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from telephony_admin.core.home import HomePanel, HomeRow
from telephony_admin.org.access import Scope, scope

from .selectors import clock_view, complaint_queue, current_clocks, open_follow_ups


def panels(user) -> list[HomePanel]:
    if scope(user, "complaints.view") == Scope.NONE:
        return []
    now = timezone.now()
    result = []
    tasks = list(open_follow_ups(user=user)[:20])
    if tasks:
        result.append(
            HomePanel(
                key="complaint-follow-ups",
                title=_("Follow-ups: update these customers"),
                rows=[
                    HomeRow(
                        text=task.summary,
                        url=reverse("complaints:detail", args=[task.complaint_id]),
                        badge=_("Mandatory"),
                        badge_class="danger",
                    )
                    for task in tasks
                ],
                more_url=reverse("complaints:queue") + "?queue=mine",
            )
        )
    rows = []
    for complaint in complaint_queue(user=user, queue="mine", now=now)[:10]:
        urgent = _most_urgent(current_clocks(complaint), now)
        rows.append(
            HomeRow(
                text=_("%(number)s %(customer)s — %(status)s")
                % {
                    "number": complaint.number,
                    "customer": complaint.customer_name,
                    "status": complaint.get_status_display(),
                },
                url=reverse("complaints:detail", args=[complaint.pk]),
                badge=f"{urgent.label}: {urgent.text}" if urgent else "",
                badge_class=urgent.css if urgent else "secondary",
            )
        )
    result.append(
        HomePanel(
            key="complaints-mine",
            title=_("My complaint cases"),
            rows=rows,
            empty_text=_("No open cases."),
            more_url=reverse("complaints:queue") + "?queue=mine",
        )
    )
    return result


RANK = {"danger": 0, "warning": 1, "success": 2, "secondary": 3}


def _most_urgent(clocks, now):
    """The open clock nearest to (or furthest past) its due time; else none."""
    views = [clock_view(c, now) for c in clocks if c.met_at is None]
    views.sort(key=lambda v: (RANK.get(v.css, 9), v.due_at))
    return views[0] if views else None
