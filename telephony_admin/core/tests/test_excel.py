"""The streamed writer every export uses (core.excel.write_workbook)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from telephony_admin.core.excel import (
    DATE,
    DATETIME,
    MONEY,
    MULTIPLIER,
    NUMBER,
    Column,
    PrintSetup,
    Sheet,
    write_workbook,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _write(sheets, **kw):
    buffer = BytesIO()
    counts = write_workbook(buffer, sheets, **kw)
    return load_workbook(BytesIO(buffer.getvalue())), counts


def test_headers_bold_frozen_filtered_sized_and_typed_cells():
    columns = [
        Column("名称", 20),
        Column("金额", 12, MONEY),
        Column("日期", 12, DATE),
        Column("时间", 18, DATETIME),
        Column("次数", 8, NUMBER),
    ]
    started = dt.datetime(2026, 10, 8, 2, 5, tzinfo=dt.UTC)  # 10:05 in Shanghai
    rows = [
        ("甲", Decimal("1234.5"), dt.date(2026, 10, 8), started, 3),
        ("乙", None, None, None, None),
    ]
    book, counts = _write([Sheet("表", columns, iter(rows))])
    assert counts == [2]
    sheet = book["表"]
    assert [c.value for c in sheet[1]] == ["名称", "金额", "日期", "时间", "次数"]
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E3"
    assert round(sheet.column_dimensions["A"].width) == 21
    assert sheet["B2"].value == 1234.5 and sheet["B2"].number_format == "#,##0.00"
    assert sheet["C2"].value == dt.datetime(2026, 10, 8)  # noqa: DTZ001
    assert sheet["C2"].is_date and sheet["D2"].is_date
    assert sheet["D2"].value == dt.datetime(2026, 10, 8, 10, 5)  # noqa: DTZ001
    assert sheet["E2"].value == 3
    assert [c.value for c in sheet[3]] == ["乙", None, None, None, None]


def test_user_text_never_becomes_a_formula():
    texts = ["=SUM(A1:A9)", "+cmd|' /C calc'!A0", "-1+1", "@x", "\tx", "ok"]
    book, _counts = _write([Sheet("t", [Column("text")], ([t] for t in texts))])
    cells = [row[0] for row in book["t"].iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells)
    assert [c.value for c in cells[:2]] == ["'=SUM(A1:A9)", "'+cmd|' /C calc'!A0"]
    assert cells[-1].value == "ok"


def test_an_empty_sheet_keeps_its_headers_and_sheets_keep_their_order():
    book, counts = _write(
        [
            Sheet("first", [Column("a"), Column("b")], iter([])),
            Sheet("second", [Column("c")], iter([["x"]])),
        ]
    )
    assert book.sheetnames == ["first", "second"]
    assert list(book["first"].values) == [("a", "b")]
    assert counts == [0, 1]


def test_progress_is_reported_while_rows_stream():
    seen = []
    rows = ([i] for i in range(25))
    _write(
        [Sheet("n", [Column("n", kind=NUMBER)], rows)], progress=seen.append, every=10
    )
    assert seen == [10, 20]


def test_a_small_reports_decimal_column_is_money_and_blanks_stay_blank():
    from telephony_admin.core.excel import table_sheet

    rows = [["a", Decimal("1.5"), "=x"], ["b", "", 2]]
    book, _counts = _write([table_sheet("r", ["k", "amount", "mixed"], rows)])
    sheet = book["r"]
    assert sheet["B2"].number_format == "#,##0.00" and sheet["B3"].value is None
    assert sheet["C2"].value == "'=x" and sheet["C3"].value == 2


def test_a_totals_row_sums_money_in_python_and_leaves_row_1_the_header():
    columns = [
        Column("工号", 10),
        Column("金额", 12, MONEY),
        Column("倍数", 8, MULTIPLIER),
        Column("次数", 8, NUMBER, total=True),
    ]
    rows = [("a", Decimal("0.10"), Decimal("0.5"), 1)] * 3 + [
        ("b", 0.2, 2, 2),
        ("c", None, None, None),
    ]
    book, counts = _write(
        [Sheet("表", columns, (r for r in rows), totals_label="=合计")]
    )
    assert counts == [5]  # data rows; the totals row is not one
    sheet = book["表"]
    assert [c.value for c in sheet[1]] == ["工号", "金额", "倍数", "次数"]
    last = list(sheet[sheet.max_row])
    assert sheet.max_row == 7
    assert [c.value for c in last] == ["'=合计", 0.5, None, 5]
    assert all(c.data_type != "f" for c in last)  # numbers, never formulas
    assert last[1].number_format == "#,##0.00"
    assert sheet["C2"].value == 0.5 and sheet["C2"].number_format == "0.0##"


def test_a_small_sheets_totals_row_is_bold_and_an_empty_sheet_totals_zero():
    columns = [Column("名称", 10), Column("金额", 12, MONEY)]
    book, _counts = _write(
        [
            Sheet("有", columns, [("甲", Decimal("1.25"))], totals_label="合计"),
            Sheet("空", columns, [], totals_label="合计"),
        ]
    )
    assert book["有"]["A3"].value == "合计" and book["有"]["A3"].font.b
    assert [c.value for c in book["空"][2]] == ["合计", 0]


def test_print_setup_a4_landscape_repeated_header_fit_to_width_and_page_header():
    columns = [Column("名称", 10)]
    printing = PrintSetup(
        header="R&D 2026-10", footer="内部", landscape=True, fit_width=True
    )
    book, _counts = _write(
        [
            Sheet("横", columns, [("x",)], printing=printing),
            Sheet("竖", columns, [("y",)], printing=PrintSetup(repeat_header=False)),
        ]
    )
    wide = book["横"]
    assert wide.page_setup.orientation == "landscape"
    assert int(wide.page_setup.paperSize) == 9
    assert wide.print_title_rows == "$1:$1"
    assert wide.sheet_properties.pageSetUpPr.fitToPage
    assert int(wide.page_setup.fitToHeight) == 0
    assert wide.oddHeader.center.text == "R&&D 2026-10"
    assert wide.oddFooter.center.text == "内部"
    assert wide.oddFooter.right.text == "&P / &N"
    tall = book["竖"]
    assert tall.page_setup.orientation == "portrait"
    assert int(tall.page_setup.paperSize) == 9
    assert tall.print_title_rows is None
