#!/usr/bin/env python
"""Benchmark: a month from bill to deduction sheet through the commands a user runs.

    .venv/bin/python bench/month_cycle.py [--rows 1000000] [--requests 7] [--keep]

In a scratch PostgreSQL database (``BENCH_DB``, default ``telephony_bench``, dropped
and recreated; server at ``BENCH_PG``), with the bill of bench/make_bill.py and its
50 lines in the directory:

1. a bare ``COPY ... CSV`` of the file into a bare text table (the reference);
2. ``manage.py import_bill FILE --period M --no-audit`` (the import alone);
3. ``manage.py audit_month --period M`` (the audit after the import);
4. ``manage.py audit_month --period M`` again (nothing changed: the re-audit);
5. ``manage.py export_deductions --period M --out FILE`` (the deduction workbook);
6. the month's pages as administration sees them (Django's test client, median of
   ``--requests`` requests each): statement, a department, the call list (first page
   and page 200, reached through the page's "older" links) and the findings list,
   then each page's queries under ``EXPLAIN ANALYZE`` (bench/month_pages.py): any
   sequential scan of the month's calls or findings is named.

Each command runs in its own process: its time, its ratio to the bare COPY and its
peak RSS (``wait4``) are printed. The workbook's premium-number penalties are checked
against 5 x the bill's 168/160 charges, to the fen. The last line sums it up.
Celery tasks the commands queue go to Redis database ``BENCH_REDIS_DB`` (15), which
is emptied at the end: no worker runs them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import import_bill as base  # noqa: E402  (the import bench's helpers)
import month_pages  # noqa: E402  (the pages' medians and plans)

ROOT = base.ROOT
REDIS = os.environ.get(
    "BENCH_REDIS", f"redis://127.0.0.1:6379/{os.environ.get('BENCH_REDIS_DB', '15')}"
)


def command(*args: str) -> tuple[float, float, str]:
    """Run ``manage.py args`` on the scratch database: (seconds, peak RSS MB, out)."""
    env = dict(
        os.environ,
        DATABASE_URL=f"{base.PG}/{base.DB}",
        REDIS_URL=REDIS,
        DJANGO_SETTINGS_MODULE="telephony_admin.settings",
    )
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    out = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        print(out)
        raise SystemExit(f"manage.py {' '.join(args)} failed ({process.returncode})")
    return elapsed, usage.ru_maxrss / 1024, out


def premium_charges(month: str) -> Decimal:
    """The bill's calls to 168/160 numbers (R-BIL-5), read from the stored calls."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT COALESCE(SUM(charge), 0) FROM billing_callrecord c
            JOIN billing_billingperiod p ON p.id = c.period_id
            WHERE p.month = %s AND (
                substr(c.called_number, length(c.ip_prefix) + 1) LIKE '168%%'
                OR substr(c.called_number, length(c.ip_prefix) + 1) LIKE '160%%')""",
            [f"{month}-01"],
        )
        return cursor.fetchone()[0]


def workbook_premium(path: Path) -> Decimal:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    sheet = book.worksheets[0]
    total = Decimal("0.00")
    for row in sheet.iter_rows(min_row=2, values_only=True):
        total += Decimal(str(row[4] or 0))
    book.close()
    return total


def flush_queue() -> None:
    import redis

    redis.Redis.from_url(REDIS).flushdb()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--requests", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()

    path = base.generate(args.rows, args.month)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    base.scratch_database()
    base.setup_django()
    base.make_lines(50)
    flush_queue()
    reference, _cpu = base.bare_copy(path)
    from django.db import connections

    connections.close_all()
    print(f"bill: {path.name}, {args.rows} rows; bare COPY {reference:.2f}s")
    steps = {}
    out_file = ROOT / "var" / "bench" / f"deductions-{args.month}.xlsx"
    runs = [
        ("import", ["import_bill", str(path), "--period", args.month, "--quiet",
                    "--no-audit"]),
        ("audit", ["audit_month", "--period", args.month]),
        ("re-audit", ["audit_month", "--period", args.month]),
        ("export", ["export_deductions", "--period", args.month, "--out",
                    str(out_file)]),
    ]  # fmt: skip
    for name, argv in runs:
        elapsed, rss, out = command(*argv)
        steps[name] = (elapsed, rss)
        summary = out.strip().splitlines()[0] if out.strip() else ""
        print(
            f"{name}: {elapsed:.2f}s = {elapsed / reference:.2f}x bare COPY, "
            f"peak RSS {rss:.0f} MB | {summary[:150]}"
        )
    expected = premium_charges(args.month) * 5
    found = workbook_premium(out_file)
    verdict = "equal" if found == expected else "DIFFERENT"
    print(
        f"premium penalties in the workbook {found} vs 5 x the bill's 168/160 "
        f"charges {expected}: {verdict}"
    )
    client = month_pages.bench_client()
    urls = month_pages.page_urls(client, args.month)
    medians = month_pages.page_medians(client, urls, args.requests)
    print(
        "pages (median ms): "
        + ", ".join(f"{name} {ms:.0f}" for name, ms in medians.items())
    )
    plans = month_pages.plan_summaries(client, urls)
    month_pages.print_plans(plans)
    scanned = [name for name, plan in plans.items() if plan["seq_scans"]]
    flush_queue()
    connections.close_all()
    if not args.keep:
        base.drop_database()
    ratios = ", ".join(
        f"{name} {steps[name][0] / reference:.2f}x" for name, _argv in runs
    )
    print(
        f"month_cycle: {ratios} of a {reference:.2f}s bare COPY; peak RSS "
        f"{max(rss for _t, rss in steps.values()):.0f} MB; pages <= "
        f"{max(medians.values()):.0f} ms (Seq Scan of calls/findings: "
        f"{', '.join(scanned) or 'none'}); premium {verdict}; load {base.load()}"
    )


if __name__ == "__main__":
    main()
