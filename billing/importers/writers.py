"""Writing the parsed calls: PostgreSQL ``COPY`` (streamed) or batched inserts.

Both run inside the import's transaction, so a refused bill leaves nothing behind.
On PostgreSQL the rows are COPYed into a table of the import's own, which gets the
call table's indexes in one build each and is then attached as the import's
partition of ``billing_callrecord`` (see ``PostgresWriter``); elsewhere they are
inserted in batches (``OrmWriter``). Both drop a call the bill repeats, or that
another of the carrier's bills already holds (the natural key, R-BIL-2). A large
plain CSV bill is parsed and COPYed by forked workers (``parallel``) into a table
committed beforehand, which no query sees until the import's transaction attaches
it, and which is dropped if the import fails (``drop_load_table``).

The COPY is pipelined: a producer thread parses the bill and formats COPY text
while the connection's thread sends the previous piece (psycopg2 releases the GIL
while it waits on the socket), so Python and PostgreSQL work at the same time on
the two cores. Database queries (attribution look-ups, progress) stay on the
connection's thread: the producer hands them over as ``Pause``/``Progress`` items.
"""

from __future__ import annotations

import contextlib
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import islice

from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone, translation

from ..models import BillImport, CallRecord, ImportStatus
from .pipeline import UNATTRIBUTED, Calls, Frame, Pause, Progress, records_of

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
CALL_TABLE = CallRecord._meta.db_table
NATURAL_KEY_NAME = "callrecord_natural_key"
NATURAL_KEY = (
    "started_at",
    "line_number",
    "called_number",
    "duration_seconds",
    "carrier_id",
)
BATCH = 2000
SEND_WINDOW = 16_384  # rows formatted before each send (about 4 MB)
QUEUE_DEPTH = 2  # windows formatted ahead of the sender
_INDEX_TARGET = re.compile(r"^CREATE (UNIQUE )?INDEX \S+ ON (?:ONLY )?\S+ ")
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


class _ResultTexts(dict):
    """COPY text of a classification (class, IP prefix, flags, carrier text) from
    ``NumberPlan.classify_many``: carrier type, class, IP prefix and flags."""

    def __init__(self, extra_flags: int):
        super().__init__()
        self.extra_flags = extra_flags

    def __missing__(self, result: tuple) -> str:
        cls, ip, flags, text = result
        self[result] = value = (
            f"{_escape(text[:40])}\t{cls}\t{ip}\t{flags | self.extra_flags}"
        )
        return value


class _Texts(dict):
    """COPY text of ids for ``%s``: NULL for None, the id itself otherwise."""

    def __init__(self, ids):
        super().__init__((i, NULL if i is None else i) for i in set(ids))


class _End:
    """The producer is done."""


class Producer(threading.Thread):
    """Runs the parser and formats COPY text (UTF-8 bytes) into a small queue.

    Rows are sent in windows of ``window`` rows (the table being filled has no
    index yet, so their order does not matter). At a ``Pause`` the window is flushed
    and the producer waits until the connection's thread has resolved it.
    """

    def __init__(self, batches: Iterator, prefix: str, window: int = SEND_WINDOW):
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
        self.result_texts = _ResultTexts(0)
        self.unattributed_texts = _ResultTexts(UNATTRIBUTED)

    def _put(self, item) -> None:
        while not self.stopped.is_set():
            try:
                self.items.put(item, timeout=0.2)
                return
            except queue.Full:
                continue
        raise _Stopped

    def _lines(self, batch: list) -> list[bytes]:
        """Pieces of COPY text (UTF-8) holding the batch's calls, each line ended."""
        if len(batch) == 1 and batch[0].__class__ is Frame:
            return self._frame_lines(batch[0])
        if len(batch) == 1 and batch[0].__class__ is Calls:
            lines = self._calls_lines(batch[0])
            if lines is not None:
                return lines
            batch = list(batch[0])
        prefix = self.prefix
        escaped = self.escaped
        offsets = self.offsets
        for ctype in {rec[6] for rec in batch} - escaped.keys():
            escaped[ctype] = _escape(ctype)
        self.count += len(batch)
        if not batch:
            return []
        # Column by column in C where the batch's calls share one UTC offset (the
        # same text as the row-by-row f-string below).
        (rows, lines, called, starts, seconds, charges, ctypes, classes, ips, flags,
         departments, owners, raws) = zip(*batch, strict=True)  # fmt: skip
        offset = self._offset(starts)
        if offset is None:
            return [
                f"{start}{offsets[start[:10]]}\t{prefix}{row}\t{line}\t{called}\t"
                f"{seconds}\t{charge}\t{escaped[ctype]}\t{cls}\t{ip}\t{flags}\t"
                f"{NULL if dept is None else dept}\t"
                f"{NULL if owner is None else owner}\t"
                f"{_escape(raw) if BACKSLASH in raw else raw}\n".encode()
                for (row, line, called, start, seconds, charge, ctype, cls, ip,
                     flags, dept, owner, raw) in batch
            ]  # fmt: skip
        if BACKSLASH in "".join(raws):
            raws = [_escape(raw) if BACKSLASH in raw else raw for raw in raws]
        fixed = f"{offset}\t{prefix}".replace("%", "%%")
        template = "%s" + fixed + "\t".join(["%s"] * 12) + "\n"
        columns = zip(
            starts, rows, lines, called, seconds, charges,
            map(escaped.__getitem__, ctypes), classes, ips, flags,
            map(_Texts(departments).__getitem__, departments),
            map(_Texts(owners).__getitem__, owners), raws,
            strict=True,
        )  # fmt: skip
        return list(map(str.encode, map(template.__mod__, columns)))

    def _calls_lines(self, calls: Calls) -> list[bytes] | None:
        """The COPY lines of a fast-path block, the same text as ``_lines`` gives
        for its records, joined from columns of ready texts (the class, IP prefix
        and flags, and the department and owner, are made once per distinct value).
        None if the UTC offset changes within the bill's days."""
        offsets, prefix = self.offsets, self.prefix
        found = {offsets[day] for day in calls.days}
        if len(found) != 1 or not prefix.endswith("\t"):
            return None
        self.count += calls.count
        # "2026-10-08 07:45:07+0800\t1\t2\t3" for every call, in one piece of text.
        head = f"{found.pop()}\t{prefix[:-1]}"
        starts = (calls.start_text.replace("\n", head + "\n") + head).split("\n")
        # "本地\tlocal\t\t0": carrier type, class, IP prefix and flags.
        results = map(self.result_texts.__getitem__, calls.results)
        if None in calls.ids:  # unattributed calls: their flags have one more bit
            by_who = {
                who: self.result_texts if who else self.unattributed_texts
                for who in calls.ids
            }
            results = map(
                dict.__getitem__, map(by_who.__getitem__, calls.whos), calls.results
            )
        ids = {
            who: "\t".join(NULL if i is None else str(i) for i in ids)
            for who, ids in calls.ids.items()
        }
        raws = calls.raws  # each with its line break
        if not calls.simple and BACKSLASH in "".join(raws):
            raws = [_escape(r[:-1]) + "\n" if BACKSLASH in r else r for r in raws]
        columns = zip(
            starts, map(str, range(calls.first, calls.first + calls.count)),
            calls.lines, calls.called, calls.durations, calls.charges,
            results, map(ids.__getitem__, calls.whos), raws,
            strict=True,
        )  # fmt: skip
        # One piece of text for the block, encoded once.
        return ["".join(map("\t".join, columns)).encode()]

    def _frame_lines(self, frame: Frame) -> list[bytes]:
        """As ``_calls_lines``, joined by polars (``frames``)."""
        from .frames import copy_text

        self.count += frame.count
        heads = {day: f"{self.offsets[day]}\t{self.prefix}" for day in frame.days}
        return [copy_text(frame, heads)]

    def _offset(self, starts: tuple[str, ...]) -> str | None:
        """The UTC offset text of all these local times, if they have one."""
        try:
            first = date.fromisoformat(min(starts)[:10])
            last = date.fromisoformat(max(starts)[:10])
        except (TypeError, ValueError):
            return None
        offsets = self.offsets
        found = {
            offsets[(first + timedelta(days=n)).isoformat()]
            for n in range((last - first).days + 1)
        }
        return found.pop() if len(found) == 1 else None

    def _flush(self, lines: list[bytes]) -> None:
        if lines:
            self._put(b"".join(lines))
            lines.clear()

    def run(self) -> None:
        lines: list[bytes] = []  # pieces of COPY text: a line or a block of lines
        held = 0  # rows in ``lines``
        timezone.activate(self.tz)
        if self.language:
            translation.activate(self.language)
        try:
            for item in self.batches:
                kind = item.__class__
                if kind is list:
                    before = self.count
                    lines += self._lines(item)
                    held += self.count - before
                    if held >= self.window:
                        self._flush(lines)
                        held = 0
                elif kind is Pause:
                    self._flush(lines)
                    held = 0
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
    """COPY into a table of the import's own, then index it and attach it.

    ``write`` COPYs the calls into ``billing_callrecord_i<import id>``, a plain table
    shaped like the call table with no index (nothing is visible to other sessions
    yet). ``finish`` builds the call table's indexes on it in one sort each (the
    unique natural key finds the bill's repeated calls), removes the calls another
    import of the same carrier already holds, drops the partitions of the imports it
    replaces, and attaches the table as the import's partition: all in the import's
    transaction, so a refused or failed bill leaves nothing behind.
    """

    def __init__(self, *, period_id: int, carrier_id: int, import_id: int):
        self.period_id, self.carrier_id, self.import_id = (
            period_id,
            carrier_id,
            import_id,
        )
        self.table = partition_name(import_id)
        self.prefix = f"{period_id}\t{carrier_id}\t{import_id}\t"
        self.loaded = 0
        self.committed = False  # the table was created and filled by other sessions

    def write(self, make_records: Callable[[], Iterator]) -> int:
        """COPY the records into the import's table; returns how many."""
        table = self.table
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            # Left by a database flush that kept the partition (tests) or by a
            # crashed session: it can only hold this import's rows, and the import
            # runs once.
            self._create_table(cursor)
            self.loaded = self._copy(cursor, table, make_records())
        return self.loaded

    def _create_table(self, cursor) -> None:
        """The import's table, shaped like the call table, with no index yet.

        Its month is a constraint it keeps as a partition: a query for a month
        skips the other months' partitions (constraint exclusion) and reads the
        month's calls in time order from the natural key, which starts with the
        call time, so no (month, time) index is built for each import.
        """
        table = self.table
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE TABLE {table} (LIKE {CALL_TABLE} INCLUDING DEFAULTS "
            f"INCLUDING CONSTRAINTS, CONSTRAINT {table}_import "
            f"CHECK (bill_import_id = {int(self.import_id)}), "
            f"CONSTRAINT {table}_period CHECK (period_id = {int(self.period_id)}))"
        )

    def finish(self, *, replaced_import_ids: list[int]) -> tuple[int, int, int]:
        """Index, de-duplicate, replace and attach; ``(inserted, duplicates,
        replaced)``."""
        table = self.table
        with connection.cursor() as cursor:
            cursor.execute(
                "SET LOCAL maintenance_work_mem = %s",
                [settings.BILL_IMPORT_INDEX_MEMORY],
            )
            duplicates = self._build_indexes(cursor)
            duplicates += self._drop_held_elsewhere(cursor, replaced_import_ids)
            # Statistics for the planner from a small sample (6,000 rows instead of
            # 30,000: a tenth of a second instead of half a second per million).
            cursor.execute("SET LOCAL default_statistics_target = 20")
            cursor.execute(f"ANALYZE {table}")
            cursor.execute("RESET default_statistics_target")
            replaced = self._drop_replaced(cursor, replaced_import_ids)
            cursor.execute(
                f"ALTER TABLE {CALL_TABLE} ATTACH PARTITION {table} "
                f"FOR VALUES IN ({int(self.import_id)})"
            )
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_import")
        return self.loaded - duplicates, duplicates, replaced

    def _index_builds(self, cursor) -> tuple[list[IndexBuild], IndexBuild]:
        """The call table's indexes for the import's table (the unique natural key
        apart); attaching adopts them instead of building its own."""
        table = self.table
        cursor.execute(
            "SELECT c.conname, c.contype, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid "
            "AND c.conrelid = i.indrelid WHERE i.indrelid = %s::regclass "
            "ORDER BY i.indexrelid",
            [CALL_TABLE],
        )
        builds, natural_key = [], None
        for number, (name, kind, index) in enumerate(cursor.fetchall()):
            own = f"{table}_c{number}" if kind in ("p", "u") else f"{table}_x{number}"
            create = _INDEX_TARGET.sub(
                lambda m, own=own: f"CREATE {m.group(1) or ''}INDEX {own} ON {table} ",
                index,
                count=1,
            )
            constraint = ""
            if kind in ("p", "u"):
                what = "PRIMARY KEY" if kind == "p" else "UNIQUE"
                constraint = (
                    f"ALTER TABLE {table} ADD CONSTRAINT {own} {what} USING INDEX {own}"
                )
            build = IndexBuild(create, constraint)
            if name == NATURAL_KEY_NAME:
                natural_key = build
            else:
                builds.append(build)
        return builds, natural_key

    def _build_indexes(self, cursor) -> int:
        """Build the indexes; returns the bill's repeated calls (removed first).

        When the table is committed (the parallel path), a second session builds
        the other indexes while this one builds the natural key: a B-tree build
        leaves a core idle part of the time (its final merge and write), measured
        0.4-0.6 s less per million calls on two cores. Both take only SHARE locks;
        the constraints are made from the finished indexes afterwards.
        """
        builds, natural_key = self._index_builds(cursor)
        if not self.committed:
            duplicates = self._natural_key(cursor, natural_key, before_delete=None)
            for build in builds:
                cursor.execute(build.create)
        else:
            side = _SideIndexBuilds([build.create for build in builds])
            side.start()
            try:
                duplicates = self._natural_key(
                    cursor, natural_key, before_delete=side.wait
                )
            finally:
                side.wait()
        for build in [*builds, natural_key]:
            if build.constraint:
                cursor.execute(build.constraint)
        return duplicates

    def _natural_key(
        self, cursor, build: IndexBuild, before_delete: Callable[[], None] | None
    ) -> int:
        """Build the unique natural key; the bill's repeated calls are removed
        first if it has any (R-BIL-2: stored once, as its first row)."""
        try:
            with transaction.atomic():
                cursor.execute(build.create)
            return 0
        except IntegrityError:
            if before_delete is not None:
                before_delete()  # the DELETE would wait for the other session
            key = " AND ".join(f"a.{c} = b.{c}" for c in NATURAL_KEY)
            cursor.execute(
                f"DELETE FROM {self.table} a USING {self.table} b "
                f"WHERE {key} AND a.row_number > b.row_number"
            )
            duplicates = cursor.rowcount
            cursor.execute(build.create)
            return duplicates

    def _drop_held_elsewhere(self, cursor, replaced_import_ids: list[int]) -> int:
        """Remove calls another import of this carrier holds (R-BIL-2).

        Two months' bills share a few days (calls just before or after the month):
        only the imports whose calls overlap this one's in time are compared, and
        only over the overlap, through their natural-key index.
        """
        table = self.table
        cursor.execute(f"SELECT min(started_at), max(started_at) FROM {table}")
        first, last = cursor.fetchone()
        if first is None:
            return 0
        others = (
            BillImport.objects.filter(
                carrier_id=self.carrier_id, status=ImportStatus.SUCCEEDED
            )
            .exclude(pk=self.import_id)
            .exclude(pk__in=replaced_import_ids)
            .values_list("pk", "period_id")
        )
        key = " AND ".join(f"c.{column} = n.{column}" for column in NATURAL_KEY)
        removed = 0
        for other_id, period_id in others:
            cursor.execute(
                f"SELECT min(started_at), max(started_at) FROM {CALL_TABLE} "
                "WHERE bill_import_id = %s AND period_id = %s",
                [other_id, period_id],
            )
            low, high = cursor.fetchone()
            if low is None or high < first or low > last:
                continue
            cursor.execute(
                f"DELETE FROM {table} n USING {CALL_TABLE} c "
                "WHERE c.bill_import_id = %s AND c.period_id = %s "
                f"AND n.started_at BETWEEN %s AND %s AND {key}",
                [other_id, period_id, max(low, first), min(high, last)],
            )
            removed += cursor.rowcount
        return removed

    def _drop_replaced(self, cursor, replaced_import_ids: list[int]) -> int:
        """Drop the partitions of the imports this bill replaces (their rows in the
        default partition are deleted); returns how many calls went."""
        replaced = 0
        for import_id in replaced_import_ids:
            name = partition_name(import_id)
            cursor.execute("SELECT to_regclass(%s)", [name])
            if cursor.fetchone()[0] is None:
                continue
            cursor.execute(f"SELECT count(*) FROM {name}")
            replaced += cursor.fetchone()[0]
            cursor.execute(f"DROP TABLE {name}")
        leftovers = CallRecord.objects.filter(
            carrier_id=self.carrier_id, period_id=self.period_id
        )
        return replaced + leftovers._raw_delete(leftovers.db)

    def _copy(self, cursor, table: str, batches: Iterator) -> int:
        return copy_records(cursor, table, self.prefix, batches)

    def write_parallel(self, plan, *, options: dict, report=None):
        """Parse and COPY the bill in several processes (``parallel``); returns
        the merged ``Summary``. The import's table is created and committed first
        so that every worker sees it; ``drop_load_table`` removes it on failure."""
        from . import parallel

        table = self.table
        with side_connection() as side, side.cursor() as cursor:
            _sweep_orphans(cursor, keep=table)
            self._create_table(cursor)
        self.committed = True
        self.loaded, summary = parallel.run(
            plan, table=table, prefix=self.prefix, options=options, report=report
        )
        return summary


@dataclass(frozen=True)
class IndexBuild:
    create: str  # CREATE [UNIQUE] INDEX on the import's table
    constraint: str = ""  # ALTER TABLE ... USING INDEX, for a key constraint


class _SideIndexBuilds(threading.Thread):
    """CREATE INDEX statements run on a second connection (each committed on its
    own: the table is dropped if the import fails)."""

    def __init__(self, statements: list[str]):
        super().__init__(name="bill-index-builds", daemon=True)
        self.statements = statements
        self.error: BaseException | None = None
        self.memory = settings.BILL_IMPORT_INDEX_MEMORY

    def run(self) -> None:
        try:
            with side_connection() as side, side.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = %s", [self.memory])
                for sql in self.statements:
                    cursor.execute(sql)
        except BaseException as exc:  # noqa: BLE001 (raised in the import's thread)
            self.error = exc

    def wait(self) -> None:
        """Until the builds are done; their error, if any, raised here."""
        self.join()
        if self.error is not None:
            error, self.error = self.error, None
            raise error


def copy_records(cursor, table: str, prefix: str, batches: Iterator) -> int:
    """COPY the parser's records into ``table``, pausing between COPY statements for
    the parser's queries; returns how many."""
    sql = f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN"
    producer = Producer(batches, prefix)
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


@contextlib.contextmanager
def side_connection():
    """A second, autocommit connection (DDL that must be committed on its own)."""
    side = connections.create_connection("default")
    try:
        yield side
    finally:
        side.close()


def _unattached_load_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT relname FROM pg_class WHERE relkind = 'r' AND NOT relispartition "
        "AND relname LIKE %s",
        [CALL_TABLE.replace("_", "\\_") + "\\_i%"],
    )
    return [row[0] for row in cursor.fetchall()]


def _sweep_orphans(cursor, *, keep: str) -> None:
    """Drop the tables of parallel imports that died before attaching them."""
    running = {
        partition_name(pk)
        for pk in BillImport.objects.filter(status=ImportStatus.RUNNING).values_list(
            "pk", flat=True
        )
    }
    for name in _unattached_load_tables(cursor):
        if name != keep and name not in running:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")


def drop_load_table(import_id: int) -> None:
    """After a failed import: drop its table if it was created outside the import's
    transaction (parallel path) and not attached. Call after the rollback."""
    if connection.vendor != "postgresql":
        return
    name = partition_name(import_id)
    with side_connection() as side, side.cursor() as cursor:
        if name in _unattached_load_tables(cursor):
            cursor.execute(f"DROP TABLE IF EXISTS {name}")


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
            yield from records_of(item)
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

    def write(self, make_records: Callable[[], Iterator[tuple]]) -> int:
        """Insert the records (a call repeated within the bill is stored once)."""
        objects = self._objects(make_records())
        self.loaded = 0
        while True:
            batch = list(islice(objects, BATCH))
            if not batch:
                break
            self.loaded += len(batch)
            CallRecord.objects.bulk_create(batch, ignore_conflicts=True)
        return self.loaded

    def finish(self, *, replaced_import_ids: list[int]) -> tuple[int, int, int]:
        """Replace the carrier's month and drop calls another import of the carrier
        already holds (R-BIL-2); ``(inserted, duplicates, replaced)``."""
        calls = CallRecord.objects.filter(
            carrier_id=self.carrier_id, period_id=self.period_id
        )
        replaced = calls.exclude(bill_import_id=self.import_id)
        replaced_count = replaced._raw_delete(replaced.db)
        key = " AND ".join(f"o.{c} = {CALL_TABLE}.{c}" for c in NATURAL_KEY)
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {CALL_TABLE} WHERE bill_import_id = %s AND EXISTS "
                f"(SELECT 1 FROM {CALL_TABLE} o WHERE o.bill_import_id <> %s "
                f"AND {key})",
                [self.import_id, self.import_id],
            )
        inserted = CallRecord.objects.filter(bill_import_id=self.import_id).count()
        return inserted, self.loaded - inserted, replaced_count


def partition_name(import_id: int) -> str:
    """The table (PostgreSQL partition) holding one import's calls."""
    return f"{CALL_TABLE}_i{int(import_id)}"


def writer_for(**ids) -> PostgresWriter | OrmWriter:
    if connection.vendor == "postgresql":
        return PostgresWriter(**ids)
    return OrmWriter(**ids)
