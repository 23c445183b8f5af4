"""Pages: permissions (refusals proven), the statement, findings, closing; browser."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from billing.deductions.models import FindingStatus, Violation
from billing.deductions.services.audits import audit_run
from billing.models import CallClass, PeriodStatus

from .factories import at, make_call
from .sheets import WORKBOOK_SHEETS


@pytest.fixture
def month(lines, company):
    make_call(lines["local"], "82215279", at(2026, 10, 8, 10), "0.20")
    call = make_call(
        lines["local"], "16812345", at(2026, 10, 8, 11), "1.23", CallClass.PREMIUM
    )
    audit_run(period_id=call.period_id)
    return call.period


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.django_db
def test_statement_for_admin_and_heads_own_department_only(client, company, month):
    page = get(client, company.admin.user, "/deductions/?month=2026-10")
    assert page.status_code == 200
    assert "销售部" in page.content.decode()
    dept = f"/deductions/department/{company.dept_sales.pk}/?month=2026-10"
    assert get(client, company.head_sales.user, dept).status_code == 200
    assert get(client, company.head_cs.user, dept).status_code == 404
    assert get(client, company.employee.user, "/deductions/").status_code == 403
    lines = get(client, company.head_sales.user, dept + "&line=057187000001")
    assert "16812345" in lines.content.decode()


@pytest.mark.django_db
def test_findings_scoped_and_decided_by_admin_only(client, company, month):
    finding = Violation.objects.get(call__called_number="16812345")
    assert (
        get(client, company.employee.user, "/deductions/findings/").status_code == 200
    )
    assert (
        get(
            client, company.head_cs.user, f"/deductions/findings/{finding.pk}/"
        ).status_code
        == 404
    )
    client.force_login(company.head_sales.user)
    refused = client.post(
        f"/deductions/findings/{finding.pk}/",
        {"action": "decide", "status": "waived", "reason": "x"},
    )
    assert refused.status_code == 403
    client.force_login(company.admin.user)
    missing = client.post(
        f"/deductions/findings/{finding.pk}/", {"action": "decide", "status": "waived"}
    )
    assert missing.status_code == 200  # form shown again with the error
    client.post(
        f"/deductions/findings/{finding.pk}/",
        {"action": "decide", "status": "waived", "reason": "misdial"},
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.WAIVED
    notice = get(
        client, company.admin.user, "/deductions/findings/notice/?month=2026-10"
    )
    assert notice.status_code == 200


@pytest.mark.django_db
def test_finance_downloads_then_closes_admin_reopens(client, company, month):
    assert (
        get(
            client, company.admin.user, "/deductions/closing/2026-10/export.xlsx"
        ).status_code
        == 403
    )
    client.force_login(company.finance.user)
    response = client.get("/deductions/closing/2026-10/export.xlsx")
    assert response.status_code == 200
    assert load_workbook(BytesIO(response.content)).sheetnames[1] == "扣款汇总"
    client.post("/deductions/closing/2026-10/close/")
    month.refresh_from_db()
    assert month.status == PeriodStatus.CLOSED
    client.force_login(company.admin.user)
    client.post("/deductions/closing/2026-10/reopen/", {"reason": ""})
    month.refresh_from_db()
    assert month.status == PeriodStatus.CLOSED
    client.post("/deductions/closing/2026-10/reopen/", {"reason": "corrected bill"})
    month.refresh_from_db()
    assert month.status == PeriodStatus.OPEN


@pytest.mark.django_db
def test_other_pages_render_for_their_roles(client, company, month):
    assert get(client, company.admin.user, "/deductions/quotas/").status_code == 200
    assert get(client, company.employee.user, "/deductions/quotas/").status_code == 403
    assert get(client, company.admin.user, "/deductions/fines/").status_code == 200
    assert get(client, company.finance.user, "/deductions/fines/").status_code == 403
    assert (
        get(client, company.employee.user, "/deductions/private-calls/").status_code
        == 200
    )
    assert get(client, company.finance.user, "/deductions/closing/").status_code == 200
    assert get(client, company.employee.user, "/deductions/closing/").status_code == 403
    client.force_login(company.admin.user)
    client.post("/deductions/quotas/", {"year": "2026"})
    page = client.get("/deductions/quotas/2026/")
    assert page.status_code == 200 and "110.00" in page.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_finance_downloads_workbook_and_closes_then_import_refused(
    page, login, company, lines
):
    from billing.services import bill_import_create
    from telephony_admin.errors import PeriodClosed

    make_call(
        lines["local"], "16812345", at(2026, 10, 8, 11), "1.23", CallClass.PREMIUM
    )
    login("finance")
    page.goto("/deductions/closing/")
    row = page.locator("tr[data-month='2026-10']")
    with page.expect_download() as download:
        row.get_by_test_id("download").first.click()
    assert download.value.suggested_filename == "deductions-2026-10.xlsx"
    book = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames == WORKBOOK_SHEETS
    page.reload()
    row = page.locator("tr[data-month='2026-10']")
    row.get_by_test_id("close").click()
    # A confirmation shows what closing locks; confirming closes.
    page.get_by_test_id("close-summary").wait_for()
    page.get_by_test_id("confirm-close").click()
    page.wait_for_selector("tr[data-month='2026-10'] .bi-lock")
    with pytest.raises(PeriodClosed):
        bill_import_create(
            actor=company.admin.user,
            source=BytesIO(b"x"),
            original_name="bill.csv",
            month=date(2026, 10, 1),
            enqueue=False,
        )


@pytest.mark.django_db
def test_list_pages_do_a_fixed_number_of_queries(
    client, company, lines, django_assert_max_num_queries
):
    """Findings, statement, notice, private calls and closing: no query per row."""
    from billing.deductions.services.fines import fine_record

    for day in range(1, 21):
        call = make_call(
            lines["local"],
            f"1681234{day:02d}",
            at(2026, 10, day, 10),
            "1.00",
            CallClass.PREMIUM,
        )
        fine_record(
            actor=company.admin.user,
            employee=company.employee,
            fine_type="use",
            occurred_on=date(2026, 10, day),
            reason="x",
        )
    audit_run(period_id=call.period_id)
    assert Violation.objects.filter(rule="premium").count() == 20
    urls = {
        company.admin.user: [
            "/deductions/findings/?month=2026-10",
            "/deductions/?month=2026-10",
            "/deductions/findings/notice/?month=2026-10",
            "/deductions/fines/?month=2026-10",
            f"/deductions/department/{company.dept_sales.pk}/?month=2026-10"
            "&line=057187000001",
        ],
        company.finance.user: ["/deductions/closing/"],
        company.employee.user: ["/deductions/private-calls/"],
    }
    for user, pages in urls.items():
        client.force_login(user)
        for url in pages:
            # 26: one of them looks up the month's id (the lists filter by it).
            with django_assert_max_num_queries(26):
                assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_refused_month_quota_change_keeps_what_was_typed__R_BIL_1(client, company):
    from billing.deductions.models import PlanStatus, QuotaOverride, QuotaPlan

    QuotaPlan.objects.create(year=2026, status=PlanStatus.APPROVED)
    client.force_login(company.admin.user)
    page = client.post(
        "/deductions/quotas/2026/month/",
        {
            "department": company.dept_sales.pk,
            "month": "2026-10",
            "amount": "-5",
            "reason": "展会月份 campaign",
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "展会月份 campaign" in html and 'value="-5"' in html
    assert not QuotaOverride.objects.exists()
    client.force_login(company.head_sales.user)
    refused = client.post("/deductions/quotas/2026/month/", {"reason": "x"})
    assert refused.status_code == 403


@pytest.mark.django_db
def test_refused_plan_amounts_keep_what_was_typed_and_save_nothing__R_BIL_1(
    client, company
):
    from billing.deductions.models import DepartmentQuota
    from billing.deductions.services.quotas import quota_plan_propose

    plan = quota_plan_propose(actor=company.admin.user, year=2026)
    rows = list(DepartmentQuota.objects.filter(plan=plan).order_by("pk"))
    before = {row.pk: row.monthly_amount for row in rows}
    client.force_login(company.admin.user)
    page = client.post(
        "/deductions/quotas/2026/",
        {
            "action": "amounts",
            f"amount_{rows[0].pk}": "123.45",
            f"amount_{rows[1].pk}": "12x",
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="123.45"' in html and 'value="12x"' in html
    after = {row.pk: row.monthly_amount for row in DepartmentQuota.objects.all()}
    assert after == before


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["admin", "head_sales", "head_cs", "employee"])
def test_findings_count_and_charged_equal_the_scoped_list(
    client, company, lines, month, who
):
    """From the month's finding totals for the company and for heads (with a
    head's own finding charged in another department), as the list shows."""
    from django.db.models import Sum

    make_call(
        "057187001111",
        "16899999",
        at(2026, 10, 9, 10),
        "2.00",
        CallClass.PREMIUM,
        owner=company.head_sales,
        department=company.dept_cs,
    )
    audit_run(period_id=month.pk)
    page = get(
        client, getattr(company, who).user, "/deductions/findings/?month=2026-10"
    )
    qs = page.context["filter"].qs
    assert page.context["page"].paginator.count == qs.count()
    charged = qs.filter(status=FindingStatus.CHARGED).aggregate(t=Sum("amount"))["t"]
    assert page.context["charged_total"] == (charged or 0)


@pytest.mark.django_db
def test_statement_and_department_figures_equal_the_calls__R_BIL_4(
    client, company, month
):
    from django.db.models import Count, Sum

    from billing.models import CallRecord

    page = get(client, company.admin.user, "/deductions/?month=2026-10")
    rows = {r.department.pk: r for r in page.context["rows"]}
    calls = CallRecord.objects.filter(period=month).exclude(department=None)
    for row in calls.values("department").annotate(t=Sum("charge"), n=Count("pk")):
        assert rows[row["department"]].actual == row["t"]
        assert rows[row["department"]].calls == row["n"]
    dept = get(
        client,
        company.admin.user,
        f"/deductions/department/{company.dept_sales.pk}/?month=2026-10",
    )
    lines = {r["line_number"]: r for r in dept.context["lines"]}
    for row in (
        calls.filter(department=company.dept_sales)
        .values("line_number")
        .annotate(t=Sum("charge"), n=Count("pk"), s=Sum("duration_seconds"))
    ):
        got = lines[row["line_number"]]
        assert (got["total"], got["calls"], got["seconds"]) == (
            row["t"],
            row["n"],
            row["s"],
        )
