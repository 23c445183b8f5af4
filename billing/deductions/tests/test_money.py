"""Quotas (R-BIL-1), private calls (R-PRV-1..3), fines (R-PEN-1), closing and the
workbook (R-PRV-4), to the fen."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from billing.deductions.models import (
    FindingStatus,
    PlanStatus,
    QuotaAlert,
    RegistrationStatus,
    Rule,
    Violation,
)
from billing.deductions.selectors import deduction_items, deductions_by_employee
from billing.deductions.services import fines, periods, private_calls, quotas
from billing.deductions.services.audits import audit_run
from billing.deductions.services.export import deductions_export
from billing.deductions.services.findings import call_mark_private, finding_decide
from billing.models import CallClass
from telephony_admin.approvals.services import approval_decide
from telephony_admin.core.models import AuditEvent, Notification
from telephony_admin.errors import DomainError, PeriodClosed, PermissionRefused

from .factories import at, make_call
from .sheets import WORKBOOK_SHEETS, data_rows

pytestmark = pytest.mark.django_db
NOW = at(2026, 11, 5, 10)


def approve(request, user):
    step = request.steps.get(status="pending")
    approval_decide(step_id=step.pk, user=user, approve=True)


def totals(period) -> dict[str, Decimal]:
    return {
        r.employee.name: r.total
        for r in deductions_by_employee(deduction_items(period))
    }


# --- Quotas (R-BIL-1) ---------------------------------------------------------------


def approved_plan(company):
    plan = quotas.quota_plan_propose(actor=company.admin.user, year=2026)
    plan = quotas.quota_plan_submit(actor=company.admin.user, plan_id=plan.pk)
    approve(plan.approval, company.gm.user)
    plan.refresh_from_db()
    return plan


def test_quota_proposed_from_headcount_and_approved_by_gm__R_BIL_1(company):
    plan = quotas.quota_plan_propose(actor=company.admin.user, year=2026)
    sales = plan.departments.get(department=company.dept_sales)
    # head_sales (manager) + employee + handler (staff): 50 + 2 x 30
    assert (sales.staff_count, sales.manager_count) == (2, 1)
    assert sales.monthly_amount == Decimal("110.00")
    quotas.department_quota_set(
        actor=company.admin.user, quota_id=sales.pk, monthly_amount=Decimal("120.5")
    )
    with pytest.raises(PermissionRefused):
        quotas.quota_plan_propose(actor=company.head_sales.user, year=2026)
    plan = quotas.quota_plan_submit(actor=company.admin.user, plan_id=plan.pk)
    assert plan.status == PlanStatus.PENDING
    with pytest.raises(PermissionRefused):
        approve(plan.approval, company.admin2.user)
    approve(plan.approval, company.gm.user)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert quotas.quotas_for_month(date(2026, 10, 1))[company.dept_sales.pk] == Decimal(
        "120.50"
    )
    with pytest.raises(DomainError):
        quotas.department_quota_set(
            actor=company.admin.user, quota_id=sales.pk, monthly_amount=Decimal(1)
        )


def test_duty_line_quota_adds_to_its_department__R_BIL_1(company, lines):
    plan = quotas.quota_plan_propose(actor=company.admin.user, year=2026)
    quotas.line_quota_set(
        actor=company.admin.user,
        plan=plan,
        line=lines["hotline"],
        monthly_amount=Decimal("50"),
        is_duty=True,
    )
    plan = quotas.quota_plan_propose(actor=company.admin.user, year=2026)
    cs = plan.departments.get(department=company.dept_cs)
    # head_cs (manager) 50 + cs_agent 30 + duty line 50
    assert cs.monthly_amount == Decimal("130.00")


def test_quota_alerts_at_80_and_100_percent_fire_once__R_BIL_1(company, lines):
    approved_plan(company)  # sales: 110.00 a month
    call = make_call(lines["local"], "82215279", at(2026, 10, 8, 10), "87.99")
    audit_run(period_id=call.period_id)
    assert not QuotaAlert.objects.exists()
    make_call(lines["local"], "82215279", at(2026, 10, 9, 10), "0.01")  # 88.00 = 80%
    audit_run(period_id=call.period_id)
    audit_run(period_id=call.period_id)
    assert list(QuotaAlert.objects.values_list("threshold", flat=True)) == [80]
    make_call(lines["local"], "82215279", at(2026, 10, 10, 10), "22.00")  # 110.00
    audit_run(period_id=call.period_id)
    audit_run(period_id=call.period_id)
    assert sorted(QuotaAlert.objects.values_list("threshold", flat=True)) == [80, 100]
    titles = list(
        Notification.objects.filter(
            recipient=company.head_sales.user, title__contains="quota"
        ).values_list("title", flat=True)
    )
    assert len(titles) == 2
    assert any("80%" in t for t in titles) and any("100%" in t for t in titles)


def test_a_month_quota_change_is_used_for_that_month_only(company):
    approved_plan(company)
    quotas.quota_month_set(
        actor=company.admin.user,
        department=company.dept_sales,
        month=date(2026, 12, 1),
        amount=Decimal("200"),
        reason="year-end campaign",
    )
    assert quotas.quotas_for_month(date(2026, 12, 1))[company.dept_sales.pk] == 200
    assert quotas.quotas_for_month(date(2026, 11, 1))[company.dept_sales.pk] == 110


# --- Private calls (R-PRV-1..3) ------------------------------------------------------


def register(company, lines, **changes):
    data = {
        "actor": company.employee.user,
        "call_date": date(2026, 10, 8),
        "approx_time": time(12, 0),
        "line_number": lines["local"].number,
        "called_number": "138-0000-1111",
        "duration_minutes": 3,
        "reason": "家里有事",
    }
    data.update(changes)
    return private_calls.private_call_register(**data)


@time_machine.travel(NOW, tick=False)
def test_registered_private_call_is_matched_and_charged_to_the_caller__R_PRV_2(
    company, lines
):
    registration = register(company, lines)
    approve(registration.approval, company.head_sales.user)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONSENTED
    far = make_call(
        lines["local"], "13800001111", at(2026, 10, 8, 14), "0.90", CallClass.MOBILE
    )
    near = make_call(
        lines["local"], "13800001111", at(2026, 10, 8, 12, 20), "0.45", CallClass.MOBILE
    )
    result = audit_run(period_id=near.period_id)
    registration.refresh_from_db()
    assert result.matched_private == 1
    assert (registration.call_id, registration.charge) == (near.pk, Decimal("0.45"))
    assert totals(near.period) == {company.employee.name: Decimal("0.45")}
    assert far.pk != registration.call_id


@time_machine.travel(NOW, tick=False)
def test_consented_private_long_distance_is_charged_once_without_fine__R_PRV_1_R_LD_4(
    company, lines
):
    """The head's consent approves the private call: the caller pays its charge
    once (R-PRV-2), the R-LD-4 finding is waived; without consent it stands."""
    registration = register(company, lines, called_number="010-62345678")
    call = make_call(
        lines["local"],
        "01062345678",
        at(2026, 10, 8, 12, 5),
        "2.40",
        CallClass.DOMESTIC,
        ip_prefix="17909",
    )
    audit_run(period_id=call.period_id)
    registration.refresh_from_db()
    assert registration.call_id == call.pk
    finding = Violation.objects.get(rule=Rule.LD_UNAUTHORISED)
    assert finding.status == FindingStatus.CHARGED  # pending consent: fine stands
    assert totals(call.period) == {company.employee.name: Decimal("54.80")}
    approve(registration.approval, company.head_sales.user)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.WAIVED
    assert totals(call.period) == {company.employee.name: Decimal("2.40")}
    assert AuditEvent.objects.filter(
        action="deductions.findings_waived_by_registration"
    ).exists()


@time_machine.travel(NOW, tick=False)
def test_registration_outside_the_window_is_not_matched__R_PRV_2(company, lines):
    register(company, lines, approx_time=time(9, 0))
    call = make_call(
        lines["local"], "13800001111", at(2026, 10, 8, 12), "0.45", CallClass.MOBILE
    )
    assert audit_run(period_id=call.period_id).matched_private == 0
    assert deduction_items(call.period) == []


@time_machine.travel(NOW, tick=False)
def test_unregistered_private_call_is_charged_to_the_head__R_PRV_3(company, lines):
    call = make_call(
        lines["local"], "13900002222", at(2026, 10, 9, 19), "1.35", CallClass.MOBILE
    )
    with pytest.raises(PermissionRefused):
        call_mark_private(
            actor=company.head_sales.user, call_id=call.pk, reason="private"
        )
    finding = call_mark_private(
        actor=company.admin.user, call_id=call.pk, reason="called a relative"
    )
    assert finding.rule == Rule.PRIVATE_UNREGISTERED
    assert totals(call.period) == {company.head_sales.name: Decimal("1.35")}


@time_machine.travel(NOW, tick=False)
def test_a_head_cannot_consent_for_another_department__R_PRV_1(company, lines):
    registration = register(company, lines)
    with pytest.raises(PermissionRefused):
        approve(registration.approval, company.head_cs.user)


# --- Fines (R-PEN-1) -----------------------------------------------------------------


def test_fine_with_supervisors_joint_share__R_PEN_1(company):
    fine = fines.fine_record(
        actor=company.admin.user,
        employee=company.employee,
        fine_type="etiquette",
        occurred_on=date(2026, 10, 20),
        reason="no greeting",
    )
    assert (fine.amount, fine.supervisor_amount) == (Decimal("20.00"), Decimal("16.00"))
    severe = fines.fine_record(
        actor=company.admin.user,
        employee=company.employee,
        fine_type="charges",
        occurred_on=date(2026, 10, 21),
        reason="premium calls again",
        multiplier=25,
    )
    assert (severe.amount, severe.supervisor_amount) == (
        Decimal("1250.00"),
        Decimal("1000.00"),
    )
    assert totals(fine.period) == {
        company.employee.name: Decimal("1270.00"),
        company.head_sales.name: Decimal("1016.00"),
    }
    with pytest.raises(DomainError):
        fines.fine_record(
            actor=company.admin.user,
            employee=company.employee,
            fine_type="use",
            occurred_on=date(2026, 10, 21),
            reason="x",
            multiplier=26,
        )


# --- Closing (R-PRV-4) --------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_closed_month_refuses_changes_until_reopened_with_a_reason__R_PRV_4(
    company, lines
):
    from billing.services import bill_import_create

    approved_plan(company)
    call = make_call(
        lines["local"], "16812345", at(2026, 10, 8, 10), "1.23", CallClass.PREMIUM
    )
    audit_run(period_id=call.period_id)
    period = call.period
    with pytest.raises(DomainError):  # not exported yet
        periods.period_close(actor=company.finance.user, period=period)
    with pytest.raises(PermissionRefused):
        deductions_export(actor=company.admin.user, period=period)
    deductions_export(actor=company.finance.user, period=period)
    with pytest.raises(PermissionRefused):
        periods.period_close(actor=company.admin.user, period=period)
    periods.period_close(actor=company.finance.user, period=period)
    finding = Violation.objects.get()
    refused = [
        lambda: bill_import_create(
            actor=company.admin.user,
            source=BytesIO(b"a,b\n"),
            original_name="bill.csv",
            month=date(2026, 10, 1),
            enqueue=False,
        ),
        lambda: register(company, lines),
        lambda: finding_decide(
            actor=company.admin.user,
            finding_id=finding.pk,
            status=FindingStatus.WAIVED,
            reason="x",
        ),
        lambda: audit_run(period_id=period.pk),
        lambda: quotas.quota_month_set(
            actor=company.admin.user,
            department=company.dept_sales,
            month=date(2026, 10, 1),
            amount=Decimal(1),
            reason="x",
        ),
        lambda: fines.fine_record(
            actor=company.admin.user,
            employee=company.employee,
            fine_type="use",
            occurred_on=date(2026, 10, 3),
            reason="x",
        ),
    ]
    for attempt in refused:
        with pytest.raises(PeriodClosed):
            attempt()
    with pytest.raises(PermissionRefused):
        periods.period_reopen(actor=company.finance.user, period=period, reason="x")
    with pytest.raises(DomainError):
        periods.period_reopen(actor=company.admin.user, period=period, reason=" ")
    periods.period_reopen(
        actor=company.admin.user, period=period, reason="carrier corrected the bill"
    )
    assert AuditEvent.objects.filter(
        action="deductions.period_reopened",
        details__reason="carrier corrected the bill",
    ).exists()
    finding_decide(
        actor=company.admin.user,
        finding_id=finding.pk,
        status=FindingStatus.WAIVED,
        reason="ok now",
    )


# --- Workbook (R-PRV-4) --------------------------------------------------------------


def read(data: bytes):
    return load_workbook(BytesIO(data))


@time_machine.travel(NOW, tick=False)
def test_workbook_sheets_headers_and_totals_to_the_fen__R_PRV_4(company, lines):
    approved_plan(company)
    registration = register(company, lines)
    approve(registration.approval, company.head_sales.user)
    make_call(
        lines["local"], "13800001111", at(2026, 10, 8, 12, 5), "0.45", CallClass.MOBILE
    )
    call = make_call(
        lines["local"], "16812345", at(2026, 10, 8, 10), "1.23", CallClass.PREMIUM
    )
    audit_run(period_id=call.period_id)
    fines.fine_record(
        actor=company.admin.user,
        employee=company.employee,
        fine_type="use",
        occurred_on=date(2026, 10, 20),
        reason='=HYPERLINK("http://evil","x")',
    )
    data, total = deductions_export(actor=company.finance.user, period=call.period)
    book = read(data)
    assert book.sheetnames == WORKBOOK_SHEETS
    summary = book["扣款汇总"]
    header = [c.value for c in summary[1]]
    assert header == [
        "工号",
        "姓名",
        "部门",
        "私人电话费",
        "声讯违规罚款",
        "长途补批双倍费用",
        "违规罚款",
        "合计",
    ]
    assert summary.freeze_panes == "A2"
    assert summary.auto_filter.ref == "A1:H4"  # two people, then 合计
    rows = {r[1]: r for r in data_rows(summary)}
    # employee: private 0.45, premium 6.15, fine 30.00; head: 80% of 30 = 24.00
    assert [Decimal(str(v)).quantize(Decimal("0.01")) for v in rows["张三"][3:]] == [
        Decimal("0.45"),
        Decimal("6.15"),
        Decimal("0.00"),
        Decimal("30.00"),
        Decimal("36.60"),
    ]
    assert Decimal(str(rows["王经理"][7])) == Decimal("24.00")
    assert total == Decimal("60.60")
    assert summary["H2"].number_format == "#,##0.00"
    sales = {r[0]: r for r in data_rows(book["部门话费"])}
    assert Decimal(str(sales["销售部"][1])) == Decimal("110.00")
    assert Decimal(str(sales["销售部"][2])) == Decimal("1.68")
    assert Decimal(str(sales["销售部"][3])) == Decimal("108.32")
    details = data_rows(book["明细"], values_only=False)
    reasons = [row[7] for row in details]
    injected = [c for c in reasons if "HYPERLINK" in str(c.value)]
    assert injected and all(c.data_type == "s" for c in injected)
    assert all(not str(c.value).startswith("=") for c in reasons)


def test_workbook_in_english_on_request(company):
    from billing.deductions.services.periods import period_for

    data, _total = deductions_export(
        actor=company.finance.user, period=period_for(date(2026, 10, 1)), lang="en"
    )
    book = read(data)
    assert book.sheetnames == ["Notes", "Deductions", "Department charges", "Details"]
    assert book["Deductions"]["H1"].value == "Total"


def test_user_text_never_becomes_a_formula__R_PRV_4(company):
    company.employee.name = "=SUM(1,2)"
    company.employee.save(update_fields=["name"])
    fine = fines.fine_record(
        actor=company.admin.user,
        employee=company.employee,
        fine_type="use",
        occurred_on=date(2026, 10, 20),
        reason="+cmd|' /C calc'!A0",
    )
    data, _total = deductions_export(actor=company.finance.user, period=fine.period)
    book = read(data)
    for sheet in ("扣款汇总", "明细"):
        cells = [c for row in book[sheet].iter_rows() for c in row]
        assert all(c.data_type != "f" for c in cells)
    names = [row[1] for row in data_rows(book["扣款汇总"], values_only=False)]
    assert ("s", "'=SUM(1,2)") in [(c.data_type, c.value) for c in names]


@time_machine.travel(NOW, tick=False)
def test_closing_needs_an_export_of_the_months_figures_as_they_are__R_PRV_4(
    company, lines
):
    """Finance closes on the sheet it holds: a decision after the export, or a
    reopening, makes a new export due; an export with the same figures does."""
    approved_plan(company)
    call = make_call(
        lines["local"], "16812345", at(2026, 10, 8, 10), "1.23", CallClass.PREMIUM
    )
    make_call(
        lines["local"], "16812346", at(2026, 10, 9, 10), "2.00", CallClass.PREMIUM
    )
    audit_run(period_id=call.period_id)
    period = call.period
    finance = company.finance.user
    deductions_export(actor=finance, period=period)
    finding = Violation.objects.filter(call=call).get()
    finding_decide(
        actor=company.admin.user,
        finding_id=finding.pk,
        status=FindingStatus.WAIVED,
        reason="误拨",
    )
    with pytest.raises(DomainError, match="export it again"):
        periods.period_close(actor=finance, period=period)
    assert "export it again" in periods.close_refusal(period)
    deductions_export(actor=finance, period=period)
    assert periods.close_refusal(period) is None
    periods.period_close(actor=finance, period=period)
    periods.period_reopen(actor=company.admin.user, period=period, reason="补录罚款")
    # Reopened: the export before it no longer counts, even with the same figures.
    with pytest.raises(DomainError, match="Export the deduction workbook"):
        periods.period_close(actor=finance, period=period)
    deductions_export(actor=finance, period=period)
    periods.period_close(actor=finance, period=period)
