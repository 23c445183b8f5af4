"""Due times of each clock over the 2026 calendar, pauses and complexity changes.

Mon 2026-03-02 .. Fri 03-06 are ordinary working days (08:30–12:00, 13:00–17:30).
National Day 2026: Oct 1–7 off, make-up working days Sun 09-20 and Sat 10-10.
"""

from datetime import timedelta

import pytest

from callcenter.complaints.models import ClockKind, ClockState, Complexity, Kind
from callcenter.complaints.services import (
    complaint_resume,
    complaint_set_complexity,
    complaint_wait,
    contact_log,
)
from telephony_admin.core import config

from .conftest import at
from .factories import register

pytestmark = pytest.mark.usefixtures("cal")


def clock(complaint, kind, cycle=0):
    return complaint.clocks.get(kind=kind, cycle=cycle)


@pytest.mark.parametrize(
    ("accepted", "due"),
    [
        (at(2026, 3, 2, 9, 0), at(2026, 3, 2, 11, 0)),  # plain morning
        (at(2026, 3, 2, 11, 0), at(2026, 3, 2, 14, 0)),  # across lunch
        (at(2026, 3, 2, 12, 30), at(2026, 3, 2, 15, 0)),  # accepted at lunch
        (at(2026, 3, 2, 17, 0), at(2026, 3, 3, 10, 0)),  # across the evening
        (at(2026, 3, 2, 21, 0), at(2026, 3, 3, 10, 30)),  # accepted at night
        (at(2026, 3, 6, 16, 30), at(2026, 3, 9, 9, 30)),  # across the weekend
        (at(2026, 3, 7, 10, 0), at(2026, 3, 9, 10, 30)),  # accepted on Saturday
        (at(2026, 9, 30, 17, 0), at(2026, 10, 8, 10, 0)),  # across National Day
        (at(2026, 10, 9, 17, 0), at(2026, 10, 10, 10, 0)),  # into a make-up Saturday
        (at(2026, 9, 24, 17, 0), at(2026, 9, 28, 10, 0)),  # over Mid-Autumn Friday
    ],
)
def test_first_reply_due_two_service_hours_after_acceptance__R_CMP_2(
    company, accepted, due
):
    complaint = register(company, accepted_at=accepted)
    first = clock(complaint, ClockKind.FIRST_REPLY)
    assert first.basis == "service"
    assert first.due_at == due
    assert first.state == ClockState.RUNNING


def test_first_reply_wall_clock_basis_is_a_setting__R_CMP_2(company):
    config.set_value("complaints.first_reply_basis", "wall")
    complaint = register(company, accepted_at=at(2026, 3, 2, 17, 0))
    assert clock(complaint, ClockKind.FIRST_REPLY).due_at == at(2026, 3, 2, 19, 0)


def test_first_reply_hours_is_a_setting__R_CMP_2(company):
    config.set_value("complaints.first_reply_hours", "4")
    complaint = register(company, accepted_at=at(2026, 3, 2, 11, 0))
    assert clock(complaint, ClockKind.FIRST_REPLY).due_at == at(2026, 3, 2, 16, 0)


def test_resolution_wall_clock_basis_is_its_own_setting__R_CMP_3(company):
    config.set_value("complaints.resolution_basis", "wall")
    complaint = register(company, accepted_at=at(2026, 3, 6, 16, 0))  # a Friday
    target = clock(complaint, ClockKind.RESOLUTION_TARGET)
    assert target.basis == "wall"
    assert target.due_at == at(2026, 3, 7, 16, 0)  # one calendar day, Saturday
    assert clock(complaint, ClockKind.RESOLUTION_MAX).due_at == at(2026, 3, 9, 16, 0)
    # The first reply keeps its own basis (service time by default).
    assert clock(complaint, ClockKind.FIRST_REPLY).due_at == at(2026, 3, 9, 9, 0)


def test_answer_clock_basis_is_its_own_setting__R_CMP_2(company):
    config.set_value("complaints.answer_basis", "service")
    complaint = register(company, accepted_at=at(2026, 3, 2, 17, 29, 30), kind="query")
    answer = clock(complaint, ClockKind.ANSWER)
    assert answer.basis == "service"
    # 30 s before closing, 30 s the next service morning.
    assert answer.due_at == at(2026, 3, 3, 8, 30, 30)


@pytest.mark.parametrize(
    ("complexity", "accepted", "target", "maximum"),
    [
        (
            Complexity.SIMPLE,
            at(2026, 3, 2, 11, 0),
            at(2026, 3, 2, 14, 0),
            at(2026, 3, 2, 14, 0),
        ),
        (
            Complexity.GENERAL,
            at(2026, 3, 2, 10, 0),
            at(2026, 3, 3, 10, 0),
            at(2026, 3, 5, 10, 0),
        ),
        (
            Complexity.GENERAL,
            at(2026, 3, 6, 16, 0),  # Friday afternoon: over the weekend
            at(2026, 3, 9, 16, 0),
            at(2026, 3, 11, 16, 0),
        ),
        (
            Complexity.GENERAL,
            at(2026, 9, 30, 10, 0),  # National Day, then the make-up Saturday
            at(2026, 10, 8, 10, 0),
            at(2026, 10, 10, 10, 0),
        ),
        (
            Complexity.COMPLEX,
            at(2026, 3, 2, 10, 0),
            at(2026, 3, 9, 10, 0),
            at(2026, 3, 11, 10, 0),
        ),
        (
            Complexity.COMPLEX,
            at(2026, 9, 18, 10, 0),  # Fri: make-up Sun 09-20, Mid-Autumn Fri 09-25 off
            at(2026, 9, 24, 10, 0),
            at(2026, 9, 29, 10, 0),
        ),
    ],
)
def test_resolution_target_and_maximum_by_complexity__R_CMP_3(
    company, complexity, accepted, target, maximum
):
    complaint = register(company, accepted_at=accepted, complexity=complexity)
    assert clock(complaint, ClockKind.RESOLUTION_TARGET).due_at == target
    assert clock(complaint, ClockKind.RESOLUTION_MAX).due_at == maximum


def test_warning_time_is_the_configured_share_of_the_time__R_CMP_3(company):
    complaint = register(company, accepted_at=at(2026, 3, 2, 10, 0))
    assert clock(complaint, ClockKind.FIRST_REPLY).warn_at == at(2026, 3, 2, 11, 30)
    config.set_value("complaints.warning_percent", "50")
    other = register(company, accepted_at=at(2026, 3, 2, 10, 0))
    assert clock(other, ClockKind.FIRST_REPLY).warn_at == at(2026, 3, 2, 11, 0)


@pytest.mark.parametrize(
    ("kind", "seconds"), [(Kind.CONSULTATION, 0), (Kind.QUERY, 60)]
)
def test_consultation_at_once_and_query_within_a_minute_are_measured__R_CMP_2(
    company, kind, seconds
):
    accepted = at(2026, 3, 2, 10, 0)
    complaint = register(company, accepted_at=accepted, kind=kind)
    answer = clock(complaint, ClockKind.ANSWER)
    assert answer.basis == "wall"
    assert answer.due_at == accepted + timedelta(seconds=seconds)
    assert not answer.escalates
    assert complaint.clocks.count() == 1


def test_consultation_answered_in_the_intake_form_is_at_once__R_CMP_2(company):
    accepted = at(2026, 3, 2, 10, 0)
    complaint = register(
        company,
        accepted_at=accepted,
        kind=Kind.CONSULTATION,
        answer="服务时间为工作日 8:30-17:30",
        now=accepted + timedelta(minutes=2),  # the form was saved after the call
    )
    answer = clock(complaint, ClockKind.ANSWER)
    assert complaint.status == "closed"
    assert answer.state == ClockState.MET
    assert answer.consumed == timedelta(0)
    assert complaint.contacts.get().at == accepted  # told during the call
    history = list(complaint.events.values_list("action", "at"))
    assert history == [  # recorded after the call, in order
        ("registered", accepted + timedelta(minutes=2)),
        ("answered", accepted + timedelta(minutes=2)),
    ]


def test_query_answered_in_thirty_seconds_is_on_time__R_CMP_2(company):
    accepted = at(2026, 3, 2, 10, 0)
    complaint = register(
        company,
        accepted_at=accepted,
        kind=Kind.QUERY,
        answer="您的订单已发货",
        now=accepted + timedelta(seconds=30),
    )
    answer = clock(complaint, ClockKind.ANSWER)
    assert complaint.status == "closed"
    assert answer.state == ClockState.MET
    assert answer.consumed == timedelta(seconds=30)


def test_waiting_for_customer_pauses_and_moves_due_times__R_CMP_3(company):
    complaint = register(company, accepted_at=at(2026, 3, 2, 10, 0))
    user = company.cs_agent.user
    complaint_wait(
        user=user,
        complaint_id=complaint.pk,
        reason="客户需提供购机发票",
        now=at(2026, 3, 2, 11, 0),
    )
    first = clock(complaint, ClockKind.FIRST_REPLY)
    assert first.state == ClockState.PAUSED
    assert first.next_check_at is None
    complaint_resume(user=user, complaint_id=complaint.pk, now=at(2026, 3, 3, 9, 0))
    # Paused Mon 11:00–12:00, 13:00–17:30 and Tue 08:30–09:00: 6 service hours.
    first.refresh_from_db()
    assert first.state == ClockState.RUNNING
    assert first.paused_time == timedelta(hours=6)
    assert first.due_at == at(2026, 3, 3, 10, 0)
    target = clock(complaint, ClockKind.RESOLUTION_TARGET)
    assert target.due_at == at(2026, 3, 3, 17, 0)
    complaint.refresh_from_db()
    assert complaint.status == "registered"
    period = complaint.waiting_periods.get()
    assert period.started_by == company.cs_agent
    assert period.reason == "客户需提供购机发票"


def test_complexity_change_recomputes_and_keeps_pauses__R_CMP_3(company):
    complaint = register(company, accepted_at=at(2026, 3, 2, 10, 0))
    user = company.cs_agent.user
    complaint_wait(
        user=user, complaint_id=complaint.pk, reason="等待", now=at(2026, 3, 2, 11, 0)
    )
    complaint_resume(user=user, complaint_id=complaint.pk, now=at(2026, 3, 3, 9, 0))
    complaint_set_complexity(
        user=user,
        complaint_id=complaint.pk,
        complexity=Complexity.COMPLEX,
        reason="涉及多个部门",
        now=at(2026, 3, 3, 9, 30),
    )
    # 5 working days from Mon 10:00 is Mon 03-09 10:00, plus the 6 paused hours.
    target = clock(complaint, ClockKind.RESOLUTION_TARGET)
    assert target.due_at == at(2026, 3, 9, 17, 0)
    assert target.paused_time == timedelta(hours=6)
    maximum = clock(complaint, ClockKind.RESOLUTION_MAX)
    assert maximum.due_at == at(2026, 3, 11, 17, 0)
    # The first reply does not depend on the complexity.
    assert clock(complaint, ClockKind.FIRST_REPLY).due_at == at(2026, 3, 3, 10, 0)


def test_complexity_change_to_simple_uses_first_reply_time__R_CMP_3(company):
    complaint = register(company, accepted_at=at(2026, 3, 2, 11, 0))
    complaint_set_complexity(
        user=company.cs_agent.user,
        complaint_id=complaint.pk,
        complexity=Complexity.SIMPLE,
        reason="一次性可答复",
        now=at(2026, 3, 2, 11, 10),
    )
    assert clock(complaint, ClockKind.RESOLUTION_TARGET).due_at == at(2026, 3, 2, 14)


def test_first_reply_met_only_by_a_logged_contact__R_CMP_2(company):
    complaint = register(company, accepted_at=at(2026, 3, 2, 10, 0))
    first = clock(complaint, ClockKind.FIRST_REPLY)
    assert first.met_at is None
    contact_log(
        user=company.cs_agent.user,
        complaint_id=complaint.pk,
        summary="已告知客户正在处理，明天答复",
        purpose="reply",
        now=at(2026, 3, 2, 11, 15),
    )
    first.refresh_from_db()
    assert first.state == ClockState.MET
    assert first.met_at == at(2026, 3, 2, 11, 15)
    assert first.consumed == timedelta(hours=1, minutes=15)
    assert clock(complaint, ClockKind.RESOLUTION_TARGET).met_at is None


def test_numbers_run_per_year__R_CMP_1(company):
    first = register(company, accepted_at=at(2026, 3, 2, 10, 0))
    second = register(company, accepted_at=at(2026, 3, 2, 10, 5))
    assert first.number == "TS-2026-000001"
    assert second.number == "TS-2026-000002"
