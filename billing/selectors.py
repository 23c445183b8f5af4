"""Billing reads shared by pages, exports and issue 5's audits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from telephony_admin.core.money import to_money
from telephony_admin.org.access import filter_by_scope

from .errors import BillingError
from .models import BillImport, BillingPeriod, CallRecord, CallSummary, NumberRule
from .summaries import summaries_visible_to, summary_totals


def calls_visible_to(user) -> QuerySet[CallRecord]:
    """Call records the user may see ("call records": admin/finance/GM all, head
    dept, employee own; roles.md)."""
    return filter_by_scope(
        user,
        "calls.view",
        CallRecord.objects.select_related("department", "owner"),
        department="department",
        owner="owner",
    )


def call_totals(calls: QuerySet[CallRecord]) -> dict:
    totals = calls.order_by().aggregate(
        count=Count("pk"),
        seconds=Coalesce(Sum("duration_seconds"), 0),
        charge=Sum("charge"),
    )
    # R-BIL-7: yuan to the fen (SQLite sums decimals with float noise).
    totals["charge"] = to_money(totals["charge"])
    return totals


def call_totals_for(filterset, user) -> dict:
    """The call list's totals (count, seconds, charge) of a filter, from the month's
    summaries when every filter maps onto their dimensions (all but the called
    number), else added up from the calls themselves. Same scopes either way."""
    from .services import parse_month

    if not filterset.is_valid():
        return call_totals(filterset.qs)
    data = filterset.form.cleaned_data
    if data.get("called"):
        return call_totals(filterset.qs)
    summaries = summaries_visible_to(user)
    if data.get("month"):
        try:
            month = parse_month(data["month"])
        except BillingError:
            return call_totals(filterset.qs)
        summaries = summaries.filter(period__month=month)
    if data.get("line"):
        summaries = summaries.filter(line_number__startswith=data["line"])
    for name in ("owner", "department", "carrier", "call_class"):
        if data.get(name):
            summaries = summaries.filter(**{name: data[name]})
    if data.get("flag"):
        summaries = summaries.alias(_flag=F("flags").bitand(int(data["flag"]))).filter(
            _flag__gt=0
        )
    return summary_totals(summaries)


Cursor = tuple[datetime, int]


def keyset_page(
    calls: QuerySet[CallRecord],
    *,
    after: Cursor | None = None,
    before: Cursor | None = None,
    size: int,
) -> tuple[list[CallRecord], Cursor | None, Cursor | None]:
    """One page newest first by the (started_at, pk) keyset, and the cursors of the
    older and newer pages (None at either end). A page deep in the month costs
    what the first one does: the natural key (call time first) starts at the cursor.

    ``after`` pages towards older calls, ``before`` back towards newer ones: the
    page is read in ascending order from the cursor, then reversed.
    """
    if before is not None:
        moment, pk = before
        rows = list(
            calls.filter(
                Q(started_at__gt=moment) | Q(started_at=moment, pk__gt=pk),
                started_at__gte=moment,
            ).order_by("started_at", "pk")[: size + 1]
        )
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        older = (rows[-1].started_at, rows[-1].pk) if rows else None
        newer = (rows[0].started_at, rows[0].pk) if rows and more_newer else None
        return rows, older, newer
    calls = calls.order_by("-started_at", "-pk")
    if after is not None:
        moment, pk = after
        calls = calls.filter(
            Q(started_at__lt=moment) | Q(started_at=moment, pk__lt=pk),
            # The same bound alone, which the index can start from: without it a
            # deep page reads the month's index from its newest call to the cursor.
            started_at__lte=moment,
        )
    rows = list(calls[: size + 1])
    older = None
    if len(rows) > size:
        rows = rows[:size]
        older = (rows[-1].started_at, rows[-1].pk)
    newer = (rows[0].started_at, rows[0].pk) if rows and after is not None else None
    return rows, older, newer


def period_id_of(month: date) -> int | None:
    """The id of the billing month starting ``month`` (None if there is none)."""
    return (
        BillingPeriod.objects.filter(month=month.replace(day=1))
        .values_list("pk", flat=True)
        .first()
    )


def latest_billed_month() -> date | None:
    """The most recent month with imported calls (the call list's default month),
    from the summaries (a month's calls have no index of their own on the month)."""
    return (
        BillingPeriod.objects.filter(
            Exists(CallSummary.objects.filter(period=OuterRef("pk")))
        )
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )


def export_rows(calls: QuerySet[CallRecord]) -> Iterator[tuple]:
    """The filtered calls as tuples for the Excel export, streamed from the database."""
    return (
        calls.order_by("started_at", "pk")
        .values_list(
            "started_at",
            "line_number",
            "called_number",
            "duration_seconds",
            "charge",
            "call_class",
            "carrier_call_type",
            "ip_prefix",
            "flags",
            "department__name",
            "owner__name",
            "period__month",
            "bill_import__original_name",
            "row_number",
        )
        .iterator(chunk_size=5000)
    )


def unattributed_lines(calls: QuerySet[CallRecord]) -> QuerySet:
    """Calling numbers without a line in the directory at the call time (R-BIL-3)."""
    return (
        calls.unattributed()
        .order_by()
        .values("line_number")
        .annotate(
            count=Count("pk"),
            charge=Sum("charge"),
            first=Min("started_at"),
            last=Max("started_at"),
        )
        .order_by("-count", "line_number")
    )


def imports_recent() -> QuerySet[BillImport]:
    return BillImport.objects.select_related("period", "carrier", "created_by")


def number_rules() -> QuerySet[NumberRule]:
    return NumberRule.objects.order_by("kind", "call_class", "prefix", "-valid_from")
