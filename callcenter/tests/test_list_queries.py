"""List pages do a fixed number of queries, however many rows they show."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from callcenter.events_api import api_token_create
from callcenter.health import dial_check_record, hotline_fault_open
from callcenter.models import Service
from callcenter.rosters import handover_log, shift_save
from callcenter.services import hotline_call_log, message_take

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=TZ)
ROWS = 25

pytestmark = pytest.mark.usefixtures("seeded_calendar")


@pytest.fixture(autouse=True)
def friday_evening():
    with time_machine.travel(MONDAY + timedelta(days=4, hours=10), tick=False):
        yield


def test_hotline_log_queries_fixed__R_HOT_3(
    client, company, django_assert_max_num_queries
):
    for n in range(ROWS):
        hotline_call_log(
            actor=company.cs_agent.user,
            started_at=MONDAY + timedelta(hours=n),
            caller_number=f"1380000{n:04d}",
            content=f"咨询{n}",
            outcome="missed" if n % 3 == 0 else "answered",
        )
    client.force_login(company.cs_agent.user)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("callcenter:hotline"))
    assert "13800000024" in response.content.decode()


def test_messages_list_queries_fixed__R_SWB_3(
    client, company, django_assert_max_num_queries
):
    for n in range(ROWS):
        message_take(
            actor=company.operator.user,
            recipient=company.employee if n % 2 else company.employee_east,
            caller_number=f"1390000{n:04d}",
            caller_name=f"客户{n}",
            content="请回电",
        )
    client.force_login(company.admin.user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("callcenter:messages"))
    assert "客户24" in response.content.decode()


def test_roster_week_queries_fixed__R_SWB_4_R_HOT_4(
    client, company, django_assert_max_num_queries
):
    people = [company.operator, company.admin2, company.cs_agent, company.head_cs]
    for day in range(5):
        for n, person in enumerate(people):
            start = MONDAY + timedelta(days=day, hours=2 * n)
            shift_save(
                actor=company.head_cs.user,
                service=Service.SWITCHBOARD if n < 2 else Service.HOTLINE,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                employee=person,
                delegate=company.employee,
            )
    for _n in range(ROWS):
        handover_log(
            actor=company.operator.user,
            service=Service.SWITCHBOARD,
            to_employee=company.admin2,
            open_items="回电",
        )
    client.force_login(company.head_cs.user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("callcenter:roster"), {"week": "2026-03-02"})
    assert response.content.decode().count('data-testid="shift"') == 20


def test_health_page_queries_fixed__R_HOT_5(
    client, company, django_assert_max_num_queries
):
    for n in range(ROWS):
        at = MONDAY + timedelta(hours=n)
        dial_check_record(actor=company.cs_agent.user, result="ok", at=at)
        hotline_fault_open(actor=company.cs_agent.user, cause=f"忙音{n}", at=at)
    client.force_login(company.cs_agent.user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("callcenter:health"))
    assert "忙音24" in response.content.decode()


def test_api_tokens_page_queries_fixed(client, company, django_assert_max_num_queries):
    for n in range(ROWS):
        api_token_create(actor=company.admin.user, system=f"pbx-{n}")
    client.force_login(company.admin.user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("callcenter:api_tokens"))
    assert "pbx-24" in response.content.decode()
