"""Bulk decisions in 待我审批: each request decided on its own through the one service
(no self-approval, scope, guards, audit: R-ORG-3), refusals reported per request."""

import pytest
from django.urls import reverse

from telephony_admin.approvals.bulk import approval_decide_many
from telephony_admin.approvals.models import ApprovalStatus, StepStatus
from telephony_admin.approvals.registry import field_summary, register
from telephony_admin.approvals.services import (
    StepSpec,
    approval_request_create,
    head_step,
)
from telephony_admin.core.models import AuditEvent, Notification
from telephony_admin.errors import DomainError
from telephony_admin.org.models import Role

pytestmark = pytest.mark.django_db

REFUSED_SUBJECTS = set()


def _guard(request, approve):
    if request.subject_id in REFUSED_SUBJECTS:
        raise DomainError("The month of this item is closed.")


register(
    "bulk_test_kind",
    label="Bulk test",
    guard=_guard,
    summary=field_summary("number", "department", ("Phone", "name")),
)


def file(requester, chain=None, subject=None):
    return approval_request_create(
        subject=subject or requester,
        kind="bulk_test_kind",
        requester=requester,
        title=f"Request of {requester.name}",
        chain=chain or [head_step(requester)],
    )


def first_step(request):
    return request.steps.get(order=1)


def post(client, user, steps, action="approve", comment=""):
    client.force_login(user)
    return client.post(
        reverse("approvals:inbox"),
        {"steps": [s.pk for s in steps], "action": action, "comment": comment},
    )


def test_inbox_lists_each_request_with_its_details_inline(client, company):
    c = company
    file(c.employee)
    client.force_login(c.head_sales.user)
    page = client.get(reverse("approvals:inbox")).content.decode()
    assert "Bulk test" in page  # the kind
    assert c.employee.name in page  # requester
    assert str(c.employee.department) in page
    assert c.employee.number in page  # a key field of the subject
    assert 'name="steps"' in page


def test_bulk_approve_decides_each_ticked_request_and_audits_each__R_ORG_3(
    client, company
):
    c = company
    one, two = file(c.employee), file(c.employee_east)
    response = post(client, c.head_sales.user, [first_step(one), first_step(two)])
    assert response.status_code == 200
    for request in (one, two):
        request.refresh_from_db()
        assert request.status == ApprovalStatus.APPROVED
        assert AuditEvent.objects.filter(
            action="approval.approved", target_id=str(request.pk)
        ).exists()
    assert AuditEvent.objects.filter(action="approval.approved").count() == 2
    assert Notification.objects.filter(
        recipient=c.employee.user, title__startswith="Approved"
    ).exists()
    page = response.content.decode()
    assert page.count('data-outcome="done"') == 2
    assert "Nothing waits for your approval." in page


def test_own_request_in_the_selection_is_refused_the_others_go_through__R_ORG_3(
    client, company
):
    c = company
    admin_step = [StepSpec(label="Administration", role=Role.ADMIN)]
    other = file(c.employee, chain=admin_step)
    own = file(c.admin, chain=admin_step)
    response = post(client, c.admin.user, [first_step(own), first_step(other)])
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.status == ApprovalStatus.PENDING
    assert first_step(own).status == StepStatus.PENDING
    assert other.status == ApprovalStatus.APPROVED
    page = response.content.decode()
    assert 'data-outcome="refused"' in page
    assert "Nobody may approve their own request." in page
    assert 'data-outcome="done"' in page


def test_other_departments_request_posted_by_hand_is_refused_and_not_named__R_ORG_3(
    client, company
):
    c = company
    mine = file(c.employee)
    foreign = file(c.cs_agent)  # decided by the customer-service head
    response = post(client, c.head_sales.user, [first_step(foreign), first_step(mine)])
    foreign.refresh_from_db()
    mine.refresh_from_db()
    assert foreign.status == ApprovalStatus.PENDING
    assert mine.status == ApprovalStatus.APPROVED
    page = response.content.decode()
    assert "You may not decide this step." in page
    assert f"Request {first_step(foreign).pk}" in page
    assert foreign.title not in page  # the title of a request they may not see
    assert not AuditEvent.objects.filter(
        action="approval.approved", target_id=str(foreign.pk)
    ).exists()


def test_a_guarded_request_is_refused_with_its_reason_the_others_go_through(
    client, company
):
    c = company
    blocked = file(c.employee)
    fine = file(c.employee_east)
    REFUSED_SUBJECTS.add(c.employee.pk)
    try:
        response = post(
            client, c.head_sales.user, [first_step(blocked), first_step(fine)]
        )
    finally:
        REFUSED_SUBJECTS.discard(c.employee.pk)
    blocked.refresh_from_db()
    fine.refresh_from_db()
    assert blocked.status == ApprovalStatus.PENDING
    assert fine.status == ApprovalStatus.APPROVED
    assert "The month of this item is closed." in response.content.decode()


def test_bulk_reject_needs_a_comment_and_keeps_the_ticks(client, company):
    c = company
    one, two = file(c.employee), file(c.employee_east)
    response = post(client, c.head_sales.user, [first_step(one)], action="reject")
    one.refresh_from_db()
    assert one.status == ApprovalStatus.PENDING
    page = response.content.decode()
    assert "Give a reason for the rejection." in page
    assert (
        f'value="{first_step(one).pk}" id="step-{first_step(one).pk}" checked' in page
    )
    assert f'value="{first_step(two).pk}" id="step-{first_step(two).pk}">' in page


def test_bulk_reject_with_a_comment_rejects_each_with_it(client, company):
    c = company
    one, two = file(c.employee), file(c.employee_east)
    post(
        client,
        c.head_sales.user,
        [first_step(one), first_step(two)],
        action="reject",
        comment="Not this year",
    )
    for request in (one, two):
        request.refresh_from_db()
        assert request.status == ApprovalStatus.REJECTED
        assert first_step(request).comment == "Not this year"
    assert AuditEvent.objects.filter(action="approval.rejected").count() == 2


def test_bulk_without_a_tick_says_so(client, company):
    c = company
    file(c.employee)
    client.force_login(c.head_sales.user)
    response = client.post(reverse("approvals:inbox"), {"action": "approve"})
    assert "Tick at least one request." in response.content.decode()


def test_already_decided_request_is_reported_not_decided_again(company):
    c = company
    request = file(c.employee)
    step = first_step(request)
    outcomes = approval_decide_many(
        step_ids=[step.pk, step.pk, 999999], user=c.head_sales.user, approve=True
    )
    assert [o.done for o in outcomes] == [True, False]
    assert outcomes[1].reason == "This request does not exist."
    again = approval_decide_many(
        step_ids=[step.pk], user=c.head_sales.user, approve=True
    )
    assert not again[0].done
    assert again[0].reason == "This step has already been decided."


def test_service_refuses_a_bulk_rejection_without_a_reason(company):
    c = company
    step = first_step(file(c.employee))
    with pytest.raises(DomainError):
        approval_decide_many(step_ids=[step.pk], user=c.head_sales.user, approve=False)
    step.refresh_from_db()
    assert step.status == StepStatus.PENDING
