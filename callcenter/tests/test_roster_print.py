"""Paper forms of the rosters: the week's 值班表 and a 交接记录, with signature
lines; each shows what the roster page shows the user (R-SWB-4, R-HOT-4)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from callcenter.models import Service
from callcenter.rosters import handover_log, shift_save

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 3, 10, 0, tzinfo=TZ)  # a Tuesday


@pytest.fixture
def roster(company):
    with time_machine.travel(NOW, tick=False):
        shift_save(
            actor=company.head_cs.user,
            service=Service.HOTLINE,
            starts_at=datetime(2026, 3, 3, 8, 30, tzinfo=TZ),
            ends_at=datetime(2026, 3, 3, 17, 30, tzinfo=TZ),
            employee=company.cs_agent,
        )
        shift_save(
            actor=company.head_cs.user,
            service=Service.SWITCHBOARD,
            starts_at=datetime(2026, 3, 4, 8, 30, tzinfo=TZ),
            ends_at=datetime(2026, 3, 4, 17, 30, tzinfo=TZ),
            employee=company.operator,
        )
        handover = handover_log(
            actor=company.cs_agent.user,
            service=Service.HOTLINE,
            to_employee=company.head_cs,
            open_items="客户回电待处理",
        )
    return handover


def test_week_roster_prints_each_day_and_signature_lines__R_HOT_4(
    client, company, roster
):
    url = reverse("callcenter:roster_print") + "?week=2026-03-02"
    client.force_login(company.head_cs.user)
    html = client.get(url).content.decode()
    assert "Duty roster" in html and "2026-03-02 – 2026-03-08" in html
    assert company.cs_agent.name in html and company.operator.name in html
    assert html.count('data-testid="signature"') == 2
    assert "Prepared by" in html and "Checked by" in html
    # An agent sees their own shifts only, as on the roster page.
    client.force_login(company.cs_agent.user)
    html = client.get(url).content.decode()
    assert company.cs_agent.name in html and company.operator.name not in html


def test_roster_print_shows_others_nothing_of_the_roster__R_HOT_4(
    client, company, roster
):
    url = reverse("callcenter:roster_print") + "?week=2026-03-02"
    # A head of another department (rostered as any employee): none of the shifts.
    client.force_login(company.head_sales.user)
    html = client.get(url).content.decode()
    assert company.cs_agent.name not in html and company.operator.name not in html
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_handover_record_prints_both_sides_and_is_refused_to_others__R_HOT_4(
    client, company, roster
):
    url = reverse("callcenter:handover_print", args=[roster.pk])
    for person in (company.cs_agent, company.head_cs, company.admin):
        client.force_login(person.user)
        assert client.get(url).status_code == 200, person
    html = client.get(url).content.decode()
    assert "Shift handover record" in html and "客户回电待处理" in html
    assert html.count('data-testid="signature"') == 2
    assert "Shift handed over by" in html and "Shift taken over by" in html
    # Someone else's handover: the operator, an employee, a head of sales: 404.
    for person in (company.operator, company.employee, company.head_sales):
        client.force_login(person.user)
        assert client.get(url).status_code == 404, person


def test_roster_page_links_the_printable_forms(client, company, roster):
    client.force_login(company.head_cs.user)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("callcenter:roster") + "?week=2026-03-02")
    html = page.content.decode()
    assert reverse("callcenter:roster_print") + "?week=2026-03-02" in html
    assert reverse("callcenter:handover_print", args=[roster.pk]) in html
