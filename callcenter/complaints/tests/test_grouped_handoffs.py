"""Handoffs arriving at once are told as one notice per person: "at once" is one
``handoffs_grouped()`` block (one call of a service acting on several cases, such as
the bulk route, in one transaction); steps taken one by one are told one by one."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse

from callcenter.complaints import services as s
from callcenter.complaints.bulk import complaints_send_many
from callcenter.complaints.handoffs import handoffs_grouped
from callcenter.complaints.models import Status
from telephony_admin.core.models import Notification
from telephony_admin.errors import PermissionRefused
from telephony_admin.org.models import Employee, Role

from .conftest import at
from .factories import register

NOW = at(2026, 3, 2, 10, 0)


def notes(employee):
    return list(Notification.objects.filter(recipient=employee.user).order_by("pk"))


@pytest.mark.usefixtures("cal")
@time_machine.travel(NOW, tick=False)
def test_bulk_route_tells_each_department_person_once_listing_the_cases__R_CMP_4(
    company, django_capture_on_commit_callbacks
):
    c = company
    c.handler.user.email = "handler@example.com"
    c.handler.user.save()
    cases = [register(c, accepted_at=NOW, phone=f"1380013800{i}") for i in range(3)]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = complaints_send_many(
            user=c.cs_agent.user,
            complaint_ids=[x.pk for x in cases],
            department_id=c.dept_sales.pk,
            now=NOW,
        )
    assert [x.status for x in sent] == [Status.SENT] * 3
    for person in (c.handler, c.head_sales):
        (notice,) = notes(person)
        assert notice.title == "3 complaints handed to you"
        for case in cases:
            assert f"Complaint {case.number} sent to 销售部" in notice.body
        link = urlsplit(notice.url)
        assert link.path == reverse("complaints:queue")
        query = parse_qs(link.query)
        assert query["queue"] == ["department"]
        assert query["cases"] == [
            ",".join(str(x.pk) for x in sorted(cases, key=lambda x: x.pk))
        ]
    # one e-mail for the handler, not three
    assert [m.to for m in mail.outbox] == [["handler@example.com"]]


@pytest.mark.usefixtures("cal")
@time_machine.travel(NOW, tick=False)
def test_the_notice_link_opens_the_queue_filtered_to_those_cases(client, company):
    c = company
    cases = [register(c, accepted_at=NOW, phone=f"1380013800{i}") for i in range(2)]
    other = register(c, accepted_at=NOW, phone="13900000000")
    s.complaint_send(
        user=c.cs_agent.user,
        complaint_id=other.pk,
        department_id=c.dept_sales.pk,
        now=NOW,
    )
    complaints_send_many(
        user=c.cs_agent.user,
        complaint_ids=[x.pk for x in cases],
        department_id=c.dept_sales.pk,
        now=NOW,
    )
    notice = notes(c.handler)[-1]
    client.force_login(c.handler.user)
    page = client.get(notice.url)
    assert page.status_code == 200
    assert sorted(x.pk for x in page.context["page"].object_list) == sorted(
        x.pk for x in cases
    )
    assert page.context["cases_filter"]


@pytest.mark.usefixtures("cal")
@time_machine.travel(NOW, tick=False)
def test_one_case_in_a_group_reads_as_the_single_notice(company):
    c = company
    case = register(c, accepted_at=NOW)
    complaints_send_many(
        user=c.cs_agent.user,
        complaint_ids=[case.pk],
        department_id=c.dept_sales.pk,
        now=NOW,
    )
    (notice,) = notes(c.handler)
    assert notice.title == f"Complaint {case.number} sent to 销售部"
    assert notice.url == reverse("complaints:detail", args=[case.pk])


@pytest.mark.usefixtures("cal")
@time_machine.travel(NOW, tick=False)
def test_steps_one_by_one_are_told_one_by_one(company):
    c = company
    cases = [register(c, accepted_at=NOW, phone=f"1380013800{i}") for i in range(2)]
    for case in cases:
        s.complaint_send(
            user=c.cs_agent.user,
            complaint_id=case.pk,
            department_id=c.dept_sales.pk,
            now=NOW,
        )
    assert [n.title for n in notes(c.handler)] == [
        f"Complaint {x.number} sent to 销售部" for x in cases
    ]


@pytest.mark.usefixtures("cal")
@time_machine.travel(NOW, tick=False)
def test_a_group_tells_each_agent_only_of_their_own_cases(company):
    """Returned cases of two agents: each hears of theirs; the other agent of
    another case is not told."""
    c = company
    other_agent = Employee.objects.create(
        name="客服乙", department=c.dept_cs, user=None
    )
    from django.contrib.auth.models import Group, User

    other_agent.user = User.objects.create_user("cs_agent2", password="x")
    other_agent.save()
    other_agent.user.groups.add(Group.objects.get(name=Role.CS_AGENT))
    mine = register(c, accepted_at=NOW, phone="13800138001")
    theirs = s.complaint_register(
        user=other_agent.user,
        customer_name="客户乙",
        contact_phone="13800138002",
        content="无法拨号",
        complexity="general",
        accepted_at=NOW,
        now=NOW,
    )
    for case in (mine, theirs):
        s.complaint_send(
            user=c.cs_agent.user,
            complaint_id=case.pk,
            department_id=c.dept_sales.pk,
            now=NOW,
        )
        s.complaint_verify(
            user=c.handler.user,
            complaint_id=case.pk,
            founded=True,
            explanation="属实",
            now=NOW,
        )
    Notification.objects.all().delete()
    with transaction.atomic(), handoffs_grouped():
        for case in (mine, theirs):
            s.complaint_solve(
                user=c.handler.user,
                complaint_id=case.pk,
                findings="f",
                solution="s",
                return_now=True,
                now=NOW,
            )
    assert [n.title for n in notes(c.cs_agent)] == [
        f"Complaint {mine.number} returned to customer service"
    ]
    assert [n.title for n in notes(other_agent)] == [
        f"Complaint {theirs.number} returned to customer service"
    ]


@pytest.mark.usefixtures("cal")
@time_machine.travel(NOW, tick=False)
def test_a_refused_bulk_route_tells_nobody_and_sends_nothing(company):
    c = company
    first = register(c, accepted_at=NOW, phone="13800138001")
    second = register(c, accepted_at=NOW, phone="13800138002")
    s.complaint_send(
        user=c.cs_agent.user,
        complaint_id=second.pk,
        department_id=c.dept_sales.pk,
        now=NOW,
    )
    Notification.objects.all().delete()
    with pytest.raises(s.TransitionRefused):
        complaints_send_many(
            user=c.cs_agent.user,
            complaint_ids=[first.pk, second.pk],
            department_id=c.dept_fin.pk,
            now=NOW,
        )
    first.refresh_from_db()
    assert first.status == Status.REGISTERED
    assert not Notification.objects.exists()


def test_only_customer_service_routes_in_bulk(client, company):
    c = company
    with pytest.raises(PermissionRefused):
        complaints_send_many(
            user=c.head_sales.user, complaint_ids=[1], department_id=c.dept_sales.pk
        )
    client.force_login(c.handler.user)
    response = client.post(
        reverse("complaints:send_many"),
        {"case": ["1"], "department": str(c.dept_sales.pk)},
    )
    assert response.status_code == 403


@pytest.mark.usefixtures("cal")
@time_machine.travel(NOW, tick=False)
def test_the_queue_page_sends_the_ticked_cases(client, company):
    c = company
    cases = [register(c, accepted_at=NOW, phone=f"1380013800{i}") for i in range(2)]
    client.force_login(c.cs_agent.user)
    page = client.get(reverse("complaints:queue") + "?queue=mine")
    assert 'data-testid="bulk-send"' in page.content.decode()
    response = client.post(
        reverse("complaints:send_many"),
        {
            "case": [str(x.pk) for x in cases],
            "department": str(c.dept_sales.pk),
            "queue": "mine",
        },
    )
    assert response.status_code == 302
    assert [n.title for n in notes(c.head_sales)] == ["2 complaints handed to you"]
    # Nothing left to send: the page no longer offers the bulk route.
    page = client.get(reverse("complaints:queue") + "?queue=mine")
    assert 'data-testid="bulk-send"' not in page.content.decode()
