"""The escalation sweep: each level once, to the right people, in service hours."""

import threading

import pytest
import time_machine
from django.db import connection

from callcenter.complaints.models import (
    ClockKind,
    ClockState,
    ComplaintEvent,
    EventLevel,
    FollowUpTask,
    SlaEvent,
)
from callcenter.complaints.services import (
    complaint_send,
    complaint_verify,
    contact_log,
)
from callcenter.complaints.sla import sla_sweep
from callcenter.complaints.tasks import sla_sweep_task
from telephony_admin.core.models import Notification

from .conftest import at, ensure_calendar
from .factories import register


def titles_for(employee):
    return list(
        Notification.objects.filter(recipient=employee.user).values_list(
            "title", flat=True
        )
    )


def routed(company, accepted):
    complaint = register(company, accepted_at=accepted)
    complaint_send(
        user=company.cs_agent.user,
        complaint_id=complaint.pk,
        department_id=company.dept_sales.pk,
        now=accepted,
    )
    complaint_verify(
        user=company.handler.user,
        complaint_id=complaint.pk,
        founded=True,
        explanation="属实",
        now=accepted,
    )
    return complaint


@pytest.mark.usefixtures("cal")
def test_warning_at_75_percent_goes_to_the_assignee_once__R_CMP_3(company):
    complaint = routed(company, at(2026, 3, 2, 10, 0))
    assert sla_sweep(now=at(2026, 3, 2, 11, 29)) == 0
    assert sla_sweep(now=at(2026, 3, 2, 11, 31)) == 1
    assert sla_sweep(now=at(2026, 3, 2, 11, 32)) == 0
    event = SlaEvent.objects.get()
    assert event.level == EventLevel.WARNING
    assert event.clock.kind == ClockKind.FIRST_REPLY
    assert [t for t in titles_for(company.handler) if complaint.number in t]
    assert titles_for(company.head_sales) == []


@pytest.mark.usefixtures("cal")
def test_target_notifies_head_and_agent_and_makes_a_follow_up_task__R_CMP_3(
    company,
):
    complaint = routed(company, at(2026, 3, 2, 10, 0))
    sla_sweep(now=at(2026, 3, 2, 12, 1))
    sla_sweep(now=at(2026, 3, 2, 12, 2))
    event = SlaEvent.objects.get(clock__kind=ClockKind.FIRST_REPLY)
    assert event.level == EventLevel.TARGET  # past due, no late warning
    first = complaint.clocks.get(kind=ClockKind.FIRST_REPLY)
    assert first.state == ClockState.BREACHED
    assert len(titles_for(company.head_sales)) == 1
    assert len(titles_for(company.cs_agent)) == 1
    task = FollowUpTask.objects.get()
    assert task.assignee == company.cs_agent
    assert task.done_at is None
    assert ComplaintEvent.objects.filter(action="escalated").count() == 1
    # Updating the customer completes the task; the clock stays late.
    contact_log(
        user=company.cs_agent.user,
        complaint_id=complaint.pk,
        summary="已致电客户说明进展",
        now=at(2026, 3, 2, 13, 10),
    )
    task.refresh_from_db()
    first.refresh_from_db()
    assert task.done_at == at(2026, 3, 2, 13, 10)
    assert first.state == ClockState.BREACHED
    assert first.on_time is False


@pytest.mark.usefixtures("cal")
def test_maximum_goes_to_cs_head_and_general_manager__R_CMP_3(company):
    complaint = routed(company, at(2026, 3, 2, 10, 0))
    contact_log(
        user=company.cs_agent.user,
        complaint_id=complaint.pk,
        summary="已答复",
        now=at(2026, 3, 2, 10, 30),
    )
    sla_sweep(now=at(2026, 3, 5, 10, 1))  # general: maximum 3 working days
    levels = set(SlaEvent.objects.values_list("clock__kind", "level"))
    assert levels == {
        (ClockKind.RESOLUTION_TARGET, EventLevel.TARGET),
        (ClockKind.RESOLUTION_MAX, EventLevel.MAXIMUM),
    }
    for person in (company.head_cs, company.gm):
        assert any("maximum" in t for t in titles_for(person))
    assert not any("maximum" in t for t in titles_for(company.handler))


@pytest.mark.usefixtures("cal")
def test_notification_outside_service_hours_waits_for_next_start__R_HOT_2(company):
    routed(company, at(2026, 3, 6, 15, 30))  # first reply due Fri 17:30
    sla_sweep(now=at(2026, 3, 6, 18, 0))
    notes = Notification.objects.filter(recipient=company.head_sales.user)
    assert notes.count() == 1
    assert notes.get().not_before == at(2026, 3, 9, 8, 30)


@pytest.mark.usefixtures("cal")
def test_paused_clock_does_not_escalate__R_CMP_3(company):
    from callcenter.complaints.services import complaint_wait

    complaint = routed(company, at(2026, 3, 2, 10, 0))
    complaint_wait(
        user=company.handler.user,
        complaint_id=complaint.pk,
        reason="等客户寄回设备",
        now=at(2026, 3, 2, 10, 30),
    )
    assert sla_sweep(now=at(2026, 3, 4, 10, 0)) == 0


@pytest.mark.usefixtures("cal")
def test_beat_task_runs_the_sweep__R_CMP_3(company):
    routed(company, at(2026, 3, 2, 10, 0))
    with time_machine.travel(at(2026, 3, 2, 12, 5), tick=False):
        sla_sweep_task.delay()
    assert SlaEvent.objects.filter(level=EventLevel.TARGET).count() == 1


@pytest.mark.postgres
def test_concurrent_sweeps_record_each_level_once__R_CMP_3(tcal):
    from telephony_admin.org.tests.factories import make_company

    company = make_company()
    ensure_calendar()
    complaints = [routed(company, at(2026, 3, 2, 10, m)) for m in range(6)]
    barrier = threading.Barrier(2)
    errors = []

    def sweep():
        try:
            barrier.wait()
            sla_sweep(now=at(2026, 3, 6, 12, 0), batch=2)
        except Exception as exc:  # noqa: BLE001  (re-raised in the main thread)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    # Per complaint: first reply target, resolution target, resolution maximum.
    assert SlaEvent.objects.count() == 3 * len(complaints)
    assert FollowUpTask.objects.count() == 2 * len(complaints)
    assert Notification.objects.filter(recipient=company.gm.user).count() == len(
        complaints
    )


@pytest.mark.postgres
def test_numbers_stay_unique_under_concurrent_intake__R_CMP_1(tcal):
    from telephony_admin.org.tests.factories import make_company

    company = make_company()
    barrier = threading.Barrier(4)
    numbers, errors = [], []

    def intake(index):
        try:
            barrier.wait()
            for minute in range(3):
                complaint = register(
                    company, accepted_at=at(2026, 3, 2, 10, index * 10 + minute)
                )
                numbers.append(complaint.number)
        except Exception as exc:  # noqa: BLE001  (re-raised in the main thread)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=intake, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(numbers) == [f"TS-2026-{n:06d}" for n in range(1, 13)]


@pytest.mark.usefixtures("cal")
def test_sweep_command_for_operators__R_CMP_3(company):
    import io

    from django.core.management import call_command

    routed(company, at(2026, 3, 2, 10, 0))
    out = io.StringIO()
    with time_machine.travel(at(2026, 3, 2, 12, 5), tick=False):
        call_command("complaints_sla_sweep", stdout=out)
    assert out.getvalue().startswith("1 ")


@pytest.mark.usefixtures("cal")
def test_escalations_are_written_in_the_company_language__R_CMP_3(company, settings):
    """Whoever runs the sweep (worker, command, a page in English), notifications
    are stored in the company's language; history and tasks read in the viewer's."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "zh-hans"
    complaint = routed(company, at(2026, 3, 2, 10, 0))
    with translation.override("en"):
        sla_sweep(now=at(2026, 3, 2, 12, 1))
    [title] = titles_for(company.cs_agent)
    assert title == f"{complaint.number}：首次答复已超时，请主动告知客户"
    task = FollowUpTask.objects.get()
    event = ComplaintEvent.objects.get(action="escalated")
    with translation.override("en"):
        assert task.summary.endswith(": First reply passed")
        assert event.note_display == "First reply: Target passed"
    with translation.override("zh-hans"):
        assert task.summary.endswith("首次答复已超时")
