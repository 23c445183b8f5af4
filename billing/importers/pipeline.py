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

import gc
import json
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from itertools import chain, compress, islice, repeat
from operator import is_, itemgetter, or_

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
from .readers import CsvRows, Segment, UnreadableFile, XlsxRows
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
_CLASS, _IP, _FLAGS = itemgetter(0), itemgetter(1), itemgetter(2)
_DEPARTMENT, _OWNER = itemgetter(0), itemgetter(1)
_WITHOUT_NEWLINE = itemgetter(slice(0, -1))


def _STORED(result: tuple) -> str:  # noqa: N802 (a column getter like the others)
    return result[3][:40]


_CLOCKS: frozenset[str] | None = None
LINE_MEMO = 100_000


def _start_pattern(days: set[str]) -> str:
    """A column of "YYYY-MM-DD HH:MM:SS" texts joined by newlines, every day one of
    ``days`` and every clock valid (the same texts as ``days`` and ``_clocks()``)."""
    one = _start_cell(days)
    return f"{one}(?:\n{one})*"


def _start_cell(days: set[str]) -> str:
    """One such text."""
    months: dict[str, dict[str, set[str]]] = {}
    for day in days:
        months.setdefault(day[:8], {}).setdefault(day[8], set()).add(day[9])
    alternatives = []
    for month, by_tens in sorted(months.items()):
        tens = "|".join(
            f"{t}[{''.join(sorted(u))}]" for t, u in sorted(by_tens.items())
        )
        alternatives.append(f"{re.escape(month)}(?:{tens})")
    return f"(?:{'|'.join(alternatives)}) (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"


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


class _FewerCollections:
    """Raises the cyclic garbage collector's first threshold while bills are read.

    A bill makes millions of short-lived lists and tuples (rows, records), and none
    of them form cycles; with the default threshold (700) a million rows set off
    dozens of full collections, each walking the whole heap of the Django process
    (about 0.1 s apiece): 3-5 s of CPU per million rows, measured. The previous
    threshold is back when the last bill being read is done.
    """

    threshold = 100_000

    def __init__(self):
        self.lock = threading.Lock()
        self.users = 0
        self.saved: tuple[int, ...] = ()

    def __enter__(self) -> None:
        with self.lock:
            if not self.users:
                self.saved = gc.get_threshold()
                if 0 < self.saved[0] < self.threshold:
                    gc.set_threshold(self.threshold, *self.saved[1:])
            self.users += 1

    def __exit__(self, *exc) -> None:
        with self.lock:
            self.users -= 1
            if not self.users and gc.get_threshold()[0] == self.threshold:
                gc.set_threshold(*self.saved)


_fewer_collections = _FewerCollections()


LOCAL_FORMAT = "%Y-%m-%d %H:%M:%S"
JSON_SEPARATORS = (",", ":")
VARIES = object()  # a line whose department/owner changes within the month
UNATTRIBUTED = int(CallFlag.UNATTRIBUTED)

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
    frame_rows: int = 0  # of the valid calls, those read by polars (``frames``)
    errors: list[RowError] = field(default_factory=list)
    unattributed_numbers: set[str] = field(default_factory=set)


def records_of(batch: list) -> Iterator[Record]:
    """The ``Record`` tuples of a batch (its ``Calls`` blocks taken apart)."""
    for item in batch:
        if item.__class__ is Calls:
            yield from item
        else:
            yield item


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


class _Block:
    """Calls of a chunk or segment, column by column (``Calls``, ``Frame``)."""

    __slots__ = ("count",)

    def __init__(self, **columns):
        for name, value in columns.items():
            setattr(self, name, value)

    def __len__(self) -> int:
        return self.count


class Calls(_Block):
    """The valid calls of a chunk on the fast path, column by column.

    ``batches()`` yields it alone in a list (``[calls]``); iterating it gives the
    ``Record`` tuples. The COPY writer formats the columns without making those
    tuples (``Producer._lines``).
    """

    __slots__ = (
        "called",
        "charges",
        "days",
        "durations",
        "first",
        "flags",
        "ids",
        "lines",
        "raws",
        "results",
        "simple",
        "start_text",
        "starts",
        "whos",
    )

    def __iter__(self) -> Iterator[Record]:
        ids = list(map(self.ids.__getitem__, self.whos))
        return zip(
            range(self.first, self.first + self.count),
            self.lines,
            self.called,
            self.starts,
            self.durations,
            self.charges,
            map(_STORED, self.results),
            map(_CLASS, self.results),
            map(_IP, self.results),
            self.flags,
            map(_DEPARTMENT, ids),
            map(_OWNER, ids),
            map(_WITHOUT_NEWLINE, self.raws),
            strict=True,
        )


class Frame(_Block):
    """The valid calls of a segment read by polars (``frames``): a table of the
    start, calling line as billed, called number, duration, charge, class, IP
    prefix, carrier text (stripped), raw JSON and flags of each call; ``lines``
    normalises the calling lines and ``whos`` attributes them. Made only for the
    COPY writer (``frames.copy_text`` gives its COPY text), not iterated."""

    __slots__ = ("days", "first", "lines", "table", "whos")


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
        frames: bool = False,
    ):
        self.reader = reader
        # Plain segments of a CSV read by polars (``frames``): only in the forked
        # workers, see ``parallel._work``.
        self.frames = frames and isinstance(reader, CsvRows)
        self.frame_classifier = None  # ``frames._Classifier`` of the plan
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
        self.line_texts: dict[str, str] = {}  # calling line as billed -> normalised
        self.start_column = re.compile(_start_pattern(self.days))
        self.start_cell = f"^{_start_cell(self.days)}$"
        self.next_progress = PROGRESS_EVERY

    def line_numbers(self, raws: set[str]) -> dict[str, str]:
        """The normalised number of each calling line as billed ("" if it is not
        one); those not yet attributed become ``pending``."""
        known = self.line_texts
        if len(known) > LINE_MEMO:
            known.clear()
        for raw in raws - known.keys():
            known[raw] = _normalise_line(raw)
        lines = {raw: known[raw] for raw in raws}
        periods = self.attributor.periods
        self.pending = {n for n in lines.values() if n and n not in periods}
        return lines

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
        with _fewer_collections:
            yield from self._batches()

    def _batches(self) -> Iterator[list[Record] | Pause | Progress]:
        try:
            yield from self._blocks() if self.frames else self._rows()
        except UnreadableFile as exc:
            self.error(self.summary.rows_read + self.summary.header_row + 1, "", exc)
        finally:
            self.reader.close()

    def _rows(self) -> Iterator[list[Record] | Pause | Progress]:
        rows = iter(self.reader)
        row = self._find_header(rows)
        if row is not None:
            yield from self._chunks(rows, row + self.row_offset)

    def _chunks(self, rows: Iterator[list], row: int):
        """Batches of ``rows`` (the first is row ``row``); returns the next row."""
        while chunk := list(islice(rows, CHUNK)):
            yield from self._chunk(chunk, row)
            row += len(chunk)
            yield from self._progress()
        return row

    def _progress(self) -> Iterator[Progress]:
        if self.progress is not None and self.summary.rows_read >= self.next_progress:
            self.next_progress = self.summary.rows_read + PROGRESS_EVERY
            yield Progress(
                self.progress, self.reader.fraction(), self.summary.rows_read
            )

    def _blocks(self) -> Iterator[list[Record] | Pause | Progress]:
        """As ``_rows``, each plain segment after the header tried in polars."""
        blocks = self.reader.blocks()
        first = next(blocks, None)
        if first.__class__ is Segment and len(first.lines) > HEADER_SEARCH_ROWS:
            row = self._find_header(iter(first.rows(HEADER_SEARCH_ROWS)))
            if row is None:
                return
            row = yield from self._segment(first.after(row - 1), row + self.row_offset)
        else:  # a short or unusual file: the header found among rows
            head: list[list] = []
            rest = None  # rows of the csv module, the file's last block
            for block in chain([first] if first is not None else [], blocks):
                if block.__class__ is not Segment:
                    rest = block
                    break
                head += block.rows()
                if len(head) > HEADER_SEARCH_ROWS:
                    break
            rows = iter(head) if rest is None else chain(head, rest)
            row = self._find_header(rows)
            if row is None:
                return
            row = yield from self._chunks(rows, row + self.row_offset)
        for block in blocks:
            if block.__class__ is Segment:
                row = yield from self._segment(block, row)
            else:
                row = yield from self._chunks(block, row)

    def _segment(self, segment: Segment, row: int):
        """The batches of a segment (polars if it can); returns the next row."""
        from . import frames

        if not segment.lines:
            return row
        for found in frames.calls(self, segment, row):
            if found is None:
                yield from self._chunk(segment.rows(), row)
            elif found.__class__ is Pause:
                yield found
            elif found:
                yield [found]
        yield from self._progress()
        return row + len(segment.lines)

    def records(self) -> Iterator[Record]:
        """The valid calls one by one (pauses resolved, progress reported)."""
        for batch in self.batches():
            if batch.__class__ is list:
                yield from records_of(batch)
            elif batch.__class__ is Progress:
                batch.report()

    def _chunk(self, chunk: list[list], first: int) -> Iterator[list[Record] | Pause]:
        i_line = self.columns.line
        if min(map(len, chunk)) > i_line:
            raws = set(map(itemgetter(i_line), chunk))
        else:
            raws = {cells[i_line] for cells in chunk if len(cells) > i_line}
        lines = self.line_numbers(raws)
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
    ) -> list[Calls] | None:
        """The chunk's calls if every cell has the common form, else None."""
        cols = self.columns
        width = len(chunk[0])
        if width <= max(cols.line, cols.called, cols.start, cols.duration, cols.charge):
            return None
        if cols.call_type is not None and width <= cols.call_type:
            return None
        if len(set(map(len, chunk))) != 1 or "" in lines.values():
            return None
        count = len(chunk)
        columns = list(zip(*chunk, strict=True))
        starts = columns[cols.start]
        durations = columns[cols.duration]
        charges = columns[cols.charge]
        called = columns[cols.called]
        # Each column joined by "\n" is checked by one regular expression; a cell
        # holding a line break would add a line (the count tells).
        texts = ["\n".join(c) for c in (starts, durations, charges, called)]
        if not (
            all(text.count("\n") == count - 1 for text in texts)
            and self.start_column.fullmatch(texts[0])
            and _DIGITS_COLUMN.fullmatch(texts[1])
            and _CHARGE_COLUMN.fullmatch(texts[2])
            and _CALLED_COLUMN.fullmatch(texts[3])
            and not texts[3].startswith("0086")
            and "\n0086" not in texts[3]
        ):
            return None
        types = ("",) * count if cols.call_type is None else columns[cols.call_type]

        summary = self.summary
        summary.rows_read += count
        summary.rows_valid += count
        # A bill has few distinct charges: each is made a Decimal once.
        summary.total_charge += sum(
            Decimal(charge) * times for charge, times in Counter(charges).items()
        )
        emit = not (self.stop_on_error and self.failed)

        # Column by column, each step one ``map``/``zip`` in C.
        line_numbers = list(map(lines.__getitem__, columns[cols.line]))
        found = self._classify(called, types, starts)
        flags = list(map(_FLAGS, found))
        attributor = self.attributor
        constant = attributor.constant
        whos = list(map(constant.get, line_numbers, repeat(VARIES)))
        varies = {n for n in lines.values() if n not in constant}
        if varies:  # lines that change hands within the month: by call time
            attribute = attributor.at
            for index, line in enumerate(line_numbers):
                if line in varies:
                    whos[index] = attribute(line, starts[index])
        summary.rows_flagged += count - flags.count(0)  # before UNATTRIBUTED
        unattributed = whos.count(None)
        if unattributed:
            summary.rows_unattributed += unattributed
            summary.unattributed_numbers.update(
                compress(line_numbers, map(is_, whos, repeat(None)))
            )
            bit = {who: 0 if who else UNATTRIBUTED for who in set(whos)}
            flags = list(map(or_, flags, map(bit.__getitem__, whos)))
        if not emit:
            return []
        # '["057187000004","82215279",...]' by hand when no cell holds a quote, a
        # backslash or a control character (each row's cells joined by '","': the
        # quotes counted tell whether a cell holds one; the columns checked above
        # hold only digits and "-.: "). Each text ends with its line break.
        body = '"]\n["'.join(map('","'.join, chunk))
        checked = {cols.start, cols.duration, cols.charge, cols.called}
        simple = (
            body.count('"') == 2 * (width - 1) * count + 2 * (count - 1)
            and "\\" not in body
            and all(
                "".join(column).isprintable()
                for index, column in enumerate(columns)
                if index not in checked
            )
        )
        if simple:
            raws = ('["' + body + '"]\n').splitlines(keepends=True)
        else:
            dumps = partial(json.dumps, ensure_ascii=False, separators=JSON_SEPARATORS)
            raws = [text + "\n" for text in map(dumps, chunk)]
        calls = Calls(
            first=first,
            count=count,
            lines=line_numbers,
            called=called,
            starts=starts,
            durations=durations,
            charges=charges,
            results=found,
            flags=flags,
            whos=whos,
            ids={who: who or (None, None) for who in set(whos)},
            raws=raws,
            simple=simple,
            start_text=texts[0],
            days=self.days,
        )
        return [calls]

    def _classify(
        self, called: tuple[str, ...], types: tuple[str, ...], starts: tuple[str, ...]
    ) -> list[tuple[str, str, int, str]]:
        """(class, ip prefix, flags, carrier text) of each call by the plan of its
        day."""
        timeline = self.timeline
        if timeline.single is not None:
            return timeline.single.classify_many(called, types)
        days = list(map(_DAY, starts))
        plans = {day: timeline.plan_for(day) for day in set(days)}
        results: list = [None] * len(called)
        for plan in set(plans.values()):
            rows = [i for i, day in enumerate(days) if plans[day] is plan]
            found = plan.classify_many(
                [called[i] for i in rows], [types[i] for i in rows]
            )
            for index, result in zip(rows, found, strict=True):
                results[index] = result
        return results

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
