"""Bill files for the tests, written like the carrier's (make_bill.py style)."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

HEADER = [
    "主叫号码",
    "被叫号码",
    "通话起始时间",
    "通话时长(秒)",
    "通话类型",
    "费用(元)",
]
SH = ZoneInfo("Asia/Shanghai")
ROWS = [
    ["057187000001", "82215279", "2026-10-08 07:45:07", "75", "本地", "0.20"],
    [
        "057187000001",
        "1795101021535642",
        "2026-10-05 13:40:10",
        "68",
        "国内长途",
        "0.60",
    ],
    ["057187000002", "13705985840", "2026-10-10 02:53:08", "69", "本地移动", "0.20"],
    ["057187000002", "16812345", "2026-10-20 12:00:00", "60", "本地", "0.10"],
]


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def write_bill(tmp_path):
    def write(
        rows=ROWS,
        *,
        header=HEADER,
        encoding="utf-8-sig",
        before=(),
        after=(),
        name="bill.csv",
    ) -> Path:
        path = tmp_path / name
        if name.endswith(".xlsx"):
            from openpyxl import Workbook

            book = Workbook()
            sheet = book.active
            for row in [*before, header, *rows, *after]:
                sheet.append(list(row))
            book.save(path)
            return path
        with open(path, "w", newline="", encoding=encoding) as handle:
            writer = csv.writer(handle)
            writer.writerows([*before, header, *rows, *after])
        return path

    return write


@pytest.fixture
def run_import(db):
    from billing.services import bill_import_create, bill_import_run, parse_month

    def run(path, *, month="2026-10", carrier="", dry_run=False, actor=None):
        with open(path, "rb") as source:
            bill_import = bill_import_create(
                actor=actor,
                source=source,
                original_name=Path(path).name,
                month=parse_month(month),
                carrier_name=carrier,
                dry_run=dry_run,
                enqueue=False,
            )
        return bill_import_run(bill_import_id=bill_import.pk, progress=False)

    return run


@pytest.fixture
def lines(company):
    """Lines 057187000001 (employee, sales) and ...02 (employee_east) from September."""
    from extensions.tests.factories import make_line

    since = at(2026, 9, 1)
    return [
        make_line(
            "057187000001", company.dept_sales, company.employee, starts_at=since
        ),
        make_line(
            "057187000002",
            company.dept_sales_east,
            company.employee_east,
            starts_at=since,
        ),
    ]
