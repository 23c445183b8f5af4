"""Reads for the calendar pages."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import DateOverride, ServiceInterval, Weekday, format_intervals


def date_overrides_in(*, year: int, month: int | None = None) -> QuerySet[DateOverride]:
    """A year's (or one month's) overrides in date order."""
    overrides = DateOverride.objects.filter(date__year=year)
    if month is not None:
        overrides = overrides.filter(date__month=month)
    return overrides.order_by("date")


def weekly_hours() -> list[tuple[str, str]]:
    """``(weekday label, "08:30-12:00, 13:00-17:30")`` for Monday to Sunday."""
    per_weekday: dict[int, list[list[str]]] = {day: [] for day in Weekday.values}
    for interval in ServiceInterval.objects.order_by("weekday", "start"):
        per_weekday[interval.weekday].append(
            [interval.start.strftime("%H:%M"), interval.end.strftime("%H:%M")]
        )
    return [
        (Weekday(day).label, format_intervals(spans))
        for day, spans in per_weekday.items()
    ]
