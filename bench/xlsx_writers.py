#!/usr/bin/env python
"""Benchmark: the same streamed sheet written by each candidate XLSX writer.

    .venv/bin/python bench/xlsx_writers.py [--rows 438594] [--only NAME ...]

Writes ``--rows`` rows x 11 columns shaped like the deduction workbook's detail sheet
(employee number and name, department, date, line, called number, call type, charge,
reason, multiplier, amount: text, dates, money with ``#,##0.00``; one reason in a
thousand looks like a formula and must stay text) to a file under ``var/bench/``, each
writer in its own process, rows produced by a generator (no writer may hold the
rows). Prints per writer: seconds, rows/s, peak RSS of its process and file size;
then checks with openpyxl that the file reads back (row count, money format, no
formula cells). The writers: openpyxl write-only, XlsxWriter ``constant_memory``,
PyExcelerate (no streaming mode: it keeps the sheet), rustpy-xlsxwriter alone
(``rustpy-raw``: plain dicts) and through the product's helper
``telephony_admin.core.excel.write_workbook`` (``rustpy``: kinds, formula safety).
Every writer pays for the same Python row generator. Writers not installed are skipped
(``pip install xlsxwriter pyexcelerate`` for the comparison; only
rustpy-xlsxwriter is a requirement). The last line names the fastest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
HEADERS = (
    "工号",
    "姓名",
    "部门",
    "日期",
    "线路",
    "被叫号码",
    "通话类型",
    "话费",
    "原因",
    "倍数",
    "金额",
)
MONEY = {7, 9, 10}
DATE = 3
WRITERS = ("openpyxl", "xlsxwriter", "pyexcelerate", "rustpy-raw", "rustpy")


def rows(count: int):
    """Deterministic rows: 50 employees, October 2026, text that repeats like a bill's."""
    start = dt.date(2026, 10, 1)
    reasons = ("声讯违规: 5 倍话费", "未登记私人电话", "长途补批双倍费用")
    for i in range(count):
        charge = Decimal(i % 997) / 100 + Decimal("0.10")
        reason = '=HYPERLINK("x")' if i % 1000 == 0 else reasons[i % 3]
        yield (
            f"E{i % 50:04d}",
            f"员工{i % 50}",
            f"部门{i % 7}",
            start + dt.timedelta(days=i % 31),
            f"05718700{i % 50:04d}",
            f"168{i % 100000:05d}",
            "声讯",
            charge,
            reason,
            Decimal(5),
            charge * 5,
        )


def write_openpyxl(path: Path, count: int) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("明细")
    sheet.freeze_panes = "A2"
    header = []
    for h in HEADERS:
        cell = WriteOnlyCell(sheet, value=h)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows(count):
        cells = list(row)
        for i in MONEY:
            cell = WriteOnlyCell(sheet, value=cells[i])
            cell.number_format = "#,##0.00"
            cells[i] = cell
        reason = WriteOnlyCell(sheet, value=cells[8])
        reason.data_type = "s"
        cells[8] = reason
        sheet.append(cells)
    sheet.auto_filter.ref = f"A1:K{count + 1}"
    book.save(path)


def write_xlsxwriter(path: Path, count: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = book.add_worksheet("明细")
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, count, len(HEADERS) - 1)
    sheet.write_row(0, 0, HEADERS, bold)
    for r, row in enumerate(rows(count), start=1):
        for c, value in enumerate(row):
            if c in MONEY:
                sheet.write_number(r, c, float(value), money)
            elif c == DATE:
                sheet.write_datetime(r, c, value, date)
            else:
                sheet.write_string(r, c, value)
    book.close()


def write_pyexcelerate(path: Path, count: int) -> None:
    from pyexcelerate import Style, Workbook
    from pyexcelerate.Font import Font
    from pyexcelerate.Format import Format

    book = Workbook()
    # PyExcelerate turns any string starting with "=" into a formula: user text
    # would need a quote prefix (it has no explicit text cell).
    data = [list(HEADERS)]
    for row in rows(count):
        values = list(row)
        for i in MONEY:
            values[i] = float(values[i])
        if values[8].startswith("="):
            values[8] = "'" + values[8]
        data.append(values)
    sheet = book.new_sheet("明细", data=data)
    sheet.set_row_style(1, Style(font=Font(bold=True)))
    money = Style(format=Format("#,##0.00"))
    for i in MONEY:
        sheet.set_col_style(i + 1, money)
    sheet.set_col_style(DATE + 1, Style(format=Format("yyyy-mm-dd")))
    book.save(str(path))


def write_rustpy_raw(path: Path, count: int) -> None:
    """The library alone: plain dicts of floats and strings, no helper."""
    from rustpy_xlsxwriter import FastExcel, Format

    money = Format().set_num_format("#,##0.00")
    date = Format().set_num_format("yyyy-mm-dd")
    formats = [money if i in MONEY else date if i == DATE else None for i in range(11)]

    def records():
        for row in rows(count):
            values = list(row)
            for i in MONEY:
                values[i] = float(values[i])
            if values[8].startswith("="):
                values[8] = "'" + values[8]
            yield dict(zip(HEADERS, values, strict=True))

    (
        FastExcel(str(path))
        .freeze(row=1)
        .sheet(
            "明细",
            records(),
            column_formats=formats,
            header_format=Format().set_bold(),
            autofilter=True,
        )
        .save()
    )


def write_rustpy(path: Path, count: int) -> None:
    sys.path.insert(0, str(ROOT))
    from telephony_admin.core.excel import Column, Sheet, write_workbook

    kinds = {DATE: "date", **dict.fromkeys(MONEY, "money")}
    columns = [Column(h, 12, kinds.get(i, "text")) for i, h in enumerate(HEADERS)]
    write_workbook(path, [Sheet("明细", columns, rows(count))])


def child(name: str, count: int) -> None:
    path = OUT / f"writer-{name}.xlsx"
    started = time.perf_counter()
    globals()[f"write_{name.replace('-', '_')}"](path, count)
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.2f} {rss:.0f} {path.stat().st_size}")


def check(path: Path, count: int) -> str:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    sheet = book.worksheets[0]
    seen = formulas = 0
    money_ok = True
    for index, row in enumerate(sheet.iter_rows(min_row=2)):
        seen += 1
        formulas += sum(1 for c in row if c.data_type == "f")
        if index < 5:
            money_ok &= row[7].number_format == "#,##0.00"
    return (
        "ok"
        if seen == count and not formulas and money_ok
        else f"rows {seen}, formula cells {formulas}, money format {money_ok}"
    )


def installed(name: str) -> bool:
    module = {"rustpy": "rustpy_xlsxwriter", "rustpy-raw": "rustpy_xlsxwriter"}.get(
        name, name
    )
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=438_594)
    parser.add_argument("--only", nargs="*", choices=WRITERS, default=list(WRITERS))
    parser.add_argument("--child", choices=WRITERS, help=argparse.SUPPRESS)
    parser.add_argument("--check", action="store_true", help="read each file back")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows)
        return
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"{args.rows:,} rows x {len(HEADERS)} columns; load {os.getloadavg()}")
    results = {}
    for name in args.only:
        if not installed(name):
            print(f"{name:>13}: not installed, skipped")
            continue
        out = subprocess.run(
            [sys.executable, __file__, "--child", name, "--rows", str(args.rows)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        seconds, rss, size = float(out[0]), float(out[1]), int(out[2])
        results[name] = seconds
        verdict = check(OUT / f"writer-{name}.xlsx", args.rows) if args.check else ""
        print(
            f"{name:>13}: {seconds:6.2f} s  {args.rows / seconds:9,.0f} rows/s  "
            f"peak RSS {rss:5.0f} MB  {size / 1e6:6.1f} MB  {verdict}"
        )
    best = min(results, key=results.get)
    print(
        f"xlsx_writers: fastest {best} {results[best]:.2f} s for {args.rows:,} rows; "
        f"load {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
