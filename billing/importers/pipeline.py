"""The streaming pass over a bill: validate, classify and attribute every row.

``BillParser.batches()`` yields lists of plain tuples, one per valid call (see
``Record``), while collecting every error with its row, column and reason; writers
stream the tuples to the database. One pass, constant memory: the rows are read in
chunks, the chunk's new line numbers are attributed in one query (R-BIL-3), and
nothing is kept per row.

Each chunk is first checked column by column with C-speed tests (regular expressions
over the joined column, set inclusion for days and times): when every cell has the
common form (digits, "YYYY-MM-DD HH:MM:SS" in the month, "1.20") the per-row loop
only classifies (memoised), attributes and builds the tuple. Any other chunk goes
through the row-by-row path with the slow parsers and the row/column/reason errors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import islice
from operator import itemgetter

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import CallFlag
from ..numberplan import PlanTimeline, normalise_called
from .columns import (
    FIELD_LABELS,
    ColumnMap,
    column_map,
    match_header,
    missing_fields,
)
from .readers import CsvRows, UnreadableFile, XlsxRows
from .values import is_plain_charge, parse_charge_slow, parse_duration, parse_time_slow

TOTAL_WORDS = ("合计", "总计", "小计", "total")
HEADER_SEARCH_ROWS = 30
CHUNK = 8192
PROGRESS_EVERY = 8_192  # every chunk: the upload page shows the bar moving

# Column-wide fast checks (one regex call over a chunk's column joined by "\n").
_DIGITS_COLUMN = re.compile(r"[0-9]{1,9}(?:\n[0-9]{1,9})*")
_CALLED_COLUMN = re.compile(r"[0-9]{1,40}(?:\n[0-9]{1,40})*")
_CHARGE_COLUMN = re.compile(
    r"[0-9]{1,10}(?:\.[0-9]{1,2})?(?:\n[0-9]{1,10}(?:\.[0-9]{1,2})?)*"
)
_DAY = itemgetter(slice(0, 10))
_CLOCK = itemgetter(slice(10, 19))
_PREFIX4 = itemgetter(slice(0, 4))
_CLOCKS: frozenset[str] | None = None


def _clocks() -> frozenset[str]:
    """The 86,400 valid " HH:MM:SS" texts (built once per process)."""
    global _CLOCKS  # noqa: PLW0603
    if _CLOCKS is None:
        _CLOCKS = frozenset(
            f" {h:02d}:{m:02d}:{s:02d}"
            for h in range(24)
            for m in range(60)
            for s in range(60)
        )
    return _CLOCKS


LOCAL_FORMAT = "%Y-%m-%d %H:%M:%S"
JSON_SEPARATORS = (",", ":")
VARIES = object()  # a line whose department/owner changes within the month

# (row, line, called, start "YYYY-MM-DD HH:MM:SS" local, seconds, charge "1.20",
#  carrier type, class, ip prefix, flags, department id, owner id, raw JSON)
Record = tuple


@dataclass
class RowError:
    row: int
    column: str
    reason: str
    value: str = ""

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
            "value": self.value[:80],
        }


@dataclass
class Summary:
    """What the pass found; counts and the total are of valid calls."""

    encoding: str = ""
    header_row: int = 0
    rows_read: int = 0
    rows_valid: int = 0
    rows_skipped: int = 0
    rows_unattributed: int = 0
    rows_flagged: int = 0
    total_charge: Decimal = Decimal("0.00")
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    unattributed_numbers: set[str] = field(default_factory=set)


def local_text(moment: datetime) -> str:
    return timezone.localtime(moment).strftime(LOCAL_FORMAT)


class Attributor:
    """Department and owner of a line at a local time, from the extensions selector.

    Periods are fetched in bulk for each batch of new numbers (one query per batch,
    usually one per import) and looked up in memory by comparing canonical local-time
    texts, which sort like the times they denote.
    """

    def __init__(self, start: datetime, end: datetime):
        self.start, self.end = start, end
        self.first, self.last = local_text(start), local_text(end)
        self.periods: dict[str, list[tuple[str, str, int, int | None]]] = {}
        # Lines with the same answer all month (one period covering the window, or
        # none at all): no per-call look-up. Absent: several periods in the month.
        self.constant: dict[str, tuple[int, int | None] | None] = {}

    def prefetch(self, numbers: set[str]) -> None:
        from extensions.selectors import assignments_for_numbers

        missing = numbers - self.periods.keys()
        if not missing:
            return
        found = assignments_for_numbers(missing, self.start, self.end)
        for number in missing:
            periods = found.get(number)
            spans = self.periods[number] = [
                (
                    local_text(p.starts_at),
                    local_text(p.ends_at) if p.ends_at else "9999",
                    p.department_id,
                    p.owner_id,
                )
                for p in (periods or [])
            ]
            if not spans:
                self.constant[number] = None
            elif (
                len(spans) == 1
                and spans[0][0] <= self.first
                and self.last <= spans[0][1]
            ):
                self.constant[number] = spans[0][2:]

    def at(self, number: str, when: str) -> tuple[int, int | None] | None:
        for start, end, department_id, owner_id in self.periods.get(number, ()):
            if start <= when < end:
                return department_id, owner_id
        return None


def _normalise_line(raw: str) -> str:
    from extensions.selectors import normalise_number

    number = normalise_number(raw)
    if number.startswith("+86"):
        number = "0" + number[3:]
    return number if number.isdigit() and 3 <= len(number) <= 30 else ""


class Pause:
    """Yielded before the parser queries the database (new line numbers to attribute).

    A writer streaming COPY must finish its COPY, call ``resolve()`` (the query
    cannot run on a connection that is in COPY mode, nor from another thread), and
    start a new COPY. Other consumers ignore it: the parser then resolves by itself.
    """

    def __init__(self, parser: BillParser):
        self.parser = parser

    def resolve(self) -> None:
        self.parser.resolve_pending()


class Progress:
    """Yielded every ``PROGRESS_EVERY`` rows; ``report()`` in the thread that owns
    the database connections (the reporter writes through one)."""

    __slots__ = ("callback", "fraction", "rows")

    def __init__(self, callback: Callable[[float, int], None], fraction, rows):
        self.callback, self.fraction, self.rows = callback, fraction, rows

    def report(self) -> None:
        self.callback(self.fraction, self.rows)


class BillParser:
    """One streaming pass over a bill for ``period_start``'s month."""

    def __init__(
        self,
        *,
        reader: CsvRows | XlsxRows,
        period_start: date,
        profile: dict[str, str] | None = None,
        grace_days: int = 2,
        max_errors: int = 1000,
        stop_on_error: bool = True,
        progress: Callable[[float, int], None] | None = None,
        row_offset: int = 0,
    ):
        self.reader = reader
        self.profile = profile or {}
        self.max_errors = max_errors
        self.stop_on_error = stop_on_error
        self.progress = progress
        # Added to the row numbers after the header (a part of a bill read alone,
        # see ``parallel``: its header line is followed by rows from further down).
        self.row_offset = row_offset
        self.summary = Summary(encoding=reader.encoding)
        next_month = (period_start + timedelta(days=32)).replace(day=1)
        first = period_start - timedelta(days=grace_days)
        last = next_month + timedelta(days=grace_days)
        self.days = {
            (first + timedelta(days=n)).isoformat() for n in range((last - first).days)
        }
        self.first_day, self.last_day = first, last - timedelta(days=1)
        self.timeline = PlanTimeline(first, last)
        tz = timezone.get_current_timezone()
        self.attributor = Attributor(
            datetime.combine(first, datetime.min.time(), tz),
            datetime.combine(last, datetime.min.time(), tz),
        )
        self.columns: ColumnMap | None = None
        self.pending: set[str] = set()

    def resolve_pending(self) -> None:
        if self.pending:
            self.attributor.prefetch(self.pending)
            self.pending = set()

    # --- errors -------------------------------------------------------------------

    def error(self, row: int, column: str, reason: str, value="") -> None:
        summary = self.summary
        summary.error_count += 1
        if len(summary.errors) < self.max_errors:
            summary.errors.append(RowError(row, column, str(reason), str(value)))

    @property
    def failed(self) -> bool:
        return self.summary.error_count > 0

    # --- header -------------------------------------------------------------------

    def _find_header(self, rows: Iterator[list]) -> int | None:
        best: dict[str, int] = {}
        for number, cells in enumerate(islice(rows, HEADER_SEARCH_ROWS), start=1):
            found = match_header(cells, self.profile)
            if not missing_fields(found):
                self.columns = column_map(number, cells, found)
                self.summary.header_row = number
                self.summary.rows_skipped += number - 1
                return number + 1
            if len(found) > len(best):
                best = found
        names = ", ".join(str(FIELD_LABELS[f]) for f in missing_fields(best))
        self.error(
            0,
            "",
            _(
                "No header row found in the first %(n)s rows; missing columns: %(names)s."
            )
            % {"n": HEADER_SEARCH_ROWS, "names": names},
        )
        return None

    # --- rows ---------------------------------------------------------------------

    def batches(self) -> Iterator[list[Record] | Pause | Progress]:
        """Lists of valid calls in file order, a ``Pause`` before each query, and
        ``Progress`` now and then (consumers call its ``report()``).

        Stops yielding calls (not reading) after an error when ``stop_on_error``.
        """
        try:
            rows = iter(self.reader)
            row = self._find_header(rows)
            if row is None:
                return
            row += self.row_offset
            next_progress = PROGRESS_EVERY
            while True:
                chunk = list(islice(rows, CHUNK))
                if not chunk:
                    break
                yield from self._chunk(chunk, row)
                row += len(chunk)
                if (
                    self.progress is not None
                    and self.summary.rows_read >= next_progress
                ):
                    next_progress = self.summary.rows_read + PROGRESS_EVERY
                    yield Progress(
                        self.progress, self.reader.fraction(), self.summary.rows_read
                    )
        except UnreadableFile as exc:
            self.error(self.summary.rows_read + self.summary.header_row + 1, "", exc)
        finally:
            self.reader.close()

    def records(self) -> Iterator[Record]:
        """The valid calls one by one (pauses resolved, progress reported)."""
        for batch in self.batches():
            if batch.__class__ is list:
                yield from batch
            elif batch.__class__ is Progress:
                batch.report()

    def _chunk(self, chunk: list[list], first: int) -> Iterator[list[Record] | Pause]:
        i_line = self.columns.line
        lines: dict[str, str] = {}
        for cells in chunk:
            if len(cells) > i_line and cells[i_line] not in lines:
                raw = cells[i_line]
                lines[raw] = _normalise_line(raw)
        known = self.attributor.periods
        self.pending = {n for n in lines.values() if n and n not in known}
        if self.pending:
            yield Pause(self)
            self.resolve_pending()
        batch = self._fast_chunk(chunk, first, lines)
        if batch is None:
            batch = self._slow_chunk(chunk, first, lines)
        if batch:
            yield batch

    def _fast_chunk(
        self, chunk: list[list], first: int, lines: dict[str, str]
    ) -> list[Record] | None:
        """The chunk's calls if every cell has the common form, else None."""
        cols = self.columns
        width = len(chunk[0])
        if width <= max(cols.line, cols.called, cols.start, cols.duration, cols.charge):
            return None
        if cols.call_type is not None and width <= cols.call_type:
            return None
        if any(len(cells) != width for cells in chunk) or "" in lines.values():
            return None
        columns = list(zip(*chunk, strict=True))
        starts = columns[cols.start]
        durations = columns[cols.duration]
        charges = columns[cols.charge]
        called = columns[cols.called]
        if not (
            _DIGITS_COLUMN.fullmatch("\n".join(durations))
            and _CHARGE_COLUMN.fullmatch("\n".join(charges))
            and _CALLED_COLUMN.fullmatch("\n".join(called))
            and "0086" not in set(map(_PREFIX4, called))
            and set(map(len, starts)) == {19}
            and self.days.issuperset(map(_DAY, starts))
            and _clocks().issuperset(map(_CLOCK, starts))
        ):
            return None
        simple = True  # no quote, backslash or control character: raw JSON by hand
        for column in columns:
            text = "".join(column)
            if '"' in text or "\\" in text or not text.isprintable():
                simple = False
                break
        if cols.call_type is None:
            types = ("",) * len(chunk)
        else:
            types = columns[cols.call_type]

        summary = self.summary
        count = len(chunk)
        summary.rows_read += count
        summary.rows_valid += count
        summary.total_charge += sum(map(Decimal, charges))
        emit = not (self.stop_on_error and self.failed)

        timeline = self.timeline
        single_plan = timeline.single
        attributor = self.attributor
        constant = attributor.constant
        attribute = attributor.at
        unattributed_bit = int(CallFlag.UNATTRIBUTED)
        stored = {kind: kind.strip()[:40] for kind in set(types)}
        flag_memo: dict[tuple[str, str, str], int] = {}
        unattributed = flagged = 0
        missing = summary.unattributed_numbers
        dumps = json.dumps
        out: list[Record] = []
        append = out.append
        for row, cells, line_raw, number, start, seconds, charge, kind in zip(
            range(first, first + count),
            chunk,
            columns[cols.line],
            called,
            starts,
            durations,
            charges,
            types,
            strict=True,
        ):
            line = lines[line_raw]
            plan = single_plan or timeline.plan_for(start)
            call_class, ip = plan.classify(number)
            flags = flag_memo.get((call_class, ip, kind))
            if flags is None:
                flags = flag_memo[(call_class, ip, kind)] = int(
                    plan.flags_for(call_class, ip, kind.strip())
                )
            who = constant.get(line, VARIES)
            if who is VARIES:
                who = attribute(line, start)
            if who is None:
                flags |= unattributed_bit
                unattributed += 1
                missing.add(line)
                department_id = owner_id = None
            else:
                department_id, owner_id = who
            if flags & ~unattributed_bit:
                flagged += 1
            if not emit:
                continue
            if simple:
                raw = '["' + '","'.join(cells) + '"]'
            else:
                raw = dumps(cells, ensure_ascii=False, separators=JSON_SEPARATORS)
            append(
                (
                    row,
                    line,
                    number,
                    start,
                    seconds,
                    charge,
                    stored[kind],
                    call_class,
                    ip,
                    flags,
                    department_id,
                    owner_id,
                    raw,
                )
            )
        summary.rows_unattributed += unattributed
        summary.rows_flagged += flagged
        return out

    def _slow_chunk(
        self, chunk: list[list], first: int, lines: dict[str, str]
    ) -> list[Record]:
        """Row by row, with every format the parsers know and the errors."""
        cols = self.columns
        i_line, i_called, i_start = cols.line, cols.called, cols.start
        i_duration, i_charge, i_type = cols.duration, cols.charge, cols.call_type
        width = max(i_line, i_called, i_start, i_duration, i_charge, i_type or 0)
        summary = self.summary
        timeline = self.timeline
        attribute = self.attributor.at
        dumps = json.dumps
        unattributed_bit = int(CallFlag.UNATTRIBUTED)
        total = Decimal(0)
        emit = not (self.stop_on_error and self.failed)
        out: list[Record] = []
        for row, cells in enumerate(chunk, start=first):
            summary.rows_read += 1
            if len(cells) <= width:
                cells = cells + [""] * (width + 1 - len(cells))
            line = lines.get(cells[i_line]) or _normalise_line(cells[i_line])
            if not line:
                if self._skippable(cells):
                    summary.rows_skipped += 1
                    summary.rows_read -= 1
                    continue
                self.error(
                    row, cols.header_of("line"), _("not a line number"), cells[i_line]
                )
            start = cells[i_start]
            if not (
                len(start) == 19
                and start[:10] in self.days
                and start[10:19] in _clocks()
            ):
                start = self._slow_time(row, start)
            duration = cells[i_duration]
            if duration.isdigit():
                duration = int(duration)
            else:
                try:
                    duration = parse_duration(duration)
                except ValueError as exc:
                    self.error(row, cols.header_of("duration"), exc, duration)
                    duration = None
            charge = cells[i_charge].strip()
            if is_plain_charge(charge):
                amount = Decimal(charge)
            else:
                try:
                    amount = parse_charge_slow(charge)
                except ValueError as exc:
                    self.error(row, cols.header_of("charge"), exc, charge)
                    amount = None
                else:
                    charge = str(amount)
            called = normalise_called(cells[i_called])
            if not called:
                self.error(
                    row,
                    cols.header_of("called"),
                    _("no called number"),
                    cells[i_called],
                )
            if (
                not line
                or start is None
                or duration is None
                or amount is None
                or not called
            ):
                emit = False if self.stop_on_error else emit
                continue
            carrier_type = cells[i_type].strip() if i_type is not None else ""
            plan = timeline.plan_for(start)
            call_class, ip = plan.classify(called)
            flags = plan.flags_for(call_class, ip, carrier_type)
            who = attribute(line, start)
            if who is None:
                flags |= unattributed_bit
                summary.rows_unattributed += 1
                summary.unattributed_numbers.add(line)
                department_id = owner_id = None
            else:
                department_id, owner_id = who
            if flags & ~unattributed_bit:
                summary.rows_flagged += 1
            summary.rows_valid += 1
            total += amount
            if not emit:
                continue
            out.append(
                (
                    row,
                    line,
                    called[:40],
                    start,
                    duration,
                    charge,
                    carrier_type[:40],
                    call_class,
                    ip,
                    flags,
                    department_id,
                    owner_id,
                    dumps(cells, ensure_ascii=False, separators=JSON_SEPARATORS),
                )
            )
        summary.total_charge += total
        return out

    def _slow_time(self, row: int, value: str) -> str | None:
        try:
            text = parse_time_slow(value)
        except ValueError as exc:
            self.error(row, self.columns.header_of("start"), exc, value)
            return None
        if text[:10] not in self.days:
            self.error(
                row,
                self.columns.header_of("start"),
                _("outside the billing month (%(first)s to %(last)s)")
                % {"first": self.first_day, "last": self.last_day},
                value,
            )
            return None
        return text

    @staticmethod
    def _skippable(cells: list) -> bool:
        """Blank lines and totals rows (合计) are recognised and skipped."""
        texts = [str(c).strip() for c in cells]
        if not any(texts):
            return True
        return any(word in t.lower() for t in texts for word in TOTAL_WORDS)
