"""Reading the deduction workbook back in tests: its data rows lie between the
header (row 1) and the totals row (the last one, 合计 / Total)."""

from __future__ import annotations

from typing import Any

TOTAL_LABELS = ("合计", "Total")
WORKBOOK_SHEETS = ["说明", "扣款汇总", "部门话费", "明细"]


def data_rows(sheet, *, values_only: bool = True) -> list[Any]:
    rows = list(sheet.iter_rows(min_row=2, values_only=values_only))
    last = rows[-1] if values_only else [c.value for c in rows[-1]]
    assert last[0] in TOTAL_LABELS, f"{sheet.title}: no totals row"
    return rows[:-1]


def totals_row(sheet) -> tuple:
    return next(sheet.iter_rows(min_row=sheet.max_row, values_only=True))
