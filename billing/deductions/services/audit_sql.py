"""The audit's rules as set-based SQL (PostgreSQL): one ``INSERT ... SELECT`` per
rule over the month's calls, skipping the calls the rule has already found.

The number plan's verdict is on each call already (its class and flags, R-BIL-2);
the class-of-service history, the long-distance requests and the 400 lines are
joined in SQL. A finding is unique per call and rule (a constraint): a rule run
again inserts only what is new and keeps every decision already taken. The calls
already found are left out by an anti-join rather than ``ON CONFLICT DO NOTHING``,
whose speculative insertion costs every new row; audits of one month never run side
by side (the month's row lock). The portable path in
``audit_rules`` gives the same findings (tests compare both on the same month).
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection

from billing.models import LONG_DISTANCE, CallClass, CallFlag, CallRecord
from telephony_admin.org.models import Department

from ..models import FindingKind, FindingStatus, Rule, Violation
from .audit_rules import LAPSED_PK, NOT_AUDITED, RuleContext

CALLS = CallRecord._meta.db_table
FINDINGS = Violation._meta.db_table
DEPARTMENTS = Department._meta.db_table

#: The columns a finding copies from its call; ``{amount}`` etc. are filled per rule.
INSERT = f"""
INSERT INTO {{findings}} (
    call_id, period_id, rule, kind, status, employee_id, department_id,
    line_number, called_number, started_at, duration_seconds, call_class, charge,
    multiplier, fine, amount, ld_request_id, note, decision_reason, created_at
)
SELECT c.id, c.period_id, %(rule)s, %(kind)s, %(status)s, {{employee}},
    c.department_id, c.line_number, c.called_number, c.started_at,
    c.duration_seconds, c.call_class, c.charge, {{multiplier}}, {{fine}},
    ROUND(c.charge * {{multiplier}} + {{fine}}, 2), {{request}}, {{note}}, '',
    %(now)s
FROM {{source}}
LEFT JOIN {DEPARTMENTS} d ON d.id = c.department_id
WHERE ({{where}}) AND NOT EXISTS (
    SELECT 1 FROM {{findings}} v WHERE v.call_id = c.id AND v.rule = %(rule)s
)
RETURNING employee_id, status
"""
#: The call's local day and time: the company's calendar, as Django's lookups.
#: ``tz`` is the zone's name, or its offset when that is the same all over the
#: month (``fixed_offset``): a fixed offset converts a million times faster.
LOCAL = "(c.started_at AT TIME ZONE %(tz)s)"


def fixed_offset(start: date, until: date) -> timedelta | None:
    """The company zone's UTC offset if it is one and the same from ``start`` to
    ``until`` (Asia/Shanghai: since 1991), else None (a daylight-saving change)."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    offsets = {
        datetime.combine(start + timedelta(days=n), time(12), zone).utcoffset()
        for n in range((until - start).days + 1)
    }
    return offsets.pop() if len(offsets) == 1 else None


def _zone(ctx: RuleContext) -> str | timedelta:
    offset = fixed_offset(ctx.requests_from, ctx.requests_until)
    return offset if offset is not None else settings.TIME_ZONE


def _insert(
    rule: str,
    ctx: RuleContext,
    *,
    where: str,
    source: str = f"{CALLS} c",
    multiplier: str = "%(multiplier)s",
    fine: str = "0",
    employee: str = "COALESCE(c.owner_id, d.head_id)",
    request: str = "NULL",
    note: str = "%(note)s",
    params: dict | None = None,
    with_: str = "",
) -> int:
    unambiguous = ctx.unambiguous(rule)
    # The new findings per person charged, counted as they are inserted (no scan
    # of the month's findings afterwards for the counts and the notifications).
    inserted = INSERT.format(
        findings=ctx.findings_table or FINDINGS,
        employee=employee,
        multiplier=multiplier,
        fine=fine,
        request=request,
        note=note,
        source=source,
        where=where,
    )
    sql = f"""{with_ + "," if with_ else "WITH"} inserted AS ({inserted})
SELECT employee_id, COUNT(*), COUNT(*) FILTER (WHERE status = %(charged)s)
FROM inserted GROUP BY employee_id"""
    values = {
        "rule": str(rule),
        "kind": str(FindingKind.VIOLATION if unambiguous else FindingKind.REVIEW),
        "status": str(FindingStatus.CHARGED if unambiguous else FindingStatus.OPEN),
        "now": ctx.now,
        "tz": _zone(ctx),
        "period": ctx.period.pk,
        "multiplier": ctx.multiplier(rule),
        "note": ctx.notes[rule],
        "not_audited": [str(c) for c in NOT_AUDITED],
        "charged": str(FindingStatus.CHARGED),
        **(params or {}),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        rows = cursor.fetchall()
    for employee_id, _count, charged in rows:
        if employee_id is not None and charged:
            ctx.charged[employee_id] = ctx.charged.get(employee_id, 0) + charged
    return sum(row[1] for row in rows)


MONTH = "c.period_id = %(period)s"
AUDITED = f"{MONTH} AND c.call_class <> ALL(%(not_audited)s)"


def premium(ctx: RuleContext) -> int:
    """R-BIL-5: five times the charge of a premium-number call."""
    return _insert(
        Rule.PREMIUM,
        ctx,
        where=f"{MONTH} AND (c.call_class = %(premium)s OR (c.flags & %(bit)s) > 0)",
        params={"premium": str(CallClass.PREMIUM), "bit": int(CallFlag.PREMIUM)},
    )


def hotline_outbound(ctx: RuleContext) -> int:
    """R-HOT-1: the 400 number only receives."""
    if not ctx.hotline_numbers:
        return 0
    return _insert(
        Rule.HOTLINE_OUTBOUND,
        ctx,
        where=f"{MONTH} AND c.line_number = ANY(%(hotlines)s)",
        params={"hotlines": list(ctx.hotline_numbers)},
    )


def no_ip_prefix(ctx: RuleContext) -> int:
    """R-LD-3: long distance dialled without the IP prefix (flagged at import)."""
    return _insert(
        Rule.NO_IP_PREFIX,
        ctx,
        where=f"{MONTH} AND (c.flags & %(bit)s) > 0",
        params={"bit": int(CallFlag.NO_IP_PREFIX)},
    )


def night_weekend(ctx: RuleContext) -> int:
    """Review flag: a call worth a look outside working time."""
    time = f"{LOCAL}::time"
    if ctx.night_starts > ctx.night_ends:
        night = f"({time} >= %(starts)s OR {time} < %(ends)s)"
    else:
        night = f"({time} >= %(starts)s AND {time} < %(ends)s)"
    off_day = f"{LOCAL}::date = ANY(%(off_days)s::date[])"
    return _insert(
        Rule.NIGHT_WEEKEND,
        ctx,
        where=(
            f"{AUDITED} AND c.charge > 0 AND ({night} OR {off_day}) AND "
            "(c.duration_seconds >= %(min_seconds)s OR c.charge >= %(min_charge)s)"
        ),
        params={
            "starts": ctx.night_starts,
            "ends": ctx.night_ends,
            "off_days": ctx.off_days,
            "min_seconds": ctx.off_hours_min_seconds,
            "min_charge": ctx.off_hours_min_charge,
        },
    )


def long_call(ctx: RuleContext) -> int:
    return _insert(
        Rule.LONG_CALL,
        ctx,
        where=f"{AUDITED} AND c.duration_seconds >= %(seconds)s",
        params={"seconds": ctx.long_call_seconds},
    )


def repeated(ctx: RuleContext) -> int:
    """Review flag: N or more calls from a line to one number on one day. Grouped
    (hash) and joined back rather than a window over the sorted month."""
    return _insert(
        Rule.REPEATED,
        ctx,
        with_=f"""
WITH busy AS (
    SELECT c.line_number, c.called_number, {LOCAL}::date AS day
    FROM {CALLS} c WHERE {AUDITED}
    GROUP BY 1, 2, 3 HAVING COUNT(*) >= %(per_day)s
)""",
        source=f"""{CALLS} c JOIN busy b ON b.line_number = c.line_number
            AND b.called_number = c.called_number AND b.day = {LOCAL}::date""",
        where=AUDITED,
        params={"per_day": ctx.repeat_calls_per_day},
    )


def _digits(column: str) -> str:
    return f"regexp_replace({column}, '[^0-9]', '', 'g')"


def _without_prefix(digits: str) -> str:
    """``digits`` without the call's IP prefix when it starts with it."""
    return (
        f"CASE WHEN c.ip_prefix <> '' AND left({digits}, length(c.ip_prefix)) = "
        f"c.ip_prefix THEN substr({digits}, length(c.ip_prefix) + 1) "
        f"ELSE {digits} END"
    )


def _long_distance_sql(ctx: RuleContext) -> str:
    """CTEs: the month's long-distance calls with the class their line allowed at
    the call time (``allowed``) and the requests that could cover each
    (``candidates``), as ``audit_rules.long_distance`` decides them."""
    from extensions.models import ClassChange, Line, LongDistanceRequest

    lines, changes = Line._meta.db_table, ClassChange._meta.db_table
    requests = LongDistanceRequest._meta.db_table
    called, wanted = _digits("c.called_number"), "r.wanted"
    return f"""
WITH ld AS MATERIALIZED (
    -- The columns the findings copy and the rules read (not the raw bill row:
    -- the month's long-distance calls then stay in memory).
    SELECT c.id, c.period_id, c.department_id, c.owner_id, c.line_number,
        c.called_number, c.started_at, c.duration_seconds, c.call_class, c.charge,
        c.ip_prefix, CASE WHEN c.call_class = %(domestic)s THEN 2 ELSE 3 END AS needed,
        {LOCAL}::date AS day
    FROM {CALLS} c
    WHERE {MONTH} AND c.call_class = ANY(%(ld_classes)s)
        AND c.department_id IS NOT NULL
),
timeline AS MATERIALIZED (
    -- Class-of-service intervals per line: before the first change the class it
    -- started from, then each change's class until the next; no history: the
    -- line's current class. Changes at the same instant: the last one wins.
    SELECT l.number, ch.to_class AS class, ch.effective_at AS since,
        LEAD(ch.effective_at, 1, 'infinity') OVER w AS until
    FROM {changes} ch JOIN {lines} l ON l.id = ch.line_id
    WINDOW w AS (PARTITION BY ch.line_id ORDER BY ch.effective_at, ch.id)
    UNION ALL (
        SELECT DISTINCT ON (ch.line_id) l.number, ch.from_class,
            '-infinity'::timestamptz, ch.effective_at
        FROM {changes} ch JOIN {lines} l ON l.id = ch.line_id
        ORDER BY ch.line_id, ch.effective_at, ch.id
    )
),
requested AS (
    SELECT r.id, r.caller_id, r.status, r.placed_now, r.created_at, l.number,
        CASE WHEN r.region = %(domestic)s THEN 2 ELSE 3 END AS required,
        r.destination_number AS destination,
        {_digits("r.destination_number")} AS wanted, r.call_on AS day
    FROM {requests} r JOIN {lines} l ON l.id = r.line_id
    WHERE r.call_on BETWEEN %(requests_from)s AND %(requests_until)s
),
request_days AS (
    SELECT * FROM requested
    UNION
    SELECT q.id, q.caller_id, q.status, q.placed_now, q.created_at, q.number,
        q.required, q.destination, q.wanted,
        (r.placed_at AT TIME ZONE %(tz)s)::date
    FROM requested q JOIN {requests} r ON r.id = q.id
    WHERE r.placed_at IS NOT NULL
),
candidates AS (
    SELECT c.id AS call_id, r.id AS request_id, r.caller_id, r.status,
        r.placed_now, r.created_at
    FROM ld c JOIN request_days r ON r.number = c.line_number AND r.day = c.day
    WHERE r.required >= c.needed AND (
        r.destination = '' OR (
            {wanted} <> ''
            AND {_without_prefix(called)} = {_without_prefix(wanted)}
        )
    )
),
lapsed AS (
    SELECT DISTINCT ON (call_id) call_id, request_id, caller_id
    FROM candidates WHERE status = %(lapsed)s
    ORDER BY call_id, created_at DESC, request_id DESC
),
allowed AS (
    -- Intervals of one line never overlap (same-instant changes leave empty ones),
    -- so each call joins at most one; a line not in the directory allows nothing.
    SELECT c.*, COALESCE(t.class, l.class_of_service, 0) AS allowed
    FROM ld c
    LEFT JOIN timeline t ON t.number = c.line_number
        AND c.started_at >= t.since AND c.started_at < t.until
    LEFT JOIN {lines} l ON l.number = c.line_number
)"""


def _ld_params(ctx: RuleContext) -> dict:
    from extensions.models import LDStatus

    return {
        "domestic": str(CallClass.DOMESTIC),
        "ld_classes": [str(c) for c in LONG_DISTANCE],
        "requests_from": ctx.requests_from,
        "requests_until": ctx.requests_until,
        "lapsed": str(LDStatus.LAPSED),
        "approved": str(LDStatus.APPROVED),
        "pending": str(LDStatus.PENDING),
        "hk": str(CallClass.HK_MO_TW),
        "fine_domestic": ctx.ld_fines[CallClass.DOMESTIC],
        "fine_hk": ctx.ld_fines[CallClass.HK_MO_TW],
        "fine_international": ctx.ld_fines[CallClass.INTERNATIONAL],
        "placeholder": LAPSED_PK,
    }


def ld_lapsed(ctx: RuleContext) -> int:
    """R-LD-2: an urgent call whose approval lapsed costs its caller double."""
    return _insert(
        Rule.LD_LAPSED,
        ctx,
        with_=_long_distance_sql(ctx),
        source="ld c JOIN lapsed x ON x.call_id = c.id",
        where="TRUE",
        employee="x.caller_id",
        request="x.request_id",
        note="replace(%(note)s, %(placeholder)s, x.request_id::text)",
        params=_ld_params(ctx),
    )


def ld_unauthorised(ctx: RuleContext) -> int:
    """R-LD-4: beyond the line's class, no approved (or placed-now) request: the
    fine by destination plus the charge."""
    return _insert(
        Rule.LD_UNAUTHORISED,
        ctx,
        with_=_long_distance_sql(ctx),
        source="allowed c",
        # NOT IN over the (small) sets of covered calls: hashed once, not a
        # nested loop per call as NOT EXISTS over a CTE became.
        where="""c.allowed < c.needed
            AND c.id NOT IN (SELECT x.call_id FROM lapsed x)
            AND c.id NOT IN (
                SELECT k.call_id FROM candidates k WHERE k.status = %(approved)s
                    OR (k.status = %(pending)s AND k.placed_now)
            )""",
        fine="""(CASE c.call_class WHEN %(domestic)s THEN %(fine_domestic)s
            WHEN %(hk)s THEN %(fine_hk)s ELSE %(fine_international)s END)""",
        params=_ld_params(ctx),
    )


#: (rule, statement) in the order of the portable path; each statement returns the
#: number of findings it inserted and adds the charged ones to ``ctx.charged``.
RULES = (
    (Rule.PREMIUM, premium),
    (Rule.LD_LAPSED, ld_lapsed),
    (Rule.LD_UNAUTHORISED, ld_unauthorised),
    (Rule.NO_IP_PREFIX, no_ip_prefix),
    (Rule.NIGHT_WEEKEND, night_weekend),
    (Rule.LONG_CALL, long_call),
    (Rule.REPEATED, repeated),
    (Rule.HOTLINE_OUTBOUND, hotline_outbound),
)
