"""Duty roster: gaps before they happen, delegates, handovers (R-SWB-4, R-HOT-4)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from callcenter.models import Handover, Service
from callcenter.rosters import (
    coverage_gaps,
    hotline_rings_at,
    shift_save,
    shift_set_away,
)
from callcenter.services import CallcenterError
from telephony_admin.core import config
from telephony_admin.errors import PermissionRefused

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def shift(company, service, start, end, employee=None, delegate=None):
    return shift_save(
        actor=company.head_cs.user,
        service=service,
        starts_at=start,
        ends_at=end,
        employee=employee or company.cs_agent,
        delegate=delegate,
    )


def gaps_of(service, day, now=None):
    return [
        (g.start, g.end)
        for g in coverage_gaps(start=day, days=1, now=now)
        if g.service == service
    ]


@pytest.mark.usefixtures("seeded_calendar")
def test_hotline_gap_in_afternoon_service_hours__R_HOT_4(company):
    shift(company, Service.HOTLINE, at(2026, 3, 2, 8, 30), at(2026, 3, 2, 12, 0))
    assert gaps_of(Service.HOTLINE, date(2026, 3, 2)) == [
        (at(2026, 3, 2, 13, 0), at(2026, 3, 2, 17, 30))
    ]


@pytest.mark.usefixtures("seeded_calendar")
def test_switchboard_gap_against_configured_day_hours__R_SWB_4(company):
    config.set_value("callcenter.switchboard_day_start", time(9, 0))
    config.set_value("callcenter.switchboard_day_end", time(17, 0))
    shift(
        company,
        Service.SWITCHBOARD,
        at(2026, 3, 2, 9, 0),
        at(2026, 3, 2, 12, 0),
        employee=company.operator,
    )
    shift(
        company,
        Service.SWITCHBOARD,
        at(2026, 3, 2, 14, 0),
        at(2026, 3, 2, 18, 0),
        employee=company.admin2,
    )
    assert gaps_of(Service.SWITCHBOARD, date(2026, 3, 2)) == [
        (at(2026, 3, 2, 12, 0), at(2026, 3, 2, 14, 0))
    ]


@pytest.mark.usefixtures("seeded_calendar")
def test_gap_shown_only_for_what_is_still_ahead__R_SWB_4(company):
    now = at(2026, 3, 2, 15, 0)
    assert gaps_of(Service.HOTLINE, date(2026, 3, 2), now=now) == [
        (now, at(2026, 3, 2, 17, 30))
    ]


@pytest.mark.usefixtures("seeded_calendar")
def test_no_hotline_cover_needed_on_holiday_but_on_make_up_day__R_HOT_2(company):
    assert gaps_of(Service.HOTLINE, date(2026, 10, 1)) == []
    assert gaps_of(Service.SWITCHBOARD, date(2026, 10, 1)) == []
    # Sunday 2026-09-20 is a make-up working day (调休) per chinesecalendar.
    assert gaps_of(Service.HOTLINE, date(2026, 9, 20)) == [
        (at(2026, 9, 20, 8, 30), at(2026, 9, 20, 12, 0)),
        (at(2026, 9, 20, 13, 0), at(2026, 9, 20, 17, 30)),
    ]


@pytest.mark.usefixtures("seeded_calendar")
def test_roster_page_shows_gaps_in_red__R_SWB_4(client, company):
    with time_machine.travel(at(2026, 3, 2, 7, 0), tick=False):
        client.force_login(company.head_cs.user)
        body = client.get(reverse("callcenter:roster"), {"week": "2026-03-02"})
    html = body.content.decode()
    assert 'data-testid="roster-gaps"' in html and "alert-danger" in html


@pytest.mark.usefixtures("seeded_calendar")
def test_delegate_answers_when_agent_away_and_handover_logged__R_HOT_4(company):
    s = shift(
        company,
        Service.HOTLINE,
        at(2026, 3, 2, 8, 30),
        at(2026, 3, 2, 17, 30),
        delegate=company.head_cs,
    )
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        assert hotline_rings_at().employee == company.cs_agent
        handover = shift_set_away(
            actor=company.cs_agent.user, shift=s, away=True, open_items="回访王先生"
        )
        target = hotline_rings_at()
    assert (target.kind, target.employee) == ("delegate", company.head_cs)
    assert handover.from_employee == company.cs_agent
    assert handover.to_employee == company.head_cs
    assert Handover.objects.get().open_items == "回访王先生"


@pytest.mark.usefixtures("seeded_calendar")
def test_hotline_rings_cs_head_mobile_outside_service_hours__R_HOT_2(company):
    company.head_cs.private_mobile = "13700001234"
    company.head_cs.save()
    target = hotline_rings_at(at(2026, 10, 2, 10, 0))  # National Day holiday
    assert (target.kind, target.employee, target.number) == (
        "cs_head",
        company.head_cs,
        "13700001234",
    )
    assert not target.in_service_hours


def test_overlapping_shift_for_same_person_refused__R_SWB_4(company):
    shift(company, Service.HOTLINE, at(2026, 3, 2, 8, 0), at(2026, 3, 2, 12, 0))
    with pytest.raises(CallcenterError):
        shift(
            company, Service.SWITCHBOARD, at(2026, 3, 2, 11, 0), at(2026, 3, 2, 13, 0)
        )


def test_only_editors_change_the_roster__R_SWB_4(company):
    with pytest.raises(PermissionRefused):
        shift_save(
            actor=company.operator.user,
            service=Service.SWITCHBOARD,
            starts_at=at(2026, 3, 2, 8),
            ends_at=at(2026, 3, 2, 12),
            employee=company.operator,
        )


def test_operator_sees_only_own_shifts__R_SWB_4(client, company):
    shift(company, Service.HOTLINE, at(2026, 3, 2, 8, 0), at(2026, 3, 2, 12, 0))
    shift(
        company,
        Service.SWITCHBOARD,
        at(2026, 3, 2, 8, 0),
        at(2026, 3, 2, 12, 0),
        employee=company.operator,
    )
    client.force_login(company.operator.user)
    html = client.get(reverse("callcenter:roster"), {"week": "2026-03-02"}).content
    html = html.decode()
    assert "孙话务" in html and "周客服" not in html


@pytest.mark.usefixtures("seeded_calendar")
def test_cs_head_mobile_shown_only_to_who_may_see_private_mobiles__R_SWB_6(
    client, company
):
    company.head_cs.private_mobile = "13700001234"
    company.head_cs.save()
    with time_machine.travel(at(2026, 10, 2, 10, 0), tick=False):
        client.force_login(company.admin.user)
        assert "13700001234" in client.get(reverse("callcenter:hotline")).text
        client.force_login(company.cs_agent.user)
        page = client.get(reverse("callcenter:hotline")).text
    assert "13700001234" not in page and "private number" in page
