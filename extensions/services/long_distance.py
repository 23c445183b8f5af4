"""长途电话申请单: long-distance requests, urgent placement, lapsing (R-LD-1..3)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from telephony_admin.approvals.models import ApprovalStep, StepStatus
from telephony_admin.approvals.services import (
    StepSpec,
    approval_request_create,
    delegate_of,
    head_approver_for,
    is_absent,
)
from telephony_admin.core import config
from telephony_admin.core.closing import ensure_days_open
from telephony_admin.core.services import audit_record, notify
from telephony_admin.errors import PeriodClosed, PermissionRefused
from telephony_admin.org.access import employee_of, has_role, require
from telephony_admin.org.models import Employee, Role

from ..errors import ExtensionsError, InvalidTransition
from ..models import LDStatus, Line, LongDistanceRequest

LD_KIND = "ext_long_distance"


def ip_prefix_advice() -> str:
    """R-LD-3: dial long distance with a carrier's IP prefix."""
    prefixes = config.get("extensions.ip_prefixes")
    if not prefixes:
        return ""
    return _(
        "Dial long distance with an IP prefix to save cost: %(prefixes)s "
        "(e.g. %(example)s 010 12345678). Calls without one are flagged for review."
    ) % {"prefixes": ", ".join(prefixes), "example": prefixes[0]}


def _ensure_call_month_open(call_on: date, placed_at: datetime | None) -> None:
    """A request decides which findings its call's month has (R-LD-2, R-LD-4): the
    audit matches it on the call date and, placed early, on the day it was placed.
    A closed month refuses any change to it (R-PRV-4)."""
    ensure_days_open(call_on, timezone.localdate(placed_at) if placed_at else None)


def ld_request_guard(approval, approve: bool) -> None:
    """Approvals call this before a decision or withdrawal is written."""
    request = (
        LongDistanceRequest.objects.filter(pk=approval.subject_id)
        .values("call_on", "placed_at")
        .first()
    )
    if request is not None:
        _ensure_call_month_open(request["call_on"], request["placed_at"])


def _approver_chain(caller: Employee) -> list[StepSpec]:
    """The head decides; an absent head without a delegate: the supervising leader.

    A delegate recorded on the absence decides through the approvals service.
    """
    head = head_approver_for(caller)
    if head is None:
        return [StepSpec(label=gettext_lazy("General manager"), role=Role.GM)]
    if is_absent(head) and delegate_of(head) is None:
        leader = head.supervisor
        if leader is not None and leader.pk != caller.pk:
            return [StepSpec(label=gettext_lazy("Supervising leader"), approver=leader)]
    return [StepSpec(label=gettext_lazy("Department head"), approver=head)]


@transaction.atomic
def ld_request_file(
    *,
    user,
    caller: Employee,
    line: Line,
    region: str,
    destination_region: str,
    destination_org: str,
    reason: str,
    expected_minutes: int,
    call_on: date,
    destination_number: str = "",
    urgent: bool = False,
) -> LongDistanceRequest:
    """File a request for a long-distance call from a line without the right (R-LD-1)."""
    require(
        user, "requests.file", department_id=caller.department_id, owner_id=caller.pk
    )
    requester = employee_of(user)
    if requester is None:
        raise PermissionRefused(_("Only employees can file requests."))
    if line.department_id != caller.department_id and line.owner_id != caller.pk:
        raise ExtensionsError(
            _("Choose a line of the caller's department."), field="line"
        )
    request = LongDistanceRequest(
        requester=requester,
        caller=caller,
        line=line,
        department=caller.department,
        region=region,
        destination_region=destination_region.strip(),
        destination_org=destination_org.strip(),
        destination_number=destination_number.strip(),
        reason=reason.strip(),
        expected_minutes=expected_minutes,
        call_on=call_on,
        urgent=urgent,
    )
    if line.class_of_service >= request.required_class:
        raise ExtensionsError(
            _("Line %(number)s may already make this call; no request is needed.")
            % {"number": line.number},
            field="line",
        )
    if expected_minutes < 1:
        raise ExtensionsError(
            _("Give the expected duration in minutes."), field="expected_minutes"
        )
    if call_on < timezone.localdate():
        raise ExtensionsError(
            _("The call date cannot be in the past."), field="call_on"
        )
    if not request.reason:
        raise ExtensionsError(_("Give the business reason."), field="reason")
    _ensure_call_month_open(call_on, None)
    request.save()
    request.approval = approval_request_create(
        subject=request,
        kind=LD_KIND,
        requester=caller,
        title=gettext_lazy("Long distance %(line)s → %(org)s (%(region)s)"),
        title_params={
            "line": line.number,
            "org": request.destination_org,
            "region": request.destination_region,
        },
        chain=_approver_chain(caller),
        url=reverse("extensions:ld_detail", args=[request.pk]),
    )
    request.save(update_fields=["approval"])
    audit_record(actor=user, action="ld.filed", target=request)
    return request


def _unavailable(person: Employee | None, on: date) -> bool:
    return person is None or is_absent(person, on)


def approvers_absent(request: LongDistanceRequest, *, on: date | None = None) -> bool:
    """Are the head (or their delegate) and the supervising leader all absent?"""
    on = on or timezone.localdate()
    step = ApprovalStep.objects.filter(
        request_id=request.approval_id, status=StepStatus.PENDING
    ).first()
    if step is None or step.approver_id is None:
        return False
    approver = step.approver
    delegate = delegate_of(approver, on)
    leader = approver.supervisor
    return (
        _unavailable(approver, on)
        and (delegate is None or _unavailable(delegate, on))
        and _unavailable(leader, on)
    )


@transaction.atomic
def ld_request_place_now(
    *, request: LongDistanceRequest, user, now: datetime | None = None
) -> LongDistanceRequest:
    """Administration lets an urgent call be placed before approval (R-LD-2).

    Only when the head and the supervising leader are both absent; the approval must
    then be completed within the configured days or the request lapses.
    """
    if not has_role(user, Role.ADMIN):
        raise PermissionRefused(_("Only administration can let a call be placed now."))
    now = now or timezone.now()
    request = LongDistanceRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != LDStatus.PENDING or request.placed_now:
        raise InvalidTransition(_("Only a pending request can be placed now."))
    _ensure_call_month_open(request.call_on, now)
    if not request.urgent:
        raise ExtensionsError(_("Only an urgent request can be placed now."))
    if not approvers_absent(request, on=timezone.localdate(now)):
        raise ExtensionsError(
            _("The head or the supervising leader is available to decide.")
        )
    days = config.get("extensions.ld_urgent_completion_days")
    request.placed_now = True
    request.placed_at = now
    request.placed_by = employee_of(user)
    request.complete_by = now + timedelta(days=days)
    request.save(update_fields=["placed_now", "placed_at", "placed_by", "complete_by"])
    audit_record(
        actor=user,
        action="ld.placed_now",
        target=request,
        details={"complete_by": request.complete_by.isoformat()},
    )
    notify(
        recipients=[request.caller, request.requester],
        title=_("You may place your long-distance call now"),
        body=_(
            "The approval must be completed by %(deadline)s, or the call is charged "
            "double as a private call. %(advice)s"
        )
        % {
            "deadline": timezone.localtime(request.complete_by).strftime(
                "%Y-%m-%d %H:%M"
            ),
            "advice": ip_prefix_advice(),
        },
        url=reverse("extensions:ld_detail", args=[request.pk]),
    )
    return request


def ld_requests_mark_lapsed(*, now: datetime | None = None) -> int:
    """Mark placed-now requests whose approval is overdue as LAPSED (R-LD-2).

    Idempotent: a conditional UPDATE per row, so two beat runs never lapse one twice.
    A request whose call lies in a closed month stays pending (a lapse would charge
    that month double, R-PRV-4); the first run after the month is reopened lapses it.
    """
    now = now or timezone.now()
    due = LongDistanceRequest.objects.filter(
        status=LDStatus.PENDING, placed_now=True, complete_by__lt=now
    ).values_list("pk", "call_on", "placed_at")
    lapsed = 0
    for pk, call_on, placed_at in list(due):
        try:
            _ensure_call_month_open(call_on, placed_at)
        except PeriodClosed:
            continue
        with transaction.atomic():
            if not LongDistanceRequest.objects.filter(
                pk=pk, status=LDStatus.PENDING
            ).update(status=LDStatus.LAPSED, lapsed_at=now):
                continue
            request = LongDistanceRequest.objects.select_related("caller").get(pk=pk)
            audit_record(actor=None, action="ld.lapsed", target=request)
            admins = get_user_model().objects.filter(
                groups__name=Role.ADMIN, is_active=True
            )
            notify(
                recipients=[request.caller, *admins],
                title=_("Long-distance request %(pk)s lapsed") % {"pk": pk},
                body=_(
                    "The approval was not completed in time; the call is charged "
                    "double as a private call."
                ),
                url=reverse("extensions:ld_detail", args=[pk]),
            )
            lapsed += 1
    return lapsed


def ld_on_approved(request, actor) -> None:
    # A late approval does not undo a lapse (R-LD-2): only PENDING moves.
    LongDistanceRequest.objects.filter(
        pk=request.subject_id, status=LDStatus.PENDING
    ).update(status=LDStatus.APPROVED, decided_at=timezone.now())


def ld_on_rejected(request, actor) -> None:
    LongDistanceRequest.objects.filter(
        pk=request.subject_id, status=LDStatus.PENDING
    ).update(
        status=LDStatus.CANCELLED
        if request.status == "cancelled"
        else LDStatus.REJECTED,
        decided_at=timezone.now(),
    )
