"""Each handoff of a complaint tells whoever now holds it, with a link to the case,
in the app and by e-mail; whoever took the step is not told (R-CMP-4, R-CMP-5)."""

from __future__ import annotations

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from callcenter.complaints import services as s
from telephony_admin.core.models import Notification

from .conftest import at
from .factories import register


def told(employee) -> list[str]:
    return list(
        Notification.objects.filter(recipient=employee.user)
        .order_by("pk")
        .values_list("title", flat=True)
    )


@pytest.mark.usefixtures("cal")
@time_machine.travel(at(2026, 3, 2, 10, 0), tick=False)
def test_agent_department_agent_callback_sign_off_each_told(
    company, django_capture_on_commit_callbacks
):
    c = company
    c.handler.user.email = "handler@example.com"
    c.handler.user.save()
    now = at(2026, 3, 2, 10, 0)
    complaint = register(c, accepted_at=now)
    number = complaint.number
    link = reverse("complaints:detail", args=[complaint.pk])

    with django_capture_on_commit_callbacks(execute=True):
        s.complaint_send(
            user=c.cs_agent.user,
            complaint_id=complaint.pk,
            department_id=c.dept_sales.pk,
            now=now,
        )
    # Routed to 销售部: its handler and its head, in the app and by e-mail.
    sent = f"Complaint {number} sent to 销售部"
    assert told(c.handler) == [sent] and told(c.head_sales) == [sent]
    assert Notification.objects.filter(title=sent).first().url == link
    assert told(c.cs_agent) == []  # who sent it is not told
    assert [m.to for m in mail.outbox] == [["handler@example.com"]]

    s.complaint_verify(
        user=c.handler.user,
        complaint_id=complaint.pk,
        founded=True,
        explanation="属实",
        now=now,
    )
    s.complaint_solve(
        user=c.handler.user,
        complaint_id=complaint.pk,
        findings="线路故障",
        solution="已修复",
        now=now,
    )
    s.complaint_return(user=c.handler.user, complaint_id=complaint.pk, now=now)
    # Returned to customer service: the case's agent.
    assert told(c.cs_agent) == [f"Complaint {number} returned to customer service"]

    # Another agent tells the result: the case's agent hears the callback is due.
    s.complaint_tell_result(
        user=c.head_cs.user, complaint_id=complaint.pk, result="已修复", now=now
    )
    assert told(c.cs_agent)[-1] == f"Callback due for complaint {number}"

    s.complaint_callback(
        user=c.cs_agent.user, complaint_id=complaint.pk, satisfaction=5, now=now
    )
    # Awaiting sign-off: the customer-service heads.
    assert told(c.head_cs) == [f"Complaint {number} awaits your sign-off"]

    s.complaint_sign_off(user=c.head_cs.user, complaint_id=complaint.pk, now=now)
    s.complaint_reopen(
        user=c.cs_agent.user, complaint_id=complaint.pk, reason="客户再次来电", now=now
    )
    # Reopened: back to the department.
    reopened = f"Complaint {number} reopened for 销售部"
    assert told(c.handler)[-1] == reopened and told(c.head_sales)[-1] == reopened
