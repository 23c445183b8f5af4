#!/usr/bin/env python
"""Benchmark: the month's pages, their medians and what their queries scan.

    BENCH_DB=bench_hs .venv/bin/python bench/month_pages.py [--month 2026-10]
        [--requests 7]

On a database that ``bench/month_cycle.py --keep`` left (the month imported and
audited), as administration sees them (Django's test client): the statement, a
department, the call list (first page and page 200, reached by following the
page's own "older" link as a user would) and the findings list. For each page:
the median of ``--requests`` requests, then each of its queries run again under
``EXPLAIN (ANALYZE, FORMAT JSON)``: how many, their time in the database, and any
sequential scan of the month's calls (``billing_callrecord*``) or findings
(``deductions_violation``), with the rows it read. The last line sums it up.

``month_cycle.py`` uses ``page_urls``, ``page_medians`` and ``plan_summaries``.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import bench_db, load, setup_django  # noqa: E402

DB = bench_db("telephony_bench")
OLDER = re.compile(r'href="([^"]+)" data-testid="older"')
#: Tables whose sequential scan over a month the pages must not need.
WATCHED = ("billing_callrecord", "deductions_violation")


def bench_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    from telephony_admin.org.models import Role
    from telephony_admin.org.services import roles_ensure_groups, user_set_roles

    roles_ensure_groups()
    user, _created = get_user_model().objects.get_or_create(username="bench_admin")
    user_set_roles(user=user, roles=[Role.ADMIN])
    client = Client()
    client.force_login(user)
    return client


def deep_page(client, first: str, page: int) -> str:
    """The URL of the list's ``page``-th page, following its "older" links."""
    url = first
    for _ in range(page - 1):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        found = OLDER.search(response.content.decode())
        if found is None:
            break
        url = first.split("?")[0] + html.unescape(found.group(1))
    return url


def page_urls(client, month: str) -> dict[str, str]:
    from django.urls import reverse

    from telephony_admin.org.models import Department

    department = Department.objects.get(code="BENCH")
    calls = reverse("billing:calls") + f"?month={month}"
    return {
        "statement": reverse("deductions:statement") + f"?month={month}",
        "department": reverse("deductions:department", args=[department.pk])
        + f"?month={month}",
        "call list": calls,
        "call list p200": deep_page(client, calls, 200),
        "findings": reverse("deductions:findings") + f"?month={month}",
    }


def page_medians(client, urls: dict[str, str], requests: int) -> dict[str, float]:
    medians = {}
    for name, url in urls.items():
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        medians[name] = statistics.median(times) * 1000
    return medians


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def plan_summary(client, url: str) -> dict:
    """The page's queries: count, database ms, sequential scans of watched tables."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    selects = [q for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    total, scans, slowest = 0.0, [], (0.0, "")
    with connection.cursor() as cursor:
        for query in selects:
            # The captured text has its parameters inlined already.
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
            raw = cursor.fetchone()[0]
            result = (json.loads(raw) if isinstance(raw, str) else raw)[0]
            ms = result["Execution Time"]
            total += ms
            slowest = max(slowest, (ms, query["sql"][:90]))
            for node in _nodes(result["Plan"]):
                relation = node.get("Relation Name", "")
                if node["Node Type"] == "Seq Scan" and relation.startswith(WATCHED):
                    scans.append(f"{relation} ({node.get('Actual Rows', 0)} rows)")
    return {
        "queries": len(captured.captured_queries),
        "db_ms": total,
        "seq_scans": scans,
        "slowest": slowest,
    }


def plan_summaries(client, urls: dict[str, str]) -> dict[str, dict]:
    return {name: plan_summary(client, url) for name, url in urls.items()}


def print_plans(plans: dict[str, dict]) -> None:
    for name, plan in plans.items():
        scans = ", ".join(plan["seq_scans"]) or "none"
        print(
            f"plan {name}: {plan['queries']} queries, {plan['db_ms']:.1f} ms in the "
            f"database; Seq Scan of calls/findings: {scans}; slowest "
            f"{plan['slowest'][0]:.1f} ms: {plan['slowest'][1]}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--requests", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    setup_django(DB)
    client = bench_client()
    urls = page_urls(client, args.month)
    medians = page_medians(client, urls, args.requests)
    print(
        "pages (median ms): "
        + ", ".join(f"{name} {ms:.0f}" for name, ms in medians.items())
    )
    plans = plan_summaries(client, urls)
    print_plans(plans)
    scanned = [name for name, plan in plans.items() if plan["seq_scans"]]
    print(
        f"month_pages: <= {max(medians.values()):.0f} ms median; Seq Scan of the "
        f"month's calls or findings in {', '.join(scanned) or 'no page'}; "
        f"load {load()}"
    )


if __name__ == "__main__":
    main()
