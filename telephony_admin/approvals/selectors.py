"""Reads for the inbox (home page) and request pages."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from telephony_admin.core import config
from telephony_admin.org.access import (
    employee_of,
    has_role,
    headed_department_ids,
    roles_of,
)
from telephony_admin.org.models import Role
from telephony_admin.workcal.calendar import add_working_days

from .models import (
    Absence,
    ApprovalRequest,
    ApprovalStatus,
    ApprovalStep,
    StepStatus,
)


def steps_awaiting(*, user) -> QuerySet[ApprovalStep]:
    """Pending steps the user may decide now: own, delegated to them, or by role."""
    employee = employee_of(user)
    if employee is None:
        return ApprovalStep.objects.none()
    today = timezone.localdate()
    absent_for = Absence.objects.filter(
        delegate=employee, starts_on__lte=today, ends_on__gte=today
    ).values("employee")
    role_codes = [r.value for r in roles_of(user)]
    condition = Q(approver=employee) | Q(approver__in=absent_for)
    condition |= Q(approver__isnull=True, role__in=role_codes)
    return (
        ApprovalStep.objects.filter(condition, status=StepStatus.PENDING)
        .exclude(request__requester=employee)
        .select_related(
            "request", "request__requester", "request__department", "approver"
        )
        .order_by("pending_since")
    )


def requests_of(*, user) -> QuerySet[ApprovalRequest]:
    employee = employee_of(user)
    if employee is None:
        return ApprovalRequest.objects.none()
    return (
        ApprovalRequest.objects.filter(requester=employee)
        .prefetch_related("steps")
        .order_by("-created_at")
    )


def request_with_steps(*, pk: int) -> ApprovalRequest:
    return (
        ApprovalRequest.objects.select_related("requester", "department")
        .prefetch_related("steps__approver", "steps__decided_by", "steps__on_behalf_of")
        .get(pk=pk)
    )


def steps_waiting_too_long(*, user, now=None) -> list[ApprovalStep]:
    """Pending steps waiting longer than ``approvals.waiting_alert_working_days``
    working days, oldest first, over the management home's scope: the general
    manager's the company's, a head's the requests of the departments they head."""
    now = now or timezone.now()
    steps = ApprovalStep.objects.filter(
        status=StepStatus.PENDING,
        pending_since__isnull=False,
        request__status=ApprovalStatus.PENDING,
    )
    if not has_role(user, Role.GM):
        departments = headed_department_ids(user)
        if not departments:
            return []
        steps = steps.filter(request__department_id__in=departments)
    days = config.get("approvals.waiting_alert_working_days")
    result = []
    # Adding working days keeps the order of the start times, so the steps waiting
    # too long are the oldest ones: stop at the first that has not.
    for step in steps.select_related(
        "request", "request__requester", "request__department", "approver"
    ).order_by("pending_since", "pk"):
        if add_working_days(step.pending_since, days) > now:
            break
        result.append(step)
    return result


def approval_visible(user, request: ApprovalRequest) -> bool:
    """May ``user`` open the request's page: its requester, administration and the
    general manager, the heads of its department, and its approvers."""
    from telephony_admin.org.access import has_role, headed_department_ids
    from telephony_admin.org.models import Role

    from .services import can_decide

    employee = employee_of(user)
    if employee is None:
        return has_role(user, Role.ADMIN)
    if request.requester_id == employee.pk or has_role(user, Role.ADMIN, Role.GM):
        return True
    if request.department_id in headed_department_ids(user):
        return True
    return any(
        employee.pk in (s.approver_id, s.decided_by_id) or can_decide(s, user)
        for s in request.steps.all()
    )


def mark_visible_approvals(user, objects) -> None:
    """Set ``approval_visible`` on each object with an ``approval_id``: link a
    record's approval only for those who may open it (finance sees private-call
    registrations, not their consent requests)."""
    ids = {o.approval_id for o in objects if o.approval_id}
    approvals = ApprovalRequest.objects.prefetch_related("steps").in_bulk(ids)
    for o in objects:
        approval = approvals.get(o.approval_id)
        o.approval_visible = approval is not None and approval_visible(user, approval)
