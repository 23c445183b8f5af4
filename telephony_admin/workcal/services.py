"""Writes to the working calendar: seeding, administrators' overrides and hours.

Each write invalidates the calendar snapshot twice: at once, so the same process (and
the same test) sees its own change, and again after commit, so no other process can
have reloaded the old rows in between and kept them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

import chinese_calendar
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from telephony_admin.core.services import audit_record
from telephony_admin.errors import DomainError

from . import calendar
from .models import (
    DateOverride,
    OverrideKind,
    OverrideSource,
    ServiceInterval,
    format_intervals,
)


class CalendarError(DomainError):
    """A calendar change was refused (bad intervals, no holiday data for a year)."""


def _changed() -> None:
    calendar.invalidate()
    transaction.on_commit(calendar.invalidate)


def _validation_message(error: ValidationError) -> str:
    return " ".join(error.messages)


@dataclass(frozen=True)
class SeedResult:
    year: int
    created: int
    updated: int
    deleted: int
    kept_manual: int


def _official_overrides(year: int) -> dict[date, tuple[str, str]]:
    """The package's holidays and make-up days of ``year``: date -> (kind, name).

    ``get_holiday_detail`` names a date only when it belongs to a public holiday's
    arrangement, so ordinary weekends (no name) stay with the weekday hours.
    """
    day = date(year, 1, 1)
    found: dict[date, tuple[str, str]] = {}
    try:
        while day.year == year:
            is_holiday, name = chinese_calendar.get_holiday_detail(day)
            if name:
                kind = OverrideKind.HOLIDAY if is_holiday else OverrideKind.MAKEUP
                found[day] = (kind, str(name))
            day += timedelta(days=1)
    except NotImplementedError as exc:
        raise CalendarError(
            _(
                "The Chinese calendar package has no holiday data for %(year)s; "
                "update the chinesecalendar package or enter the holidays by hand."
            )
            % {"year": year}
        ) from exc
    return found


@transaction.atomic
def calendar_seed_year(*, year: int, actor: Any = None) -> SeedResult:
    """Load ``year``'s public holidays and make-up days (调休) from ``chinesecalendar``.

    Idempotent: rerunning changes nothing, and an override an administrator entered
    or edited (``source=manual``) is never touched. Seeded rows the package no longer
    lists (a corrected notice) are removed.
    """
    official = _official_overrides(year)
    existing = {
        override.date: override
        for override in DateOverride.objects.select_for_update().filter(date__year=year)
    }
    created = updated = deleted = kept = 0
    for day, (kind, name) in official.items():
        override = existing.get(day)
        if override is None:
            DateOverride.objects.create(
                date=day,
                kind=kind,
                name=name,
                intervals=[],
                source=OverrideSource.SEEDED,
            )
            created += 1
        elif override.source == OverrideSource.MANUAL:
            kept += 1
        elif (override.kind, override.name, override.intervals) != (kind, name, []):
            override.kind, override.name, override.intervals = kind, name, []
            override.save(update_fields=["kind", "name", "intervals", "updated_at"])
            updated += 1
    for day, override in existing.items():
        if day not in official and override.source == OverrideSource.SEEDED:
            override.delete()
            deleted += 1
    result = SeedResult(year, created, updated, deleted, kept)
    if created or updated or deleted:
        audit_record(
            actor=actor,
            action="workcal.seed",
            details={
                "year": year,
                "created": created,
                "updated": updated,
                "deleted": deleted,
            },
        )
        _changed()
    return result


def _clean_intervals(intervals: list[tuple[time, time]]) -> list[list[str]]:
    return [
        [start.strftime("%H:%M"), end.strftime("%H:%M")]
        for start, end in sorted(intervals)
    ]


@transaction.atomic
def date_override_save(
    *,
    actor: Any,
    day: date,
    kind: str,
    intervals: list[tuple[time, time]],
    name: str = "",
    override: DateOverride | None = None,
) -> DateOverride:
    """Create or change one date's override; the result is always ``manual``.

    Marking an edited seeded row manual is what protects it from the next seeding.
    """
    if override is None:
        override = DateOverride()
    else:
        override = DateOverride.objects.select_for_update().get(pk=override.pk)
    override.date = day
    override.kind = kind
    override.intervals = _clean_intervals(intervals)
    override.name = name
    override.source = OverrideSource.MANUAL
    try:
        override.full_clean()
    except ValidationError as exc:
        raise CalendarError(_validation_message(exc)) from exc
    override.save()
    audit_record(
        actor=actor,
        action="workcal.override.save",
        target=override,
        details={
            "date": day.isoformat(),
            "kind": kind,
            "intervals": format_intervals(override.intervals),
            "name": name,
        },
    )
    _changed()
    return override


@transaction.atomic
def date_override_delete(*, actor: Any, override: DateOverride) -> None:
    """Remove an override, so the date follows its weekday's hours again."""
    audit_record(
        actor=actor,
        action="workcal.override.delete",
        target=override,
        details={"date": override.date.isoformat(), "kind": override.kind},
    )
    override.delete()
    _changed()


@transaction.atomic
def service_interval_save(*, actor: Any, interval: ServiceInterval) -> ServiceInterval:
    """Save a weekday interval after checking it against the weekday's others."""
    try:
        interval.full_clean()
    except ValidationError as exc:
        raise CalendarError(_validation_message(exc)) from exc
    interval.save()
    audit_record(
        actor=actor,
        action="workcal.interval.save",
        target=interval,
        details={
            "weekday": interval.weekday,
            "start": interval.start.strftime("%H:%M"),
            "end": interval.end.strftime("%H:%M"),
        },
    )
    _changed()
    return interval


@transaction.atomic
def service_interval_delete(*, actor: Any, interval: ServiceInterval) -> None:
    """Remove a weekday interval (a weekday with none has no service)."""
    audit_record(
        actor=actor,
        action="workcal.interval.delete",
        target=interval,
        details={"weekday": interval.weekday},
    )
    interval.delete()
    _changed()
