"""Approval routing: heads, supervisors, delegation, no self-approval (R-ORG-3)."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from telephony_admin.approvals.models import ApprovalStatus, StepStatus
from telephony_admin.approvals.registry import register
from telephony_admin.approvals.selectors import steps_awaiting
from telephony_admin.approvals.services import (
    ApprovalError,
    StepSpec,
    absence_create,
    approval_decide,
    approval_request_create,
    approval_send_reminders,
    head_approver_for,
    head_step,
)
from telephony_admin.core.models import AuditEvent, Notification
from telephony_admin.errors import PermissionRefused
from telephony_admin.org.models import Role

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))

DECIDED = []
register(
    "test_kind",
    label="Test",
    on_approved=lambda request, actor: DECIDED.append(("approved", request.pk)),
    on_rejected=lambda request, actor: DECIDED.append(("rejected", request.pk)),
)


def file_request(c, requester, chain=None):
    chain = chain or [head_step(requester), StepSpec(label="Admin", role=Role.ADMIN)]
    # Any saved model works as the subject; the requester's own row is handy.
    return approval_request_create(
        subject=requester,
        kind="test_kind",
        requester=requester,
        title="Test",
        chain=chain,
    )


def test_employee_request_goes_to_department_head__R_ORG_3(company):
    c = company
    assert head_approver_for(c.employee) == c.head_sales


def test_heads_own_request_goes_to_their_supervisor__R_ORG_3(company):
    c = company
    assert head_approver_for(c.head_sales) == c.gm


def test_sub_department_without_head_goes_up_the_tree__R_ORG_1(company):
    c = company
    c.employee_east.supervisor = None
    c.employee_east.save(update_fields=["supervisor"])
    assert head_approver_for(c.employee_east) == c.head_sales


def test_chain_runs_in_order_and_calls_the_handler(company):
    c = company
    request = file_request(c, c.employee)
    first, second = request.steps.all()
    assert (first.status, second.status) == (StepStatus.PENDING, StepStatus.WAITING)
    assert Notification.objects.filter(recipient=c.head_sales.user).exists()
    approval_decide(step_id=first.pk, user=c.head_sales.user, approve=True)
    second.refresh_from_db()
    assert second.status == StepStatus.PENDING
    approval_decide(step_id=second.pk, user=c.admin.user, approve=True, comment="ok")
    request.refresh_from_db()
    assert request.status == ApprovalStatus.APPROVED
    assert ("approved", request.pk) in DECIDED
    assert AuditEvent.objects.filter(action="approval.approved").count() == 2


def test_nobody_approves_their_own_request__R_ORG_3(company):
    c = company
    # An administrator files: the admin step must be decided by another administrator.
    request = file_request(c, c.admin)
    head = request.steps.get(order=1)
    assert head.approver == c.gm
    approval_decide(step_id=head.pk, user=c.gm.user, approve=True)
    admin_step = request.steps.get(order=2)
    with pytest.raises(PermissionRefused):
        approval_decide(step_id=admin_step.pk, user=c.admin.user, approve=True)
    assert admin_step.pk not in [s.pk for s in steps_awaiting(user=c.admin.user)]
    approval_decide(step_id=admin_step.pk, user=c.admin2.user, approve=True)
    request.refresh_from_db()
    assert request.status == ApprovalStatus.APPROVED


def test_chain_naming_the_requester_is_refused__R_ORG_3(company):
    c = company
    with pytest.raises(ApprovalError):
        file_request(c, c.employee, [StepSpec(label="self", approver=c.employee)])


def test_other_departments_head_cannot_decide__R_ORG_3(company):
    c = company
    request = file_request(c, c.employee)
    step = request.steps.get(order=1)
    with pytest.raises(PermissionRefused):
        approval_decide(step_id=step.pk, user=c.head_cs.user, approve=True)


def test_delegate_decides_while_the_head_is_absent__R_LD_2(company):
    c = company
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, tzinfo=TZ), tick=False):
        absence_create(
            employee=c.head_sales,
            starts_on=dt.date(2026, 11, 23),
            ends_on=dt.date(2026, 11, 27),
            delegate=c.gm,
        )
        request = file_request(c, c.employee)
        step = request.steps.get(order=1)
        assert step in steps_awaiting(user=c.gm.user)
        approval_decide(step_id=step.pk, user=c.gm.user, approve=True)
        step.refresh_from_db()
        assert step.decided_by == c.gm and step.on_behalf_of == c.head_sales


def test_delegation_ends_with_the_absence(company):
    c = company
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=TZ), tick=False):
        absence_create(
            employee=c.head_sales,
            starts_on=dt.date(2026, 11, 16),
            ends_on=dt.date(2026, 11, 18),
            delegate=c.gm,
        )
        request = file_request(c, c.employee)
        step = request.steps.get(order=1)
        with pytest.raises(PermissionRefused):
            approval_decide(step_id=step.pk, user=c.gm.user, approve=True)


def test_rejection_needs_a_reason_and_stops_the_chain(company):
    c = company
    request = file_request(c, c.employee)
    step = request.steps.get(order=1)
    with pytest.raises(ApprovalError):
        approval_decide(step_id=step.pk, user=c.head_sales.user, approve=False)
    approval_decide(
        step_id=step.pk, user=c.head_sales.user, approve=False, comment="not needed"
    )
    request.refresh_from_db()
    assert request.status == ApprovalStatus.REJECTED
    assert request.steps.get(order=2).status == StepStatus.SKIPPED
    assert ("rejected", request.pk) in DECIDED


def test_a_decided_step_cannot_be_decided_again(company):
    c = company
    request = file_request(c, c.employee)
    step = request.steps.get(order=1)
    approval_decide(step_id=step.pk, user=c.head_sales.user, approve=True)
    with pytest.raises(ApprovalError):
        approval_decide(
            step_id=step.pk, user=c.head_sales.user, approve=False, comment="x"
        )


def test_reminder_after_working_hours_is_sent_once(company):
    c = company
    # Filed Friday 16:00; 8 working hours later is Monday 16:00 (weekend skipped).
    with time_machine.travel(dt.datetime(2026, 11, 20, 16, tzinfo=TZ), tick=False):
        file_request(c, c.employee)
    with time_machine.travel(dt.datetime(2026, 11, 23, 15, tzinfo=TZ), tick=False):
        assert approval_send_reminders() == 0
    with time_machine.travel(dt.datetime(2026, 11, 23, 16, 30, tzinfo=TZ), tick=False):
        assert approval_send_reminders() == 1
        assert approval_send_reminders() == 0
    assert Notification.objects.filter(
        recipient=c.head_sales.user, title__startswith="Reminder"
    ).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_decision_only_one_wins__R_ORG_3(company):
    c = company
    request = file_request(c, c.employee, [StepSpec(label="Admin", role=Role.ADMIN)])
    step = request.steps.get()
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(user, approve):
        try:
            barrier.wait()
            approval_decide(step_id=step.pk, user=user, approve=approve, comment="c")
            outcomes.append("won")
        except (ApprovalError, PermissionRefused):
            outcomes.append("lost")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(c.admin.user, True)),
        threading.Thread(target=decide, args=(c.admin2.user, False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["lost", "won"]
    request.refresh_from_db()
    assert request.status in (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED)
    assert (
        AuditEvent.objects.filter(
            action__in=["approval.approved", "approval.rejected"]
        ).count()
        == 1
    )


def test_step_labels_are_stored_as_msgids_and_shown_translated(company):
    from django.utils import translation

    c = company
    with translation.override("zh-hans"):
        request = file_request(c, c.employee)
    step = request.steps.get(order=1)
    assert step.label == "Department head"
    with translation.override("zh-hans"):
        assert step.display_label == "部门负责人"
