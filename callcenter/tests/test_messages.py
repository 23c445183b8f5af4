"""Messages and missed calls are returned within 2 hours (R-SWB-3)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from callcenter.models import Message
from callcenter.services import (
    CallcenterError,
    message_mark_returned,
    message_take,
    messages_sweep,
)
from telephony_admin.core import config
from telephony_admin.core.models import Notification
from telephony_admin.errors import PermissionRefused

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)


def take(company, **kw):
    defaults = {
        "actor": company.operator.user,
        "recipient": company.employee,
        "caller_number": "13900001111",
        "caller_name": "王先生",
        "content": "请回电",
    }
    return message_take(**{**defaults, **kw})


def titles(employee):
    return list(
        Notification.objects.filter(recipient=employee.user).values_list(
            "title", flat=True
        )
    )


@time_machine.travel(T0, tick=False)
def test_message_due_two_hours_later_wall_clock_and_recipient_told__R_SWB_3(company):
    message = take(company)
    assert message.due_at == T0 + timedelta(hours=2)
    assert any("王先生" in t for t in titles(company.employee))


@time_machine.travel(datetime(2026, 3, 6, 17, 0, tzinfo=TZ), tick=False)
def test_deadline_on_the_wall_clock_when_set_so__R_SWB_3(company):
    # Friday 17:00 with the "wall" basis: due 19:00 the same evening, not on Monday.
    config.set_value("callcenter.message_return_basis", "wall")
    assert take(company).due_at == datetime(2026, 3, 6, 19, 0, tzinfo=TZ)


@time_machine.travel(T0, tick=False)
def test_return_deadline_is_a_setting__R_SWB_3(company):
    config.set_value("callcenter.message_return_minutes", 60)
    assert take(company).due_at == T0 + timedelta(hours=1)


def test_reminder_before_deadline_sent_once__R_SWB_3(company):
    with time_machine.travel(T0, tick=False):
        message = take(company)
    before = len(titles(company.employee))
    assert messages_sweep(now=T0 + timedelta(minutes=80)) == {
        "reminded": 0,
        "escalated": 0,
    }
    assert messages_sweep(now=T0 + timedelta(minutes=95))["reminded"] == 1
    assert messages_sweep(now=T0 + timedelta(minutes=100))["reminded"] == 0
    message.refresh_from_db()
    assert message.reminded_at == T0 + timedelta(minutes=95)
    assert len(titles(company.employee)) == before + 1
    assert titles(company.employee)[0].startswith("Reminder")


def test_escalation_to_recipients_head_after_deadline_once__R_SWB_3(company):
    with time_machine.travel(T0, tick=False):
        message = take(company)
    assert messages_sweep(now=T0 + timedelta(minutes=119))["escalated"] == 0
    assert messages_sweep(now=T0 + timedelta(minutes=121))["escalated"] == 1
    assert messages_sweep(now=T0 + timedelta(minutes=150))["escalated"] == 0
    message.refresh_from_db()
    assert message.escalated_to == company.head_sales
    head_titles = titles(company.head_sales)
    assert len([t for t in head_titles if t.startswith("Not returned")]) == 1


def test_returned_message_is_neither_reminded_nor_escalated__R_SWB_3(company):
    with time_machine.travel(T0, tick=False):
        message = take(company)
    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):
        message_mark_returned(actor=company.employee.user, message=message, note="已回")
    assert messages_sweep(now=T0 + timedelta(hours=3)) == {
        "reminded": 0,
        "escalated": 0,
    }
    message.refresh_from_db()
    assert message.returned_at == T0 + timedelta(minutes=30)


@time_machine.travel(T0, tick=False)
def test_only_recipient_marks_returned_and_only_once__R_SWB_3(company):
    message = take(company)
    with pytest.raises(PermissionRefused):
        message_mark_returned(actor=company.employee_east.user, message=message)
    message_mark_returned(actor=company.employee.user, message=message)
    with pytest.raises(CallcenterError):
        message_mark_returned(actor=company.employee.user, message=message)


@time_machine.travel(T0, tick=False)
def test_employee_sees_own_messages_and_marks_returned_in_page__R_SWB_3(
    client, company
):
    mine = take(company)
    take(company, recipient=company.employee_east, caller_name="李女士")
    client.force_login(company.employee.user)
    page = client.get(reverse("callcenter:messages")).content.decode()
    assert "王先生" in page and "李女士" not in page
    response = client.post(reverse("callcenter:message_return", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.returned_at is not None


@time_machine.travel(T0, tick=False)
def test_other_employee_cannot_mark_returned_in_page__R_SWB_3(client, company):
    message = take(company)
    client.force_login(company.employee_east.user)
    response = client.post(reverse("callcenter:message_return", args=[message.pk]))
    assert response.status_code == 403
    assert Message.objects.get(pk=message.pk).returned_at is None


def test_employee_cannot_take_messages__R_SWB_3(company):
    with pytest.raises(PermissionRefused):
        take(company, actor=company.employee.user)
