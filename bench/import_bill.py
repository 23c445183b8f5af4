#!/usr/bin/env python
"""Benchmark: import a generated carrier bill into PostgreSQL through the real path.

    .venv/bin/python bench/import_bill.py [--rows 1000000] [--keep]

1. generates the bill with bench/make_bill.py (the sample bill generator)
   in a separate process, cached under var/bench/;
2. creates a scratch database ``telephony_bench`` (dropped first), migrates it and makes
   the 50 lines of the bill in the directory so every call is attributed;
3. times a bare ``COPY ... CSV`` of the same file into a bare table (the reference);
4. times ``bill_import_create`` + ``bill_import_run`` (the services the upload page,
   the Celery task and ``manage.py import_bill`` use: streaming parse, number plan,
   attribution, COPY into billing_callrecord with its indexes, one transaction);
5. prints rows/s, the ratio to the bare COPY, the peak RSS of this process, the
   machine load, and the CPU seconds of this process and of the PostgreSQL backend
   (from /proc when the server runs on this machine): on a machine shared with other
   work the CPU seconds vary much less than the elapsed times.

``--repeat N`` runs steps 2-4 N times (a fresh database each time) and prints the best.
Needs PostgreSQL at BENCH_PG (default postgres://postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

from _common import PG as PG  # re-exported: bench/month_cycle.py reads base.PG
from _common import ROOT, backend_cpu, bench_db, load, own_cpu
from _common import drop_database as _drop
from _common import scratch_database as _scratch
from _common import setup_django as _setup

DB = bench_db("telephony_bench")


def generate(rows: int, month: str) -> Path:
    out = ROOT / "var" / "bench" / f"bill-{month}-{rows}.csv"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "make_bill.py"), "--month", month,
             "--rows", str(rows), "--out", str(out)],
            check=True,
        )  # fmt: skip
        print(f"generated {out.name} in {time.perf_counter() - started:.1f}s")
    return out


def scratch_database() -> None:
    _scratch(DB)


def setup_django() -> None:
    _setup(DB)


def make_lines(count: int) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from extensions.services import line_create
    from telephony_admin.org.models import Department, Employee

    department = Department.objects.create(code="BENCH", name="压测部")
    since = datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    for n in range(1, count + 1):
        owner = Employee.objects.create(
            number=f"B{n:04d}", name=f"员工{n}", department=department
        )
        line_create(
            number=f"057187{n:06d}", department=department, owner=owner, starts_at=since
        )


def bare_copy(path: Path) -> tuple[float, float | None]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_bare (line text, called text, started text, "
            "seconds text, kind text, charge text)"
        )
        cpu = backend_cpu()
        started = time.perf_counter()
        with open(path, "rb") as handle:
            cursor.cursor.copy_expert(
                "COPY bench_bare FROM STDIN WITH (FORMAT csv, HEADER true)", handle
            )
        elapsed = time.perf_counter() - started
        after = backend_cpu()
        cursor.execute("DROP TABLE bench_bare")
    return elapsed, (after - cpu if cpu is not None and after is not None else None)


PHASES: dict[str, float] = {}


def time_phases() -> None:
    """Time the writer's two phases (COPY; index, de-duplicate, attach)."""
    from billing.importers import writers

    def timed(name, method):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                PHASES[name] = time.perf_counter() - started

        return wrapper

    cls = writers.PostgresWriter
    if not hasattr(cls, "_bench_timed"):
        cls.write = timed("parse + COPY", cls.write)
        cls.write_parallel = timed("parse + COPY in workers", cls.write_parallel)
        cls.finish = timed("indexes + attach", cls.finish)
        cls._bench_timed = True


def real_import(path: Path, month: str):
    from billing.services import bill_import_create, bill_import_run, parse_month

    time_phases()

    started = time.perf_counter()
    with open(path, "rb") as source:
        bill_import = bill_import_create(
            actor=None,
            source=source,
            original_name=path.name,
            month=parse_month(month),
            enqueue=False,
        )
    bill_import = bill_import_run(bill_import_id=bill_import.pk)
    return bill_import, time.perf_counter() - started


def drop_database() -> None:
    _drop(DB)


def one_run(path: Path, args, first: bool) -> dict:
    from django.db import connections

    scratch_database()
    if first:
        setup_django()
    else:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    make_lines(50)
    load_before = load()
    reference, reference_cpu = bare_copy(path)
    py_before, pg_before = own_cpu(), backend_cpu()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers_before = children.ru_utime + children.ru_stime
    bill_import, elapsed = real_import(path, args.month)
    py_cpu, pg_after = own_cpu() - py_before, backend_cpu()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = children.ru_utime + children.ru_stime - workers_before
    pg_cpu = pg_after - pg_before if pg_before is not None and pg_after else None
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Forked workers start with this process's pages: their RSS counts those too.
    child_mb = children.ru_maxrss / 1024
    rows = bill_import.rows_imported
    size_mb = path.stat().st_size / 1e6
    print(f"file: {path.name} ({size_mb:.0f} MB), status {bill_import.status}")
    print(
        f"import: {rows} calls in {elapsed:.2f}s = {rows / elapsed:,.0f} rows/s "
        f"(unattributed {bill_import.rows_unattributed}, "
        f"flagged {bill_import.rows_flagged}, total {bill_import.total_charge})"
    )
    if PHASES:
        print("phases: " + ", ".join(f"{k} {v:.2f}s" for k, v in PHASES.items()))
    print(f"bare COPY: {reference:.2f}s = {args.rows / reference:,.0f} rows/s")
    print(f"ratio import / bare COPY: {elapsed / reference:.2f}x")
    print(
        f"peak RSS: {peak_mb:.0f} MB (this process); largest child process "
        f"{child_mb:.0f} MB (an import worker, or the bill generator if it ran)"
    )
    if pg_cpu is not None and reference_cpu:
        print(
            f"CPU: import {py_cpu:.1f}s Python + {worker_cpu:.1f}s Python workers + "
            f"{pg_cpu:.1f}s PostgreSQL (this connection); "
            f"bare COPY {reference_cpu:.1f}s PostgreSQL"
        )
    print(f"load average before {load_before}, after {load()}")
    if bill_import.error_count:
        print(f"errors: {bill_import.errors[:5]}")
    connections.close_all()
    if not args.keep:
        drop_database()
    return {
        "elapsed": elapsed,
        "reference": reference,
        "rows": rows,
        "rss": max(peak_mb, child_mb),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--repeat", type=int, default=1, help="runs (best is kept)")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()

    path = generate(args.rows, args.month)
    runs = []
    for n in range(args.repeat):
        if args.repeat > 1:
            print(f"--- run {n + 1} of {args.repeat}")
        runs.append(one_run(path, args, first=n == 0))
    if args.repeat > 1:
        best = min(runs, key=lambda r: r["elapsed"])
        fastest_copy = min(r["reference"] for r in runs)
        print(
            f"best: {best['rows'] / best['elapsed']:,.0f} rows/s "
            f"({best['elapsed']:.2f}s; bare COPY in that run {best['reference']:.2f}s, "
            f"ratio {best['elapsed'] / best['reference']:.2f}x; fastest bare COPY "
            f"{fastest_copy:.2f}s); peak RSS {max(r['rss'] for r in runs):.0f} MB"
        )


if __name__ == "__main__":
    main()
