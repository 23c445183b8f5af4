"""Excel helpers shared by every export.

Text that users typed must never become a formula in finance's spreadsheets: a
string starting with ``= + - @`` (or a tab/CR) is written as an explicit text cell
with a leading quote.

Every export of the product writes through ``write_workbook``: it streams sheets of
any size to a file or buffer with rustpy-xlsxwriter (a binding of rust_xlsxwriter)
in its constant-memory mode. Rows come from an iterable (a server-side cursor for
the large ones), each row is written and dropped; strings are always text cells
(never formulas), money cells are numbers with ``#,##0.00``, dates are dates;
headers bold, first row frozen, filter on, columns sized. Chosen by measurement
(``bench/xlsx_writers.py`` and ``bench/README.md``). Small reports build their
sheets with ``table_sheet`` and ``workbook_bytes``. openpyxl stays for reading
uploaded workbooks (and the tests read every export back with it).

For paper, a sheet can carry a ``PrintSetup`` (A4, orientation, the header row
repeated on each page, fit to one page wide, a printed page header and footer) and
a ``totals_label``: a last row whose money columns hold the sums, computed in
Python to the fen while the rows stream (numbers, never formulas), so row 1 stays
the column header whatever a sheet adds for print.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import IO, Any

from django.utils import timezone
from django.utils.functional import Promise

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"
MULTIPLIER_FORMAT = "0.0##"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"

TEXT, MONEY, NUMBER, DATE, DATETIME = "text", "money", "number", "date", "datetime"
GENERAL = "general"
MULTIPLIER = "multiplier"
A4 = 9  # Excel's paper size code


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
    ``datetime`` (aware times in the active time zone, Asia/Shanghai),
    ``multiplier`` (a factor such as 2 or 0.5: a number shown ``0.0##``, never
    as money), or ``general`` for a small report's mixed column (text
    formula-safe, numbers as numbers, a ``Decimal`` as money).

    ``total`` says whether the sheet's totals row sums the column: by default the
    money columns are summed and no other.
    """

    header: str
    width: float = 12
    kind: str = TEXT
    total: bool | None = None

    @property
    def summed(self) -> bool:
        return self.kind == MONEY if self.total is None else self.total


def header_text(text: str) -> str:
    """Plain text for a printed page header or footer: Excel reads ``&`` as the
    start of a code, so a literal one is doubled."""
    return str(text).replace("&", "&&")


@dataclass(frozen=True)
class PrintSetup:
    """How a sheet prints: A4 by default; ``landscape``; ``repeat_header`` prints
    row 1 (the column header) on every page; ``fit_width`` shrinks the sheet to
    one page wide (as many pages down as it needs); ``header`` and ``footer`` are
    plain text printed centred on each page (bold header), ``page_numbers`` adds
    "page / pages" to the footer's right."""

    header: str = ""
    footer: str = ""
    landscape: bool = False
    paper_size: int = A4
    repeat_header: bool = True
    fit_width: bool = False
    page_numbers: bool = True

    def options(self) -> dict[str, Any]:
        options: dict[str, Any] = {
            "landscape": self.landscape,
            "paper_size": self.paper_size,
        }
        if self.repeat_header:
            options["repeat_rows"] = 0
        if self.fit_width:
            options["fit_to_pages"] = (1, 0)
        if self.header:
            options["header"] = '&C&"-,Bold"' + header_text(self.header)
        footer = "&C" + header_text(self.footer) if self.footer else ""
        if self.page_numbers:
            footer += "&R&P / &N"
        if footer:
            options["footer"] = footer
        return options


@dataclass
class Sheet:
    """A sheet: its columns, its rows (any iterable, read once while writing),
    optionally how it prints and a last totals row labelled ``totals_label`` (in
    the first column) holding the sums of the ``summed`` columns."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    printing: PrintSetup | None = None
    totals_label: str | None = None
    row_heights: dict[int, float] | None = None


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
    if value is None or value == "":
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


def _general(value: Any) -> Any:
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, Decimal):
        return round(float(value), 2)
    if isinstance(value, dt.datetime | dt.date):
        return _datetime(value) if isinstance(value, dt.datetime) else value
    return value


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    TEXT: _text,
    MONEY: _money,
    NUMBER: _number,
    MULTIPLIER: _number,
    DATE: _date,
    DATETIME: _datetime,
    GENERAL: _general,
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
    summed = [c.header for c in sheet.columns if c.summed and c.kind != TEXT]
    sums: dict[str, Any] = dict.fromkeys(summed, 0)
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
            if value is not None and value != "":
                record[header] = round(float(value), 2)
            else:
                record[header] = None
        for header, convert in others:
            record[header] = convert(record[header])
        for header in summed if sheet.totals_label is not None else ():
            value = record[header]
            if value.__class__ is float and header in money:
                # In fen, as the cell shows it: an int stays exact over millions.
                sums[header] += round(value * 100)
            elif value is not None and value != "":
                sums[header] += value
        yield record
        counter[0] += 1
        if tick is not None and counter[0] % every == 0:
            tick()
    if sheet.totals_label is not None:
        totals: dict[str, Any] = dict.fromkeys(headers)
        for header in summed:
            total = sums[header]
            totals[header] = round(total / 100, 2) if header in money else total
        totals[headers[0]] = _text(sheet.totals_label)
        yield totals
    elif counter[0] == 0:
        # The header comes from the first record: a row of blanks writes no cells.
        yield dict.fromkeys(headers)


def _sheet_options(sheet: Sheet) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if sheet.printing is not None:
        options["page_setup"] = sheet.printing.options()
    if sheet.row_heights:
        options["row_heights"] = dict(sheet.row_heights)
    if sheet.totals_label is not None and isinstance(sheet.rows, Sized):
        # The totals row in bold where its place is known before writing (its
        # number cells keep their column's number format).
        from rustpy_xlsxwriter import Format

        options["row_formats"] = {len(sheet.rows) + 1: Format().set_bold()}
    return options


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
        MULTIPLIER: Format().set_num_format(MULTIPLIER_FORMAT),
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
            **_sheet_options(sheet),
        )
    book.save()
    return [c[0] for c in counters]


def table_sheet(
    name: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    widths: Sequence[float] | None = None,
) -> Sheet:
    """A small report's sheet: the given widths (or twice the header's length);
    a column of numbers holding a ``Decimal`` is money (``#,##0.00``), any other
    column ``general`` (text formula-safe, numbers as numbers)."""
    rows = [list(row) for row in rows]

    def kind(index: int) -> str:
        values = [row[index] for row in rows if row[index] not in (None, "")]
        numbers = all(
            isinstance(v, int | float | Decimal) and not isinstance(v, bool)
            for v in values
        )
        if values and numbers and any(isinstance(v, Decimal) for v in values):
            return MONEY
        return GENERAL

    columns = [
        Column(str(h), widths[i] if widths else max(10, len(str(h)) * 2 + 2), kind(i))
        for i, h in enumerate(headers)
    ]
    return Sheet(name, columns, rows)


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A small workbook in memory (a page's download)."""
    buffer = BytesIO()
    write_workbook(buffer, sheets)
    return buffer.getvalue()
