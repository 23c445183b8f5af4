"""The CSV reader: quote-free text split by ``str.split`` gives exactly the rows,
row numbers and errors of ``csv.reader`` (R-BIL-2: nothing lost, nothing invented).

Tiny blocks make every file cross many block boundaries; a quote, a bare carriage
return or a bad byte late in the file sends the reader back to ``csv.reader``
mid-way.
"""

from __future__ import annotations

import codecs
import csv
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing.importers import readers
from billing.importers.readers import CsvRows, UnreadableFile

CELL = st.text(alphabet='0123456789 -:.元本地,"\r\n\t¥', max_size=6)
ROW = st.lists(CELL, min_size=0, max_size=4)
ENDINGS = st.sampled_from(["\n", "\r\n"])


def _csv_rows(path, encoding: str) -> list[list[str]]:
    """What ``csv.reader`` alone reads (with the delimiter the reader sniffed)."""
    rows = CsvRows(path)
    delimiter = rows.delimiter
    rows.close()
    with open(path, encoding=encoding, newline="") as text:
        return list(csv.reader(text, delimiter=delimiter))


def _read(path, *, block: int = 16, margin: int = 8) -> list[list[str]]:
    with (
        mock.patch.object(readers, "BLOCK", block),
        mock.patch.object(readers, "MARGIN", margin),
    ):
        rows = CsvRows(path)
        try:
            return list(rows)
        finally:
            rows.close()


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.tuples(ROW, ENDINGS), max_size=12),
    bom=st.booleans(),
    gb=st.booleans(),
    last_newline=st.booleans(),
    block=st.integers(min_value=1, max_value=40),
)
def test_split_reader_gives_the_rows_csv_gives(
    tmp_path_factory, rows, bom, gb, last_newline, block
):
    lines = [",".join(cells) + ending for cells, ending in rows]
    text = "序号,号码\n" + "".join(lines)
    if not last_newline:
        text = text.rstrip("\r\n")
    encoding = "gb18030" if gb else "utf-8"
    data = text.encode(encoding)
    if bom and not gb:
        data = codecs.BOM_UTF8 + data
        encoding = "utf-8-sig"
    path = tmp_path_factory.mktemp("split") / "bill.csv"
    path.write_bytes(data)
    assert _read(path, block=block, margin=block // 2) == _csv_rows(path, encoding)


@pytest.mark.parametrize(
    "late", ['"quoted, with a comma",1\n', "bare\rreturn,2\n", "blank\n\n\r\n,3\n"]
)
def test_something_csv_reads_otherwise_late_in_the_file(tmp_path, late):
    data = ("号码,时长\n" + "82215279,60\r\n" * 50 + late + "13705985840,5\n").encode()
    path = tmp_path / "bill.csv"
    path.write_bytes(data)
    assert _read(path) == _csv_rows(path, "utf-8")


def test_a_bad_byte_late_in_the_file_fails_after_the_same_rows(tmp_path):
    """The error comes after the rows ``csv.reader`` gives before it, not earlier
    (the split reader holds rows back until the bytes after them decode)."""
    # Past the first megabyte, which decides the encoding.
    good = "号码,时长\n" + "82215279,60\n" * 100_000
    data = good.encode() + b"\xff\xfe,1\n" + b"13705985840,5\n"
    path = tmp_path / "bill.csv"
    path.write_bytes(data)

    def rows_before_error(read) -> int:
        count = 0
        with pytest.raises(UnreadableFile):
            for _row in read():
                count += 1
        return count

    expected = rows_before_error(lambda: CsvRows(path)._csv_rows(0))
    assert 99_000 < expected <= 100_001
    assert rows_before_error(lambda: iter(CsvRows(path))) == expected
    with (
        mock.patch.object(readers, "BLOCK", 1000),
        mock.patch.object(readers, "MARGIN", 8192),  # the csv path decodes 8 KB ahead
    ):
        assert rows_before_error(lambda: iter(CsvRows(path))) == expected


def test_progress_counts_only_the_rows_given(tmp_path):
    path = tmp_path / "bill.csv"
    path.write_bytes(("号码,时长\n" + "82215279,60\n" * 100).encode())
    with (
        mock.patch.object(readers, "BLOCK", 64),
        mock.patch.object(readers, "MARGIN", 32),
    ):
        rows = CsvRows(path)
        seen = iter(rows)
        next(seen)
        assert 0 < rows.fraction() < 1
        list(seen)
        assert rows.fraction() == 1.0
        rows.close()
