"""The working-time calendar (工作日历): weekly service hours and dated exceptions.

Deadlines (complaint SLA clocks, approval reminders) and the hotline's service hours
(R-HOT-2) are all computed from these two tables through ``workcal.calendar``; the
tables only hold facts, the arithmetic lives in that module.
"""

from __future__ import annotations

from datetime import time
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    """Python's ``date.weekday()`` numbering, so lookups need no translation."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ServiceInterval(models.Model):
    """One span of service time on a weekday, e.g. Monday 08:30–12:00 (R-HOT-2).

    A weekday with no rows has no service. Times are wall-clock times in the
    project's time zone, at minute precision.
    """

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))

    class Meta:
        ordering = ("weekday", "start")
        verbose_name = _("service interval")
        verbose_name_plural = _("service intervals")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")),
                name="workcal_interval_start_before_end",
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6),
                name="workcal_interval_weekday_valid",
            ),
            models.UniqueConstraint(
                fields=["weekday", "start"], name="workcal_interval_unique_start"
            ),
        )

    def __str__(self) -> str:
        return _("%(weekday)s %(start)s–%(end)s") % {
            "weekday": self.get_weekday_display(),
            "start": self.start.strftime("%H:%M") if self.start else "",
            "end": self.end.strftime("%H:%M") if self.end else "",
        }

    def clean(self) -> None:
        super().clean()
        if self.start and self.end:
            validate_intervals([(self.start, self.end)])
            overlapping = ServiceInterval.objects.filter(
                weekday=self.weekday, start__lt=self.end, end__gt=self.start
            ).exclude(pk=self.pk)
            if overlapping.exists():
                raise ValidationError(
                    _("This interval overlaps another interval on the same weekday.")
                )


class OverrideKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (no service)")
    MAKEUP = "makeup", _("Make-up working day")
    CUSTOM = "custom", _("Custom hours")


class OverrideSource(models.TextChoices):
    SEEDED = "seeded", _("Seeded from the Chinese calendar")
    MANUAL = "manual", _("Entered by an administrator")


# The names chinesecalendar gives its holidays, so seeded rows read in the user's
# language; an administrator's own names are shown as typed.
HOLIDAY_NAMES = {
    "New Year's Day": _("New Year's Day"),
    "Spring Festival": _("Spring Festival"),
    "Tomb-sweeping Day": _("Tomb-sweeping Day"),
    "Labour Day": _("Labour Day"),
    "Dragon Boat Festival": _("Dragon Boat Festival"),
    "National Day": _("National Day"),
    "Mid-autumn Festival": _("Mid-autumn Festival"),
    "Anti-Fascist 70th Day": _("Anti-Fascist 70th Day"),
}


def format_intervals(intervals: list[list[str]]) -> str:
    """``[["08:30", "12:00"], ...]`` as ``08:30-12:00, ...`` for pages and forms."""
    return ", ".join(f"{start}-{end}" for start, end in intervals)


def parse_time(value: str) -> time:
    """A wall-clock ``HH:MM``; seconds are refused because service time is per minute."""
    try:
        parsed = time.fromisoformat(value.strip())
    except (AttributeError, ValueError) as exc:
        raise ValidationError(
            _("“%(value)s” is not a time in HH:MM form."), params={"value": value}
        ) from exc
    if parsed.second or parsed.microsecond:
        raise ValidationError(
            _("“%(value)s” is not a time in HH:MM form."), params={"value": value}
        )
    return parsed


def validate_intervals(intervals: list[tuple[time, time]]) -> None:
    """Each interval must end after it starts and none may overlap another."""
    ordered = sorted(intervals)
    for start, end in ordered:
        if start >= end:
            raise ValidationError(
                _("An interval must end after it starts (%(start)s–%(end)s)."),
                params={"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")},
            )
    for (_start, previous_end), (start, _end) in pairwise(ordered):
        if start < previous_end:
            raise ValidationError(_("Intervals must not overlap."))


class DateOverride(models.Model):
    """A date whose service hours differ from its weekday's.

    Chinese public holidays and make-up working days (调休) change every year by State
    Council notice, so they are seeded per year from the ``chinesecalendar`` package
    and administrators can correct them. ``intervals`` holds ``[["HH:MM", "HH:MM"],
    ...]``; it is empty for a holiday, and an empty make-up day works the standard
    day's hours.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OverrideKind.choices)
    intervals = models.JSONField(_("service intervals"), default=list, blank=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    source = models.CharField(
        _("source"),
        max_length=16,
        choices=OverrideSource.choices,
        default=OverrideSource.MANUAL,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ("date",)
        verbose_name = _("date override")
        verbose_name_plural = _("date overrides")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(kind__in=OverrideKind.values),
                name="workcal_override_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=OverrideSource.values),
                name="workcal_override_source_valid",
            ),
        )

    def __str__(self) -> str:
        return _("%(date)s %(kind)s") % {
            "date": self.date.isoformat() if self.date else "",
            "kind": self.get_kind_display(),
        }

    @property
    def display_name(self) -> str:
        return str(HOLIDAY_NAMES.get(self.name, self.name))

    @property
    def intervals_display(self) -> str:
        return format_intervals(self.intervals or [])

    def parsed_intervals(self) -> list[tuple[time, time]]:
        """The stored intervals as times; raises ``ValidationError`` if malformed."""
        raw = self.intervals or []
        if not isinstance(raw, list):
            raise ValidationError(_("Intervals must be a list of [start, end] pairs."))
        pairs = []
        for item in raw:
            if not isinstance(item, (list, tuple)) or len(item) != 2:
                raise ValidationError(
                    _("Intervals must be a list of [start, end] pairs.")
                )
            pairs.append((parse_time(item[0]), parse_time(item[1])))
        return pairs

    def clean(self) -> None:
        super().clean()
        pairs = self.parsed_intervals()
        validate_intervals(pairs)
        if self.kind == OverrideKind.HOLIDAY and pairs:
            raise ValidationError(
                {"intervals": _("A holiday has no service intervals.")}
            )
        if self.kind == OverrideKind.CUSTOM and not pairs:
            raise ValidationError(
                {"intervals": _("Custom hours need at least one interval.")}
            )
