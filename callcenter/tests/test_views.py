"""Page flows beyond rendering: posting forms, refusals, keeping input on error."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from callcenter.models import ApiToken, Handover, HotlineCall, Shift
from callcenter.schedule import BEAT_SCHEDULE
from callcenter.tasks import messages_sweep_task

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=TZ), tick=False):
        yield


def test_cs_head_adds_shift_and_sees_clash_error_with_input_kept__R_SWB_4(
    client, company
):
    client.force_login(company.head_cs.user)
    data = {
        "service": "hotline",
        "date": "2026-03-03",
        "start": "08:30",
        "end": "17:30",
        "employee": company.cs_agent.pk,
        "delegate": company.head_cs.pk,
    }
    assert client.post(reverse("callcenter:shift_new"), data).status_code == 302
    response = client.post(reverse("callcenter:shift_new"), {**data, "start": "09:00"})
    assert response.status_code == 200
    assert "already has a shift" in response.text and 'value="09:00"' in response.text
    assert Shift.objects.count() == 1


def test_night_shift_ends_next_day__R_SWB_4(client, company):
    client.force_login(company.admin.user)
    client.post(
        reverse("callcenter:shift_new"),
        {
            "service": "switchboard",
            "date": "2026-03-03",
            "start": "18:00",
            "end": "08:00",
            "employee": company.operator.pk,
        },
    )
    shift = Shift.objects.get()
    assert shift.ends_at == datetime(2026, 3, 4, 8, 0, tzinfo=TZ)


def test_operator_may_not_add_shifts__R_SWB_4(client, company):
    client.force_login(company.operator.user)
    response = client.post(reverse("callcenter:shift_new"), {"service": "hotline"})
    assert response.status_code == 403


def test_operator_logs_own_handover__R_SWB_4(client, company):
    client.force_login(company.operator.user)
    response = client.post(
        reverse("callcenter:handover_new"),
        {
            "service": "switchboard",
            "to_employee": company.admin2.pk,
            "open_items": "王先生下午回电",
        },
    )
    assert response.status_code == 302
    handover = Handover.objects.get()
    assert (handover.from_employee, handover.to_employee) == (
        company.operator,
        company.admin2,
    )


def test_operator_may_not_log_someone_elses_handover__R_SWB_4(client, company):
    client.force_login(company.operator.user)
    response = client.post(
        reverse("callcenter:handover_new"),
        {
            "service": "switchboard",
            "from_employee": company.admin2.pk,
            "to_employee": company.admin.pk,
        },
    )
    assert response.status_code == 403


def test_agent_logs_hotline_call_in_page__R_HOT_3(client, company):
    client.force_login(company.cs_agent.user)
    response = client.post(
        reverse("callcenter:hotline"),
        {
            "started_at": "2026-03-02T09:40",
            "caller_number": "13800001111",
            "outcome": "answered",
            "duration_minutes": "2.5",
            "content": "咨询保修",
        },
    )
    assert response.status_code == 302
    call = HotlineCall.objects.get()
    assert (call.agent, call.duration_seconds, call.in_service_hours) == (
        company.cs_agent,
        150,
        True,
    )


def test_admin_views_hotline_but_may_not_log__R_HOT_3(client, company):
    client.force_login(company.admin.user)
    assert "Log a call" not in client.get(reverse("callcenter:hotline")).text
    response = client.post(reverse("callcenter:hotline"), {"caller_number": "1"})
    assert response.status_code == 403


def test_admin_creates_and_revokes_token_in_page(client, company):
    client.force_login(company.admin.user)
    response = client.post(
        reverse("callcenter:api_tokens"),
        {"system": "pbx-main", "allow_hotline": "on"},
    )
    token = ApiToken.objects.get()
    assert token.prefix in response.text and 'data-testid="raw-token"' in response.text
    assert not token.allow_switchboard
    client.post(reverse("callcenter:api_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_beat_entries_expire_and_sweep_task_runs(db):
    assert all("expires" in entry["options"] for entry in BEAT_SCHEDULE.values())
    assert messages_sweep_task.delay().get() == {"reminded": 0, "escalated": 0}
