"""The monthly deduction workbook for finance (工资扣款表, R-PRV-4), openpyxl.

Sheets 扣款汇总 (per employee), 部门话费 (per department) and 明细 (every charged
item), Chinese headers by default or English; amounts are numeric cells with two
decimals; headers frozen, filters on, columns sized; text goes through
``telephony_admin.core.excel`` so it can never become a formula.
"""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from django.utils import translation
from openpyxl import Workbook

from billing.models import BillingPeriod
from telephony_admin.core.excel import write_table
from telephony_admin.core.money import to_money
from telephony_admin.org.models import Department

from .selectors import (
    COLUMNS,
    ZERO,
    deduction_items,
    deductions_by_employee,
    statement,
)

SHEETS = {
    "zh-hans": ("扣款汇总", "部门话费", "明细"),
    "en": ("Deductions", "Department charges", "Details"),
}
HEADERS = {
    "zh-hans": (
        (
            "工号",
            "姓名",
            "部门",
            "私人电话费",
            "声讯违规罚款",
            "长途补批双倍费用",
            "违规罚款",
            "合计",
        ),
        ("部门", "限额", "实际话费", "节约", "超支"),
        (
            "工号",
            "姓名",
            "日期",
            "线路",
            "被叫号码",
            "通话类型",
            "话费",
            "原因",
            "倍数",
            "金额",
        ),
    ),
    "en": (
        (
            "Employee no.",
            "Name",
            "Department",
            "Private calls",
            "Premium-number penalties",
            "Late long-distance double charges",
            "Fines",
            "Total",
        ),
        ("Department", "Quota", "Actual charges", "Saving", "Excess"),
        (
            "Employee no.",
            "Name",
            "Date",
            "Line",
            "Called number",
            "Call type",
            "Charge",
            "Reason",
            "Multiplier",
            "Amount",
        ),
    ),
}
WIDTHS = (
    (12, 12, 18, 14, 16, 20, 12, 12),
    (20, 12, 14, 12, 12),
    (12, 12, 12, 16, 18, 16, 10, 48, 8, 12),
)
LANGUAGES = tuple(SHEETS)


def build_workbook(
    period: BillingPeriod, *, lang: str = "zh-hans"
) -> tuple[Workbook, Decimal]:
    """The workbook and the month's total deductions (checked to the fen)."""
    lang = lang if lang in SHEETS else "zh-hans"
    with translation.override(lang):
        return _build(period, lang)


def _build(period: BillingPeriod, lang: str) -> tuple[Workbook, Decimal]:
    names, headers = SHEETS[lang], HEADERS[lang]
    items = deduction_items(period)
    people = deductions_by_employee(items)
    book = Workbook(write_only=True)
    summary = book.create_sheet(names[0])
    write_table(
        summary,
        headers[0],
        (
            (
                row.employee.number,
                row.employee.name,
                row.employee.department.name,
                *(to_money(row.amounts[c]) for c in COLUMNS),
                to_money(row.total),
            )
            for row in people
        ),
        widths=WIDTHS[0],
    )
    departments = book.create_sheet(names[1])
    write_table(
        departments,
        headers[1],
        (
            (
                r.department.name,
                to_money(r.quota) if r.quota is not None else None,
                to_money(r.actual),
                to_money(r.saving),
                to_money(r.excess),
            )
            for r in statement(period.month, Department.objects.all())
        ),
        widths=WIDTHS[1],
    )
    details = book.create_sheet(names[2])
    write_table(
        details,
        headers[2],
        (
            (
                i.employee.number,
                i.employee.name,
                i.day,
                i.line,
                i.called,
                i.call_class,
                to_money(i.charge),
                i.reason,
                to_money(i.multiplier),
                to_money(i.amount),
            )
            for i in items
        ),
        widths=WIDTHS[2],
    )
    total = sum((row.total for row in people), ZERO)
    return book, to_money(total)


def workbook_bytes(
    period: BillingPeriod, *, lang: str = "zh-hans"
) -> tuple[bytes, Decimal]:
    book, total = build_workbook(period, lang=lang)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue(), total
