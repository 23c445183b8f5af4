"""Traffic statistics (R-SWB-5): calls and talk hours per month, quarter and year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth, ExtractQuarter, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from telephony_admin.core.excel import table_sheet, workbook_bytes

from .models import HotlineCall, Service, SwitchboardCall

PERIODS = ("month", "quarter", "year")


@dataclass(frozen=True)
class TrafficRow:
    label: str
    switchboard_calls: int
    switchboard_hours: Decimal
    hotline_calls: int
    hotline_hours: Decimal


def _hours(seconds: int | None) -> Decimal:
    return (Decimal(seconds or 0) / 3600).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _querysets(start_year: int, end_year: int):
    zone = timezone.get_current_timezone()
    start = datetime(start_year, 1, 1, tzinfo=zone)
    end = datetime(end_year + 1, 1, 1, tzinfo=zone)
    switchboard = SwitchboardCall.objects.filter(
        started_at__gte=start, started_at__lt=end
    ).exclude(outcome=SwitchboardCall.Outcome.OFFERED)
    hotline = HotlineCall.objects.filter(
        started_at__gte=start, started_at__lt=end
    ).exclude(outcome__in=[HotlineCall.Outcome.OFFERED, HotlineCall.Outcome.TEST])
    return zone, {Service.SWITCHBOARD: switchboard, Service.HOTLINE: hotline}


def traffic(*, period: str, year: int) -> list[TrafficRow]:
    """Rows for ``year`` by month or quarter, or the five years to ``year`` by year."""
    if period not in PERIODS:
        raise ValueError(period)
    first_year = year - 4 if period == "year" else year
    zone, querysets = _querysets(first_year, year)
    keys = {"y": ExtractYear("started_at", tzinfo=zone)}
    if period == "month":
        keys["n"] = ExtractMonth("started_at", tzinfo=zone)
        labels = [((year, n), f"{year}-{n:02d}") for n in range(1, 13)]
    elif period == "quarter":
        keys["n"] = ExtractQuarter("started_at", tzinfo=zone)
        labels = [((year, n), f"{year} Q{n}") for n in range(1, 5)]
    else:
        labels = [((y, None), str(y)) for y in range(first_year, year + 1)]
    counts: dict = {}
    for service, qs in querysets.items():
        rows = (
            qs.annotate(**keys)
            .values(*keys)
            .annotate(calls=Count("pk"), seconds=Sum("duration_seconds"))
        )
        for row in rows:
            key = (row["y"], row.get("n"))
            counts[(service, key)] = (row["calls"], row["seconds"])
    result = []
    for key, label in labels:
        sw = counts.get((Service.SWITCHBOARD, key), (0, 0))
        ho = counts.get((Service.HOTLINE, key), (0, 0))
        result.append(TrafficRow(label, sw[0], _hours(sw[1]), ho[0], _hours(ho[1])))
    return result


def traffic_workbook(*, year: int) -> bytes:
    """An Excel workbook with one sheet per period (R-SWB-5)."""
    titles = {
        "month": _("By month"),
        "quarter": _("By quarter"),
        "year": _("By year"),
    }
    headers = [
        _("Period"),
        _("Switchboard calls"),
        _("Switchboard talk hours"),
        _("Hotline calls"),
        _("Hotline talk hours"),
    ]
    sheets = []
    for period in PERIODS:
        table = table_sheet(
            str(titles[period]),
            headers,
            (
                [
                    r.label,
                    r.switchboard_calls,
                    r.switchboard_hours,
                    r.hotline_calls,
                    r.hotline_hours,
                ]
                for r in traffic(period=period, year=year)
            ),
            widths=[14, 18, 22, 16, 20],
        )
        sheets.append(table)
    return workbook_bytes(sheets)
