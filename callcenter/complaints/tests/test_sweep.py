"""The escalation sweep: each level once, to the right people, in service hours."""

import threading
from collections import Counter

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from callcenter.complaints.models import (
    ClockKind,
    ClockState,
    Complaint,
    ComplaintEvent,
    EventLevel,
    FollowUpTask,
    SlaClock,
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


def escalations_told(employee):
    """Each escalation a person was told of, by its title, with how many times: a
    notification is one escalation (linked to its case) or lists several."""
    told = Counter()
    for note in Notification.objects.filter(recipient=employee.user):
        if note.url.split("?")[0] == reverse("complaints:queue"):
            # A digest: a line of counts, a blank line, then "<title> (<customer>), ..."
            for line in note.body.splitlines()[2:]:
                told[line.rsplit(" (", 1)[0]] += 1
        else:
            told[note.title] += 1
    return told


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
    # The handoff notices (sent to the department) are not what these tests count.
    Notification.objects.filter(
        url=reverse("complaints:detail", args=[complaint.pk])
    ).delete()
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
    # Told once of each maximum, in one notification per batch that had some.
    assert escalations_told(company.gm) == Counter(
        {f"{c.number}: the resolution maximum passed": 1 for c in complaints}
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


# --- the batch path: constant statements, grouped notifications -------------------


def _sweep_statements(now, **kwargs):
    with CaptureQueriesContext(connection) as captured:
        fired = sla_sweep(now=now, **kwargs)
    return fired, len(captured)


@pytest.mark.usefixtures("cal")
def test_a_batch_takes_the_same_statements_for_10_or_50_clocks__R_CMP_3(company):
    """Per complaint: at Mon 17:05 the first reply is past (target) and the
    resolution target is due soon (warning); on Thu 10:05 the resolution target
    and maximum are past (target, maximum). Both sweeps, for 5 and 25 complaints."""
    statements = {}
    for cases in (5, 25):
        Complaint.objects.all().delete()
        for second in range(cases):
            routed(company, at(2026, 3, 2, 10, 0, second))
        first = _sweep_statements(at(2026, 3, 2, 17, 5))
        second = _sweep_statements(at(2026, 3, 5, 10, 5))
        assert (first[0], second[0]) == (2 * cases, 2 * cases)
        statements[cases] = (first[1], second[1])
    assert statements[5] == statements[25]
    # The batch's savepoint and its release, the claim, the clocks' details, their
    # update, the people, the heads (a maximum passed), the events, the follow-up
    # tasks, the history and the notifications: a handful, however many clocks.
    assert max(statements[5]) <= 11


@pytest.mark.usefixtures("cal")
def test_one_notification_per_person_per_batch_lists_the_cases__R_CMP_3(company):
    complaints = [routed(company, at(2026, 3, 2, 9, 0, n)) for n in range(3)]
    assert sla_sweep(now=at(2026, 3, 2, 12, 5)) == 3  # three first replies past
    for person in (company.head_sales, company.cs_agent):
        note = Notification.objects.get(recipient=person.user)
        assert note.title == "3 complaint deadlines on 3 cases"
        assert note.url == reverse("complaints:queue") + "?queue=overdue"
        lines = note.body.splitlines()
        assert lines[0] == "Target passed: 3"
        assert lines[2:] == [
            f"{c.number}: First reply passed, update the customer (客户甲), "
            f"due 2026-03-02 11:00"
            for c in complaints
        ]
    assert titles_for(company.handler) == []  # no late warning
    # Each event still says whom it told; history and tasks stay per case.
    for event in SlaEvent.objects.all():
        assert event.notified == [company.head_sales.pk, company.cs_agent.pk]
    assert ComplaintEvent.objects.filter(action="escalated").count() == 3
    assert FollowUpTask.objects.count() == 3


@pytest.mark.usefixtures("cal")
def test_a_single_escalation_keeps_its_own_text_and_case_link__R_CMP_3(company):
    complaint = routed(company, at(2026, 3, 2, 10, 0))
    sla_sweep(now=at(2026, 3, 2, 12, 5))
    note = Notification.objects.get(recipient=company.head_sales.user)
    assert note.title == f"{complaint.number}: First reply passed, update the customer"
    assert note.body == (
        f"First reply of {complaint.number} (客户甲) was due at 2026-03-02 12:00."
    )
    assert note.url == reverse("complaints:detail", args=[complaint.pk])


@pytest.mark.usefixtures("cal")
def test_a_digest_puts_the_most_serious_first__R_CMP_3(company):
    """A case not yet verified has no handler: its warning goes to the head, who
    also hears of another case's passed first reply in the same batch."""
    late = routed(company, at(2026, 3, 2, 9, 30))  # first reply due 11:30
    waiting = register(company, accepted_at=at(2026, 3, 2, 10, 0))  # warning 11:30
    complaint_send(
        user=company.cs_agent.user,
        complaint_id=waiting.pk,
        department_id=company.dept_sales.pk,
        now=at(2026, 3, 2, 10, 0),
    )
    # The department heard it was sent; the sweep's digest is what is checked here.
    assert Notification.objects.filter(
        recipient=company.head_sales.user,
        title=f"Complaint {waiting.number} sent to 销售部",
    ).exists()
    Notification.objects.all().delete()
    assert sla_sweep(now=at(2026, 3, 2, 11, 40)) == 2
    note = Notification.objects.get(recipient=company.head_sales.user)
    assert note.title == "2 complaint deadlines on 2 cases"
    assert note.url == reverse("complaints:queue") + "?queue=overdue"
    lines = note.body.splitlines()
    assert lines[0] == "Target passed: 1; Warning: 1"
    assert lines[2].startswith(f"{late.number}: First reply passed")
    assert lines[3].startswith(f"{waiting.number}: First reply is due soon")
    # The agent hears only of the passed one, as itself.
    assert titles_for(company.cs_agent) == [
        f"{late.number}: First reply passed, update the customer"
    ]


@pytest.mark.usefixtures("cal")
def test_warnings_alone_link_to_the_persons_queue__R_CMP_3(company):
    for n in range(2):
        routed(company, at(2026, 3, 2, 9, 0, n))
    assert sla_sweep(now=at(2026, 3, 2, 10, 35)) == 2
    note = Notification.objects.get(recipient=company.handler.user)
    assert note.title == "2 complaint deadlines on 2 cases"
    assert note.body.splitlines()[0] == "Warning: 2"
    assert note.url == reverse("complaints:queue")  # mine, for the handler


@pytest.mark.usefixtures("cal")
def test_a_long_digest_counts_what_it_does_not_list__R_CMP_3(company, monkeypatch):
    from callcenter.complaints import sla

    monkeypatch.setattr(sla, "DIGEST_LINES", 2)
    complaints = [routed(company, at(2026, 3, 2, 9, 0, n)) for n in range(3)]
    sla_sweep(now=at(2026, 3, 2, 12, 5))
    note = Notification.objects.get(recipient=company.head_sales.user)
    assert note.title == "3 complaint deadlines on 3 cases"
    lines = note.body.splitlines()
    assert len(lines) == 2 + 2 + 1
    assert lines[-1] == "and 1 more"
    assert complaints[2].number not in note.body  # the latest due is counted only


@pytest.mark.usefixtures("cal")
def test_each_batch_tells_on_its_own__R_CMP_3(company):
    complaints = [routed(company, at(2026, 3, 2, 9, 0, n)) for n in range(3)]
    assert sla_sweep(now=at(2026, 3, 2, 12, 5), batch=2) == 3
    notes = Notification.objects.filter(recipient=company.head_sales.user)
    assert notes.count() == 2  # a digest of two, then the third as itself
    assert escalations_told(company.head_sales) == Counter(
        {f"{c.number}: First reply passed, update the customer": 1 for c in complaints}
    )


@pytest.mark.usefixtures("cal")
def test_digests_are_written_in_the_company_language__R_CMP_3(company, settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "zh-hans"
    complaints = [routed(company, at(2026, 3, 2, 9, 0, n)) for n in range(2)]
    with translation.override("en"):
        sla_sweep(now=at(2026, 3, 2, 12, 5))
    note = Notification.objects.get(recipient=company.cs_agent.user)
    assert note.title == "2 项投诉时限，涉及 2 个案件"
    lines = note.body.splitlines()
    assert lines[0] == "已超过目标：2"
    assert lines[2] == (
        f"{complaints[0].number}：首次答复已超时，请主动告知客户（客户甲），"
        "时限 2026-03-02 11:00"
    )


@pytest.mark.usefixtures("cal")
def test_a_batch_that_fails_leaves_its_clocks_due__R_CMP_3(company, monkeypatch):
    """A worker killed mid-batch: its transaction rolls back whole, nothing is
    recorded or told, and the next sweep does it all."""
    from callcenter.complaints import sla

    for n in range(3):
        routed(company, at(2026, 3, 2, 10, 0, n))
    before = list(SlaClock.objects.values_list("pk", "state", "next_check_at"))

    def killed(**kwargs):
        raise RuntimeError("worker lost")

    monkeypatch.setattr(sla, "notify_many", killed)
    with pytest.raises(RuntimeError):
        sla_sweep(now=at(2026, 3, 2, 12, 5))
    assert list(SlaClock.objects.values_list("pk", "state", "next_check_at")) == before
    assert not SlaEvent.objects.exists()
    assert not FollowUpTask.objects.exists()
    assert not ComplaintEvent.objects.filter(action="escalated").exists()
    monkeypatch.undo()
    assert sla_sweep(now=at(2026, 3, 2, 12, 5)) == 3
    assert Notification.objects.filter(recipient=company.head_sales.user).count() == 1


@pytest.mark.usefixtures("cal")
def test_a_level_recorded_before_is_not_told_again__R_CMP_3(company):
    """Past its target, then given more time (a new complexity), then past the new
    target: the (clock, level) event exists, so nobody is told twice."""
    from callcenter.complaints.services import complaint_set_complexity

    complaint = routed(company, at(2026, 3, 2, 10, 0))
    assert sla_sweep(now=at(2026, 3, 3, 10, 5)) == 2  # first reply, resolution
    told = Notification.objects.count()
    complaint_set_complexity(
        user=company.handler.user,
        complaint_id=complaint.pk,
        complexity="complex",
        reason="需要厂家检测",
        now=at(2026, 3, 3, 10, 10),
    )
    target = complaint.clocks.get(kind=ClockKind.RESOLUTION_TARGET)
    assert target.state == ClockState.RUNNING  # five working days now
    assert sla_sweep(now=at(2026, 3, 5, 17, 5)) == 1  # its warning, new
    told += 1
    assert sla_sweep(now=at(2026, 3, 9, 10, 5)) == 0  # target passed again
    target.refresh_from_db()
    assert target.state == ClockState.BREACHED
    assert Notification.objects.count() == told
    assert FollowUpTask.objects.count() == 2
    assert SlaEvent.objects.filter(clock=target).count() == 2  # target, warning


@pytest.mark.postgres
def test_concurrent_batch_sweeps_record_and_tell_each_escalation_once__R_CMP_3(tcal):
    """Two sweeps at once over many clocks in overlapping batches, some levels
    recorded before: each event once, each person told of each once."""
    from telephony_admin.org.tests.factories import make_company

    company = make_company()
    ensure_calendar()
    complaints = [routed(company, at(2026, 3, 2, 10, 0, n)) for n in range(12)]
    earlier = complaints[:3]
    for complaint in earlier:
        SlaEvent.objects.create(
            clock=complaint.clocks.get(kind=ClockKind.FIRST_REPLY),
            level=EventLevel.TARGET,
            at=at(2026, 3, 2, 12, 5),
        )
    barrier = threading.Barrier(2)
    fired, errors = [], []

    def sweep():
        try:
            barrier.wait()
            fired.append(sla_sweep(now=at(2026, 3, 5, 10, 5), batch=5))
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
    assert sum(fired) == 3 * len(complaints) - len(earlier)
    assert SlaEvent.objects.count() == 3 * len(complaints)
    assert FollowUpTask.objects.count() == 2 * len(complaints) - len(earlier)
    assert ComplaintEvent.objects.filter(action="escalated").count() == 3 * len(
        complaints
    ) - len(earlier)
    passed = "{}: {} passed, update the customer"
    expected = Counter(
        {passed.format(c.number, "Resolution target"): 1 for c in complaints}
    )
    expected.update(
        passed.format(c.number, "First reply") for c in complaints[len(earlier) :]
    )
    assert escalations_told(company.head_sales) == expected
    assert escalations_told(company.cs_agent) == expected
    assert escalations_told(company.gm) == Counter(
        {f"{c.number}: the resolution maximum passed": 1 for c in complaints}
    )
    assert not SlaClock.objects.filter(
        state=ClockState.RUNNING, next_check_at__lte=at(2026, 3, 5, 10, 5)
    ).exists()
