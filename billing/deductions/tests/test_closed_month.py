"""Closed means closed (R-PRV-4): once October 2026 is exported and closed, no path
changes what it deducts. Every path that could is walked against the real services
and the month's figures (workbook selectors, workbook cells, the rows behind them)
are compared before and after; then the month is reopened and each path works."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from billing.deductions.models import (
    FindingStatus,
    Fine,
    PrivateCallRegistration,
    QuotaOverride,
    QuotaPlan,
    Rule,
    Violation,
)
from billing.deductions.selectors import (
    deduction_items,
    deductions_by_employee,
    statement,
)
from billing.deductions.services import fines, periods, private_calls, quotas
from billing.deductions.services.audits import audit_run
from billing.deductions.services.export import deductions_export
from billing.deductions.services.findings import (
    call_mark_private,
    finding_decide,
    finding_reassign,
)
from billing.deductions.workbook import workbook_bytes
from billing.models import BillingPeriod, CallClass, CallFlag, CallRecord
from billing.services import (
    bill_import_create,
    call_records_reattribute,
    unattributed_line_resolve,
)
from extensions.models import LDStatus, LongDistanceRequest
from extensions.services import (
    ld_request_file,
    ld_request_place_now,
    ld_requests_mark_lapsed,
)
from extensions.tests.factories import make_line
from telephony_admin.approvals.models import Absence, ApprovalRequest
from telephony_admin.approvals.services import approval_cancel, approval_decide
from telephony_admin.core.models import AuditEvent
from telephony_admin.errors import PeriodClosed
from telephony_admin.org.models import Department

from .factories import at, make_call

pytestmark = pytest.mark.django_db

OCTOBER = date(2026, 10, 1)
FILED = at(2026, 10, 10, 10)  # requests filed in October, before its calls are billed
NOW = at(2026, 11, 5, 10)  # finance has exported and closed October
CLOSED = "The month 2026-10 is closed; it cannot be changed."
STRAY = "057187009999"  # a number nobody holds in the directory


# --- The month's figures ---------------------------------------------------------------


def _workbook_cells(period: BillingPeriod) -> list:
    book = load_workbook(BytesIO(workbook_bytes(period, lang="en")[0]))
    return [
        (sheet.title, [tuple(row) for row in sheet.iter_rows(values_only=True)])
        for sheet in book.worksheets
    ]


def figures(period: BillingPeriod) -> dict:
    """What the month's workbook says: per employee, per department, every item."""
    items = deduction_items(period)
    return {
        "items": [
            (
                i.employee.number,
                i.column,
                i.day,
                i.line,
                i.called,
                i.call_class,
                i.charge,
                i.reason,
                i.multiplier,
                i.amount,
            )
            for i in items
        ],
        "employees": [
            (r.employee.number, sorted(r.amounts.items()), r.total)
            for r in deductions_by_employee(items)
        ],
        "departments": [
            (
                r.department.code,
                r.quota,
                r.actual,
                r.saving,
                r.excess,
                sorted(r.by_class.items()),
                r.calls,
            )
            for r in statement(period.month, Department.objects.all())
        ],
        "workbook": _workbook_cells(period),
    }


def inputs(period: BillingPeriod) -> dict:
    """The rows the figures and the month's next audit are made from, and the
    approvals deciding them: a refused path leaves none of them half-changed."""
    return {
        "findings": sorted(
            Violation.objects.filter(period=period).values_list(
                "call_id", "rule", "status", "employee_id", "amount", "decided_at"
            )
        ),
        "registrations": sorted(
            PrivateCallRegistration.objects.values_list("pk", "status", "call_id")
        ),
        "calls": sorted(
            CallRecord.objects.filter(period=period).values_list(
                "pk", "department_id", "owner_id", "flags", "charge"
            )
        ),
        "fines": sorted(Fine.objects.values_list("pk", "amount", "period_id")),
        "quotas": sorted(QuotaOverride.objects.values_list("department_id", "month")),
        "plans": sorted(QuotaPlan.objects.values_list("year", "status")),
        "ld_requests": sorted(
            LongDistanceRequest.objects.values_list("pk", "status", "placed_now")
        ),
        "approvals": sorted(
            (a.pk, a.status, tuple(s.status for s in a.steps.order_by("order")))
            for a in ApprovalRequest.objects.all()
        ),
        "audit_events": AuditEvent.objects.count(),
    }


# --- A month with one of everything, exported and closed -------------------------------


def _absent(employee, delegate, starts_on, ends_on):
    Absence.objects.create(
        employee=employee, starts_on=starts_on, ends_on=ends_on, delegate=delegate
    )


def _ld_request(company, line, *, urgent: bool) -> LongDistanceRequest:
    return ld_request_file(
        user=company.employee.user,
        caller=company.employee,
        line=line,
        region="domestic",
        destination_region="北京",
        destination_org="客户公司",
        reason="Contract questions",
        expected_minutes=15,
        call_on=date(2026, 10, 12),
        urgent=urgent,
    )


def _register(company, line, **changes):
    data = {
        "actor": company.employee.user,
        "call_date": date(2026, 10, 8),
        "approx_time": time(12, 0),
        "line_number": line.number,
        "called_number": "010-62345678",
        "duration_minutes": 3,
        "reason": "家里有事",
    }
    data.update(changes)
    return private_calls.private_call_register(**data)


def _october(company, lines) -> SimpleNamespace:
    """Filed in October: a quota plan waiting for the GM, long-distance requests
    (one waiting, one placed early, one urgent), private-call registrations, a fine;
    and October's calls."""
    local = lines["local"]
    w = SimpleNamespace(company=company, lines=lines)
    plan = quotas.quota_plan_propose(actor=company.admin.user, year=2026)
    w.plan = quotas.quota_plan_submit(actor=company.admin.user, plan_id=plan.pk)
    w.ld_waiting = _ld_request(company, local, urgent=False)
    w.ld_placed = _ld_request(company, local, urgent=True)
    w.ld_urgent = _ld_request(company, local, urgent=True)
    w.reg_matched = _register(company, local)
    w.reg_unmatched = _register(
        company, local, called_number="13900001111", call_date=date(2026, 10, 9)
    )
    w.fine = fines.fine_record(
        actor=company.admin.user,
        employee=company.employee,
        fine_type="use",
        occurred_on=date(2026, 10, 3),
        reason="long private call",
    )
    # Head and supervising leader both away: administration lets one call go early.
    _absent(company.head_sales, company.gm, date(2026, 10, 10), date(2026, 10, 20))
    _absent(company.gm, company.head_sales, date(2026, 10, 10), date(2026, 10, 20))
    ld_request_place_now(request=w.ld_placed, user=company.admin.user)
    w.premium = make_call(
        local, "16812345", at(2026, 10, 8, 10), "1.23", CallClass.PREMIUM
    )
    w.long_call = make_call(
        local, "82215279", at(2026, 10, 8, 14), "3.60", seconds=3600
    )
    w.private_ld = make_call(
        local,
        "01062345678",
        at(2026, 10, 8, 12, 5),
        "2.40",
        CallClass.DOMESTIC,
        ip_prefix="17909",
    )
    w.plain = make_call(
        local, "13900002222", at(2026, 10, 9, 11), "1.35", CallClass.MOBILE
    )
    w.stray = make_call(
        STRAY, "82215279", at(2026, 10, 4, 9), "0.30", flags=CallFlag.UNATTRIBUTED
    )
    return w


@pytest.fixture
def closed(company, lines):
    """October audited, exported and closed by finance through the services."""
    with time_machine.travel(FILED, tick=False):
        w = _october(company, lines)
    with time_machine.travel(NOW, tick=False):
        w.period = w.premium.period
        audit_run(period_id=w.period.pk)
        w.premium_finding = Violation.objects.get(rule=Rule.PREMIUM)
        w.review = Violation.objects.get(rule=Rule.LONG_CALL)
        assert w.review.status == FindingStatus.OPEN
        w.reg_matched.refresh_from_db()
        assert w.reg_matched.call_id == w.private_ld.pk
        deductions_export(actor=company.finance.user, period=w.period)
        periods.period_close(actor=company.finance.user, period=w.period)
        w.period.refresh_from_db()
        yield w


def _pending_step(approval_id: int):
    return ApprovalRequest.objects.get(pk=approval_id).steps.get(status="pending")


def _decide(approval_id: int, user, approve: bool):
    approval_decide(
        step_id=_pending_step(approval_id).pk,
        user=user,
        approve=approve,
        comment="" if approve else "not a business call",
    )


# --- Every path ------------------------------------------------------------------------


@dataclass(frozen=True)
class Path:
    """One way of changing a month; ``changes`` says whether, done in an open
    month, it changes the workbook at once (it proves the comparison can fail)."""

    attempt: Callable[[SimpleNamespace], object]
    changes: bool
    message: str = CLOSED
    reopened: Callable[[SimpleNamespace], object] | None = None


def _approve_plan(w):
    _decide(w.plan.approval_id, w.company.gm.user, approve=True)


def _both_approvers_away_today(w):
    c = w.company
    _absent(c.head_sales, c.gm, date(2026, 11, 1), date(2026, 11, 10))
    _absent(c.gm, c.head_sales, date(2026, 11, 1), date(2026, 11, 10))


PATHS = {
    # Private calls (R-PRV-1/2): registering, withdrawing, the head's decision.
    "R_PRV_1-register-a-private-call": Path(
        lambda w: _register(w.company, w.lines["local"], call_date=date(2026, 10, 20)),
        changes=False,
    ),
    "R_PRV_1-withdraw-a-registration": Path(
        lambda w: private_calls.private_call_cancel(
            actor=w.company.employee.user, registration_id=w.reg_unmatched.pk
        ),
        changes=False,
    ),
    "R_PRV_1-head-consents-after-closing": Path(
        lambda w: _decide(
            w.reg_matched.approval_id, w.company.head_sales.user, approve=True
        ),
        changes=True,  # the consented call's long-distance fine is waived
    ),
    "R_PRV_1-head-refuses-after-closing": Path(
        lambda w: _decide(
            w.reg_matched.approval_id, w.company.head_sales.user, approve=False
        ),
        changes=True,  # the registered charge leaves the caller's pay
    ),
    "R_PRV_1-caller-withdraws-the-approval": Path(
        lambda w: approval_cancel(
            request_id=w.reg_matched.approval_id, user=w.company.employee.user
        ),
        changes=True,
    ),
    # Findings (R-PRV-3, R-BIL-5, review flags).
    "R_PRV_3-mark-a-call-private": Path(
        lambda w: call_mark_private(
            actor=w.company.admin.user, call_id=w.plain.pk, reason="a relative"
        ),
        changes=True,
    ),
    "R_BIL_5-waive-a-violation": Path(
        lambda w: finding_decide(
            actor=w.company.admin.user,
            finding_id=w.premium_finding.pk,
            status=FindingStatus.WAIVED,
            reason="wrong number",
        ),
        changes=True,
    ),
    "R_PRV_4-confirm-a-review-flag": Path(
        lambda w: finding_decide(
            actor=w.company.admin.user,
            finding_id=w.review.pk,
            status=FindingStatus.CHARGED,
        ),
        changes=True,
    ),
    "R_PRV_4-dismiss-a-review-flag": Path(
        lambda w: finding_decide(
            actor=w.company.admin.user,
            finding_id=w.review.pk,
            status=FindingStatus.DISMISSED,
            reason="customer call",
        ),
        changes=False,
    ),
    "R_BIL_5-reassign-a-violation": Path(
        lambda w: finding_reassign(
            actor=w.company.admin.user,
            finding_id=w.premium_finding.pk,
            employee=w.company.handler,
            reason="the handler used the phone",
        ),
        changes=True,
    ),
    # Fines (R-PEN-1).
    "R_PEN_1-record-a-fine": Path(
        lambda w: fines.fine_record(
            actor=w.company.admin.user,
            employee=w.company.employee,
            fine_type="etiquette",
            occurred_on=date(2026, 10, 21),
            reason="no greeting",
        ),
        changes=True,
    ),
    "R_PEN_1-delete-a-fine": Path(
        lambda w: fines.fine_delete(
            actor=w.company.admin.user, fine_id=w.fine.pk, reason="recorded twice"
        ),
        changes=True,
    ),
    # Long-distance requests (R-LD-2): they decide the month's R-LD-2/4 findings.
    "R_LD_2-head-approves-a-request": Path(
        lambda w: _decide(
            w.ld_waiting.approval_id, w.company.head_sales.user, approve=True
        ),
        changes=False,
    ),
    "R_LD_2-head-rejects-a-request": Path(
        lambda w: _decide(
            w.ld_waiting.approval_id, w.company.head_sales.user, approve=False
        ),
        changes=False,
    ),
    "R_LD_2-caller-withdraws-a-request": Path(
        lambda w: approval_cancel(
            request_id=w.ld_waiting.approval_id, user=w.company.employee.user
        ),
        changes=False,
    ),
    "R_LD_2-late-approval-of-a-placed-call": Path(
        lambda w: _decide(
            w.ld_placed.approval_id, w.company.head_sales.user, approve=True
        ),
        changes=False,
    ),
    "R_LD_2-place-an-urgent-call-now": Path(
        lambda w: ld_request_place_now(request=w.ld_urgent, user=w.company.admin.user),
        changes=False,
        reopened=_both_approvers_away_today,
    ),
    # Quotas (R-BIL-1): the workbook's department sheet.
    "R_BIL_1-gm-approves-the-year-plan": Path(_approve_plan, changes=True),
    "R_BIL_1-change-the-month-quota": Path(
        lambda w: quotas.quota_month_set(
            actor=w.company.admin.user,
            department=w.company.dept_sales,
            month=OCTOBER,
            amount=Decimal("500"),
            reason="campaign",
        ),
        changes=True,
        reopened=_approve_plan,
    ),
    # Attribution (R-BIL-3): whom the calls and their findings charge.
    "R_BIL_3-assign-an-unattributed-line": Path(
        lambda w: unattributed_line_resolve(
            actor=w.company.admin.user,
            line_number=STRAY,
            department=w.company.dept_cs,
            owner=w.company.cs_agent,
        ),
        changes=True,
    ),
    # The bill and the audit (R-BIL-2, R-PRV-2).
    "R_BIL_2-import-a-corrected-bill": Path(
        lambda w: bill_import_create(
            actor=w.company.admin.user,
            source=BytesIO(b"a,b\n"),
            original_name="bill.csv",
            month=OCTOBER,
            enqueue=False,
        ),
        changes=False,
        message="The billing month 2026-10 is closed; its bill cannot be imported.",
    ),
    "R_PRV_2-audit-the-month-again": Path(
        lambda w: audit_run(period_id=w.period.pk), changes=False
    ),
}


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("name", list(PATHS))
def test_a_closed_month_refuses_the_change_and_keeps_its_figures__R_PRV_4(closed, name):
    path = PATHS[name]
    before_figures, before_inputs = figures(closed.period), inputs(closed.period)
    with pytest.raises(PeriodClosed) as refused:
        path.attempt(closed)
    assert refused.value.message == path.message
    assert figures(closed.period) == before_figures
    assert inputs(closed.period) == before_inputs


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("name", list(PATHS))
def test_after_reopening_the_same_change_works_again__R_PRV_4(closed, name):
    path = PATHS[name]
    periods.period_reopen(
        actor=closed.company.admin.user,
        period=closed.period,
        reason="the carrier corrected the bill",
    )
    if path.reopened is not None:
        path.reopened(closed)
    before = figures(closed.period)
    path.attempt(closed)
    assert (figures(closed.period) != before) is path.changes


@time_machine.travel(NOW, tick=False)
def test_an_overdue_urgent_request_of_a_closed_month_does_not_lapse__R_LD_2_R_PRV_4(
    closed,
):
    """The beat sweep must not fail, nor charge a closed month double: the request
    waits, and the first sweep after reopening lapses it."""
    before_figures, before_inputs = figures(closed.period), inputs(closed.period)
    assert ld_requests_mark_lapsed() == 0
    assert figures(closed.period) == before_figures
    assert inputs(closed.period) == before_inputs
    periods.period_reopen(
        actor=closed.company.admin.user, period=closed.period, reason="correction"
    )
    assert ld_requests_mark_lapsed() == 1
    closed.ld_placed.refresh_from_db()
    assert closed.ld_placed.status == LDStatus.LAPSED


@time_machine.travel(NOW, tick=False)
def test_attributing_again_from_the_directory_leaves_a_closed_month__R_BIL_3_R_PRV_4(
    closed,
):
    """The directory learns the number; the closed month's call stays as billed
    until the month is reopened."""
    make_line(
        STRAY, closed.company.dept_cs, closed.company.cs_agent, starts_at=at(2026, 9, 1)
    )
    before_figures, before_inputs = figures(closed.period), inputs(closed.period)
    assert call_records_reattribute() == 0
    assert figures(closed.period) == before_figures
    assert inputs(closed.period) == before_inputs
    periods.period_reopen(
        actor=closed.company.admin.user, period=closed.period, reason="correction"
    )
    assert call_records_reattribute() == 1
    assert figures(closed.period) != before_figures


@time_machine.travel(NOW, tick=False)
def test_a_long_distance_request_for_a_closed_month_is_refused__R_LD_1_R_PRV_4(
    closed,
):
    """Requests are filed for today or later: only a closed current (or future)
    month can refuse one. Finance closed November early here."""
    november = BillingPeriod.objects.create(month=date(2026, 11, 1))
    deductions_export(actor=closed.company.finance.user, period=november)
    periods.period_close(actor=closed.company.finance.user, period=november)
    before_figures, before_inputs = figures(november), inputs(november)
    with pytest.raises(PeriodClosed) as refused:
        ld_request_file(
            user=closed.company.employee.user,
            caller=closed.company.employee,
            line=closed.lines["local"],
            region="domestic",
            destination_region="上海",
            destination_org="客户公司",
            reason="Delivery",
            expected_minutes=5,
            call_on=date(2026, 11, 6),
        )
    assert refused.value.message == (
        "The month 2026-11 is closed; it cannot be changed."
    )
    assert figures(november) == before_figures
    assert inputs(november) == before_inputs
    periods.period_reopen(
        actor=closed.company.admin.user, period=november, reason="closed too early"
    )
    assert ld_request_file(
        user=closed.company.employee.user,
        caller=closed.company.employee,
        line=closed.lines["local"],
        region="domestic",
        destination_region="上海",
        destination_org="客户公司",
        reason="Delivery",
        expected_minutes=5,
        call_on=date(2026, 11, 6),
    ).pk


# --- What the pages show -----------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A form posted on a closed month's item: the page answers with the message."""

    user: str
    url: Callable[[SimpleNamespace], str]
    data: Callable[[SimpleNamespace], dict]


def _approval(w, attr: str) -> str:
    return reverse("approvals:detail", args=[getattr(w, attr).approval_id])


POSTS = {
    "R_PRV_1-head-consents": Page(
        "head_sales",
        lambda w: _approval(w, "reg_matched"),
        lambda w: {"decision": "approve"},
    ),
    "R_PRV_1-head-refuses": Page(
        "head_sales",
        lambda w: _approval(w, "reg_matched"),
        lambda w: {"decision": "reject", "comment": "not a business call"},
    ),
    "R_PRV_1-caller-withdraws-the-approval": Page(
        "employee",
        lambda w: reverse("approvals:cancel", args=[w.reg_matched.approval_id]),
        lambda w: {},
    ),
    "R_PRV_1-register": Page(
        "employee",
        lambda w: reverse("deductions:private_calls"),
        lambda w: {
            "call_date": "2026-10-20",
            "approx_time": "12:00",
            "line_number": w.lines["local"].number,
            "called_number": "13800001111",
            "duration_minutes": "2",
            "reason": "family",
        },
    ),
    "R_PRV_1-withdraw-a-registration": Page(
        "employee",
        lambda w: reverse("deductions:private_call_cancel", args=[w.reg_unmatched.pk]),
        lambda w: {},
    ),
    "R_PRV_3-mark-private": Page(
        "admin",
        lambda w: reverse("deductions:mark_private", args=[w.plain.pk]),
        lambda w: {"reason": "a relative"},
    ),
    "R_BIL_5-waive": Page(
        "admin",
        lambda w: reverse("deductions:finding", args=[w.premium_finding.pk]),
        lambda w: {"action": "decide", "status": "waived", "reason": "wrong"},
    ),
    "R_BIL_5-reassign": Page(
        "admin",
        lambda w: reverse("deductions:finding", args=[w.premium_finding.pk]),
        lambda w: {
            "action": "reassign",
            "employee": w.company.handler.pk,
            "reason": "the handler",
        },
    ),
    "R_PEN_1-record-a-fine": Page(
        "admin",
        lambda w: reverse("deductions:fines"),
        lambda w: {
            "employee": w.company.employee.pk,
            "fine_type": "use",
            "occurred_on": "2026-10-21",
            "multiplier": "1",
            "reason": "long call",
        },
    ),
    "R_PEN_1-delete-a-fine": Page(
        "admin",
        lambda w: reverse("deductions:fine_delete", args=[w.fine.pk]),
        lambda w: {"reason": "twice"},
    ),
    "R_LD_2-head-approves-a-request": Page(
        "head_sales",
        lambda w: _approval(w, "ld_waiting"),
        lambda w: {"decision": "approve"},
    ),
    "R_LD_2-place-an-urgent-call-now": Page(
        "admin",
        lambda w: reverse("extensions:ld_place_now", args=[w.ld_urgent.pk]),
        lambda w: {},
    ),
    "R_BIL_1-gm-approves-the-year-plan": Page(
        "gm",
        lambda w: _approval(w, "plan"),
        lambda w: {"decision": "approve"},
    ),
    "R_BIL_1-change-the-month-quota": Page(
        "admin",
        lambda w: reverse("deductions:quota_month", args=[2026]),
        lambda w: {
            "department": w.company.dept_sales.pk,
            "month": "2026-10",
            "amount": "500",
            "reason": "campaign",
        },
    ),
    "R_BIL_3-assign-an-unattributed-line": Page(
        "admin",
        lambda w: reverse("billing:unattributed_resolve", args=[STRAY]),
        lambda w: {"department": w.company.dept_cs.pk},
    ),
}


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("name", list(POSTS))
def test_the_page_says_the_month_is_closed__R_PRV_4(client, closed, name):
    page = POSTS[name]
    before_figures, before_inputs = figures(closed.period), inputs(closed.period)
    client.force_login(getattr(closed.company, page.user).user)
    response = client.post(page.url(closed), page.data(closed), follow=True)
    assert response.status_code == 200
    assert CLOSED in response.content.decode()
    assert figures(closed.period) == before_figures
    assert inputs(closed.period) == before_inputs


@time_machine.travel(NOW, tick=False)
def test_pages_say_the_month_is_closed_instead_of_offering_a_decision__R_PRV_4(
    client, closed
):
    c = closed.company
    client.force_login(c.head_sales.user)
    approval = client.get(_approval(closed, "reg_matched")).content.decode()
    assert 'data-testid="decision-refused"' in approval and CLOSED in approval
    assert 'data-testid="decide"' not in approval
    client.force_login(c.employee.user)
    mine = client.get(_approval(closed, "reg_matched")).content.decode()
    assert CLOSED in mine and "Withdraw the request" not in mine
    client.force_login(c.gm.user)
    plan = client.get(_approval(closed, "plan")).content.decode()
    # Rejecting a plan changes no month: the GM may still reject it.
    assert CLOSED in plan and 'data-testid="decide"' in plan
    client.force_login(c.admin.user)
    finding = client.get(
        reverse("deductions:finding", args=[closed.premium_finding.pk])
    ).content.decode()
    assert 'data-testid="month-closed"' in finding and "Save decision" not in finding
    ld = client.get(
        reverse("extensions:ld_detail", args=[closed.ld_urgent.pk])
    ).content.decode()
    assert CLOSED in ld and 'data-testid="place-now"' not in ld
    line = client.get(
        reverse("deductions:department", args=[c.dept_sales.pk])
        + f"?month=2026-10&line={closed.lines['local'].number}"
    ).content.decode()
    assert CLOSED in line and "Mark private" not in line


@time_machine.travel(NOW, tick=False)
def test_raw_admin_cannot_edit_a_closed_months_calls_or_status__R_PRV_4(client, closed):
    client.force_login(closed.company.admin.user)
    call = closed.premium
    url = reverse("admin:billing_callrecord_change", args=[call.pk])
    assert client.get(url).status_code == 200  # still readable
    data = {"charge": "0.00", "line_number": call.line_number}
    assert client.post(url, data).status_code == 403
    delete = reverse("admin:billing_callrecord_delete", args=[call.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    period_url = reverse("admin:billing_billingperiod_change", args=[closed.period.pk])
    client.post(period_url, {"month": "2026-10-01", "status": "open"})
    closed.period.refresh_from_db()
    assert closed.period.is_closed
    call.refresh_from_db()
    assert call.charge == Decimal("1.23")
