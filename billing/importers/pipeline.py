"""The streaming pass over a bill: validate, classify and attribute every row.

``BillParser.records()`` yields one plain tuple per valid call (see ``Record``) while
collecting every error with its row, column and reason; writers stream the tuples to
the database. One pass, constant memory: the rows are read in chunks, the chunk's new
line numbers are attributed in one query (R-BIL-3), and nothing is kept per row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import islice

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
CHUNK = 4096
PROGRESS_EVERY = 25_000
LOCAL_FORMAT = "%Y-%m-%d %H:%M:%S"

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
        self.periods: dict[str, list[tuple[str, str, int, int | None]]] = {}

    def prefetch(self, numbers: set[str]) -> None:
        from extensions.selectors import assignments_for_numbers

        missing = numbers - self.periods.keys()
        if not missing:
            return
        found = assignments_for_numbers(missing, self.start, self.end)
        for number in missing:
            periods = found.get(number)
            self.periods[number] = [
                (
                    local_text(p.starts_at),
                    local_text(p.ends_at) if p.ends_at else "9999",
                    p.department_id,
                    p.owner_id,
                )
                for p in (periods or [])
            ]

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
    cannot run on a connection that is in COPY mode), and start a new COPY. Other
    consumers ignore it: the parser then resolves by itself.
    """

    def __init__(self, parser: BillParser):
        self.parser = parser

    def resolve(self) -> None:
        self.parser.resolve_pending()


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
    ):
        self.reader = reader
        self.profile = profile or {}
        self.max_errors = max_errors
        self.stop_on_error = stop_on_error
        self.progress = progress
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

    def _find_header(self, rows: Iterator[list]) -> Iterator[tuple[int, list]] | None:
        best: dict[str, int] = {}
        for number, cells in enumerate(islice(rows, HEADER_SEARCH_ROWS), start=1):
            found = match_header(cells, self.profile)
            if not missing_fields(found):
                self.columns = column_map(number, cells, found)
                self.summary.header_row = number
                self.summary.rows_skipped += number - 1
                return enumerate(rows, start=number + 1)
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

    def records(self) -> Iterator[Record]:
        """Valid calls, in file order; stops yielding (not reading) after an error."""
        try:
            rows = iter(self.reader)
            numbered = self._find_header(rows)
            if numbered is None:
                return
            while True:
                chunk = list(islice(numbered, CHUNK))
                if not chunk:
                    break
                yield from self._chunk(chunk)
                if self.progress is not None and (
                    self.summary.rows_read % PROGRESS_EVERY < CHUNK
                ):
                    self.progress(self.reader.fraction(), self.summary.rows_read)
        except UnreadableFile as exc:
            self.error(self.summary.rows_read + self.summary.header_row + 1, "", exc)
        finally:
            self.reader.close()

    def _chunk(self, chunk: list[tuple[int, list]]) -> Iterator[Record]:
        cols = self.columns
        i_line, i_called, i_start = cols.line, cols.called, cols.start
        i_duration, i_charge, i_type = cols.duration, cols.charge, cols.call_type
        width = max(i_line, i_called, i_start, i_duration, i_charge, i_type or 0)
        lines: dict[str, str] = {}
        for _row, cells in chunk:
            if len(cells) > i_line and cells[i_line] not in lines:
                raw = cells[i_line]
                lines[raw] = _normalise_line(raw)
        known = self.attributor.periods
        self.pending = {n for n in lines.values() if n and n not in known}
        if self.pending:
            yield Pause(self)
            self.resolve_pending()

        summary = self.summary
        days = self.days
        timeline = self.timeline
        attribute = self.attributor.at
        dumps = json.dumps
        unattributed_bit = int(CallFlag.UNATTRIBUTED)
        type_cache: dict[str, str] = {}
        total = Decimal(0)
        emit = not (self.stop_on_error and self.failed)
        quotes = 2 * width  # two per separator; rows hold width + 1 cells or more
        for row, cells in chunk:
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
                and start[:10] in days
                and start[10] == " "
                and start[13] == ":"
                and start[16] == ":"
                and start[11:13].isdigit()
                and start[11:13] < "24"
                and start[14:16].isdigit()
                and start[14:16] < "60"
                and start[17:19].isdigit()
                and start[17:19] < "60"
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
            safe_type = type_cache.get(carrier_type)
            if safe_type is None:
                safe_type = type_cache[carrier_type] = carrier_type[:40]
            joined = '","'.join(cells)
            if (
                joined.isprintable()
                and "\\" not in joined
                and joined.count('"') == quotes
            ):
                raw = '["' + joined + '"]'
            else:
                raw = dumps(cells, ensure_ascii=False)
            yield (
                row,
                line,
                called[:40],
                start,
                duration,
                charge,
                safe_type,
                call_class,
                ip,
                flags,
                department_id,
                owner_id,
                raw,
            )
        summary.total_charge += total

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
