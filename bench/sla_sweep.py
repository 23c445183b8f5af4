#!/usr/bin/env python
"""Benchmark: the complaint SLA sweep (R-CMP-3) on many open complaints, in PostgreSQL.

    .venv/bin/python bench/sla_sweep.py [--complaints 100000] [--due 20000] [--keep]

1. creates a scratch database ``telephony_bench_sla`` (``BENCH_DB``; dropped first) at
   BENCH_PG (default postgres://postgres@127.0.0.1:5432), migrates it and seeds the
   2026 working calendar;
2. makes 20 departments with a head and two handlers each, 10 customer-service agents,
   a customer-service head and a general manager (all with logins);
3. generates the open complaints (general, verified, routed to a department and a
   handler) and their three clocks each (first reply, resolution target, resolution
   maximum) with ``INSERT ... SELECT`` over ``generate_series``: ``--due`` of the
   clocks are due at the sweep's time, alternately for their warning and for their
   breach (so a third of the breaches are resolution maxima), the others later;
4. times ``sla_sweep`` (what beat's task and ``manage.py complaints_sla_sweep`` run),
   counts its SQL statements, checks what it recorded (an event per due clock, the
   follow-up tasks, the escalations on the history, the notifications) and times a
   second sweep at the same time, which must find nothing;
5. prints the figures; the last line is ``sla_sweep: N events in S s``.
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from _common import (
    backend_cpu,
    bench_db,
    drop_database,
    load,
    own_cpu,
    peak_rss_mb,
    scratch_database,
    setup_django,
)

DB = bench_db("telephony_bench_sla")
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Wednesday
DEPARTMENTS = 20
AGENTS = 10


def seed_people() -> dict:
    from django.contrib.auth import get_user_model

    from telephony_admin.org.models import Department, Employee, Role
    from telephony_admin.org.services import roles_ensure_groups
    from telephony_admin.workcal import calendar
    from telephony_admin.workcal.services import calendar_seed_year

    calendar_seed_year(year=2026)
    calendar.invalidate()
    roles_ensure_groups()
    User = get_user_model()
    people: dict[str, list] = {"heads": [], "handlers": [], "agents": []}

    def person(username: str, name: str, department, role: str | None = None):
        # An unusable password: hashing a hundred real ones would dominate the set-up.
        user = User.objects.create(username=username, password="!")
        if role:
            from django.contrib.auth.models import Group

            user.groups.add(Group.objects.get(name=role))
        return Employee.objects.create(
            number=username.upper(), name=name, department=department, user=user
        )

    management = Department.objects.create(code="GMO", name="总经理办公室")
    service = Department.objects.create(code="CS", name="客服部")
    people["gm"] = person("gm", "陈总", management, Role.GM)
    people["cs_head"] = person("cs_head", "赵主管", service, Role.CS_HEAD)
    management.head = people["gm"]
    management.save(update_fields=["head"])
    service.head = people["cs_head"]
    service.save(update_fields=["head"])
    for n in range(AGENTS):
        people["agents"].append(person(f"agent{n}", f"客服{n}", service, Role.CS_AGENT))
    people["departments"] = []
    for d in range(DEPARTMENTS):
        department = Department.objects.create(code=f"D{d:02d}", name=f"业务{d}部")
        head = person(f"head{d}", f"经理{d}", department)
        department.head = head
        department.save(update_fields=["head"])
        people["departments"].append(department)
        people["heads"].append(head)
        for h in range(2):
            people["handlers"].append(
                person(f"handler{d}_{h}", f"处理{d}-{h}", department, Role.HANDLER)
            )
    return people


def _columns(model, values: dict[str, str], template: str) -> tuple[str, str]:
    """Every concrete column but the key: the given SQL expression or the template's."""
    names, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(field.column)
        expressions.append(values.get(field.column, f"{template}.{field.column}"))
    return ", ".join(names), ", ".join(expressions)


def generate(complaints: int, due: int, people: dict) -> None:
    """Complaints and clocks in SQL: a template row each, copied over a series."""
    from datetime import timedelta

    from django.db import connection

    from callcenter.complaints.models import (
        ClockBasis,
        ClockKind,
        ClockState,
        Complaint,
        Complexity,
        Kind,
        SlaClock,
        Status,
    )

    agents = [e.pk for e in people["agents"]]
    departments = [d.pk for d in people["departments"]]
    handlers = [e.pk for e in people["handlers"]]
    template = Complaint.objects.create(
        number="TEMPLATE",
        accepted_at=NOW - timedelta(days=3),
        customer_name="模板",
        contact_phone="13800000000",
        agent_id=agents[0],
        kind=Kind.COMPLAINT,
        complexity=Complexity.GENERAL,
        content="话机无法拨出长途",
        department_id=departments[0],
        assignee_id=handlers[0],
        status=Status.VERIFIED,
        founded=True,
    )
    clock = SlaClock.objects.create(
        complaint=template,
        kind=ClockKind.FIRST_REPLY,
        basis=ClockBasis.SERVICE,
        budget=timedelta(hours=2),
        state=ClockState.RUNNING,
        started_at=template.accepted_at,
        due_at=template.accepted_at + timedelta(hours=2),
        warn_at=template.accepted_at + timedelta(hours=1, minutes=30),
        next_check_at=template.accepted_at,
    )
    # Departments and handlers go together (a handler of complaint i's department).
    complaint_values = {
        "number": "'TS-2026-' || lpad(g::text, 6, '0')",
        "accepted_at": "t.accepted_at - g * interval '1 second'",
        "customer_name": "'客户' || g",
        "contact_phone": "'138' || lpad(g::text, 8, '0')",
        "agent_id": f"(ARRAY{agents})[1 + mod(g, {len(agents)})]",
        "department_id": f"(ARRAY{departments})[1 + mod(g, {len(departments)})]",
        "assignee_id": (
            f"(ARRAY{handlers})[1 + 2 * mod(g, {len(departments)}) + mod(g / 7, 2)]"
        ),
        "created_at": "t.created_at",
        "updated_at": "t.updated_at",
    }
    table = Complaint._meta.db_table
    names, expressions = _columns(Complaint, complaint_values, "t")
    kinds = [
        ClockKind.FIRST_REPLY,
        ClockKind.RESOLUTION_TARGET,
        ClockKind.RESOLUTION_MAX,
    ]
    # Clock j (0-based over complaints in order, three each): the first ``due`` are
    # due now, even ones for their warning, odd ones past their due time.
    j = "((c.id - first.id) * 3 + k.n)"
    # Due ones spread over the last hours (a second apart), as a backlog would be.
    ago = f"%(now)s - interval '1 second' * (60 + {j})"
    clock_values = {
        "complaint_id": "c.id",
        "kind": "k.kind",
        "started_at": "c.accepted_at",
        "due_at": (
            f"CASE WHEN {j} < {due} AND mod({j}, 2) = 1 THEN {ago} "
            "ELSE %(now)s + interval '1 day' END"
        ),
        "warn_at": (
            f"CASE WHEN {j} < {due} THEN {ago} - interval '1 minute' "
            "ELSE %(now)s + interval '2 hours' END"
        ),
        "next_check_at": (
            f"CASE WHEN {j} < {due} THEN {ago} - interval '1 minute' "
            "ELSE %(now)s + interval '2 hours' END"
        ),
    }
    clock_names, clock_expressions = _columns(SlaClock, clock_values, "t")
    kind_rows = ", ".join(f"({n}, '{kind}')" for n, kind in enumerate(kinds))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {expressions} "
            f"FROM {table} t, generate_series(1, %s) g WHERE t.id = %s",
            [complaints, template.pk],
        )
        cursor.execute(
            f"INSERT INTO {SlaClock._meta.db_table} ({clock_names}) "
            f"SELECT {clock_expressions} FROM {table} c "
            f"CROSS JOIN (VALUES {kind_rows}) AS k(n, kind) "
            f"CROSS JOIN {SlaClock._meta.db_table} t "
            f"CROSS JOIN (SELECT min(id) AS id FROM {table} WHERE id <> %(template)s) "
            f"AS first WHERE t.id = %(clock)s AND c.id <> %(template)s",
            {"now": NOW, "template": template.pk, "clock": clock.pk},
        )
        clock.delete()
        template.delete()
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=20_000)
    parser.add_argument(
        "--batch", type=int, default=None, help="clocks per batch (the sweep's default)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    if args.due > 3 * args.complaints:
        parser.error("--due is at most three clocks per complaint")

    scratch_database(DB)
    setup_django(DB)
    from django.db import connection

    from callcenter.complaints.models import (
        ClockState,
        ComplaintEvent,
        EventLevel,
        FollowUpTask,
        SlaClock,
        SlaEvent,
    )
    from callcenter.complaints.sla import sla_sweep
    from telephony_admin.core.models import Notification

    started = time.perf_counter()
    people = seed_people()
    generate(args.complaints, args.due, people)
    clocks = SlaClock.objects.count()
    print(
        f"generated {args.complaints} open complaints, {clocks} clocks "
        f"({args.due} due) in {time.perf_counter() - started:.1f}s"
    )

    statements = []

    def count(execute, sql, params, many, context):
        statements.append(1)
        return execute(sql, params, many, context)

    batch = {"batch": args.batch} if args.batch else {}
    load_before = load()
    py_before, pg_before = own_cpu(), backend_cpu()
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        events = sla_sweep(now=NOW, **batch)
        elapsed = time.perf_counter() - started
    py_cpu, pg_after = own_cpu() - py_before, backend_cpu()
    queries = len(statements)
    started = time.perf_counter()
    again = sla_sweep(now=NOW)
    second = time.perf_counter() - started

    levels = dict.fromkeys(EventLevel.values, 0)
    for level in SlaEvent.objects.values_list("level", flat=True):
        levels[level] += 1
    print(
        f"sweep: {events} events in {elapsed:.2f}s = {events / elapsed:,.0f} events/s; "
        + ", ".join(f"{level} {n}" for level, n in levels.items())
    )
    print(
        f"SQL statements: {queries} ({queries / max(events, 1):.2f} per event); "
        f"due clocks left: "
        f"{SlaClock.objects.filter(state=ClockState.RUNNING, next_check_at__lte=NOW).count()}"
    )
    print(
        f"recorded: {SlaEvent.objects.count()} events, "
        f"{FollowUpTask.objects.count()} follow-up tasks, "
        f"{ComplaintEvent.objects.filter(action='escalated').count()} escalations "
        f"on the history, {Notification.objects.count()} notifications"
    )
    print(f"second sweep at the same time: {again} events in {second:.2f}s")
    if pg_before is not None and pg_after is not None:
        print(f"CPU: {py_cpu:.1f}s Python + {pg_after - pg_before:.1f}s PostgreSQL")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")
    print(f"load average before {load_before}, after {load()}")
    if not args.keep:
        drop_database(DB)
    print(f"sla_sweep: {events} events in {elapsed:.2f} s")


if __name__ == "__main__":
    main()
