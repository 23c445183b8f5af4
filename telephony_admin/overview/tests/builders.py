"""A small constructed company month (October 2026) for the management home's tests.

Figures it makes, by who reads them:

- cost against quota (approved 2026 plan: sales 1,000, east 200, CS 500):
  October calls sales 300.50 + 100.00, east 50.25, CS 80.00, finance 20.00
  (no quota); September sales 40.00. The GM reads 550.75 of 1,700.00 (32%),
  the sales head 450.75 of 1,200.00 (37%);
- findings in October: two premium calls charged to the employee (50.00 each),
  one unregistered private call charged to employee_east (10.00), one night
  flag to review in CS, one waived long-distance finding (not counted);
- complaints: one sent to sales and one to finance in September (overdue by
  20 October), one registered on the morning of 20 October (not overdue);
- hotline: October 9 answered of 10 offered (90.0%), September 4 of 5 (80.0%);
- approvals: the employee's request waiting for the sales head since Wed 14
  October, employee_east's since Mon 19 October 15:00 (1 working day),
  head_cs's waiting for the GM since Tue 13 October.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 10, 20, 10, 0, tzinfo=SH)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def ensure_calendar() -> None:
    from telephony_admin.workcal import calendar
    from telephony_admin.workcal.models import ServiceInterval
    from telephony_admin.workcal.services import calendar_seed_year

    if not ServiceInterval.objects.exists():
        for weekday in range(5):
            ServiceInterval.objects.create(
                weekday=weekday, start=time(8, 30), end=time(12)
            )
            ServiceInterval.objects.create(
                weekday=weekday, start=time(13), end=time(17, 30)
            )
    calendar_seed_year(year=2026)
    calendar.invalidate()


def _quotas(c) -> None:
    from billing.deductions.models import DepartmentQuota, PlanStatus, QuotaPlan

    plan = QuotaPlan.objects.create(year=2026, status=PlanStatus.APPROVED)
    for department, amount in (
        (c.dept_sales, "1000.00"),
        (c.dept_sales_east, "200.00"),
        (c.dept_cs, "500.00"),
    ):
        DepartmentQuota.objects.create(
            plan=plan, department=department, monthly_amount=Decimal(amount)
        )


def _calls(c) -> dict:
    from billing.deductions.tests.factories import make_call
    from billing.models import CallClass

    calls = {}
    for key, number, person, when, charge, kind in (
        ("sales1", "057187000001", c.employee, at(2026, 10, 5, 9), "300.50", "local"),
        ("sales2", "057187000001", c.employee, at(2026, 10, 6, 9), "100.00", "local"),
        ("east", "057187000002", c.employee_east, at(2026, 10, 7, 9), "50.25", "ld"),
        ("cs", "057187000003", c.head_cs, at(2026, 10, 8, 9), "80.00", "local"),
        ("fin", "057187000004", c.finance, at(2026, 10, 9, 9), "20.00", "local"),
        ("sep", "057187000001", c.employee, at(2026, 9, 9, 9), "40.00", "local"),
    ):
        calls[key] = make_call(
            number,
            "16812345" if key.startswith("sales") else "02112345678",
            when,
            charge,
            CallClass.LOCAL if kind == "local" else CallClass.DOMESTIC,
            owner=person,
            department=person.department,
            ip_prefix="17951" if kind == "ld" else "",
        )
    return calls


def _findings(c, calls) -> None:
    from billing.deductions.models import FindingKind, FindingStatus, Rule, Violation
    from billing.deductions.services.totals import finding_totals_refresh

    rows = (
        ("sales1", Rule.PREMIUM, FindingStatus.CHARGED, "50.00"),
        ("sales2", Rule.PREMIUM, FindingStatus.CHARGED, "50.00"),
        ("east", Rule.PRIVATE_UNREGISTERED, FindingStatus.CHARGED, "10.00"),
        ("cs", Rule.NIGHT_WEEKEND, FindingStatus.OPEN, "0.00"),
        ("sales1", Rule.LD_UNAUTHORISED, FindingStatus.WAIVED, "0.00"),
    )
    for key, rule, status, amount in rows:
        call = calls[key]
        Violation.objects.create(
            call=call,
            period=call.period,
            rule=rule,
            kind=FindingKind.REVIEW
            if rule == Rule.NIGHT_WEEKEND
            else FindingKind.VIOLATION,
            status=status,
            employee=call.owner,
            department=call.department,
            line_number=call.line_number,
            called_number=call.called_number,
            started_at=call.started_at,
            duration_seconds=call.duration_seconds,
            call_class=call.call_class,
            charge=call.charge,
            amount=Decimal(amount),
        )
    finding_totals_refresh(calls["sales1"].period)


def _complaints(c) -> None:
    from callcenter.complaints.services import complaint_register, complaint_send

    def register(customer, accepted_at):
        return complaint_register(
            user=c.cs_agent.user,
            customer_name=customer,
            contact_phone="13800138000",
            content="话机无法拨出长途",
            kind="complaint",
            complexity="general",
            accepted_at=accepted_at,
            now=accepted_at,
        )

    for customer, department in (("逾期销售", c.dept_sales), ("逾期财务", c.dept_fin)):
        complaint = register(customer, at(2026, 9, 14, 10))
        complaint_send(
            user=c.cs_agent.user,
            complaint_id=complaint.pk,
            department_id=department.pk,
            now=at(2026, 9, 14, 11),
        )
    register("今日客户", at(2026, 10, 20, 9))


def _hotline(c) -> None:
    from callcenter.models import HotlineCall

    answered, missed = HotlineCall.Outcome.ANSWERED, HotlineCall.Outcome.MISSED
    rows = [(at(2026, 10, 12, 9, n), answered) for n in range(9)]
    rows += [(at(2026, 10, 12, 10), missed)]
    rows += [(at(2026, 9, 15, 9, n), answered) for n in range(4)]
    rows += [(at(2026, 9, 15, 10), HotlineCall.Outcome.ABANDONED)]
    for started_at, outcome in rows:
        HotlineCall.objects.create(
            started_at=started_at, outcome=outcome, agent=c.cs_agent
        )


def _approvals(c) -> dict:
    from telephony_admin.approvals.registry import register
    from telephony_admin.approvals.services import approval_request_create, head_step

    register("overview_test", label="Test", on_approved=None, on_rejected=None)
    made = {}
    for key, person, when in (
        ("old", c.employee, at(2026, 10, 14, 9)),
        ("fresh", c.employee_east, at(2026, 10, 19, 15)),
        ("gm", c.head_cs, at(2026, 10, 13, 9)),
    ):
        with time_machine.travel(when, tick=False):
            made[key] = approval_request_create(
                subject=person,
                kind="overview_test",
                requester=person,
                title=f"申请 {person.name}",
                chain=[head_step(person)],
            )
    return made


def build_month(c) -> dict:
    """Everything above; returns the calls and the approval requests."""
    ensure_calendar()
    _quotas(c)
    calls = _calls(c)
    _findings(c, calls)
    _complaints(c)
    _hotline(c)
    return {"calls": calls, "approvals": _approvals(c)}
