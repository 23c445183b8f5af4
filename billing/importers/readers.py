"""Streaming readers: rows of text cells from a CSV (any common encoding) or XLSX.

Nothing loads the whole file: CSV is decoded through a ``TextIOWrapper`` into the
``csv`` reader; XLSX is read with openpyxl's read-only mode. Each reader also tells
how far it got (0..1) for the progress bar.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from pathlib import Path

from django.utils.translation import gettext as _

CSV_EXTENSIONS = (".csv", ".txt")
XLSX_EXTENSIONS = (".xlsx", ".xlsm")
EXTENSIONS = CSV_EXTENSIONS + XLSX_EXTENSIONS
SAMPLE = 1 << 20


class UnreadableFile(ValueError):
    """The file is not a bill we can read (type, encoding, format)."""


def detect_encoding(handle) -> str:
    """utf-8-sig, utf-8, utf-16 or gb18030 (a superset of GBK/GB2312), from the bytes.

    Reads until the first chunk holding non-ASCII bytes and decides on it, so a file
    whose Chinese text starts late is still recognised. Leaves the handle at 0.
    """
    handle.seek(0)
    head = handle.read(4)
    handle.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    encoding = "utf-8"
    carry = b""
    while True:
        chunk = handle.read(SAMPLE)
        if not chunk:
            break
        if chunk.isascii():
            carry = b""
            continue
        try:
            codecs.getincrementaldecoder("utf-8")().decode(carry + chunk, final=False)
        except UnicodeDecodeError:
            try:
                codecs.getincrementaldecoder("gb18030")().decode(
                    carry + chunk, final=False
                )
            except UnicodeDecodeError as exc:
                handle.seek(0)
                raise UnreadableFile(
                    _("The file is neither UTF-8 nor GB18030/GBK text.")
                ) from exc
            encoding = "gb18030"
        break
    handle.seek(0)
    return encoding


def _sniff_delimiter(handle, encoding: str) -> str:
    sample = handle.read(16384)
    handle.seek(0)
    text = sample.decode(encoding, errors="ignore")
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    best, best_count = ",", 0
    for delimiter in (",", "\t", ";", "|"):
        count = max((line.count(delimiter) for line in lines), default=0)
        if count > best_count:
            best, best_count = delimiter, count
    return best


class CsvRows:
    """Rows of a CSV file as lists of str; ``fraction()`` is the share read so far."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.size = max(os.path.getsize(self.path), 1)
        self._raw = open(self.path, "rb")  # noqa: SIM115 (closed by close())
        try:
            self.encoding = detect_encoding(self._raw)
            self.delimiter = _sniff_delimiter(self._raw, self.encoding)
        except Exception:
            self._raw.close()
            raise

    def __iter__(self) -> Iterator[list]:
        text = io.TextIOWrapper(
            self._raw, encoding=self.encoding, newline="", errors="strict"
        )
        try:
            yield from csv.reader(text, delimiter=self.delimiter)
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                _("The file is not valid %(encoding)s text past this row.")
                % {"encoding": self.encoding}
            ) from exc
        except csv.Error as exc:
            raise UnreadableFile(
                _("The CSV is malformed: %(reason)s") % {"reason": exc}
            ) from exc

    def fraction(self) -> float:
        try:
            return min(self._raw.tell() / self.size, 1.0)
        except (ValueError, OSError):
            return 1.0

    def close(self) -> None:
        self._raw.close()


def _cell_text(value) -> str:
    """XLSX cell values as the text a CSV would hold (numbers, dates, empties)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


class XlsxRows:
    """Rows of the first worksheet of an XLSX workbook, read-only (streaming)."""

    def __init__(self, path: str | Path):
        from openpyxl import load_workbook

        self.path = Path(path)
        try:
            self._book = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 (openpyxl raises many kinds)
            raise UnreadableFile(
                _("The file is not a readable Excel workbook.")
            ) from exc
        self._sheet = self._book.worksheets[0]
        self.total = self._sheet.max_row or 0
        self.done = 0
        self.encoding = "xlsx"

    def __iter__(self) -> Iterator[list]:
        for values in self._sheet.iter_rows(values_only=True):
            self.done += 1
            yield [_cell_text(v) for v in values]

    def fraction(self) -> float:
        return min(self.done / self.total, 1.0) if self.total else 0.0

    def close(self) -> None:
        self._book.close()


def open_rows(path: str | Path, name: str | None = None) -> CsvRows | XlsxRows:
    """A streaming row reader for ``path`` chosen by the (original) file name."""
    suffix = Path(name or str(path)).suffix.lower()
    if suffix in XLSX_EXTENSIONS:
        return XlsxRows(path)
    if suffix in CSV_EXTENSIONS:
        return CsvRows(path)
    raise UnreadableFile(
        _("Unsupported file type “%(suffix)s”: use CSV or XLSX.") % {"suffix": suffix}
    )


ProgressFn = Callable[[float, int], None]
