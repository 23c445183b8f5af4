"""Streaming readers: rows of text cells from a CSV (any common encoding) or XLSX.

Nothing loads the whole file: CSV is decoded through a ``TextIOWrapper`` into the
``csv`` reader; XLSX is read with openpyxl's read-only mode. Each reader also tells
how far it got (0..1) for the progress bar.

Most bills hold no quote at all: UTF-8 and GB18030 text is then read in blocks and
split with ``str.split`` (about five times faster than the ``csv`` module), giving
the very rows ``csv.reader`` would. At the first block with anything the split
cannot treat exactly like ``csv`` (a quote, a bare carriage return, NUL, a very long
line, bytes that do not decode), the file is read again from the start through
``csv.reader``, skipping the rows already given, so quoting, row numbers and the
point where an encoding error is reported are the ``csv`` module's own.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections import deque
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from itertools import islice, repeat
from pathlib import Path

from django.utils.translation import gettext as _

CSV_EXTENSIONS = (".csv", ".txt")
XLSX_EXTENSIONS = (".xlsx", ".xlsm")
EXTENSIONS = CSV_EXTENSIONS + XLSX_EXTENSIONS
SAMPLE = 1 << 20
BLOCK = 1 << 18  # bytes read at a time by the split reader
# Rows are given only once this many bytes after them have decoded: the text
# wrapper of the ``csv`` path decodes 8 KB ahead, so if it fails later on, it fails
# after the rows already given (the error is reported at the same row).
MARGIN = 1 << 16
SPLIT_ENCODINGS = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "gb18030": "gb18030"}


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


class Segment:
    """Whole lines of quote-free text read in one block, split on demand.

    ``rows()`` gives what ``csv.reader`` gives for them (a blank line is an empty
    row). ``utf8()`` gives them as UTF-8 bytes, each line ended by "\\n" alone.
    """

    __slots__ = ("delimiter", "lines", "raw", "size", "text")

    def __init__(self, *, text, lines, delimiter, size, raw):
        self.text, self.lines, self.delimiter = text, lines, delimiter
        self.size = size  # bytes in the file
        self.raw = raw  # those bytes when they are UTF-8 text, else None

    def utf8(self) -> bytes:
        if "\r" in self.text:
            return self.text.replace("\r\n", "\n").encode()
        return self.raw if self.raw is not None else self.text.encode()

    def rows(self, count: int | None = None) -> list[list]:
        """The rows (the first ``count`` of them)."""
        lines = self.lines if count is None else self.lines[:count]
        rows = list(map(str.split, lines, repeat(self.delimiter)))
        if "" in lines:  # a blank line is an empty row for csv
            rows = [cells if cells != [""] else [] for cells in rows]
        return rows

    def after(self, count: int) -> Segment:
        """The segment of the lines after the first ``count``."""
        text, raw = self.text, self.raw
        newline = "\r\n" if "\r" in text else "\n"
        at = 0
        for _line in range(count):
            at = text.index(newline, at) + len(newline)
        if raw is not None:
            raw = raw[len(text[:at].encode()) :]
        return Segment(
            text=text[at:],
            lines=self.lines[count:],
            delimiter=self.delimiter,
            size=len(raw) if raw is not None else len(text[at:].encode()),
            raw=raw,
        )


class CsvRows:
    """Rows of a CSV file as lists of str; ``fraction()`` is the share read so far."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.size = max(os.path.getsize(self.path), 1)
        self._raw = open(self.path, "rb")  # noqa: SIM115 (closed by close())
        self._given: int | None = None  # bytes of the rows given by _split_rows
        self.block = BLOCK  # bytes read at a time
        try:
            self.encoding = detect_encoding(self._raw)
            self.delimiter = _sniff_delimiter(self._raw, self.encoding)
        except Exception:
            self._raw.close()
            raise

    def __iter__(self) -> Iterator[list]:
        if self.encoding in SPLIT_ENCODINGS:
            return self._split_rows()
        return self._csv_rows(0)

    def blocks(self) -> Iterator[Segment | Iterator[list]]:
        """The rows in file order: ``Segment``s of whole quote-free lines, and last,
        if the rest needs the ``csv`` module, an iterator of its rows."""
        if self.encoding not in SPLIT_ENCODINGS:
            return iter([self._csv_rows(0)])
        return self._segments()

    def _split_rows(self) -> Iterator[list]:
        """Rows of quote-free text by ``str.split``; ``_csv_rows`` for the rest."""
        for block in self._segments():
            yield from block.rows() if block.__class__ is Segment else block

    def _segments(self) -> Iterator[Segment | Iterator[list]]:
        """Segments of quote-free text; then, if the rest is not, ``_csv_rows``.

        In UTF-8 and GB18030 a newline byte is never part of another character, so
        blocks cut after a newline decode on their own.
        """
        raw = self._raw
        raw.seek(0)
        self._given = 0
        encoding = SPLIT_ENCODINGS[self.encoding]
        held: deque[Segment] = deque()  # not yet given
        held_bytes = given = 0
        carry = raw.read(len(codecs.BOM_UTF8)) if self.encoding == "utf-8-sig" else b""
        if carry == codecs.BOM_UTF8:
            carry = b""
            self._given = len(codecs.BOM_UTF8)
        while True:
            block = raw.read(self.block)
            if block:
                data = carry + block
                cut = data.rfind(b"\n") + 1
                if not cut:
                    carry = data
                    continue
                segment, carry = data[:cut], data[cut:]
            else:
                segment, carry = carry, b""
            found = self._split(segment, encoding)
            if found is None:
                self._given = None
                yield self._csv_rows(given)
                return
            held.append(found)
            held_bytes += found.size
            while len(held) > 1 and held_bytes - held[0].size >= MARGIN:
                found = held.popleft()
                held_bytes -= found.size
                given += len(found.lines)
                self._given += found.size
                yield found
            if not block:
                break
        for found in held:
            self._given += found.size
            yield found

    def _split(self, segment: bytes, encoding: str) -> Segment | None:
        """The segment's whole lines, or None when ``csv`` might read them
        otherwise."""
        try:
            text = segment.decode(encoding)
        except UnicodeDecodeError:
            return None
        if '"' in text or "\x00" in text:
            return None
        newline = "\n"
        if "\r" in text:
            if text.count("\r") != text.count("\r\n"):  # a bare carriage return
                return None
            newline = "\r\n"
            if text.count("\n") != text.count("\r\n"):  # mixed line ends
                text = text.replace("\r\n", "\n")
                newline = "\n"
        lines = text.split(newline)
        if lines[-1] == "":
            lines.pop()
        limit = csv.field_size_limit()
        if len(text) > limit and max(map(len, lines)) > limit:
            return None
        return Segment(
            text=text,
            lines=lines,
            delimiter=self.delimiter,
            size=len(segment),
            raw=segment if encoding == "utf-8" else None,
        )

    def _csv_rows(self, skip: int) -> Iterator[list]:
        """``csv.reader`` over the file from its start, without the first rows."""
        self._raw.seek(0)
        text = io.TextIOWrapper(
            self._raw, encoding=self.encoding, newline="", errors="strict"
        )
        try:
            rows = csv.reader(text, delimiter=self.delimiter)
            if skip:
                deque(islice(rows, skip), maxlen=0)
            yield from rows
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
        if self._given is not None:  # the split reader reads ahead of the rows given
            return min(self._given / self.size, 1.0)
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
