"""The common case of a bill, column by column in polars (the parallel workers).

A ``Segment`` of quote-free lines is read by polars' CSV reader, every column is
checked with one regular expression (the same forms as the parser's fast path), the
called numbers are classified once per distinct key of the plan's prefixes they
start with and their length (``_Classifier``), the lines attributed once per
distinct number, and the COPY text is joined by polars: the Python interpreter
touches a few hundred values per segment of 16,000 rows, not every cell. A
segment with anything else (a totals row, a blank line, an odd cell, a backslash, a
line that changes hands within the month, a number plan changing within the month)
returns None and the parser reads it row by row as before, so the rows, errors and
COPY text are the same whichever path a segment takes (tested).

polars runs a pool of threads: a process that has started it must not fork (the
child's copy of the pool has no threads and waits forever), so this module is
imported only in the forked workers (``parallel``), never by the process that
forks them.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal

import polars as pl

from .pipeline import UNATTRIBUTED, Frame, Pause
from .readers import Segment

NULL = "\\N"

DIGITS = r"^[0-9]{1,9}$"
CALLED = r"^[0-9]{1,40}$"
CHARGE = r"^[0-9]{1,10}(?:\.[0-9]{1,2})?$"
# Bytes a cell may hold as they are: all but control characters and the backslash
# (the line end, and the tab when it is the delimiter, are no cell's).
_SAFE = bytes(b for b in range(256) if b >= 0x20 and b != 0x5C) + b"\n"
_SAFE_TAB = _SAFE + b"\t"


def calls(parser, segment: Segment, first: int) -> Iterator[Pause | Frame | None]:
    """The segment's calls as a ``Frame`` (yielded last), None if the segment
    needs the row-by-row path; a ``Pause`` first if new lines need attributing."""
    found = _read(parser, segment)
    if found is None:
        yield None
        return
    frame, names = found
    lines_found = _lines(parser, frame, names)
    if lines_found is None:
        yield None
        return
    if parser.pending:
        yield Pause(parser)
        parser.resolve_pending()
    yield _calls(parser, frame, names, lines_found, first)


def _read(parser, segment: Segment):
    cols = parser.columns
    count = len(segment.lines)
    if not count or "" in segment.lines or parser.timeline.single is None:
        return None
    data = segment.utf8()
    # The raw rows are joined as JSON text by hand, and go into COPY text as they
    # are: no cell may hold what ``json.dumps`` or COPY would escape (in UTF-8 these
    # bytes are never part of another character).
    if data.translate(None, _SAFE_TAB if segment.delimiter == "\t" else _SAFE):
        return None
    width = segment.lines[0].count(segment.delimiter) + 1
    needed = [cols.line, cols.called, cols.start, cols.duration, cols.charge]
    if cols.call_type is not None:
        needed.append(cols.call_type)
    if width <= max(needed):
        return None
    try:
        frame = pl.read_csv(
            data,
            has_header=False,
            infer_schema=False,
            quote_char=None,
            separator=segment.delimiter,
            empty_string_is_null=False,
            truncate_ragged_lines=False,
        )
    except Exception:  # noqa: BLE001 (anything odd: the row-by-row path tells)
        return None
    # A row with fewer cells has nulls (empty cells are ""); more, an error above.
    if (
        frame.height != count
        or frame.width != width
        or frame.null_count().sum_horizontal().item()
    ):
        return None
    names = frame.columns
    start, called = pl.col(names[cols.start]), pl.col(names[cols.called])
    checks = frame.select(
        start.str.contains(parser.start_cell).all().alias("start"),
        pl.col(names[cols.duration]).str.contains(DIGITS).all().alias("duration"),
        pl.col(names[cols.charge]).str.contains(CHARGE).all().alias("charge"),
        called.str.contains(CALLED).all().alias("called"),
        called.str.starts_with("0086").any().not_().alias("domestic"),
    ).row(0)
    if not all(checks):
        return None
    return frame, names


def _lines(parser, frame, names) -> dict[str, str] | None:
    """Normalised line of each distinct calling line, None if one is not a line."""
    raws = frame.get_column(names[parser.columns.line]).unique().to_list()
    lines = parser.line_numbers(set(raws))
    return None if "" in lines.values() else lines


class _Classifier:
    """``NumberPlan.classify`` and ``flags_for`` over a table's "called" and "kind"
    columns. The class depends only on the prefixes of the number (after the IP
    prefix and area code) that the plan knows, and on its length: those make a
    key with a few dozen values, classified once each (``NumberPlan.class_of``
    on one number of the key) and remembered for the whole bill."""

    def __init__(self, plan):
        self.plan = plan
        number = pl.col("called")
        size = number.str.len_bytes()
        ip = pl.lit("")
        for prefix in reversed(plan.ip_prefixes):  # the longest first
            ip = (
                pl.when(number.str.starts_with(prefix) & (size > len(prefix) + 2))
                .then(pl.lit(prefix))
                .otherwise(ip)
            )
        heads = pl.Series(sorted(plan.ip_heads), dtype=pl.String)
        self.ip = (
            pl.when(number.str.slice(0, 3).is_in(heads)).then(ip).otherwise(pl.lit(""))
        ).alias("ip")
        number = pl.col("called").str.slice(pl.col("ip").str.len_bytes())
        area = plan.local_area_code
        if area:
            number = (
                pl.when(
                    number.str.starts_with(area)
                    & (number.str.len_bytes() - len(area) >= 7)
                )
                .then(number.str.slice(len(area)))
                .otherwise(number)
            )
        self.number = number.alias("_number")
        number = pl.col("_number")
        parts = []
        for length in plan.lengths:
            known = pl.Series(
                [p for p in plan.by_prefix if len(p) == length], dtype=pl.String
            )
            head = number.str.slice(0, length)
            parts.append(pl.when(head.is_in(known)).then(head).otherwise(pl.lit("-")))
        parts.append(number.str.len_bytes().cast(pl.String))
        self.key = pl.concat_str(parts, separator="/").alias("_key")
        self.classes: dict[str, str] = {}
        self.flags: dict[str, int] = {}
        self.texts: dict[str, str] = {}

    def __call__(self, table: pl.DataFrame) -> pl.DataFrame:
        table = table.with_columns(self.ip).with_columns(self.number)
        table = table.with_columns(self.key)
        classes = self.classes
        found = table.select("_key", "_number").unique(subset="_key", keep="any")
        for key, number in found.iter_rows():
            if key not in classes:
                classes[key] = self.plan.class_of(number)
        keys = found.get_column("_key").to_list()
        table = table.with_columns(
            pl.col("_key")
            .replace_strict(keys, [classes[k] for k in keys], return_dtype=pl.String)
            .alias("class")
        )
        # The flags depend on the class, whether an IP prefix was dialled and the
        # carrier's text (stripped).
        combo = pl.concat_str(
            "class", (pl.col("ip") != "").cast(pl.String), "kind", separator="\t"
        ).alias("_combo")
        table = table.with_columns(combo)
        combos = table.select("_combo", "class", "ip", "kind").unique(
            subset="_combo", keep="any"
        )
        flags, texts = self.flags, self.texts
        for key, cls, ip, kind in combos.iter_rows():
            if kind not in texts:
                texts[kind] = kind.strip()
            if key not in flags:
                flags[key] = int(self.plan.flags_for(cls, ip, texts[kind]))
        keys = combos.get_column("_combo").to_list()
        kinds = combos.get_column("kind").unique().to_list()
        return table.with_columns(
            pl.col("_combo")
            .replace_strict(keys, [flags[k] for k in keys], return_dtype=pl.Int64)
            .alias("flags"),
            pl.col("kind").replace_strict(
                kinds, [texts[k] for k in kinds], return_dtype=pl.String
            ),
        ).drop("_number", "_key", "_combo")


def _calls(parser, frame, names, lines: dict[str, str], first: int):
    cols = parser.columns
    constant = parser.attributor.constant
    if any(line not in constant for line in lines.values()):
        return None  # a line that changes hands within the month: row by row
    plan = parser.timeline.single
    called = pl.col(names[cols.called])
    kind = pl.lit("") if cols.call_type is None else pl.col(names[cols.call_type])
    table = frame.select(
        pl.col(names[cols.start]).alias("start"),
        pl.col(names[cols.line]).alias("line"),
        called.alias("called"),
        pl.col(names[cols.duration]).alias("duration"),
        pl.col(names[cols.charge]).alias("charge"),
        pl.concat_str(
            [pl.lit('["'), pl.concat_str(pl.col(names), separator='","'), pl.lit('"]')]
        ).alias("raw"),
        kind.alias("kind"),
    )
    classify = parser.frame_classifier
    if classify is None or classify.plan is not plan:
        classify = parser.frame_classifier = _Classifier(plan)
    table = classify(table)

    summary = parser.summary
    count = table.height
    summary.rows_read += count
    summary.rows_valid += count
    summary.frame_rows += count
    charges = table.get_column("charge").value_counts()
    summary.total_charge += sum(
        Decimal(charge) * times for charge, times in charges.iter_rows()
    )
    summary.rows_flagged += int((table.get_column("flags") != 0).sum())
    whos = {raw: constant[line] for raw, line in lines.items()}
    orphans = [raw for raw, who in whos.items() if who is None]
    if orphans:
        in_month = dict(table.get_column("line").value_counts().iter_rows())
        for raw in orphans:
            summary.rows_unattributed += in_month.get(raw, 0)
            summary.unattributed_numbers.add(lines[raw])
    if parser.stop_on_error and parser.failed:
        return []
    return Frame(
        table=table, first=first, count=count, lines=lines, whos=whos, days=parser.days
    )


def copy_text(frame: Frame, heads: dict[str, str]) -> bytes:
    """The frame's COPY lines (the text ``Producer._lines`` gives): the head of
    the call's day follows each local start time
    ("+0800\t<period>\t<carrier>\t<import>\t")."""
    ids = {
        raw: "\t".join(NULL if i is None else str(i) for i in (who or (None, None)))
        for raw, who in frame.whos.items()
    }
    orphans = [raw for raw, who in frame.whos.items() if who is None]
    line, flags = pl.col("line"), pl.col("flags")
    if orphans:
        flags = pl.when(line.is_in(orphans)).then(flags | UNATTRIBUTED).otherwise(flags)
    text = frame.table.select(
        pl.concat_str(
            [
                pl.col("start")
                + pl.col("start")
                .str.slice(0, 10)
                .replace_strict(list(heads), list(heads.values()))
                + pl.int_range(frame.first, frame.first + frame.count).cast(pl.String),
                line.replace_strict(
                    list(frame.lines),
                    list(frame.lines.values()),
                    return_dtype=pl.String,
                ),
                pl.col("called"),
                pl.col("duration"),
                pl.col("charge"),
                pl.col("kind").str.slice(0, 40),
                pl.col("class"),
                pl.col("ip"),
                flags.cast(pl.String),
                line.replace_strict(
                    list(ids), list(ids.values()), return_dtype=pl.String
                ),
                pl.col("raw"),
            ],
            separator="\t",
        )
    )
    out = io.BytesIO()
    text.write_csv(out, include_header=False, quote_style="never")
    return out.getvalue()
