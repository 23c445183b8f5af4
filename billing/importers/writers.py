"""Writing the parsed calls: PostgreSQL ``COPY`` (streamed) or batched inserts.

Both run inside the import's transaction, so a refused bill leaves nothing behind.
On PostgreSQL the rows are streamed straight into ``billing_callrecord`` with COPY; if
the bill repeats a call already stored (the natural key, R-BIL-2) the COPY is rolled
back to a savepoint and the rows go through a temporary staging table and
``INSERT ... ON CONFLICT DO NOTHING`` instead, counting the duplicates.

The COPY is pipelined: a producer thread parses the bill and formats COPY text
while the connection's thread sends the previous piece (psycopg2 releases the GIL
while it waits on the socket), so Python and PostgreSQL work at the same time on
the two cores. Database queries (attribution look-ups, progress) stay on the
connection's thread: the producer hands them over as ``Pause``/``Progress`` items.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from itertools import islice

from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from ..models import CallRecord
from .pipeline import Pause, Progress

COLUMNS = (
    "started_at",
    "period_id",
    "carrier_id",
    "bill_import_id",
    "row_number",
    "line_number",
    "called_number",
    "duration_seconds",
    "charge",
    "carrier_call_type",
    "call_class",
    "ip_prefix",
    "flags",
    "department_id",
    "owner_id",
    "raw",
)
NATURAL_KEY = ("line_number", "started_at", "called_number", "duration_seconds")
BATCH = 2000
SORT_WINDOW = 65_536  # rows sorted by call time before each send (about 15 MB)
QUEUE_DEPTH = 2  # windows formatted ahead of the sender
NULL = "\\N"
BACKSLASH = "\\"


def _escape(text: str) -> str:
    """PostgreSQL COPY text format escaping."""
    return (
        text.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


class _Offsets(dict):
    """UTC offset text of each local day ("+0800"), computed on first use."""

    def __init__(self, tz):
        super().__init__()
        self.tz = tz

    def __missing__(self, day: str) -> str:
        moment = datetime.fromisoformat(day + " 12:00:00").replace(tzinfo=self.tz)
        offset = self[day] = moment.strftime("%z")
        return offset


class _End:
    """The producer is done."""


class Producer(threading.Thread):
    """Runs the parser and formats COPY text (UTF-8 bytes) into a small queue.

    Rows are sent in windows of ``window`` rows sorted by call time: the B-tree
    indexes on (…, started_at) then take them in sweeps rather than at random
    places. At a ``Pause`` the window is flushed and the producer waits until the
    connection's thread has resolved it.
    """

    def __init__(self, batches: Iterator, prefix: str, window: int = SORT_WINDOW):
        super().__init__(name="bill-copy-producer", daemon=True)
        self.batches = batches
        self.prefix = prefix
        self.window = window
        self.items: queue.Queue = queue.Queue(maxsize=QUEUE_DEPTH)
        self.stopped = threading.Event()
        self.resumed = threading.Event()
        self.count = 0
        self.escaped: dict[str, str] = {}
        # Thread-local settings of the caller: error texts and local times.
        self.language = translation.get_language()
        self.tz = timezone.get_current_timezone()
        self.offsets = _Offsets(self.tz)

    def _put(self, item) -> None:
        while not self.stopped.is_set():
            try:
                self.items.put(item, timeout=0.2)
                return
            except queue.Full:
                continue
        raise _Stopped

    def _lines(self, batch: list[tuple]) -> list[bytes]:
        prefix = self.prefix
        escaped = self.escaped
        offsets = self.offsets
        for ctype in {rec[6] for rec in batch} - escaped.keys():
            escaped[ctype] = _escape(ctype)
        self.count += len(batch)
        return [
            f"{start}{offsets[start[:10]]}\t{prefix}{row}\t{line}\t{called}\t"
            f"{seconds}\t{charge}\t{escaped[ctype]}\t{cls}\t{ip}\t{flags}\t"
            f"{NULL if dept is None else dept}\t"
            f"{NULL if owner is None else owner}\t"
            f"{_escape(raw) if BACKSLASH in raw else raw}\n".encode()
            for (row, line, called, start, seconds, charge, ctype, cls, ip,
                 flags, dept, owner, raw) in batch
        ]  # fmt: skip

    def _flush(self, lines: list[bytes]) -> None:
        if lines:
            # Each line starts with its local call time ("YYYY-MM-DD HH:MM:SS+hhmm"):
            # sorting the texts sorts by call time.
            lines.sort()
            self._put(b"".join(lines))
            lines.clear()

    def run(self) -> None:
        lines: list[bytes] = []
        timezone.activate(self.tz)
        if self.language:
            translation.activate(self.language)
        try:
            for item in self.batches:
                kind = item.__class__
                if kind is list:
                    lines += self._lines(item)
                    if len(lines) >= self.window:
                        self._flush(lines)
                elif kind is Pause:
                    self._flush(lines)
                    self.resumed.clear()
                    self._put(item)
                    while not self.resumed.wait(0.2):
                        if self.stopped.is_set():
                            raise _Stopped
                elif kind is Progress:
                    self._put(item)
            self._flush(lines)
            self._put(_End)
        except _Stopped:
            pass
        except BaseException as exc:  # noqa: BLE001 (handed to the sender's thread)
            with contextlib.suppress(_Stopped):
                self._put(exc)
        finally:
            close = getattr(self.batches, "close", None)
            if close is not None:
                close()

    def stop(self) -> None:
        self.stopped.set()
        self.join()


class _Stopped(Exception):
    pass


class CopyStream:
    """The file-like object psycopg2 reads: the producer's pieces, "" at a pause."""

    def __init__(self, producer: Producer):
        self.producer = producer
        self.paused: Pause | None = None
        self.done = False

    def read(self, size: int = -1) -> bytes:
        if self.paused is not None or self.done:
            return b""
        while True:
            item = self.producer.items.get()
            if item.__class__ is bytes:
                return item
            if item.__class__ is Progress:
                item.report()
            elif item.__class__ is Pause:
                self.paused = item
                return b""
            elif item is _End:
                self.done = True
                return b""
            else:
                raise item

    readline = read


class PostgresWriter:
    """COPY into the calls table; staging + ON CONFLICT when a call repeats."""

    def __init__(self, *, period_id: int, carrier_id: int, import_id: int):
        self.prefix = f"{period_id}\t{carrier_id}\t{import_id}\t"

    def write(self, make_records: Callable[[], Iterator]) -> tuple[int, int]:
        """Write the records; returns (inserted, duplicates). May call twice."""
        cols = ", ".join(COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            try:
                with transaction.atomic():
                    count = self._copy(cursor, "billing_callrecord", make_records())
                return count, 0
            except IntegrityError:
                pass
            cursor.execute(
                "CREATE TEMP TABLE billing_callrecord_staging ON COMMIT DROP AS "
                f"SELECT {cols} FROM billing_callrecord WITH NO DATA"
            )
            count = self._copy(cursor, "billing_callrecord_staging", make_records())
            cursor.execute(
                f"INSERT INTO billing_callrecord ({cols}) "
                f"SELECT {cols} FROM billing_callrecord_staging ORDER BY row_number "
                "ON CONFLICT DO NOTHING"
            )
            inserted = cursor.rowcount
            cursor.execute("DROP TABLE billing_callrecord_staging")
        return inserted, count - inserted

    def _copy(self, cursor, table: str, batches: Iterator) -> int:
        """COPY the records, pausing between COPY statements for the parser's queries."""
        sql = f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN"
        producer = Producer(batches, self.prefix)
        producer.start()
        try:
            while True:
                stream = CopyStream(producer)
                with connection.wrap_database_errors:
                    cursor.cursor.copy_expert(sql, stream, 1 << 16)
                if stream.paused is None:
                    break
                stream.paused.resolve()
                producer.resumed.set()
        finally:
            producer.stop()
        return producer.count


def _aware(text: str, tz) -> datetime:
    return datetime(
        int(text[0:4]),
        int(text[5:7]),
        int(text[8:10]),
        int(text[11:13]),
        int(text[14:16]),
        int(text[17:19]),
        tzinfo=tz,
    )


def _calls(batches: Iterable) -> Iterator[tuple]:
    for item in batches:
        if item.__class__ is list:
            yield from item
        elif item.__class__ is Progress:
            item.report()


class OrmWriter:
    """Batched ``bulk_create`` (SQLite and any other database)."""

    def __init__(self, *, period_id: int, carrier_id: int, import_id: int):
        self.period_id, self.carrier_id, self.import_id = (
            period_id,
            carrier_id,
            import_id,
        )

    def _objects(self, records: Iterable[tuple]) -> Iterator[CallRecord]:
        tz = timezone.get_current_timezone()
        for rec in _calls(records):
            (row, line, called, start, seconds, charge, ctype, cls, ip, flags,
             dept, owner, raw) = rec  # fmt: skip
            yield CallRecord(
                period_id=self.period_id,
                carrier_id=self.carrier_id,
                bill_import_id=self.import_id,
                row_number=row,
                line_number=line,
                called_number=called,
                started_at=_aware(start, tz),
                duration_seconds=seconds,
                charge=Decimal(charge),
                carrier_call_type=ctype,
                call_class=cls,
                ip_prefix=ip,
                flags=flags,
                department_id=dept,
                owner_id=owner,
                raw=raw,
            )

    def write(self, make_records: Callable[[], Iterator[tuple]]) -> tuple[int, int]:
        objects = self._objects(make_records())
        seen = 0
        while True:
            batch = list(islice(objects, BATCH))
            if not batch:
                break
            seen += len(batch)
            CallRecord.objects.bulk_create(batch, ignore_conflicts=True)
        inserted = CallRecord.objects.filter(bill_import_id=self.import_id).count()
        return inserted, seen - inserted


def writer_for(**ids) -> PostgresWriter | OrmWriter:
    if connection.vendor == "postgresql":
        return PostgresWriter(**ids)
    return OrmWriter(**ids)
