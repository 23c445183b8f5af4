"""The monthly deduction workbook for finance (工资扣款表, R-PRV-4), streamed.

Sheets 扣款汇总 (per employee), 部门话费 (per department) and 明细 (every charged
item), Chinese headers by default or English; amounts are numeric cells with two
decimals, dates are dates; headers frozen, filters on, columns sized; text can never
become a formula. Written by ``telephony_admin.core.excel.write_workbook`` from
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

from django.utils import translation

from billing.models import BillingPeriod
from telephony_admin.core.excel import DATE, MONEY, TEXT, Column, Sheet
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
    (TEXT, TEXT, DATE, TEXT, TEXT, TEXT, MONEY, TEXT, MONEY, MONEY),
)
LANGUAGES = tuple(SHEETS)


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
        write_sheets(
            target,
            [
                Sheet(names[0], _columns(lang, 0), summary),
                Sheet(
                    names[1],
                    _columns(lang, 1),
                    (
                        (r.department.name, r.quota, r.actual, r.saving, r.excess)
                        for r in departments
                    ),
                ),
                Sheet(names[2], _columns(lang, 2), detail_rows(period)),
            ],
            progress=progress,
        )
    return WorkbookFigures(
        total=to_money(sum((row.total for row in people), ZERO)),
        fingerprint=_fingerprint(people, departments),
    )


def workbook_bytes(
    period: BillingPeriod, *, lang: str = "zh-hans"
) -> tuple[bytes, Decimal]:
    """The workbook in memory (small months, tests)."""
    buffer = BytesIO()
    figures = write_workbook(buffer, period, lang=lang)
    return buffer.getvalue(), figures.total
