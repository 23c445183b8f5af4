#!/usr/bin/env python
"""Benchmark: directory search (R-EXT-8) on 10,000 lines, through the real endpoint.

    .venv/bin/python bench/directory_search.py [--lines 10000] [--queries 400] [--keep]

1. creates a scratch PostgreSQL database ``telephony_bench_directory`` (dropped first)
   at BENCH_PG (default postgres://postgres@127.0.0.1:5432) and migrates it;
2. seeds 50 departments, 10,000 employees with Chinese names (pinyin derived as the
   app does) and one line each, with its assignment period;
3. times ``GET /lines/directory/search/?q=...`` with Django's test client as an
   operator (middleware, session, access checks, JSON) and the selector alone, for a
   mix of pinyin initials, pinyin, name fragments, department names and numbers;
4. prints p50/p95/max latency in milliseconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from _common import bench_db, drop_database, scratch_database, setup_django

DB = bench_db("telephony_bench_directory")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚华鹏玲飞鑫波斌宇浩凯秀英桂兰建国志红春梅海燕晨阳"
DEPARTMENTS = [
    "销售",
    "客服",
    "技术",
    "生产",
    "采购",
    "财务",
    "人事",
    "行政",
    "质量",
    "物流",
]


def seed(count: int, rng: random.Random) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from extensions.models import Line, LineAssignment, LineKind
    from telephony_admin.org.models import Department, Employee, pinyin_of

    departments = Department.objects.bulk_create(
        Department(code=f"D{i:02d}", name=f"{DEPARTMENTS[i % 10]}{i // 10 + 1}部")
        for i in range(50)
    )
    people = []
    for n in range(count):
        name = rng.choice(SURNAMES) + "".join(
            rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))
        )
        full, short = pinyin_of(name)
        people.append(
            Employee(
                number=f"E{n:05d}",
                name=name,
                pinyin=full,
                pinyin_initials=short,
                department=departments[n % 50],
                title="职员",
            )
        )
    people = Employee.objects.bulk_create(people, batch_size=2000)
    lines = Line.objects.bulk_create(
        (
            Line(
                number=f"0571{87000000 + n:08d}",
                kind=LineKind.DIRECT,
                department=person.department,
                owner=person,
            )
            for n, person in enumerate(people)
        ),
        batch_size=2000,
    )
    since = datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    LineAssignment.objects.bulk_create(
        (
            LineAssignment(
                line=line, owner=line.owner, department=line.department, starts_at=since
            )
            for line in lines
        ),
        batch_size=2000,
    )


def queries(total: int, rng: random.Random) -> list[str]:
    from telephony_admin.org.models import Employee

    sample = list(
        Employee.objects.order_by("?").values_list("name", "pinyin", "pinyin_initials")[
            :total
        ]
    )
    result = []
    for index, (name, pinyin, initials) in enumerate(sample):
        kind = index % 5
        if kind == 0:
            result.append(initials[:2])
        elif kind == 1:
            result.append(pinyin[: rng.randint(3, 6)])
        elif kind == 2:
            result.append(name[:2])
        elif kind == 3:
            result.append(rng.choice(DEPARTMENTS))
        else:
            result.append(str(rng.randint(1000, 9999)))
    return result


def timed(call, items) -> list[float]:
    times = []
    for item in items:
        started = time.perf_counter()
        call(item)
        times.append((time.perf_counter() - started) * 1000)
    return times


def report(label: str, times: list[float]) -> None:
    times = sorted(times)
    p50 = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"{label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    rng = random.Random(7)

    scratch_database(DB)
    setup_django(DB)
    started = time.perf_counter()
    seed(args.lines, rng)
    print(f"seeded {args.lines} lines in {time.perf_counter() - started:.1f}s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    from extensions.directory import directory_search
    from telephony_admin.org.models import Employee, Role
    from telephony_admin.org.services import roles_ensure_groups, user_set_roles

    setup_test_environment()
    roles_ensure_groups()
    user = get_user_model().objects.create_user("bench_operator", password="x")
    operator = Employee.objects.first()
    operator.user = user
    operator.save(update_fields=["user"])
    user_set_roles(user=user, roles=[Role.OPERATOR])
    client = Client()
    client.force_login(user)
    items = queries(args.queries, rng)
    for q in items[:20]:  # warm caches and connections
        client.get("/lines/directory/search/", {"q": q})
    http = timed(
        lambda q: client.get(
            "/lines/directory/search/", {"q": q}, HTTP_HOST="localhost"
        ),
        items,
    )
    selector = timed(lambda q: directory_search(q, user=user), items)
    hits = sum(
        1 for q in items[:50] if client.get("/lines/directory/search/", {"q": q}).json()
    )
    print(f"{len(items)} queries ({hits}/50 sampled had results)")
    report("endpoint (HTTP through Django)", http)
    report("selector only", selector)
    if not args.keep:
        drop_database(DB)


if __name__ == "__main__":
    main()
