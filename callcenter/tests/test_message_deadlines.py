"""A message is due 2 hours of the recipient's working time later (R-SWB-3).

The working calendar's default hours are 08:30–12:00 and 13:00–17:30 on weekdays;
``seeded_calendar`` adds the 2026 public holidays and make-up days.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from callcenter.models import Message
from callcenter.services import message_take, missed_call_message
from telephony_admin.core import config
from telephony_admin.core.models import Notification

TZ = ZoneInfo("Asia/Shanghai")


def take(company):
    return message_take(
        actor=company.operator.user,
        recipient=company.employee,
        caller_number="13900001111",
        caller_name="王先生",
        content="请回电",
    )


@time_machine.travel(datetime(2026, 3, 3, 0, 6, tzinfo=TZ), tick=False)
def test_message_taken_at_night_is_due_two_working_hours_after_opening__R_SWB_3(
    company, seeded_calendar
):
    # Tuesday 00:06: the office opens at 08:30, so the message is due at 10:30, not
    # at 02:06; the recipient's notice says so.
    message = take(company)
    assert message.due_at == datetime(2026, 3, 3, 10, 30, tzinfo=TZ)
    title = Notification.objects.get(recipient=company.employee.user).title
    assert "2026-03-03 10:30" in title


@time_machine.travel(datetime(2026, 3, 6, 17, 0, tzinfo=TZ), tick=False)
def test_message_taken_friday_evening_is_due_monday_morning__R_SWB_3(
    company, seeded_calendar
):
    # Friday 17:00: half an hour left on Friday, the other 1.5 hours on Monday.
    assert take(company).due_at == datetime(2026, 3, 9, 10, 0, tzinfo=TZ)


@time_machine.travel(datetime(2026, 4, 30, 17, 0, tzinfo=TZ), tick=False)
def test_message_taken_before_a_holiday_is_due_after_it__R_SWB_3(
    company, seeded_calendar
):
    # Thursday 30 April 17:00, before the Labour Day holiday (1–5 May): half an hour
    # on the 30th, the rest on Wednesday 6 May.
    assert take(company).due_at == datetime(2026, 5, 6, 10, 0, tzinfo=TZ)


@time_machine.travel(datetime(2026, 3, 3, 0, 6, tzinfo=TZ), tick=False)
def test_wall_clock_basis_keeps_the_night_deadline__R_SWB_3(company, seeded_calendar):
    config.set_value("callcenter.message_return_basis", "wall")
    assert take(company).due_at == datetime(2026, 3, 3, 2, 6, tzinfo=TZ)


def test_missed_call_at_night_counts_working_hours_too__R_SWB_3(
    company, seeded_calendar
):
    message = missed_call_message(
        recipient=company.employee,
        caller_number="13900002222",
        at=datetime(2026, 3, 3, 23, 30, tzinfo=TZ),
    )
    assert message.kind == Message.Kind.MISSED_CALL
    assert message.due_at == datetime(2026, 3, 4, 10, 30, tzinfo=TZ)


@time_machine.travel(datetime(2026, 3, 3, 10, 0, tzinfo=TZ), tick=False)
def test_message_in_working_hours_is_due_two_hours_later__R_SWB_3(
    company, seeded_calendar
):
    assert take(company).due_at == datetime(2026, 3, 3, 12, 0, tzinfo=TZ)


@time_machine.travel(datetime(2026, 3, 3, 11, 0, tzinfo=TZ), tick=False)
def test_lunch_break_is_not_counted__R_SWB_3(company, seeded_calendar):
    # 11:00 + 1 hour to 12:00, lunch 12:00–13:00 skipped, + 1 hour: 14:00.
    assert take(company).due_at == datetime(2026, 3, 3, 14, 0, tzinfo=TZ)
