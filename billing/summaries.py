"""The month's call totals (``CallSummary``): kept and read.

Every write that changes a month's calls rebuilds the summary rows of the groups it
touched in its own transaction (one GROUP BY over those calls): the import of a
carrier's month (``billing.services._import``), the attribution of calls again
(``call_records_reattribute``, which resolving an unattributed line uses), and
changes or deletions in the admin (``call_records_changed``). Pages then read a few
hundred summary rows instead of adding up a month of calls per request.

The reads (``summary_totals``, ``summaries_visible_to``) keep the call list's
scopes: a department head sees the rows of their departments and their own, an
employee their own (roles.md).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from telephony_admin.core.money import to_money
from telephony_admin.core.services import audit_record
from telephony_admin.org.access import filter_by_scope

from .models import CallRecord, CallSummary

#: The columns a summary row is grouped by (the same names on ``CallRecord``).
GROUPED = (
    "period_id",
    "carrier_id",
    "department_id",
    "owner_id",
    "line_number",
    "call_class",
    "flags",
)
_BATCH = 2000


def call_summaries_rebuild(
    *, match: Q, calls: QuerySet[CallRecord] | None = None
) -> int:
    """Replace the summary rows ``match`` selects by the totals of the same calls.

    ``match`` may only use what both models have (``period``, ``carrier``,
    ``line_number``, ``department``, ``owner``...). ``calls`` is the same set of
    calls when the caller can name it more cheaply (an import's partition).
    Returns the number of summary rows written. Runs in the caller's transaction.
    """
    with transaction.atomic():
        stale = CallSummary.objects.filter(match)
        stale._raw_delete(stale.db)
        source = CallRecord.objects.filter(match) if calls is None else calls
        rows = (
            source.order_by()
            .values(*GROUPED)
            .annotate(
                n=Count("pk"),
                s=Coalesce(Sum("duration_seconds"), 0),
                c=Sum("charge"),
            )
        )
        with _grouping_memory():
            summaries = [
                CallSummary(
                    **{name: row[name] for name in GROUPED},
                    calls=row["n"],
                    seconds=row["s"],
                    charge=to_money(row["c"]),
                )
                for row in rows
            ]
        CallSummary.objects.bulk_create(summaries, batch_size=_BATCH)
    return len(summaries)


@contextlib.contextmanager
def _grouping_memory():
    """On PostgreSQL, the GROUP BY of a month's calls hashed in memory.

    The planner expects up to a tenth of a million groups (a few hundred in
    fact) and at the default 4 MB sorts a million calls on disk instead: 2.5 s
    against 0.5-0.7 s for the bench's month. JIT compilation costs another 0.1 s on a
    query run once. Both settings are restored after the query (the work memory is
    the audit's, ``AUDIT_WORK_MEM``).
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('work_mem'), current_setting('jit')")
        before = cursor.fetchone()
        cursor.execute(
            "SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)",
            [settings.AUDIT_WORK_MEM],
        )
    # On an error the caller's savepoint rolls back, and the settings with it.
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('work_mem', %s, true), set_config('jit', %s, true)",
            list(before),
        )


def call_summaries_of_periods(period_ids: Iterable[int]) -> int:
    """Rebuild whole months (the data migration, the admin's raw changes)."""
    written = 0
    for period_id in sorted(set(period_ids)):
        written += call_summaries_rebuild(match=Q(period_id=period_id))
    return written


def call_records_changed(*, actor, period_ids: Iterable[int], action: str) -> None:
    """Calls changed or deleted outside the import (the admin's raw access): their
    months' summaries rebuilt, the audits told (``CALLS_CHANGED``), and who did it
    recorded, all in the caller's transaction."""
    from .models import BillingPeriod
    from .services import CALLS_CHANGED

    period_ids = sorted(set(period_ids))
    if not period_ids:
        return
    with transaction.atomic():
        call_summaries_of_periods(period_ids)
        months = list(
            BillingPeriod.objects.filter(pk__in=period_ids).values_list(
                "month", flat=True
            )
        )
        for hook in CALLS_CHANGED:
            hook(months)
        audit_record(
            actor=actor,
            action=action,
            details={"months": [f"{month:%Y-%m}" for month in months]},
        )


# --- Reads --------------------------------------------------------------------------


def summaries_visible_to(user) -> QuerySet[CallSummary]:
    """Summary rows of the calls the user may see (the call list's scopes)."""
    return filter_by_scope(
        user,
        "calls.view",
        CallSummary.objects.all(),
        department="department",
        owner="owner",
    )


def summary_totals(summaries: QuerySet[CallSummary]) -> dict:
    """``count``, ``seconds`` and ``charge`` (to the fen) of the summary rows: the
    same dict as ``selectors.call_totals`` gives for the calls themselves."""
    totals = summaries.order_by().aggregate(
        count=Coalesce(Sum("calls"), 0),
        seconds=Coalesce(Sum("seconds"), 0),
        charge=Sum("charge"),
    )
    totals["charge"] = to_money(totals["charge"])
    return totals
