"""Excel helpers shared by every export.

Text that users typed must never become a formula in finance's spreadsheets: a
string starting with ``= + - @`` (or a tab/CR) is written as an explicit text cell
with a leading quote.

Two writers:

- ``write_workbook`` streams sheets of any size to a file or buffer with
  rustpy-xlsxwriter (a binding of rust_xlsxwriter) in its constant-memory mode: rows
  come from an iterable (a server-side cursor), each row is written and dropped,
  strings are always text cells (never formulas), money cells are numbers with
  ``#,##0.00``, dates are dates; headers bold, first row frozen, filter on, columns
  sized. Chosen by measurement (``bench/xlsx_writers.py``: about 8x openpyxl's
  write-only mode on the deduction sheet). Every large export uses it.
- ``write_table`` fills an openpyxl sheet, for the small reports that are still
  built with openpyxl (same rules).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"

TEXT, MONEY, NUMBER, DATE, DATETIME = "text", "money", "number", "date", "datetime"


def safe_value(value: Any) -> Any:
    """The value to store: user text that looks like a formula is kept as text."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


# --- Streamed workbooks (rustpy-xlsxwriter) --------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a streamed sheet: its header, width (characters) and kind.

    ``kind`` says how values are written: ``text`` (``str()``, formula-safe),
    ``money`` (a number to the fen, ``#,##0.00``), ``number``, ``date`` or
    ``datetime`` (aware times in the active time zone, Asia/Shanghai).
    """

    header: str
    width: float = 12
    kind: str = TEXT


@dataclass
class Sheet:
    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]


def _text(value: Any) -> Any:
    if value is None:
        return None
    if value.__class__ is not str:
        value = str(value)
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _money(value: Any) -> float | None:
    """A number to the fen (floats hold every amount of up to 13 digits exactly
    enough for Excel, which computes in binary doubles anyway)."""
    if value is None:
        return None
    return round(float(value), 2)


def _number(value: Any) -> Any:
    if value is None or isinstance(value, int | float):
        return value
    return float(value)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def _datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)  # noqa: DTZ001
    return value


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    TEXT: _text,
    MONEY: _money,
    NUMBER: _number,
    DATE: _date,
    DATETIME: _datetime,
}


def _records(
    sheet: Sheet, counter: list[int], tick: Callable[[], None] | None, every: int
) -> Iterator[dict[str, Any]]:
    """The sheet's rows as the writer's records (one dict per row, made and dropped).

    Every value of a column goes through the column's kind, so the writer (which
    infers a column's type from its first value) always sees one type. Text is
    checked inline, without a call per cell: a month's detail sheet has millions.
    """
    headers = [c.header for c in sheet.columns]
    if len(set(headers)) != len(headers):
        raise ValueError(f"duplicate headers in sheet {sheet.name!r}")
    texts = [c.header for c in sheet.columns if c.kind == TEXT]
    money = [c.header for c in sheet.columns if c.kind == MONEY]
    others = [
        (c.header, CONVERTERS[c.kind])
        for c in sheet.columns
        if c.kind not in (TEXT, MONEY)
    ]
    for row in sheet.rows:
        record = dict(zip(headers, row, strict=True))
        for header in texts:
            value = record[header]
            if value.__class__ is str:
                if value.startswith(FORMULA_TRIGGERS):
                    record[header] = "'" + value
            elif value is not None:
                record[header] = _text(value)
        for header in money:
            value = record[header]
            if value is not None:
                record[header] = round(float(value), 2)
        for header, convert in others:
            record[header] = convert(record[header])
        yield record
        counter[0] += 1
        if tick is not None and counter[0] % every == 0:
            tick()
    if counter[0] == 0:
        # The header comes from the first record: a row of blanks writes no cells.
        yield dict.fromkeys(headers)


def write_workbook(
    target: str | Any | IO[bytes],
    sheets: Sequence[Sheet],
    *,
    progress: Callable[[int], None] | None = None,
    every: int = 10_000,
) -> list[int]:
    """Stream ``sheets`` into ``target`` (a path or a binary buffer), in order.

    Rows are read from each sheet's iterable while the file is written; none is
    kept. ``progress(rows_so_far)`` is called every ``every`` rows of a sheet.
    Returns the number of data rows written per sheet.
    """
    from rustpy_xlsxwriter import FastExcel, Format

    bold = Format().set_bold()
    formats = {
        MONEY: Format().set_num_format(MONEY_FORMAT),
        DATE: Format().set_num_format(DATE_FORMAT),
        DATETIME: Format().set_num_format(DATETIME_FORMAT),
    }
    book = FastExcel(target).freeze(row=1)
    counters = [[0] for _sheet in sheets]

    def tick() -> None:
        progress(sum(c[0] for c in counters))

    for sheet, counter in zip(sheets, counters, strict=True):
        book.sheet(
            sheet.name,
            _records(sheet, counter, tick if progress else None, every),
            column_widths=[c.width for c in sheet.columns],
            column_formats=[formats.get(c.kind) for c in sheet.columns],
            header_format=bold,
            autofilter=True,
        )
    book.save()
    return [c[0] for c in counters]


# --- Small openpyxl reports ----------------------------------------------------------


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
