"""Lists do a fixed number of queries, however many cases they show (style.md 4)."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from callcenter.complaints import services as s
from callcenter.complaints.sla import sla_sweep

from .conftest import at
from .factories import register

pytestmark = pytest.mark.usefixtures("cal")

NOW = at(2026, 3, 9, 10, 0)


def _cases(company, count, start=0):
    """Cases in several states, routed, contacted and escalated (follow-ups)."""
    agent = company.cs_agent.user
    for i in range(start, start + count):
        accepted = at(2026, 3, 2, 9, i)
        complaint = register(
            company, accepted_at=accepted, phone=f"1380013{i:04d}", customer=f"客户{i}"
        )
        s.complaint_send(
            user=agent,
            complaint_id=complaint.pk,
            department_id=company.dept_sales.pk,
            now=accepted,
        )
        s.contact_log(
            user=agent, complaint_id=complaint.pk, summary="已受理", now=accepted
        )
        s.complaint_note(
            user=agent, complaint_id=complaint.pk, note="备注", now=accepted
        )
    sla_sweep(now=NOW)


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


@pytest.mark.parametrize("queue", ["mine", "department", "overdue", "today", "all"])
def test_queue_queries_do_not_grow_with_the_cases__R_CMP_3(
    client, company, django_assert_max_num_queries, queue
):
    client.force_login(company.cs_agent.user)
    url = reverse("complaints:queue")
    with time_machine.travel(NOW, tick=False):
        _cases(company, 2)
        few = _count(client, url, {"queue": queue})
        _cases(company, 8, start=2)
        with django_assert_max_num_queries(few):
            response = client.get(url, {"queue": queue})
    assert len(response.context["page"].object_list) >= 10 or queue == "today"


def test_report_and_export_queries_do_not_grow_with_the_cases__R_CMP_6(
    client, company, django_assert_max_num_queries
):
    client.force_login(company.gm.user)
    with time_machine.travel(NOW, tick=False):
        _cases(company, 2)
        few = _count(client, reverse("complaints:reports"), {"month": "2026-03"})
        few_xlsx = _count(client, reverse("complaints:export"), {"month": "2026-03"})
        _cases(company, 8, start=2)
        with django_assert_max_num_queries(few):
            response = client.get(reverse("complaints:reports"), {"month": "2026-03"})
        with django_assert_max_num_queries(few_xlsx):
            client.get(reverse("complaints:export"), {"month": "2026-03"})
    assert response.context["report"].total == 10


def test_detail_queries_do_not_grow_with_the_history__R_CMP_7(
    client, company, django_assert_max_num_queries
):
    client.force_login(company.cs_agent.user)
    with time_machine.travel(NOW, tick=False):
        _cases(company, 1)
        complaint = company.cs_agent.complaints_received.get()
        url = reverse("complaints:detail", args=[complaint.pk])
        few = _count(client, url)
        for i in range(8):
            s.complaint_note(
                user=company.cs_agent.user,
                complaint_id=complaint.pk,
                note=f"备注{i}",
                now=NOW,
            )
            s.contact_log(
                user=company.cs_agent.user,
                complaint_id=complaint.pk,
                summary=f"进展{i}",
                now=NOW,
            )
        _cases(company, 4, start=1)  # earlier cases of other callers
        with django_assert_max_num_queries(few):
            response = client.get(url)
    assert response.content.decode().count("进展") == 16  # history and contacts


def test_home_and_lookup_queries_do_not_grow_with_the_cases__R_CMP_1(
    client, company, django_assert_max_num_queries
):
    client.force_login(company.cs_agent.user)
    lookup = reverse("complaints:lookup")
    with time_machine.travel(NOW, tick=False):
        _cases(company, 2)
        few_home = _count(client, reverse("home"))
        few_lookup = _count(client, lookup, {"phone": "1380013"})
        _cases(company, 8, start=2)
        with django_assert_max_num_queries(few_home):
            client.get(reverse("home"))
        with django_assert_max_num_queries(few_lookup):
            response = client.get(lookup, {"phone": "1380013"})
    assert len(response.json()["cases"]) == 10
