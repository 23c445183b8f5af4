"""Demo: the 2026 quota plan approved, audits of the demo October bill, two
registered private calls with the head's consent and a conduct fine, so finance
sees a meaningful deduction workbook (idempotent)."""

from __future__ import annotations

from datetime import date, time

from django.contrib.auth import get_user_model
from django.utils import timezone

from billing.models import BillingPeriod, CallClass, CallRecord
from telephony_admin.approvals.models import StepStatus
from telephony_admin.approvals.services import approval_decide, step_deciders
from telephony_admin.org.models import Employee, Role

from .models import Fine, PlanStatus, PrivateCallRegistration, QuotaPlan
from .services.audits import audit_run
from .services.fines import fine_record
from .services.private_calls import private_call_register, private_calls_match
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
    return private_calls_match(period=period)


def seed(*, stdout) -> None:
    admin = _user_with(Role.ADMIN)
    period = BillingPeriod.objects.filter(month=MONTH).first()
    if admin is None or period is None or period.is_closed:
        stdout.write("deductions: no demo bill or administrator; skipped")
        return
    _quota_plan(admin)
    result = audit_run(period_id=period.pk)
    matched = _private_calls(period)
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
        f"deductions: 2026 quotas approved, audit of {period}: "
        f"{result.total_created} new findings, {matched} private calls matched"
    )
