"""A large CSV bill parsed and COPYed by several processes at once (PostgreSQL).

One Python process parses, classifies and attributes a few hundred thousand calls a
second at best; a million-row bill would keep one core busy while the other waits.
So the bill is cut into parts at line ends, one per worker, and each worker (a fork
of the importing process, with its own database connection) runs the usual
``BillParser`` over its part — the header line followed by its rows, numbered as in
the file — and COPYs the calls into the import's table, which was created and
committed beforehand so that every worker sees it. The rows are invisible to the
rest of the application until the import's own transaction attaches the table as a
partition; if anything fails the table is dropped (``drop_load_table``), so the bill
still lands whole or not at all (R-BIL-2).

Only plain files are cut: CSV in UTF-8 or GB18030 (a newline byte is never part of
another character there) with no quote character (a quoted cell may hold a line
break, and the row numbers would drift) and no bare carriage return. Everything
else, and files under ``MIN_BYTES``, goes through the single-process path.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import select
import signal
import sys
import traceback
from dataclasses import dataclass
from decimal import Decimal
from multiprocessing.sharedctypes import RawArray
from pathlib import Path

from django.conf import settings
from django.db import connection, connections, transaction

from .columns import match_header, missing_fields
from .pipeline import HEADER_SEARCH_ROWS, BillParser, Summary
from .readers import BLOCK, CSV_EXTENSIONS, CsvRows, _sniff_delimiter, detect_encoding

MIN_BYTES = 4 << 20  # smaller bills: the single-process path is as fast
# Bytes of a segment read by polars: it has a fixed cost per operation, and the
# worker's memory grows with the segment.
FRAME_BLOCK = 1 << 20
HEADER_PROBE = 1 << 16
POLL_SECONDS = 0.25
ENCODINGS = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "gb18030": "gb18030"}

# The parent's database connections, kept referenced in a worker (never closed
# there: closing would end the parent's session, which shares the socket).
_INHERITED: list = []


@dataclass
class Part:
    index: int
    start: int  # byte offset of the part's first line
    end: int
    first_row: int  # the file's row number of that line


@dataclass
class Plan:
    path: str
    encoding: str
    header: bytes  # the header line, newline included, without a BOM
    header_row: int
    parts: list[Part]


def plan(path: str, *, name: str, profile: dict | None, workers: int) -> Plan | None:
    """How to cut the bill into ``workers`` parts, or None to read it in one."""
    size = os.path.getsize(path)
    if workers < 2 or size < MIN_BYTES or not name.lower().endswith(CSV_EXTENSIONS):
        return None
    reader = CsvRows(path)
    encoding, delimiter = reader.encoding, reader.delimiter
    reader.close()
    if encoding not in ENCODINGS:
        return None
    # Read in blocks, not mapped: pages of a mapped file count in this process's
    # RSS, and memory must stay flat whatever the size of the bill.
    with open(path, "rb") as handle:
        bom = 3 if encoding == "utf-8-sig" else 0
        probe = handle.read(HEADER_PROBE)
        found = _header(probe, bom, ENCODINGS[encoding], delimiter, profile)
        if found is None:
            return None
        header_row, header_start, header_end = found
        header = probe[header_start:header_end]
        step = (size - header_end) // workers
        starts = [header_end]
        for number in range(1, workers):
            cut = _next_line(handle, header_end + number * step)
            if cut <= starts[-1] or cut >= size:
                break
            starts.append(cut)
        ends = [*starts[1:], size]
        title = _scan(handle, 0, header_end)
        if not title.plain:
            return None
        parts, row = [], header_row + 1
        for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
            scanned = _scan(handle, start, end)
            if not scanned.plain:
                return None
            parts.append(Part(index, start, end, row))
            row += scanned.newlines
    if len(parts) < 2:
        return None
    return Plan(str(path), encoding, header, header_row, parts)


@dataclass
class _Scanned:
    plain: bool  # no quote and no bare carriage return
    newlines: int


def _scan(handle, start: int, end: int, block: int = 1 << 22) -> _Scanned:
    """Quotes, carriage returns and line ends of bytes ``start:end``, a block at a
    time."""
    handle.seek(start)
    newlines = returns = pairs = 0
    previous = b""
    while start < end:
        data = handle.read(min(block, end - start))
        if not data:
            break
        if b'"' in data:
            return _Scanned(False, 0)
        newlines += data.count(b"\n")
        returns += data.count(b"\r")
        pairs += data.count(b"\r\n") + (previous == b"\r" and data[:1] == b"\n")
        previous = data[-1:]
        start += len(data)
    return _Scanned(returns == pairs, newlines)


def _next_line(handle, offset: int) -> int:
    """The offset just after the first line end at or after ``offset`` (or the end of
    the file)."""
    handle.seek(offset)
    while True:
        data = handle.read(1 << 16)
        if not data:
            return handle.tell()
        found = data.find(b"\n")
        if found != -1:
            return offset + found + 1
        offset += len(data)


def _header(probe: bytes, bom: int, encoding: str, delimiter: str, profile):
    """(row number, start, end offsets) of the header among the first lines."""
    offset = bom
    for number in range(1, HEADER_SEARCH_ROWS + 1):
        end = probe.find(b"\n", offset)
        if end == -1:
            return None
        try:
            text = probe[offset:end].decode(encoding).rstrip("\r")
        except UnicodeDecodeError:
            return None
        if not missing_fields(match_header(text.split(delimiter), profile or {})):
            return number, offset, end + 1
        offset = end + 1
    return None


class PartFile(io.RawIOBase):
    """A read-only file of the header line followed by the bytes of one part."""

    def __init__(self, path: str, header: bytes, start: int, end: int):
        super().__init__()
        self.handle = open(path, "rb")  # noqa: SIM115 (closed by close())
        self.header, self.start, self.end = header, start, end
        self.size = len(header) + end - start
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, position: int, whence: int = 0) -> int:
        if whence == io.SEEK_END:
            position += self.size
        elif whence == io.SEEK_CUR:
            position += self.position
        self.position = max(0, min(position, self.size))
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        if self.position < len(self.header):
            data = self.header[self.position : self.position + len(view)]
        else:
            offset = self.start + self.position - len(self.header)
            self.handle.seek(offset)
            data = self.handle.read(min(len(view), self.end - offset))
        view[: len(data)] = data
        self.position += len(data)
        return len(data)

    def close(self) -> None:
        self.handle.close()
        super().close()


class PartRows(CsvRows):
    """``CsvRows`` over the header line and one part of the bill."""

    def __init__(self, plan_: Plan, part: Part, *, block: int = BLOCK):
        raw = PartFile(plan_.path, plan_.header, part.start, part.end)
        self.path = Path(plan_.path)
        self.size = max(raw.size, 1)
        self._raw = io.BufferedReader(raw, 1 << 20)
        self._given = None
        self.block = block
        self.encoding = detect_encoding(self._raw)
        self.delimiter = _sniff_delimiter(self._raw, self.encoding)


def _own_connections() -> None:
    """In a forked worker: new database connections, the parent's left alone."""
    for alias in list(connections):
        inherited = connections[alias]
        _INHERITED.append(inherited)
        connections[alias] = connections.create_connection(alias)


def _work(plan_: Plan, part: Part, table, prefix, options, out: int, progress):
    """A forked worker: parse one part, COPY its calls into ``table``, write the
    pickled outcome to the pipe ``out`` and exit."""
    from .writers import copy_records

    try:
        # polars only if the parent had not imported it (see ``frames``).
        frames = settings.BILL_IMPORT_FRAMES and "polars" not in sys.modules
        # One thread: the other worker has the other core.
        os.environ.setdefault("POLARS_MAX_THREADS", "1")
        _own_connections()
        reader = PartRows(plan_, part, block=FRAME_BLOCK if frames else BLOCK)

        def report(fraction: float, rows: int) -> None:
            progress[part.index * 2] = fraction
            progress[part.index * 2 + 1] = rows

        parser = BillParser(
            reader=reader,
            progress=report,
            row_offset=part.first_row - 2,
            frames=frames,
            **options,
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            count = copy_records(cursor, table, prefix, parser.batches())
        outcome = ("ok", count, parser.summary)
    except BaseException:  # noqa: BLE001 (reported to the parent)
        outcome = ("error", traceback.format_exc(), None)
    try:
        with os.fdopen(out, "wb") as pipe:
            pickle.dump(outcome, pipe)
    finally:
        os._exit(0)


class WorkerFailed(RuntimeError):
    pass


def _start(plan_: Plan, part: Part, table, prefix, options, progress):
    """Fork a worker for ``part``; returns (pid, read end of its pipe).

    ``os.fork`` rather than ``multiprocessing``: a Celery prefork pool process is
    daemonic, and ``multiprocessing`` refuses to start children from one.
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        os.close(read)
        _work(plan_, part, table, prefix, options, write, progress)  # never returns
    os.close(write)
    return pid, read


def run(plan_: Plan, *, table: str, prefix: str, options: dict, report=None):
    """Run one worker per part; returns (calls COPYed, merged ``Summary``)."""
    progress = RawArray("d", len(plan_.parts) * 2)
    connection.ensure_connection()
    workers: dict[int, tuple[int, int]] = {}  # part -> (pid, pipe)
    received: dict[int, bytearray] = {}
    results: dict[int, tuple] = {}
    try:
        for part in plan_.parts:
            workers[part.index] = _start(plan_, part, table, prefix, options, progress)
            received[part.index] = bytearray()
        while len(results) < len(workers):
            pipes = {pipe: index for index, (_pid, pipe) in workers.items()
                     if index not in results}  # fmt: skip
            ready, _w, _x = select.select(list(pipes), [], [], POLL_SECONDS)
            for pipe in ready:
                index = pipes[pipe]
                data = os.read(pipe, 1 << 16)
                if data:
                    received[index] += data
                    continue
                if not received[index]:
                    raise WorkerFailed(f"bill import worker {index} stopped")
                results[index] = pickle.loads(received[index])
                if results[index][0] != "ok":
                    raise WorkerFailed(results[index][1])
            if report is not None:
                fractions = progress[0::2]
                report(sum(fractions) / len(fractions), int(sum(progress[1::2])))
    finally:
        for index, (pid, pipe) in workers.items():
            if index not in results:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
            os.close(pipe)
            os.waitpid(pid, 0)
    count = sum(results[i][1] for i in range(len(workers)))
    return count, merge([results[i][2] for i in range(len(workers))], plan_, options)


def merge(summaries: list[Summary], plan_: Plan, options: dict) -> Summary:
    """One summary of the parts' (in file order)."""
    total = Summary(encoding=plan_.encoding, header_row=plan_.header_row)
    total.rows_skipped = plan_.header_row - 1
    total.total_charge = Decimal("0.00")
    for part in summaries:
        total.rows_read += part.rows_read
        total.rows_valid += part.rows_valid
        total.rows_skipped += part.rows_skipped
        total.rows_unattributed += part.rows_unattributed
        total.rows_flagged += part.rows_flagged
        total.total_charge += part.total_charge
        total.error_count += part.error_count
        total.frame_rows += part.frame_rows
        total.errors.extend(part.errors)
        total.unattributed_numbers |= part.unattributed_numbers
    del total.errors[options.get("max_errors", 1000) :]
    return total
