"""The deduction workbook ready for payroll (R-PRV-4): row 1 of each sheet payroll's
macros read stays its column header, a last row 合计 holds the grand totals as
numbers, a cover sheet 说明 carries the title, status and signature block, and every
sheet prints on A4 landscape, one page wide, with row 1 repeated."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from billing.deductions.services import fines
from billing.deductions.services.audits import audit_run
from billing.deductions.services.export import deductions_export
from billing.models import CallClass
from telephony_admin.core import config

from .factories import at, make_call
from .sheets import WORKBOOK_SHEETS, data_rows, totals_row
from .test_money import approve, approved_plan, register

pytestmark = pytest.mark.django_db
NOW = at(2026, 11, 5, 10)
PAYROLL = ("扣款汇总", "部门话费", "明细")
HEADERS = {
    "扣款汇总": ["工号", "姓名", "部门", "私人电话费", "声讯违规罚款"],
    "部门话费": ["部门", "限额", "实际话费", "节约", "超支"],
    "明细": ["工号", "姓名", "日期", "线路", "被叫号码", "通话类型", "话费"],
}


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


@pytest.fixture
def october(company, lines):
    """October with a registered private call, a premium-number call and a fine
    shared by the head (so one row has a multiplier of 0.8)."""
    config.set_value("org.company_name", "华东通信 & 服务有限公司")
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
        reason="personal use",
    )
    return call.period


@time_machine.travel(NOW, tick=False)
def test_payroll_sheets_keep_their_header_in_row_1_and_end_with_totals__R_PRV_4(
    company, october
):
    data, total = deductions_export(actor=company.finance.user, period=october)
    book = load_workbook(BytesIO(data))
    assert book.sheetnames == WORKBOOK_SHEETS
    for name in PAYROLL:
        sheet = book[name]
        header = [c.value for c in sheet[1]]
        assert header[: len(HEADERS[name])] == HEADERS[name], name
        assert sheet.freeze_panes == "A2"
        last = totals_row(sheet)
        assert last[0] == "合计"
        rows = data_rows(sheet)
        assert rows, name
        for index, kind in enumerate(c.number_format for c in sheet[2]):
            if kind != "#,##0.00":
                continue
            # A number summed in Python, to the fen: never a formula.
            assert sheet.cell(sheet.max_row, index + 1).data_type == "n"
            assert _money(last[index]) == sum(_money(r[index]) for r in rows), (
                name,
                header[index],
            )
    summary = book["扣款汇总"]
    assert _money(totals_row(summary)[7]) == total == Decimal("60.60")
    assert _money(totals_row(book["明细"])[9]) == total


@time_machine.travel(NOW, tick=False)
def test_multipliers_are_factors_and_private_calls_show_their_call_type__R_PRV_4(
    company, october
):
    data, _total = deductions_export(actor=company.finance.user, period=october)
    details = load_workbook(BytesIO(data))["明细"]
    rows = data_rows(details, values_only=False)
    multipliers = [row[8] for row in rows]
    assert details["I1"].value == "倍数"
    assert {c.number_format for c in multipliers} == {"0.0##"}  # not money
    assert sorted(c.value for c in multipliers) == [0.8, 1, 1, 5]
    assert details.cell(details.max_row, 9).value is None  # factors are not summed
    private = [r for r in rows if str(r[7].value).startswith("已登记私人电话")]
    assert [(r[4].value, r[5].value) for r in private] == [("13800001111", "手机")]


@time_machine.travel(NOW, tick=False)
def test_every_sheet_prints_a4_landscape_one_page_wide_with_the_title__R_PRV_4(
    company, october
):
    data, _total = deductions_export(actor=company.finance.user, period=october)
    book = load_workbook(BytesIO(data))
    for name in PAYROLL:
        sheet = book[name]
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == 9  # A4
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert int(sheet.page_setup.fitToHeight) == 0  # as many pages down as needed
        header = sheet.oddHeader.center.text
        # The company's "&" doubled: Excel would read it as a code.
        assert "华东通信 && 服务有限公司" in header and "2026-10" in header
    assert book["说明"].page_setup.orientation == "portrait"


@time_machine.travel(NOW, tick=False)
def test_cover_sheet_has_title_status_and_signature_block__R_PRV_4(company, october):
    data, total = deductions_export(actor=company.finance.user, period=october)
    book = load_workbook(BytesIO(data))
    notes = book.worksheets[0]
    assert notes.title == "说明"
    values = {row[0]: row[1] for row in notes.iter_rows(min_row=2, values_only=True)}
    assert values["标题"] == "华东通信 & 服务有限公司 2026-10 工资扣款表"
    assert values["月份"] == "2026-10"
    assert values["状态"] == "未结账"
    assert values["导出时间"] == "2026-11-05 10:00"
    assert values["扣款合计"] == f"{total:,.2f}"
    assert len(values["数据指纹"]) == 64
    for role in ("制表", "审核", "批准"):
        assert "签字：____" in values[role] and "日期：" in values[role]
    assert [c.value for c in notes[1]] == ["项目", "内容"]


@time_machine.travel(NOW, tick=False)
def test_english_workbook_has_notes_first_and_totals_last(company, october):
    data, _total = deductions_export(
        actor=company.finance.user, period=october, lang="en"
    )
    book = load_workbook(BytesIO(data))
    assert book.sheetnames[0] == "Notes"
    assert book["Deductions"]["A1"].value == "Employee no."
    assert totals_row(book["Deductions"])[0] == "Total"
    signatures = [r[0] for r in book["Notes"].iter_rows(values_only=True)][-3:]
    assert signatures == ["Prepared by", "Checked by", "Approved by"]
