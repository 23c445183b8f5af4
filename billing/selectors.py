"""Billing reads shared by pages, exports and issue 5's audits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from telephony_admin.org.access import filter_by_scope

from .models import BillImport, CallRecord, NumberRule


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
    totals["charge"] = Decimal(totals["charge"] or 0).quantize(Decimal("0.01"))
    return totals


def keyset_page(
    calls: QuerySet[CallRecord], *, after: tuple[datetime, int] | None, size: int
) -> tuple[list[CallRecord], tuple[datetime, int] | None]:
    """One page newest first, after the (started_at, pk) cursor; and the next cursor."""
    calls = calls.order_by("-started_at", "-pk")
    if after is not None:
        moment, pk = after
        calls = calls.filter(Q(started_at__lt=moment) | Q(started_at=moment, pk__lt=pk))
    rows = list(calls[: size + 1])
    following = None
    if len(rows) > size:
        rows = rows[:size]
        following = (rows[-1].started_at, rows[-1].pk)
    return rows, following


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
