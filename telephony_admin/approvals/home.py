from django.urls import reverse
from django.utils.translation import gettext as _

from telephony_admin.core.home import HomePanel, HomeRow

from .models import ApprovalStatus
from .selectors import requests_of, steps_awaiting

STATUS_CLASS = {
    ApprovalStatus.PENDING: "warning",
    ApprovalStatus.APPROVED: "success",
    ApprovalStatus.REJECTED: "danger",
    ApprovalStatus.CANCELLED: "secondary",
}


def panels(user) -> list[HomePanel]:
    waiting = [
        HomeRow(
            text=_("%(title)s — %(requester)s, step: %(step)s")
            % {
                "title": step.request.shown_title,
                "requester": step.request.requester.name,
                "step": step.display_label,
            },
            url=reverse("approvals:detail", args=[step.request_id]),
            badge=_("Decide"),
            badge_class="primary",
        )
        for step in steps_awaiting(user=user)[:20]
    ]
    mine = [
        HomeRow(
            text=request.shown_title,
            url=reverse("approvals:detail", args=[request.pk]),
            badge=request.get_status_display(),
            badge_class=STATUS_CLASS.get(request.status, "secondary"),
        )
        for request in requests_of(user=user)[:10]
    ]
    return [
        HomePanel(
            key="approvals-waiting",
            title=_("Waiting for my approval"),
            rows=waiting,
            empty_text=_("Nothing waits for your approval."),
            more_url=reverse("approvals:inbox"),
        ),
        HomePanel(
            key="my-requests",
            title=_("My requests"),
            rows=mine,
            empty_text=_("You have no requests."),
            more_url=reverse("approvals:mine"),
        ),
    ]
