"""Hotline log, service hours, answer rate, health (R-HOT-2, -3, -5, -6)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from callcenter.health import (
    answer_rate_report,
    answer_rates_by_day,
    dial_check_record,
    hotline_fault_close,
    hotline_quiet_check,
)
from callcenter.models import (
    AnswerRateReport,
    DialPrompt,
    HotlineCall,
    HotlineFault,
    Message,
    Service,
)
from callcenter.rosters import shift_save
from callcenter.services import hotline_call_log
from telephony_admin.core import config
from telephony_admin.core.models import Notification
from telephony_admin.errors import PermissionRefused

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.usefixtures("seeded_calendar")


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def log(company, started_at, outcome="answered", **kw):
    with time_machine.travel(
        kw.pop("now", started_at + timedelta(minutes=5)), tick=False
    ):
        return hotline_call_log(
            actor=company.cs_agent.user,
            started_at=started_at,
            caller_number=kw.pop("caller_number", "13800001111"),
            content=kw.pop("content", "咨询产品"),
            outcome=outcome,
            **kw,
        )


def titles(employee):
    return list(
        Notification.objects.filter(recipient=employee.user).values_list(
            "title", flat=True
        )
    )


# --- service hours (R-HOT-2, R-HOT-3) ---------------------------------------------


def test_call_on_national_day_holiday_is_outside_service_hours__R_HOT_2(company):
    call = log(company, at(2026, 10, 1, 10, 0), now=at(2026, 10, 8, 9, 0))
    assert not call.in_service_hours
    assert call.entered_late


def test_call_on_make_up_sunday_is_in_service_hours__R_HOT_2(company):
    call = log(company, at(2026, 9, 20, 10, 0))
    assert call.in_service_hours and not call.entered_late


def test_call_on_make_up_saturday_is_in_service_hours__R_HOT_2(company):
    assert log(company, at(2026, 10, 10, 9, 0)).in_service_hours


def test_call_at_lunch_and_evening_is_outside_service_hours__R_HOT_2(company):
    assert not log(company, at(2026, 3, 2, 12, 30)).in_service_hours
    assert not log(company, at(2026, 3, 2, 19, 0)).in_service_hours


def test_answered_call_needs_its_content__R_HOT_3(company):
    from callcenter.services import CallcenterError

    with pytest.raises(CallcenterError):
        log(company, at(2026, 3, 2, 10, 0), content="")


def test_missed_hotline_call_must_be_returned__R_HOT_3(company):
    call = log(company, at(2026, 3, 2, 10, 0), outcome="missed", content="")
    message = Message.objects.get(hotline_call=call)
    assert message.kind == "missed_call" and message.recipient == company.cs_agent
    assert message.due_at == at(2026, 3, 2, 12, 0)


def test_only_cs_staff_log_hotline_calls__R_HOT_3(company):
    with pytest.raises(PermissionRefused):
        hotline_call_log(
            actor=company.operator.user,
            started_at=at(2026, 3, 2, 10),
            caller_number="1",
            content="x",
            outcome="answered",
        )


def test_hotline_page_marks_off_hours_calls__R_HOT_3(client, company):
    log(company, at(2026, 10, 1, 10, 0), now=at(2026, 10, 8, 9, 0))
    client.force_login(company.head_cs.user)
    html = client.get(reverse("callcenter:hotline")).content.decode()
    assert "entered afterwards" in html and "off hours" in html


# --- answer rate (R-HOT-6) --------------------------------------------------------


def _day_with(company, answered, missed, tests=0):
    for i in range(answered):
        log(company, at(2026, 3, 2, 9, i))
    for i in range(missed):
        log(company, at(2026, 3, 2, 10, i), outcome="missed", content="")
    for i in range(tests):
        HotlineCall.objects.create(started_at=at(2026, 3, 2, 11, i), outcome="test")


def test_answer_rate_counts_answered_over_offered__R_HOT_6(company):
    _day_with(company, answered=17, missed=3, tests=5)
    (rate,) = answer_rates_by_day(
        start=at(2026, 3, 2).date(), end=at(2026, 3, 2).date()
    )
    assert (rate.offered, rate.answered, str(rate.percent)) == (20, 17, "85.0")
    assert not rate.below_target


def test_answer_rate_below_target_reported_once_to_cs_head__R_HOT_6(company):
    _day_with(company, answered=8, missed=2)
    reports = answer_rate_report(now=at(2026, 3, 3, 1, 0))
    assert [r.period for r in reports] == ["day"]
    assert answer_rate_report(now=at(2026, 3, 3, 2, 0)) == []
    assert AnswerRateReport.objects.count() == 1
    assert len([t for t in titles(company.head_cs) if "80.0%" in t]) == 1


def test_answer_rate_target_is_a_setting__R_HOT_6(company):
    config.set_value("callcenter.answer_rate_target", "75")
    _day_with(company, answered=8, missed=2)
    assert answer_rate_report(now=at(2026, 3, 3, 1, 0)) == []


def test_answer_rate_page_shows_low_day_in_red__R_HOT_6(client, company):
    _day_with(company, answered=1, missed=1)
    client.force_login(company.head_cs.user)
    html = client.get(reverse("callcenter:answer_rate"), {"month": "2026-03"}).content
    assert b'class="table-danger" data-testid="rate-row"' in html


# --- hotline health (R-HOT-5) -----------------------------------------------------


def _on_duty(company):
    shift_save(
        actor=company.head_cs.user,
        service=Service.HOTLINE,
        starts_at=at(2026, 3, 2, 8, 30),
        ends_at=at(2026, 3, 2, 17, 30),
        employee=company.cs_agent,
    )


def test_quiet_line_prompts_agent_on_duty_to_test_dial_once__R_HOT_5(company):
    _on_duty(company)
    log(company, at(2026, 3, 2, 8, 40))
    assert hotline_quiet_check(now=at(2026, 3, 2, 10, 30)) is None  # 1 h 50 quiet
    prompt = hotline_quiet_check(now=at(2026, 3, 2, 10, 45))
    assert prompt.agent == company.cs_agent
    assert hotline_quiet_check(now=at(2026, 3, 2, 11, 0)) is None
    assert DialPrompt.objects.count() == 1
    assert len([t for t in titles(company.cs_agent) if "test-dial" in t]) == 1


def test_fresh_install_without_calls_prompts_after_quiet_span_from_first_shift__R_HOT_5(
    company,
):
    # No call was ever logged: the quiet span runs from the first hotline shift.
    assert hotline_quiet_check(now=at(2026, 3, 2, 10, 45)) is None  # nobody rostered
    _on_duty(company)
    assert hotline_quiet_check(now=at(2026, 3, 2, 10, 29)) is None  # 1 h 59 staffed
    prompt = hotline_quiet_check(now=at(2026, 3, 2, 10, 30))
    assert prompt.quiet_since == at(2026, 3, 2, 8, 30)
    assert prompt.agent == company.cs_agent
    assert any("test-dial" in t for t in titles(company.cs_agent))
    assert hotline_quiet_check(now=at(2026, 3, 2, 11, 0)) is None  # once per span


def test_quiet_span_counts_service_time_only__R_HOT_5(company):
    _on_duty(company)
    log(company, at(2026, 3, 2, 11, 0))
    # 11:00-12:00 and 13:00-13:59 are 1 h 59 of service time: not yet quiet.
    assert hotline_quiet_check(now=at(2026, 3, 2, 13, 59)) is None
    assert hotline_quiet_check(now=at(2026, 3, 2, 14, 0)) is not None
    assert hotline_quiet_check(now=at(2026, 3, 2, 19, 0)) is None  # off hours


def test_test_dial_resets_quiet_span_and_fault_notifies_technical_contact__R_HOT_5(
    company,
):
    _on_duty(company)
    config.set_value("callcenter.technical_contact", company.admin2.number)
    log(company, at(2026, 3, 2, 8, 40))
    hotline_quiet_check(now=at(2026, 3, 2, 10, 45))
    check = dial_check_record(
        actor=company.cs_agent.user,
        result="fault",
        note="忙音，线路不通",
        at=at(2026, 3, 2, 10, 50),
    )
    fault = HotlineFault.objects.get()
    assert fault.test_dial == check and fault.cause == "忙音，线路不通"
    assert check.prompt is not None
    assert any("忙音" in t for t in titles(company.admin2))
    # While the fault is open, no further prompts.
    assert hotline_quiet_check(now=at(2026, 3, 2, 16, 0)) is None
    with time_machine.travel(at(2026, 3, 2, 15, 0), tick=False):
        hotline_fault_close(
            actor=company.admin2.user, fault=fault, repair_note="更换中继板"
        )
    fault.refresh_from_db()
    assert fault.closed_at == at(2026, 3, 2, 15, 0)


def test_health_page_refuses_recording_for_non_cs_staff__R_HOT_5(client, company):
    client.force_login(company.admin.user)
    assert client.get(reverse("callcenter:health")).status_code == 200
    response = client.post(reverse("callcenter:health"), {"dial": "1", "result": "ok"})
    assert response.status_code == 403


def test_call_logged_long_after_is_marked_late_per_setting__R_HOT_3(company):
    config.set_value("callcenter.hotline_late_entry_minutes", 60)
    assert not log(
        company, at(2026, 3, 2, 9, 0), now=at(2026, 3, 2, 9, 50)
    ).entered_late
    assert log(company, at(2026, 3, 2, 9, 0), now=at(2026, 3, 2, 10, 30)).entered_late
