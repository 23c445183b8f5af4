"""Demo: the 2026 quota plan approved, the month's long-distance requests approved
(all but one repeat offender's and one Hong Kong call, so the audit shows a
believable mix of R-LD-4 fines), audits of the demo October bill, two registered
private calls with the head's consent and a conduct fine, so finance sees a
meaningful deduction workbook (idempotent)."""

from __future__ import annotations

from collections import Counter
from datetime import date, time

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from billing.models import LONG_DISTANCE, BillingPeriod, CallClass, CallRecord
from telephony_admin.approvals.models import StepStatus
from telephony_admin.approvals.services import (
    approval_decide,
    approval_request_create,
    head_step,
    step_deciders,
)
from telephony_admin.org.models import Employee, Role

from .models import Fine, PlanStatus, PrivateCallRegistration, QuotaPlan
from .services.audits import audit_run
from .services.fines import fine_record
from .services.private_calls import private_call_register
from .services.quotas import quota_plan_propose, quota_plan_submit

MONTH = date(2026, 10, 1)


def _user_with(role: Role):
    return (
        get_user_model()
        .objects.filter(groups__name=role, is_active=True, employee__isnull=False)
        .order_by("pk")
        .first()
    )


def _approve(request) -> None:
    """Each pending step decided by someone allowed to decide it."""
    for step in request.steps.order_by("order"):
        step.refresh_from_db()
        if step.status != StepStatus.PENDING:
            continue
        deciders = step_deciders(step)
        if not deciders or deciders[0].user is None:
            return
        approval_decide(step_id=step.pk, user=deciders[0].user, approve=True)


def _quota_plan(admin) -> None:
    plan = QuotaPlan.objects.filter(year=MONTH.year).first()
    if plan is not None and plan.status == PlanStatus.APPROVED:
        return
    if plan is None or plan.editable:
        plan = quota_plan_propose(actor=admin, year=MONTH.year)
        plan = quota_plan_submit(actor=admin, plan_id=plan.pk)
    _approve(plan.approval)


def _unauthorised_long_distance(period: BillingPeriod) -> list[CallRecord]:
    """The month's long-distance calls the line's class did not allow (R-LD-4)."""
    from extensions.models import ClassOfService
    from extensions.selectors import classes_for_numbers

    calls = list(
        CallRecord.objects.filter(
            period=period, call_class__in=LONG_DISTANCE, owner__isnull=False
        )
        .select_related("owner")
        .order_by("started_at", "pk")
    )
    timelines = classes_for_numbers({c.line_number for c in calls})
    result = []
    for call in calls:
        needed = (
            ClassOfService.DOMESTIC
            if call.call_class == CallClass.DOMESTIC
            else ClassOfService.INTERNATIONAL
        )
        timeline = timelines.get(call.line_number)
        if (timeline.at(call.started_at)[0] if timeline else 0) < needed:
            result.append(call)
    return result


def _ld_requests(period: BillingPeriod) -> int:
    """Business long distance on internal lines is requested and approved per call
    (长途电话申请单, R-LD-1/2), filed on paper at the time and recorded here; one
    repeat offender's calls, one Hong Kong call and the calls of departments whose
    head has no login in the demo stay unapproved."""
    from extensions.models import LDRegion, LDStatus, Line, LongDistanceRequest
    from extensions.services.long_distance import LD_KIND

    if LongDistanceRequest.objects.filter(
        call_on__gte=period.month, call_on__lt=date(2026, 11, 1)
    ).exists():
        return 0
    calls = _unauthorised_long_distance(period)
    if not calls:
        return 0
    offender = Counter(c.line_number for c in calls).most_common(1)[0][0]
    hong_kong = next((c for c in calls if c.call_class == CallClass.HK_MO_TW), None)
    lines = {line.number: line for line in Line.objects.all()}
    region = {
        CallClass.DOMESTIC: LDRegion.DOMESTIC,
        CallClass.HK_MO_TW: LDRegion.HK_MACAU,
        CallClass.INTERNATIONAL: LDRegion.INTERNATIONAL,
    }
    filed = 0
    for call in calls:
        line = lines.get(call.line_number)
        if call.line_number == offender or call == hong_kong or line is None:
            continue
        caller = call.owner
        step = head_step(caller)
        if step.approver is None or step.approver.user_id is None:
            continue  # nobody in the demo can sign it: the call stays unapproved
        request = LongDistanceRequest.objects.create(
            requester=caller,
            caller=caller,
            line=line,
            department=call.department or caller.department,
            region=region[call.call_class],
            destination_region="客户所在地",
            destination_org="业务往来单位",
            destination_number=call.called_number[len(call.ip_prefix) :],
            reason="与客户确认订单和交货安排",
            expected_minutes=max(1, call.duration_seconds // 60 + 1),
            call_on=timezone.localtime(call.started_at).date(),
        )
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
            chain=[step],
            url=reverse("extensions:ld_detail", args=[request.pk]),
        )
        request.save(update_fields=["approval"])
        _approve(request.approval)
        filed += LongDistanceRequest.objects.filter(
            pk=request.pk, status=LDStatus.APPROVED
        ).count()
    return filed


def _private_calls(period: BillingPeriod) -> int:
    if PrivateCallRegistration.objects.filter(period=period).exists():
        return 0
    calls = (
        CallRecord.objects.filter(
            period=period,
            call_class__in=(CallClass.LOCAL, CallClass.MOBILE, CallClass.DOMESTIC),
            owner__user__isnull=False,
        )
        .select_related("owner__user")
        .order_by("-charge", "pk")
    )
    people = set()
    for call in calls:
        if call.owner_id in people or len(people) == 2:
            continue
        people.add(call.owner_id)
        local = timezone.localtime(call.started_at)
        registration = private_call_register(
            actor=call.owner.user,
            employee=call.owner,
            call_date=local.date(),
            approx_time=time(local.hour, local.minute),
            line_number=call.line_number,
            called_number=call.called_number[len(call.ip_prefix) :],
            duration_minutes=max(1, call.duration_seconds // 60),
            reason="家中有事 / family matter",
        )
        _approve(registration.approval)
    return len(people)


def seed(*, stdout) -> None:
    admin = _user_with(Role.ADMIN)
    period = BillingPeriod.objects.filter(month=MONTH).first()
    if admin is None or period is None or period.is_closed:
        stdout.write("deductions: no demo bill or administrator; skipped")
        return
    _quota_plan(admin)
    requests = _ld_requests(period)
    # Registered before the audit, which matches them to the bill (R-PRV-2).
    _private_calls(period)
    result = audit_run(period_id=period.pk)
    matched = result.matched_private
    if not Fine.objects.filter(period=period).exists():
        person = (
            Employee.objects.filter(supervisor__isnull=False, is_active=True)
            .exclude(user__groups__name=Role.GM)
            .order_by("number")
            .first()
        )
        if person is not None:
            fine_record(
                actor=admin,
                employee=person,
                fine_type="etiquette",
                occurred_on=date(2026, 10, 20),
                reason="接听电话未使用标准问候语 / no standard greeting",
            )
    stdout.write(
        f"deductions: 2026 quotas approved, {requests} long-distance requests "
        f"approved, audit of {period}: "
        f"{result.total_created} new findings, {matched} private calls matched"
    )
