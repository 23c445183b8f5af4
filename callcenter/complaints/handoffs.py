"""Who hears of a complaint's handoff: each step that passes the case on tells the
people who now hold it, in the app and by e-mail, with a link to the case (as
helpdesks such as Zammad and osTicket do; R-CMP-4, R-CMP-5).

- sent to a department, or reopened: the department's handlers and its head;
- returned to customer service (solved, or verified as unfounded): the case's agent;
- the result told: the case's agent, whose callback visit is now due;
- callback done: the customer-service heads, for the sign-off (待签字).

Whoever took the step is not told of it. One notification per person, sent together
(``notify_many``: one INSERT, one e-mail sweep).

Grouped when many arrive at once. "At once" means: inside one ``handoffs_grouped()``
block, which a service acting on several cases in one call opens around its whole
transaction (``complaints_send_many``: one request routing many cases). The block
collects the handoffs instead of sending them, and when it ends (still inside the
transaction, so nothing is told of a step rolled back) each person gets one
notification: the single one as usual when they received one case, else one notice
listing the cases ("5 complaints handed to you", one line per case, at most
``DIGEST_LINES``) linked to their queue filtered to those cases. Steps taken one at a
time (each its own request) are told one at a time. The SLA sweep groups its own
escalations the same way, per person and batch (docs/sla-sweep.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import urlencode

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


DIGEST_LINES = 50  # lines listed in a grouped notice; the rest are counted
LINK_CASES = 100  # up to this many cases the link filters the queue to them


@dataclass(frozen=True)
class Handoff:
    complaint_id: int
    number: str
    status: str
    title: str
    body: str


# The handoffs collected by the open ``handoffs_grouped()`` block: person -> list.
_collected: ContextVar[dict | None] = ContextVar("complaint_handoffs", default=None)


@contextmanager
def handoffs_grouped() -> Iterator[None]:
    """Collect the handoffs of the block and tell each person once at its end.

    Open it inside the transaction of a service that acts on several cases. A
    nested block joins the outer one. Nothing is sent if the block raises.
    """
    if _collected.get() is not None:
        yield
        return
    token = _collected.set({})
    try:
        yield
        collected = _collected.get()
    finally:
        _collected.reset(token)
    _send_grouped(collected)


def _queue_name(status: str) -> str:
    if status == Status.SENT:
        return "department"
    if status == Status.CALLBACK_DONE:
        return "sign_off"
    return "mine"


def _digest(handoffs: list[Handoff]) -> tuple[str, str, str]:
    count = len(handoffs)
    # Only ever two or more (one reads as the single notice).
    title = _("%(count)s complaints handed to you") % {"count": count}
    lines = [h.title for h in handoffs[:DIGEST_LINES]]
    if count > DIGEST_LINES:
        lines.append(_("and %(count)s more") % {"count": count - DIGEST_LINES})
    queues = {_queue_name(h.status) for h in handoffs}
    # Different queues (rare): the cases are found among all the person sees.
    query = {"queue": queues.pop() if len(queues) == 1 else "all"}
    if count <= LINK_CASES:
        query["cases"] = ",".join(str(h.complaint_id) for h in handoffs)
    else:
        statuses = {h.status for h in handoffs}
        if len(statuses) == 1:
            query["status"] = statuses.pop()
    url = reverse("complaints:queue") + "?" + urlencode(query)
    return title, "\n".join(lines), url


def _send_grouped(collected: dict) -> None:
    messages = []
    for person, handoffs in collected.values():
        if len(handoffs) == 1:
            h = handoffs[0]
            url = reverse("complaints:detail", args=[h.complaint_id])
            messages.append(Message([person], h.title, h.body, url))
        else:
            title, body, url = _digest(handoffs)
            messages.append(Message([person], title, body, url))
    if messages:
        notify_many(messages=messages)


def handoff_notify(*, complaint: Complaint, action: str, actor) -> None:
    """Tell the people who now hold the case (after the step is recorded); inside
    ``handoffs_grouped()`` the notice waits for the block's end."""
    texts = _texts(complaint, action)
    if texts is None:
        return
    actor_pk = getattr(actor, "pk", None)
    people = {p.pk: p for p in _recipients(complaint) if p.pk != actor_pk}
    if not people:
        return
    title, body = texts
    collected = _collected.get()
    if collected is not None:
        handoff = Handoff(complaint.pk, complaint.number, complaint.status, title, body)
        for pk, person in people.items():
            collected.setdefault(pk, (person, []))[1].append(handoff)
        return
    url = reverse("complaints:detail", args=[complaint.pk])
    notify_many(
        messages=[
            Message(recipients=list(people.values()), title=title, body=body, url=url)
        ]
    )
