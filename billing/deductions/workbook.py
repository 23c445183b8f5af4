"""The monthly deduction workbook for finance (工资扣款表, R-PRV-4), streamed.

A cover sheet 说明 (title, the month's status, when it was exported, the figures'
fingerprint and the signature block 制表 / 审核 / 批准), then the sheets payroll's
macros read: 扣款汇总 (per employee), 部门话费 (per department) and 明细 (every
charged item), Chinese headers by default or English. Row 1 of each of these is its
column header, whatever else is added; a last row 合计 holds the grand totals of the
money columns (numbers summed in Python, not formulas). Amounts are numeric cells
with two decimals, multipliers plain factors, dates are dates; headers frozen,
filters on, columns sized; text can never become a formula. Each sheet prints on
A4 landscape, one page wide, row 1 repeated on each page, the title (company and
month) in the page header. Written by ``telephony_admin.core.excel.write_workbook`` from
``sheet_rows``: the per-employee sums grouped in SQL, the items from a server-side
cursor, so a month of any size takes the same memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import IO, Any

from django.utils import timezone, translation

from billing.models import BillingPeriod
from telephony_admin.core import config
from telephony_admin.core.excel import (
    DATE,
    GENERAL,
    MONEY,
    MULTIPLIER,
    TEXT,
    Column,
    PrintSetup,
    Sheet,
)
from telephony_admin.core.excel import write_workbook as write_sheets
from telephony_admin.core.money import to_money
from telephony_admin.org.models import Department

from .selectors import COLUMNS, ZERO, statement
from .sheet_rows import deductions_by_employee_sql, detail_rows

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
KINDS = (
    (TEXT, TEXT, TEXT, MONEY, MONEY, MONEY, MONEY, MONEY),
    (TEXT, MONEY, MONEY, MONEY, MONEY),
    (TEXT, TEXT, DATE, TEXT, TEXT, TEXT, MONEY, TEXT, MULTIPLIER, MONEY),
)
LANGUAGES = tuple(SHEETS)

# The cover sheet and the totals row: fixed words per language, like the headers
# payroll reads (not the interface's catalogue).
TOTAL = {"zh-hans": "合计", "en": "Total"}
NOTES = {
    "zh-hans": {
        "sheet": "说明",
        "headers": ("项目", "内容"),
        "title": "{company}{month} 工资扣款表",
        "rows": (
            "标题",
            "公司",
            "月份",
            "状态",
            "关闭时间",
            "导出时间",
            "扣款合计",
            "扣款人数",
            "数据指纹",
            "说明",
        ),
        "about": (
            "后续各表第 1 行为列标题，最后一行“合计”为各金额列的总计（数值，非公式）。"
        ),
        "signatures": ("制表", "审核", "批准"),
        "sign": "签字：____________________    日期：______年____月____日",
    },
    "en": {
        "sheet": "Notes",
        "headers": ("Item", "Value"),
        "title": "{company}Payroll deductions {month}",
        "rows": (
            "Title",
            "Company",
            "Month",
            "Status",
            "Closed at",
            "Exported at",
            "Total deductions",
            "People",
            "Figures fingerprint",
            "About",
        ),
        "about": (
            "Row 1 of each following sheet is its column header; the last row, "
            "Total, holds the money columns' totals (numbers, not formulas)."
        ),
        "signatures": ("Prepared by", "Checked by", "Approved by"),
        "sign": "Signature: ____________________    Date: ____-____-____",
    },
}


def _columns(lang: str, sheet: int) -> list[Column]:
    return [
        Column(header, width, kind)
        for header, width, kind in zip(
            HEADERS[lang][sheet], WIDTHS[sheet], KINDS[sheet], strict=True
        )
    ]


@dataclass(frozen=True)
class WorkbookFigures:
    """What a written workbook deducts: the month's total and a fingerprint of its
    figures (each person's sums per column, each department's quota and charges).
    Closing compares the fingerprint of the last export with the month's figures
    now, so finance never closes on a sheet that no longer holds (R-PRV-4)."""

    total: Decimal
    fingerprint: str


def _fingerprint(people: Iterable, departments: Iterable) -> str:
    digest = hashlib.sha256()
    for row in people:
        amounts = ",".join(str(to_money(row.amounts[c])) for c in COLUMNS)
        digest.update(f"e{row.employee.pk}:{amounts};".encode())
    for row in departments:
        digest.update(f"d{row.department.pk}:{row.quota}:{row.actual};".encode())
    return digest.hexdigest()


def _figures(period: BillingPeriod) -> tuple[list, list]:
    people = deductions_by_employee_sql(period)
    return people, statement(period.month, Department.objects.all())


def figures_fingerprint(period: BillingPeriod) -> str:
    """The fingerprint the month's workbook would carry if exported now."""
    return _fingerprint(*_figures(period))


def workbook_title(period: BillingPeriod, lang: str) -> str:
    """The title printed in each sheet's page header: company and month."""
    company = str(config.get("org.company_name") or "").strip()
    return NOTES[lang]["title"].format(
        company=f"{company} " if company else "", month=period
    )


def _notes_sheet(
    period: BillingPeriod,
    lang: str,
    *,
    title: str,
    total: Decimal,
    people: int,
    fingerprint: str,
    printing: PrintSetup,
) -> Sheet:
    """The cover sheet 说明: title, status, export, and the signature block."""
    words = NOTES[lang]
    fmt = "%Y-%m-%d %H:%M"
    closed = (
        timezone.localtime(period.closed_at).strftime(fmt) if period.closed_at else ""
    )
    values = (
        title,
        str(config.get("org.company_name") or ""),
        str(period),
        str(period.get_status_display()),
        closed,
        timezone.localtime().strftime(fmt),
        f"{to_money(total):,.2f}",
        str(people),
        fingerprint,
        words["about"],
    )
    rows = [*zip(words["rows"], values, strict=True), ("", "")]
    first_signature = len(rows) + 1  # 0-based sheet row: header, then the rows
    rows += [(label, words["sign"]) for label in words["signatures"]]
    heights = {first_signature + i: 36 for i in range(len(words["signatures"]))}
    return Sheet(
        words["sheet"],
        [Column(words["headers"][0], 16, GENERAL), Column(words["headers"][1], 72)],
        rows,
        printing=PrintSetup(header=printing.header, landscape=False),
        row_heights=heights,
    )


def write_workbook(
    target: str | Any | IO[bytes],
    period: BillingPeriod,
    *,
    lang: str = "zh-hans",
    progress: Callable[[int], None] | None = None,
) -> WorkbookFigures:
    """Stream the month's workbook into ``target`` (a path or a binary buffer);
    returns its total deductions (to the fen) and the fingerprint of its figures."""
    lang = lang if lang in SHEETS else "zh-hans"
    with translation.override(lang):
        people, departments = _figures(period)
        summary = (
            (
                row.employee.number,
                row.employee.name,
                row.employee.department.name,
                *(row.amounts[c] for c in COLUMNS),
                row.total,
            )
            for row in people
        )
        names = SHEETS[lang]
        figures = WorkbookFigures(
            total=to_money(sum((row.total for row in people), ZERO)),
            fingerprint=_fingerprint(people, departments),
        )
        title = workbook_title(period, lang)
        printing = PrintSetup(header=title, landscape=True, fit_width=True)
        totals = TOTAL[lang]
        write_sheets(
            target,
            [
                _notes_sheet(
                    period,
                    lang,
                    title=title,
                    total=figures.total,
                    people=len(people),
                    fingerprint=figures.fingerprint,
                    printing=printing,
                ),
                Sheet(
                    names[0],
                    _columns(lang, 0),
                    list(summary),
                    printing=printing,
                    totals_label=totals,
                ),
                Sheet(
                    names[1],
                    _columns(lang, 1),
                    [
                        (r.department.name, r.quota, r.actual, r.saving, r.excess)
                        for r in departments
                    ],
                    printing=printing,
                    totals_label=totals,
                ),
                Sheet(
                    names[2],
                    _columns(lang, 2),
                    detail_rows(period),
                    printing=printing,
                    totals_label=totals,
                ),
            ],
            progress=progress,
        )
    return figures


def workbook_bytes(
    period: BillingPeriod, *, lang: str = "zh-hans"
) -> tuple[bytes, Decimal]:
    """The workbook in memory (small months, tests)."""
    buffer = BytesIO()
    figures = write_workbook(buffer, period, lang=lang)
    return buffer.getvalue(), figures.total
