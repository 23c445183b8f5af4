"""The management home's approvals waiting longer than the setting (working days)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from telephony_admin.core import config
from telephony_admin.org.access import scope
from telephony_admin.overview.figures import Figure, FigureGroup, FigureRow

from .selectors import steps_waiting_too_long

SHOWN = 8


def figures(user, month: date) -> list[Figure]:
    if not scope(user, "management.view"):
        return []
    steps = steps_waiting_too_long(user=user)
    days = config.get("approvals.waiting_alert_working_days")
    rows = [
        FigureRow(
            text=step.request.title,
            value=f"{timezone.localtime(step.pending_since):%Y-%m-%d}",
            note=_("%(requester)s, step: %(step)s")
            % {"requester": step.request.requester.name, "step": step.display_label},
            url=reverse("approvals:detail", args=[step.request_id]),
        )
        for step in steps[:SHOWN]
    ]
    return [
        Figure(
            key="waiting-approvals",
            title=_("Approvals waiting too long"),
            value=str(len(steps)),
            url=reverse("approvals:waiting"),
            note=_("waiting longer than %(days)s working days") % {"days": days},
            tone="warning" if steps else "success",
            groups=[FigureGroup(_("Oldest first"), rows)] if rows else [],
            order=40,
        )
    ]
