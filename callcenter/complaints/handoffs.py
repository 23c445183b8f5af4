"""Who hears of a complaint's handoff: each step that passes the case on tells the
people who now hold it, in the app and by e-mail, with a link to the case (as
helpdesks such as Zammad and osTicket do; R-CMP-4, R-CMP-5).

- sent to a department, or reopened: the department's handlers and its head;
- returned to customer service (solved, or verified as unfounded): the case's agent;
- the result told: the case's agent, whose callback visit is now due;
- callback done: the customer-service heads, for the sign-off (待签字).

Whoever took the step is not told of it. One notification per person, sent together
(``notify_many``: one INSERT, one e-mail sweep).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from telephony_admin.core.services import Message, notify_many
from telephony_admin.org.access import with_descendants
from telephony_admin.org.models import Employee, Role

from .models import Complaint, Status


def _department_side(complaint: Complaint) -> list[Employee]:
    if complaint.department_id is None:
        return []
    handlers = Employee.objects.filter(
        is_active=True,
        department_id__in=with_descendants([complaint.department_id]),
        user__groups__name=Role.HANDLER,
    ).distinct()
    people = list(handlers)
    head = complaint.department.head
    if head is not None and head.is_active:
        people.append(head)
    return people


def _cs_heads() -> list[Employee]:
    return list(
        Employee.objects.filter(
            is_active=True, user__groups__name=Role.CS_HEAD
        ).distinct()
    )


def _texts(complaint: Complaint, action: str) -> tuple[str, str] | None:
    values = {
        "number": complaint.number,
        "customer": complaint.customer_name,
        "department": complaint.department.name if complaint.department else "",
    }
    status = complaint.status
    if status == Status.SENT and action == "reopen":
        return (
            _("Complaint %(number)s reopened for %(department)s") % values,
            _(
                "The complaint of %(customer)s was reopened and is back with your "
                "department: verify it, solve it and return it to customer service."
            )
            % values,
        )
    if status == Status.SENT:
        return (
            _("Complaint %(number)s sent to %(department)s") % values,
            _(
                "Customer service sent the complaint of %(customer)s to your "
                "department: verify it, solve it and return it to customer service."
            )
            % values,
        )
    if status == Status.RETURNED:
        return (
            _("Complaint %(number)s returned to customer service") % values,
            _(
                "%(department)s returned the complaint of %(customer)s: tell the "
                "customer the result."
            )
            % values,
        )
    if status == Status.CUSTOMER_TOLD:
        return (
            _("Callback due for complaint %(number)s") % values,
            _(
                "%(customer)s was told the result: call them back and record their "
                "satisfaction."
            )
            % values,
        )
    if status == Status.CALLBACK_DONE:
        return (
            _("Complaint %(number)s awaits your sign-off") % values,
            _(
                "The callback of %(customer)s is done: read the case and sign it off "
                "to close and archive it."
            )
            % values,
        )
    return None


def _recipients(complaint: Complaint) -> list[Employee]:
    status = complaint.status
    if status == Status.SENT:
        return _department_side(complaint)
    if status in (Status.RETURNED, Status.CUSTOMER_TOLD):
        return [complaint.agent] if complaint.agent_id else []
    if status == Status.CALLBACK_DONE:
        return _cs_heads()
    return []


def handoff_notify(*, complaint: Complaint, action: str, actor) -> None:
    """Tell the people who now hold the case (after the step is recorded)."""
    texts = _texts(complaint, action)
    if texts is None:
        return
    actor_pk = getattr(actor, "pk", None)
    people = {p.pk: p for p in _recipients(complaint) if p.pk != actor_pk}
    if not people:
        return
    title, body = texts
    url = reverse("complaints:detail", args=[complaint.pk])
    notify_many(
        messages=[
            Message(recipients=list(people.values()), title=title, body=body, url=url)
        ]
    )
