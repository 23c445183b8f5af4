"""A bill parsed by several worker processes gives what one process gives (R-BIL-2)."""

from __future__ import annotations

import contextlib

import pytest

from billing.importers import parallel
from billing.importers.writers import partition_name
from billing.models import BillImport, CallRecord, ImportStatus

from .conftest import ROWS

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

FIELDS = (
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


def _rows(count=90):
    rows = []
    for n in range(count):
        line = "057187000001" if n % 3 else "057187000002"
        called = ["82215279", "1795101021535642", "13705985840", "16812345"][n % 4]
        start = f"2026-10-{1 + n % 28:02d} {n % 24:02d}:{n % 60:02d}:07"
        rows.append([line, called, start, str(30 + n), "本地", f"0.{n % 9 + 1}0"])
    return rows


@pytest.fixture
def workers(settings, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)

    def use(count):
        settings.BILL_IMPORT_WORKERS = count

    return use


def _calls(bill_import):
    return sorted(
        CallRecord.objects.filter(bill_import=bill_import).values_list(*FIELDS)
    )


def test_workers_store_what_one_process_stores(lines, write_bill, run_import, workers):
    rows = _rows()
    rows.insert(60, rows[5])  # the same call again, in another part
    before = [["话费详单 2026年10月"], ["单位：杭州示例公司"]]
    after = [[], ["合计", "", "", "", "", "46.50"]]
    path = write_bill(rows, before=before, after=after)
    plan = parallel.plan(str(path), name="bill.csv", profile={}, workers=3)
    assert plan is not None and len(plan.parts) == 3
    assert plan.header_row == 3 and plan.parts[0].first_row == 4

    workers(1)
    single = run_import(path)
    workers(3)
    several = run_import(path, carrier="中国联通")
    assert single.status == several.status == ImportStatus.SUCCEEDED
    for field in (
        "rows_read",
        "rows_imported",
        "rows_duplicate",
        "rows_skipped",
        "rows_unattributed",
        "rows_flagged",
        "total_charge",
    ):
        assert getattr(single, field) == getattr(several, field), field
    assert several.rows_duplicate == 1 and several.rows_skipped == 4
    assert _calls(single) == _calls(several)


def test_a_bad_row_in_a_later_part_refuses_the_bill_with_its_file_row(
    lines, write_bill, run_import, workers
):
    from django.db import connection

    rows = _rows()
    rows[70][3] = "7 minutes"  # file row 72 (header is row 1)
    rows[80][5] = "x"
    workers(3)
    result = run_import(write_bill(rows))
    assert result.status == ImportStatus.FAILED
    assert result.error_count == 2
    assert [(e["row"], e["column"]) for e in result.errors] == [
        (72, "通话时长(秒)"),
        (82, "费用(元)"),
    ]
    assert CallRecord.objects.count() == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [partition_name(result.pk)])
        assert cursor.fetchone()[0] is None  # the workers' table is gone


def test_quoted_or_small_bills_are_read_by_one_process(write_bill, workers, tmp_path):
    quoted = tmp_path / "quoted.csv"
    quoted.write_text(
        '主叫号码,被叫号码,通话起始时间,通话时长,通话类型,费用\n"1","2",x,1,a,1\n'
    )
    assert parallel.plan(str(quoted), name="q.csv", profile={}, workers=2) is None
    plain = write_bill(ROWS)
    assert parallel.plan(str(plain), name="b.xlsx", profile={}, workers=2) is None
    assert parallel.plan(str(plain), name="b.csv", profile={}, workers=1) is None


def test_an_import_waiting_for_its_month_says_so__R_BIL_2(
    client, company, lines, write_bill
):
    """While the month is locked (its audit, another import, closing), the import
    waits, and its progress page tells the user what for; then it runs."""
    import threading

    from django.db import connection
    from django.urls import reverse

    from billing.services import bill_import_run

    queued = _queued(write_bill)
    status_url = reverse("billing:import_status", args=[queued.pk])
    client.force_login(company.admin.user)
    errors = []

    def run():
        try:
            bill_import_run(bill_import_id=queued.pk)
        except Exception as exc:  # noqa: BLE001 (re-raised in the main thread)
            errors.append(exc)
        finally:
            connection.close()

    side = connection.copy()
    try:
        side.set_autocommit(False)
        with side.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM billing_billingperiod WHERE id = %s FOR NO KEY UPDATE",
                [queued.period_id],
            )
        thread = threading.Thread(target=run)
        thread.start()
        status = {}
        for _attempt in range(100):
            status = client.get(status_url).json()
            if status["waiting"]:
                break
            thread.join(0.1)
        assert status["waiting"] and not status["finished"]
        assert "Waiting for the audit or another import of 2026-10" in status["message"]
        side.rollback()
    finally:
        side.close()
    thread.join(30)
    assert not errors
    status = client.get(status_url).json()
    assert status["status"] == ImportStatus.SUCCEEDED and not status["waiting"]


def _queued(write_bill):
    from billing.services import bill_import_create, parse_month

    with open(write_bill(), "rb") as source:
        return bill_import_create(
            actor=None,
            source=source,
            original_name="bill.csv",
            month=parse_month("2026-10"),
            enqueue=False,
        )


@contextlib.contextmanager
def _held_elsewhere(pk):
    """A second session holding the import's run lock (a live worker)."""
    from django.db import connection

    from billing.services import RUN_LOCK_CLASS

    side = connection.copy()
    try:
        with side.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [RUN_LOCK_CLASS, pk])
        yield
        with side.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock_all()")
    finally:
        side.close()


def test_an_import_whose_worker_died_runs_again_and_lands_once__R_BIL_2(
    lines, write_bill
):
    from billing.services import bill_import_run

    queued = _queued(write_bill)
    # Claimed by a worker that was then killed: "running", nobody holds its lock.
    BillImport.objects.filter(pk=queued.pk).update(status=ImportStatus.RUNNING)
    with _held_elsewhere(queued.pk):  # a second delivery leaves a live run alone
        assert bill_import_run(bill_import_id=queued.pk).status == ImportStatus.RUNNING
    done = bill_import_run(bill_import_id=queued.pk, progress=False)
    assert done.status == ImportStatus.SUCCEEDED and done.rows_imported == len(ROWS)
    assert CallRecord.objects.count() == len(ROWS)


def test_the_sweep_queues_imports_of_dead_workers_again_and_gives_up_after_two(
    lines, write_bill
):
    from billing.services import (
        MAX_REQUEUES,
        REQUEUED,
        audit_record,
        bill_imports_recover,
    )
    from telephony_admin.core.models import AuditEvent

    queued = _queued(write_bill)
    BillImport.objects.filter(pk=queued.pk).update(status=ImportStatus.RUNNING)
    with _held_elsewhere(queued.pk):
        assert bill_imports_recover() == []  # alive: left alone
    assert bill_imports_recover() == [queued.pk]  # queued again, run (eager)
    queued.refresh_from_db()
    assert queued.status == ImportStatus.SUCCEEDED
    assert AuditEvent.objects.filter(action="billing.bill_requeued").count() == 1

    # An import that kills its worker every time is stopped, not retried forever:
    # queued again twice already, found "running" once more.
    again = _queued(write_bill)
    for _attempt in range(MAX_REQUEUES):
        audit_record(actor=None, action=REQUEUED, target=again)
    BillImport.objects.filter(pk=again.pk).update(status=ImportStatus.RUNNING)
    assert bill_imports_recover() == []
    again.refresh_from_db()
    assert again.status == ImportStatus.FAILED
    assert "interrupted 3 times" in again.message
