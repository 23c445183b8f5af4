"""Excel helpers shared by every export (openpyxl).

Text that users typed must never become a formula in finance's spreadsheets: a
string starting with ``= + - @`` (or a tab/CR) is written as an explicit text cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"


def safe_value(value: Any) -> Any:
    """The value to store: user text that looks like a formula is kept as text."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_cell(sheet: Worksheet, value: Any, *, money: bool = False, bold: bool = False):
    """A write-only cell holding ``value`` safely (for ``sheet.append([...])``)."""
    cell = WriteOnlyCell(sheet, value=safe_value(value))
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
    if money or isinstance(value, Decimal):
        cell.number_format = MONEY_FORMAT
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_table(
    sheet: Worksheet,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    widths: Sequence[int] | None = None,
) -> int:
    """Headers (bold, frozen, filtered), then rows; sized columns. Returns row count.

    Works for normal and write-only sheets (freeze/filter/widths set before rows).
    """
    for index, header in enumerate(headers, start=1):
        width = widths[index - 1] if widths else max(10, len(str(header)) * 2 + 2)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    count = 0
    sheet.append([safe_cell(sheet, h, bold=True) for h in headers])
    for row in rows:
        sheet.append([safe_cell(sheet, v) for v in row])
        count += 1
    last = get_column_letter(len(headers))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    return count
