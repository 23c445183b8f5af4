"""The switchboard console logs every call (R-SWB-2) and refuses private data (R-SWB-6)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from callcenter.models import Message, SwitchboardCall
from callcenter.services import CallcenterError, switchboard_call_log
from telephony_admin.errors import PermissionRefused

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=TZ), tick=False):
        yield


def test_transfer_needs_the_person__R_SWB_2(company):
    with pytest.raises(CallcenterError) as error:
        switchboard_call_log(
            actor=company.operator.user, outcome="transferred", caller_name="王先生"
        )
    assert error.value.field == "transferred_to"


def test_only_operators_log_calls__R_SWB_2(company):
    with pytest.raises(PermissionRefused):
        switchboard_call_log(
            actor=company.employee.user, outcome="answered", caller_name="王先生"
        )


def test_console_logs_transfer_with_all_fields__R_SWB_2(client, company):
    client.force_login(company.operator.user)
    response = client.post(
        reverse("callcenter:console"),
        {
            "caller_name": "王先生",
            "caller_organisation": "华为",
            "caller_number": "075512345678",
            "purpose": "合同",
            "transferred_to": company.employee.pk,
            "outcome": "transferred",
            "urgency": "normal",
        },
    )
    assert response.status_code == 302
    call = SwitchboardCall.objects.get()
    assert (call.caller_organisation, call.purpose, call.outcome) == (
        "华为",
        "合同",
        "transferred",
    )
    assert call.transferred_to == company.employee
    assert call.operator == company.operator


def test_private_information_request_refused_and_logged__R_SWB_6(client, company):
    client.force_login(company.operator.user)
    response = client.post(
        reverse("callcenter:console"),
        {
            "caller_name": "陌生人",
            "caller_number": "13800000000",
            "purpose": "要张三的手机号",
            "private_info_requested": "on",
            "outcome": "refused",
            "urgency": "normal",
        },
        follow=True,
    )
    assert "private information refused" in response.content.decode()
    call = SwitchboardCall.objects.get()
    assert call.private_info_requested and call.outcome == "refused"


def test_console_keeps_input_on_error__R_SWB_2(client, company):
    client.force_login(company.operator.user)
    response = client.post(
        reverse("callcenter:console"),
        {"caller_name": "王先生", "purpose": "合同", "outcome": "transferred"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="王先生"' in body and "Choose the person the call is for." in body
    assert not SwitchboardCall.objects.exists()


def test_console_message_outcome_creates_message__R_SWB_3(client, company):
    client.force_login(company.operator.user)
    client.post(
        reverse("callcenter:console"),
        {
            "caller_name": "王先生",
            "caller_number": "13900001111",
            "transferred_to": company.employee.pk,
            "outcome": "message",
            "content": "明天见面",
            "urgency": "urgent",
        },
    )
    message = Message.objects.get()
    assert message.recipient == company.employee and message.urgency == "urgent"
    assert message.switchboard_call.outcome == "message"


def test_console_message_refused_logs_no_call_and_keeps_input__R_SWB_3(client, company):
    # No number to call back: the message is refused, and so is the call, so that
    # saving the corrected form does not log the call twice.
    client.force_login(company.operator.user)
    data = {
        "caller_name": "王先生",
        "caller_organisation": "华为",
        "transferred_to": company.employee.pk,
        "outcome": "message",
        "content": "明天见面",
    }
    response = client.post(reverse("callcenter:console"), data)
    body = response.content.decode()
    assert "Enter the number to call back." in body
    assert 'value="华为"' in body and "明天见面" in body and "张三" in body
    assert not SwitchboardCall.objects.exists() and not Message.objects.exists()
    client.post(reverse("callcenter:console"), {**data, "caller_number": "13900001111"})
    assert SwitchboardCall.objects.get().outcome == "message"
    assert Message.objects.get().caller_number == "13900001111"


def test_switchboard_log_queries_do_not_grow_with_rows__R_SWB_2(
    client, company, django_assert_max_num_queries
):
    for n in range(30):
        switchboard_call_log(
            actor=company.operator.user,
            outcome="transferred",
            caller_name=f"客户{n}",
            transferred_to=company.employee if n % 2 else company.employee_east,
        )
    client.force_login(company.admin.user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("callcenter:switchboard_log"))
    assert response.status_code == 200 and "客户29" in response.content.decode()


def test_directory_fallback_finds_by_pinyin_initials_without_private_mobile__R_SWB_6(
    client, company
):
    company.employee.private_mobile = "13912345678"
    company.employee.save()
    client.force_login(company.operator.user)
    rows = client.get(reverse("callcenter:directory_search"), {"q": "zs"}).json()
    assert [r["name"] for r in rows] == ["张三"]
    assert rows[0]["employee_id"] == company.employee.pk
    assert "13912345678" not in str(rows)


def test_switchboard_log_refused_to_employee__R_SWB_2(client, company):
    client.force_login(company.employee.user)
    assert client.get(reverse("callcenter:switchboard_log")).status_code == 403
