"""The one approval-routing service every request type uses (R-ORG-3).

Routing: the requester's department head approves; a head's own request (or one in a
department without a head) goes to the requester's direct supervisor, then up the
department tree. Nobody ever decides their own request. An absent approver's delegate
decides in their place (R-LD-2: the supervising leader stands in for an absent head).
Concurrent decisions of one step cannot both win: the step moves from ``pending`` with
a conditional UPDATE, and only the caller that changed the row goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from telephony_admin.core.services import audit_record, notify
from telephony_admin.errors import DomainError, PermissionRefused
from telephony_admin.org.access import employee_of, has_role
from telephony_admin.org.models import Employee, Role

from . import registry
from .models import Absence, ApprovalRequest, ApprovalStatus, ApprovalStep, StepStatus
from .titles import encode_title, title_text


class ApprovalError(DomainError):
    pass


@dataclass(frozen=True)
class StepSpec:
    """One step of a chain: a named approver, or any holder of ``role``."""

    label: str
    approver: Employee | None = None
    role: str = ""


def head_approver_for(employee: Employee) -> Employee | None:
    """Who approves for ``employee``: their head, else supervisor, else up the tree.

    Never the employee themselves (R-ORG-3).
    """
    department = employee.department
    if department.head_id and department.head_id != employee.pk:
        return department.head
    if employee.supervisor_id and employee.supervisor_id != employee.pk:
        return employee.supervisor
    parent = department.parent
    while parent is not None:
        if parent.head_id and parent.head_id != employee.pk:
            return parent.head
        parent = parent.parent
    return None


def head_step(requester: Employee, label: str | None = None) -> StepSpec:
    """The department-head step; falls back to the general manager role."""
    approver = head_approver_for(requester)
    label = label or gettext_lazy("Department head")
    if approver is None:
        return StepSpec(label=label, role=Role.GM)
    return StepSpec(label=label, approver=approver)


def delegate_of(approver: Employee, on: date | None = None) -> Employee | None:
    on = on or timezone.localdate()
    absence = (
        Absence.objects.filter(employee=approver, starts_on__lte=on, ends_on__gte=on)
        .select_related("delegate")
        .order_by("-starts_on")
        .first()
    )
    return absence.delegate if absence else None


def is_absent(employee: Employee, on: date | None = None) -> bool:
    on = on or timezone.localdate()
    return Absence.objects.filter(
        employee=employee, starts_on__lte=on, ends_on__gte=on
    ).exists()


def step_deciders(step: ApprovalStep) -> list[Employee]:
    """Who may decide the step now (for notifications and the inbox)."""
    requester_id = step.request.requester_id
    if step.approver_id:
        people = [step.approver]
        delegate = delegate_of(step.approver)
        if delegate is not None:
            people.append(delegate)
    else:
        User = get_user_model()
        users = User.objects.filter(groups__name=step.role, is_active=True)
        people = list(Employee.objects.filter(user__in=users))
    return [p for p in people if p.pk != requester_id]


def can_decide(step: ApprovalStep, user) -> bool:
    employee = employee_of(user)
    if employee is None or step.status != StepStatus.PENDING:
        return False
    if employee.pk == step.request.requester_id:
        return False  # R-ORG-3: nobody decides their own request
    if step.approver_id:
        if employee.pk == step.approver_id:
            return True
        delegate = delegate_of(step.approver)
        return delegate is not None and delegate.pk == employee.pk
    return has_role(user, Role(step.role))


@transaction.atomic
def approval_request_create(
    *,
    subject: models.Model,
    kind: str,
    requester: Employee,
    title: str,
    chain: list[StepSpec],
    url: str = "",
    title_params: dict | None = None,
) -> ApprovalRequest:
    """Open a request for ``subject`` with an ordered chain of steps.

    With ``title_params``, ``title`` is a msgid (``gettext_lazy("... %(x)s")``): the
    request keeps it and its parameters and is shown in each reader's language."""
    if not chain:
        raise ApprovalError(_("An approval needs at least one step."))
    for spec in chain:
        if spec.approver is not None and spec.approver.pk == requester.pk:
            raise ApprovalError(_("Nobody may approve their own request."))
    title_msgid, params = "", {}
    if title_params is not None:
        title_msgid, params = encode_title(title, title_params)
        title = title_text(title_msgid, params) or str(title)
    request = ApprovalRequest.objects.create(
        kind=kind,
        title=str(title)[:200],
        title_msgid=title_msgid,
        title_params=params,
        requester=requester,
        department=requester.department,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        url=url,
    )
    now = timezone.now()
    ApprovalStep.objects.bulk_create(
        ApprovalStep(
            request=request,
            order=index,
            label=_label_msgid(spec.label),
            approver=spec.approver,
            role=spec.role if spec.approver is None else "",
            status=StepStatus.PENDING if index == 1 else StepStatus.WAITING,
            pending_since=now if index == 1 else None,
        )
        for index, spec in enumerate(chain, start=1)
    )
    audit_record(
        actor=requester, action="approval.filed", target=request, details={"kind": kind}
    )
    _notify_deciders(request.steps.get(order=1))
    return request


def _label_msgid(label) -> str:
    """Store a step label as its English msgid; pages translate it when shown."""
    with translation.override("en"):
        return str(label)[:100]


def _notify_deciders(step: ApprovalStep) -> None:
    request = step.request
    notify(
        recipients=step_deciders(step),
        title=_("Waiting for your approval: %(title)s")
        % {"title": request.shown_title},
        body=_("%(requester)s filed %(title)s.")
        % {"requester": request.requester.name, "title": request.shown_title},
        url=request.url,
    )


def approval_guard(request: ApprovalRequest, *, approve: bool) -> None:
    """Refuse, before anything is written, a decision the subject may not take now
    (its kind's guard: e.g. an item of a closed month, R-PRV-4)."""
    kind = registry.get(request.kind)
    if kind.guard is not None:
        kind.guard(request, approve)


def approval_refusal(request: ApprovalRequest, *, approve: bool) -> str | None:
    """Why a decision would be refused now, for the page to say before anyone tries."""
    try:
        approval_guard(request, approve=approve)
    except DomainError as exc:
        return exc.message
    return None


@transaction.atomic
def approval_decide(
    *, step_id: int, user, approve: bool, comment: str = ""
) -> ApprovalStep:
    """Decide the pending step; the first of two concurrent deciders wins."""
    step = ApprovalStep.objects.select_related(
        "request", "request__requester", "approver"
    ).get(pk=step_id)
    actor = employee_of(user)
    if actor is not None and actor.pk == step.request.requester_id:
        raise PermissionRefused(_("Nobody may approve their own request."))
    if step.status != StepStatus.PENDING:
        raise ApprovalError(_("This step has already been decided."))
    if not can_decide(step, user):
        raise PermissionRefused(_("You may not decide this step."))
    approval_guard(step.request, approve=approve)
    if not approve and not comment.strip():
        raise ApprovalError(_("Give a reason for the rejection."), field="comment")
    on_behalf = (
        step.approver if step.approver_id and step.approver_id != actor.pk else None
    )
    now = timezone.now()
    won = ApprovalStep.objects.filter(pk=step.pk, status=StepStatus.PENDING).update(
        status=StepStatus.APPROVED if approve else StepStatus.REJECTED,
        decided_by=actor,
        on_behalf_of=on_behalf,
        decided_at=now,
        comment=comment,
    )
    if not won:
        raise ApprovalError(_("This step has already been decided."))
    step.refresh_from_db()
    request = step.request
    audit_record(
        actor=user,
        action="approval.approved" if approve else "approval.rejected",
        target=request,
        details={"step": step.order, "comment": comment},
    )
    kind = registry.get(request.kind)
    if approve:
        if kind.on_step_approved:
            kind.on_step_approved(request, actor)
        next_step = (
            request.steps.filter(status=StepStatus.WAITING).order_by("order").first()
        )
        if next_step is not None:
            next_step.status = StepStatus.PENDING
            next_step.pending_since = now
            next_step.save(update_fields=["status", "pending_since"])
            _notify_deciders(next_step)
            return step
        _finish(request, ApprovalStatus.APPROVED, now)
        if kind.on_approved:
            kind.on_approved(request, actor)
    else:
        request.steps.filter(status=StepStatus.WAITING).update(
            status=StepStatus.SKIPPED
        )
        _finish(request, ApprovalStatus.REJECTED, now)
        if kind.on_rejected:
            kind.on_rejected(request, actor)
    return step


def _finish(request: ApprovalRequest, status: str, now: datetime) -> None:
    updated = ApprovalRequest.objects.filter(
        pk=request.pk, status=ApprovalStatus.PENDING
    ).update(status=status, decided_at=now)
    if not updated:
        raise ApprovalError(_("This request has already been decided."))
    request.status = status
    request.decided_at = now
    notify(
        recipients=[request.requester],
        title=(
            _("Approved: %(title)s")
            if status == ApprovalStatus.APPROVED
            else _("Rejected: %(title)s")
        )
        % {"title": request.shown_title},
        url=request.url,
    )


@transaction.atomic
def approval_cancel(*, request_id: int, user) -> ApprovalRequest:
    """The requester withdraws a pending request."""
    request = ApprovalRequest.objects.select_for_update().get(pk=request_id)
    actor = employee_of(user)
    if actor is None or actor.pk != request.requester_id:
        raise PermissionRefused(_("Only the requester may withdraw a request."))
    if request.status != ApprovalStatus.PENDING:
        raise ApprovalError(_("Only a pending request can be withdrawn."))
    approval_guard(request, approve=False)
    request.status = ApprovalStatus.CANCELLED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    request.steps.filter(status__in=[StepStatus.PENDING, StepStatus.WAITING]).update(
        status=StepStatus.SKIPPED
    )
    kind = registry.get(request.kind)
    if kind.on_rejected:
        kind.on_rejected(request, actor)
    audit_record(actor=user, action="approval.cancelled", target=request)
    return request


@transaction.atomic
def absence_create(
    *,
    employee: Employee,
    starts_on: date,
    ends_on: date,
    delegate: Employee,
    reason="",
    user=None,
) -> Absence:
    """Record an absence; the delegate decides the absent approver's steps."""
    if delegate.pk == employee.pk:
        raise ApprovalError(_("The delegate must be someone else."), field="delegate")
    if ends_on < starts_on:
        raise ApprovalError(
            _("The absence must end on or after its start."), field="ends_on"
        )
    absence = Absence.objects.create(
        employee=employee,
        starts_on=starts_on,
        ends_on=ends_on,
        delegate=delegate,
        reason=reason,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    audit_record(actor=user, action="absence.created", target=absence)
    return absence


def approval_send_reminders(*, now: datetime | None = None) -> int:
    """Remind deciders of steps pending longer than the configured working hours."""
    from telephony_admin.core import config
    from telephony_admin.workcal.calendar import add_working_hours

    now = now or timezone.now()
    hours = config.get("approvals.reminder_working_hours")
    sent = 0
    steps = ApprovalStep.objects.filter(
        status=StepStatus.PENDING, reminded_at__isnull=True, pending_since__isnull=False
    ).select_related("request", "request__requester", "approver")
    for step in steps:
        if add_working_hours(step.pending_since, hours) > now:
            continue
        if not ApprovalStep.objects.filter(pk=step.pk, reminded_at__isnull=True).update(
            reminded_at=now
        ):
            continue
        notify(
            recipients=step_deciders(step),
            title=_("Reminder: %(title)s waits for your approval")
            % {"title": step.request.shown_title},
            url=step.request.url,
        )
        sent += 1
    return sent
