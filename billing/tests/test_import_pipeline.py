"""The import's fast path, chunks, pauses and progress (R-BIL-2, R-BIL-3).

Small chunk and window sizes make a few rows cross every boundary the million-row
benchmark crosses: several chunks, new line numbers after the first chunk (a pause
between COPY statements for the attribution query), progress reports and, on
PostgreSQL, the producer thread feeding COPY.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from billing.importers import pipeline, writers
from billing.importers.pipeline import BillParser
from billing.importers.readers import CsvRows
from billing.models import CallFlag, CallRecord, ImportStatus


def bill_rows(count: int, *, lines: int = 3) -> list[list[str]]:
    """``count`` calls on lines 1..``lines``, the later lines appearing only late."""
    rows = []
    for n in range(count):
        line = 1 + min(n * lines // count, lines - 1)
        rows.append(
            [
                f"05718700000{line}",
                f"8221{n:04d}",
                f"2026-10-{1 + n % 28:02d} {n % 24:02d}:{n % 60:02d}:07",
                str(30 + n),
                "本地",
                "0.10",
            ]
        )
    return rows


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK", 4)
    monkeypatch.setattr(pipeline, "PROGRESS_EVERY", 5)
    monkeypatch.setattr(writers, "SEND_WINDOW", 3)


def run_with_progress(path: Path, *, dry_run: bool = False):
    from billing.services import bill_import_create, bill_import_run, parse_month

    with open(path, "rb") as source:
        queued = bill_import_create(
            actor=None,
            source=source,
            original_name=path.name,
            month=parse_month("2026-10"),
            dry_run=dry_run,
            enqueue=False,
        )
    return bill_import_run(bill_import_id=queued.pk, progress=True)


@pytest.mark.parametrize("call_type", ["本地", 'local "C:\\tel"', "长途"])
def test_fast_and_row_by_row_paths_give_the_same_calls(
    db, lines, write_bill, call_type
):
    rows = bill_rows(6)
    for row in rows:
        row[4] = call_type
    parser = BillParser(
        reader=CsvRows(write_bill(rows)), period_start=date(2026, 10, 1)
    )
    rows = iter(parser.reader)
    first = parser._find_header(rows)
    chunk = list(rows)
    numbers = {c[0]: pipeline._normalise_line(c[0]) for c in chunk}
    parser.attributor.prefetch(set(numbers.values()))
    fast = parser._fast_chunk(chunk, first, numbers)
    slow = parser._slow_chunk(chunk, first, numbers)
    parser.reader.close()
    assert fast is not None
    records = list(pipeline.records_of(fast))
    assert len(records) == 6
    as_text = [tuple(str(v) for v in rec) for rec in slow]
    assert [tuple(str(v) for v in rec) for rec in records] == as_text
    # The COPY text made column by column from the block is the records' own.
    producer = writers.Producer(iter(()), prefix="7\t")
    assert b"".join(producer._lines(fast)) == b"".join(producer._lines(records))
    assert producer.count == 12


def test_an_unusual_cell_sends_only_its_chunk_down_the_slow_path(
    db, write_bill, small_chunks, run_import
):
    rows = bill_rows(10)
    rows[6][3] = "1分15秒"
    rows[7][5] = "¥0.10"
    result = run_import(write_bill(rows))
    assert result.status == ImportStatus.SUCCEEDED, result.errors
    assert result.rows_imported == 10
    assert result.total_charge == Decimal("1.00")
    assert CallRecord.objects.get(row_number=8).duration_seconds == 75


@pytest.mark.parametrize("dry_run", [False, True])
def test_many_chunks_new_lines_late_and_progress(
    transactional_db, lines, write_bill, small_chunks, dry_run
):
    result = run_with_progress(write_bill(bill_rows(23, lines=3)), dry_run=dry_run)
    expected = ImportStatus.CHECKED if dry_run else ImportStatus.SUCCEEDED
    assert result.status == expected, result.errors
    assert result.rows_read == 23
    assert result.rows_unattributed == 7  # line 3 (rows 18-24) is not in the directory
    assert result.total_charge == Decimal("2.30")
    if dry_run:
        assert not CallRecord.objects.exists()
        return
    assert result.rows_imported == 23
    calls = CallRecord.objects.order_by("row_number")
    assert [c.row_number for c in calls] == list(range(2, 25))
    first, last = calls.first(), calls.last()
    assert first.owner == lines[0].owner and first.called_number == "82210000"
    assert first.raw.startswith('["057187000001","82210000",')
    assert last.owner is None and last.flags & CallFlag.UNATTRIBUTED


def test_a_bad_row_in_a_late_chunk_refuses_everything(
    transactional_db, lines, write_bill, small_chunks
):
    rows = bill_rows(17)
    rows[15][2] = "2026-13-01 10:00:00"
    result = run_with_progress(write_bill(rows))
    assert result.status == ImportStatus.FAILED
    assert [e["row"] for e in result.errors] == [17]
    assert not CallRecord.objects.exists()


def test_the_garbage_collector_threshold_is_back_after_a_bill(
    db, write_bill, run_import
):
    import gc

    before = gc.get_threshold()
    parser = BillParser(
        reader=CsvRows(write_bill(bill_rows(6))), period_start=date(2026, 10, 1)
    )
    batches = parser.batches()
    next(batches)
    assert gc.get_threshold()[0] >= pipeline._FewerCollections.threshold
    list(batches)
    parser.reader.close()
    assert gc.get_threshold() == before
