"""Working-time arithmetic over the calendar: pure functions other apps call.

Complaint SLA clocks (R-CMP-2, R-CMP-3), the hotline's service hours (R-HOT-2) and
approval reminders all ask "is this service time?" and "when is N service hours
later?". They run in sweeps over many rows, so the calendar (weekday intervals plus
date overrides) is loaded once into an immutable in-memory ``CalendarSnapshot`` per
process. Writers call ``invalidate()``, which drops this process's copy and bumps a
version number in the Django cache; other processes notice the new version within
``VERSION_CHECK_SECONDS``.

Every function takes aware datetimes (any zone; converted to the project's zone) and
returns aware datetimes in the project's zone. Service time is half-open: an interval
08:30–12:00 includes 08:30 and excludes 12:00.
"""

from __future__ import annotations

import threading
import time as monotonic_clock
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext

from telephony_admin.errors import DomainError

VERSION_CACHE_KEY = "workcal.calendar.version"
VERSION_CHECK_SECONDS = 5.0
# With no service time this far ahead the calendar is misconfigured; stop scanning.
SEARCH_LIMIT_DAYS = 3 * 366
ZERO = timedelta(0)

Span = tuple[timedelta, timedelta]  # offsets from local midnight


class NoServiceTime(DomainError):
    """The calendar has no service time within the search bound (3 years)."""


@dataclass(frozen=True)
class CalendarSnapshot:
    """The whole calendar at one version, as offsets from midnight per date."""

    weekdays: tuple[tuple[Span, ...], ...]  # index = date.weekday()
    overrides: dict[date, tuple[Span, ...]]
    standard: tuple[Span, ...]

    def spans_on(self, day: date) -> tuple[Span, ...]:
        spans = self.overrides.get(day)
        if spans is None:
            return self.weekdays[day.weekday()]
        return spans


def _span(start: time, end: time) -> Span:
    return (
        timedelta(hours=start.hour, minutes=start.minute),
        timedelta(hours=end.hour, minutes=end.minute),
    )


def load_snapshot() -> CalendarSnapshot:
    """Read both tables; the standard day is the first weekday that has service."""
    from .models import DateOverride, OverrideKind, ServiceInterval

    per_weekday: list[list[Span]] = [[] for _ in range(7)]
    for interval in ServiceInterval.objects.order_by("weekday", "start"):
        per_weekday[interval.weekday].append(_span(interval.start, interval.end))
    weekdays = tuple(tuple(spans) for spans in per_weekday)
    standard = next((spans for spans in weekdays if spans), ())
    overrides: dict[date, tuple[Span, ...]] = {}
    for override in DateOverride.objects.all():
        spans = tuple(sorted(_span(s, e) for s, e in override.parsed_intervals()))
        if override.kind == OverrideKind.HOLIDAY:
            spans = ()
        elif override.kind == OverrideKind.MAKEUP and not spans:
            spans = standard
        overrides[override.date] = spans
    return CalendarSnapshot(weekdays=weekdays, overrides=overrides, standard=standard)


_lock = threading.Lock()
_state: dict = {"snapshot": None, "version": None, "checked_at": 0.0}


def calendar_snapshot() -> CalendarSnapshot:
    """This process's snapshot, reloaded when another process changed the calendar."""
    now = monotonic_clock.monotonic()
    snapshot = _state["snapshot"]
    if snapshot is not None and now - _state["checked_at"] < VERSION_CHECK_SECONDS:
        return snapshot
    version = cache.get(VERSION_CACHE_KEY, 0)
    with _lock:
        if _state["snapshot"] is None or _state["version"] != version:
            _state["snapshot"] = load_snapshot()
            _state["version"] = version
        _state["checked_at"] = now
        return _state["snapshot"]


def invalidate() -> None:
    """Drop this process's snapshot and tell the others (called by every writer)."""
    with _lock:
        _state["snapshot"] = None
        _state["version"] = None
    try:
        cache.incr(VERSION_CACHE_KEY)
    except ValueError:  # the key is not in the cache yet (or was evicted)
        cache.set(VERSION_CACHE_KEY, 1, timeout=None)


# --- conversions -----------------------------------------------------------------


def _zone() -> ZoneInfo:
    return timezone.get_default_timezone()


def _local(dt: datetime) -> tuple[date, timedelta]:
    """The local date and offset from local midnight of an aware datetime."""
    if not isinstance(dt, datetime):
        raise TypeError(f"expected a datetime, got {dt!r}")
    if timezone.is_naive(dt):
        raise ValueError(f"naive datetime {dt!r}: working time needs an aware one")
    local = dt.astimezone(_zone())
    day = local.date()
    offset = local.replace(tzinfo=None) - datetime.combine(day, time())
    return day, offset


def _aware(day: date, offset: timedelta) -> datetime:
    naive = datetime.combine(day, time()) + offset
    return naive.replace(tzinfo=_zone())


def _as_local_date(day: date) -> date:
    if isinstance(day, datetime):
        return _local(day)[0]
    return day


def _to_timedelta(amount: Decimal | float | timedelta) -> timedelta:
    """Hours (or a timedelta) as an exact timedelta, to the microsecond."""
    if isinstance(amount, timedelta):
        return amount
    micros = Decimal(str(amount)) * 3_600_000_000
    return timedelta(microseconds=int(micros.to_integral_value()))


# --- public functions -------------------------------------------------------------


def service_intervals_on(day: date) -> list[tuple[datetime, datetime]]:
    """The service intervals of a local date as aware ``(start, end)`` pairs."""
    day = _as_local_date(day)
    return [
        (_aware(day, start), _aware(day, end))
        for start, end in calendar_snapshot().spans_on(day)
    ]


def is_working_day(day: date) -> bool:
    """Whether the local date has any service time (holidays no, 调休 days yes)."""
    return bool(calendar_snapshot().spans_on(_as_local_date(day)))


def standard_day_length() -> timedelta:
    """Service time in a standard working day (8 h by default): one "working day"."""
    return sum((end - start for start, end in calendar_snapshot().standard), ZERO)


def is_working_time(dt: datetime) -> bool:
    """Whether ``dt`` falls inside a service interval (start included, end not)."""
    day, offset = _local(dt)
    return any(s <= offset < e for s, e in calendar_snapshot().spans_on(day))


def next_working_time(dt: datetime) -> datetime:
    """``dt`` itself if it is service time, else the start of the next interval."""
    day, offset = _local(dt)
    snapshot = calendar_snapshot()
    for days_ahead in range(SEARCH_LIMIT_DAYS + 1):
        current = day + timedelta(days=days_ahead)
        for start, end in snapshot.spans_on(current):
            if days_ahead == 0 and end <= offset:
                continue
            if days_ahead == 0 and start <= offset:
                return dt.astimezone(_zone())
            return _aware(current, start)
    raise NoServiceTime(_no_service_message())


def add_working_time(start: datetime, amount: timedelta) -> datetime:
    """The moment ``amount`` of service time after ``start``.

    A result that uses up an interval exactly is that interval's end (12:00, not
    13:00), so a deadline reads as the last moment of service. Zero returns ``start``.
    """
    day, offset = _local(start)
    if amount < ZERO:
        raise ValueError("amount of working time must not be negative")
    if amount == ZERO:
        return start.astimezone(_zone())
    snapshot = calendar_snapshot()
    remaining = amount
    idle_days = 0
    while idle_days <= SEARCH_LIMIT_DAYS:
        spans = snapshot.spans_on(day)
        for span_start, span_end in spans:
            begin = max(span_start, offset)
            if begin >= span_end:
                continue
            available = span_end - begin
            if remaining <= available:
                return _aware(day, begin + remaining)
            remaining -= available
        idle_days = 0 if spans else idle_days + 1
        day += timedelta(days=1)
        offset = ZERO
    raise NoServiceTime(_no_service_message())


def add_working_hours(start: datetime, hours: Decimal | float | timedelta) -> datetime:
    """``add_working_time`` with the amount in hours (Decimal, float, int)."""
    return add_working_time(start, _to_timedelta(hours))


def add_working_days(start: datetime, days: Decimal | float) -> datetime:
    """N working days = N standard days of service time (R-CMP-3: "1 working day").

    Counting service time rather than calendar dates means a complaint accepted at
    16:00 with a one-day target is due at 16:00 on the next working day.
    """
    day_hours = Decimal(standard_day_length() // timedelta(microseconds=1)) / (
        3_600_000_000
    )
    return add_working_hours(start, Decimal(str(days)) * day_hours)


def working_time_between(a: datetime, b: datetime) -> timedelta:
    """Service time from ``a`` to ``b``; negative when ``b`` is before ``a``."""
    day, offset = _local(a)
    end_day, end_offset = _local(b)
    if b < a:
        return -working_time_between(b, a)
    snapshot = calendar_snapshot()
    total = ZERO
    while day <= end_day:
        limit = end_offset if day == end_day else timedelta(days=1)
        for span_start, span_end in snapshot.spans_on(day):
            overlap = min(span_end, limit) - max(span_start, offset)
            if overlap > ZERO:
                total += overlap
        day += timedelta(days=1)
        offset = ZERO
    return total


def _no_service_message() -> str:
    return gettext(
        "The working calendar has no service time in the next %(days)s days."
    ) % {"days": SEARCH_LIMIT_DAYS}
