"""The month's call summaries recounted from the calls themselves."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from billing.models import CallRecord, CallSummary
from billing.summaries import GROUPED


def recounted() -> dict[tuple, tuple[int, int, Decimal]]:
    """Group -> (calls, seconds, charge), added up in Python from every call."""
    totals: dict[tuple, list] = defaultdict(lambda: [0, 0, Decimal("0.00")])
    for row in CallRecord.objects.values_list(*GROUPED, "duration_seconds", "charge"):
        group = totals[row[: len(GROUPED)]]
        group[0] += 1
        group[1] += row[-2]
        group[2] += row[-1]
    return {
        key: (n, s, c.quantize(Decimal("0.01"))) for key, (n, s, c) in totals.items()
    }


def stored() -> dict[tuple, tuple[int, int, Decimal]]:
    rows = CallSummary.objects.values_list(*GROUPED, "calls", "seconds", "charge")
    result = {}
    for row in rows:
        key = row[: len(GROUPED)]
        assert key not in result, f"group {key} stored twice"
        result[key] = (row[-3], row[-2], row[-1])
    return result


def assert_summaries_current() -> None:
    """The summaries hold exactly the calls' totals: every group, no other."""
    assert stored() == recounted()
