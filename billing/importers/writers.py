"""Writing the parsed calls: PostgreSQL ``COPY`` (streamed) or batched inserts.

Both run inside the import's transaction, so a refused bill leaves nothing behind.
On PostgreSQL the rows are streamed straight into ``billing_callrecord`` with COPY; if
the bill repeats a call already stored (the natural key, R-BIL-2) the COPY is rolled
back to a savepoint and the rows go through an unlogged temporary staging table and
``INSERT ... ON CONFLICT DO NOTHING`` instead, counting the duplicates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from itertools import islice

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ..models import CallRecord
from .pipeline import Pause

COLUMNS = (
    "period_id",
    "carrier_id",
    "bill_import_id",
    "row_number",
    "line_number",
    "called_number",
    "started_at",
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
NULL = "\\N"


def _escape(text: str) -> str:
    """PostgreSQL COPY text format escaping."""
    return (
        text.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


class CopyStream:
    """A file-like object whose ``read`` produces COPY text lines from the records."""

    def __init__(self, records: Iterator[tuple], prefix: str):
        self.records = records
        self.prefix = prefix
        self.buffer = ""
        self.count = 0
        self.paused: Pause | None = None
        self.escaped: dict[str, str] = {}
        self.offsets: dict[str, str] = {}
        self.tz = timezone.get_current_timezone()

    def _offset(self, start: str) -> str:
        """UTC offset of the local day (the session time zone stays UTC for Django)."""
        day = start[:10]
        offset = self.offsets.get(day)
        if offset is None:
            moment = datetime.fromisoformat(start).replace(tzinfo=self.tz)
            offset = self.offsets[day] = moment.strftime("%z")
        return offset

    def _lines(self, limit: int) -> str:
        prefix = self.prefix
        escaped = self.escaped
        offsets = self.offsets
        out = []
        size = 0
        for rec in islice(self.records, limit):
            if rec.__class__ is Pause:
                self.paused = rec
                break
            (row, line, called, start, seconds, charge, ctype, cls, ip, flags,
             dept, owner, raw) = rec  # fmt: skip
            safe = escaped.get(ctype)
            if safe is None:
                safe = escaped[ctype] = _escape(ctype)
            if "\\" in raw:
                raw = _escape(raw)
            offset = offsets.get(start[:10]) or self._offset(start)
            text = (
                f"{prefix}{row}\t{line}\t{called}\t{start}{offset}\t{seconds}\t{charge}\t"
                f"{safe}\t{cls}\t{ip}\t{flags}\t"
                f"{NULL if dept is None else dept}\t"
                f"{NULL if owner is None else owner}\t{raw}\n"
            )
            out.append(text)
            size += len(text)
        self.count += len(out)
        return "".join(out)

    def read(self, size: int = -1) -> str:
        while self.paused is None and len(self.buffer) < max(size, 1):
            more = self._lines(512)
            if not more:
                break
            self.buffer += more
        if size < 0 or size >= len(self.buffer):
            data, self.buffer = self.buffer, ""
        else:
            data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    readline = read


class PostgresWriter:
    """COPY into the calls table; staging + ON CONFLICT when a call repeats."""

    def __init__(self, *, period_id: int, carrier_id: int, import_id: int):
        self.prefix = f"{period_id}\t{carrier_id}\t{import_id}\t"

    def write(self, make_records: Callable[[], Iterator[tuple]]) -> tuple[int, int]:
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

    def _copy(self, cursor, table: str, records: Iterator) -> int:
        """COPY the records, pausing between COPY statements for the parser's queries."""
        sql = f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN"
        count = 0
        while True:
            stream = CopyStream(records, self.prefix)
            with connection.wrap_database_errors:
                cursor.cursor.copy_expert(sql, stream, 1 << 16)
            count += stream.count
            if stream.paused is None:
                return count
            stream.paused.resolve()


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
        for rec in records:
            if rec.__class__ is Pause:
                continue
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
