"""Invariants of service-time arithmetic over the real 2025–2026 calendar.

SLA clocks (R-CMP-2, R-CMP-3) store deadlines computed by ``add_working_time`` and
report elapsed service time with ``working_time_between``; these properties are what
makes the two agree, whatever the start moment or amount.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telephony_admin.workcal.calendar import (
    add_working_time,
    is_working_time,
    next_working_time,
    service_intervals_on,
    working_time_between,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

moments = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001 (bounds are naive by API)
    max_value=datetime(2026, 10, 31),  # noqa: DTZ001
    timezones=st.just(SHANGHAI),
)
amounts = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=200))

property_settings = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

pytestmark = pytest.mark.usefixtures("seeded_calendar")


def is_interval_end(moment: datetime) -> bool:
    return any(end == moment for _start, end in service_intervals_on(moment.date()))


@property_settings
@given(start=moments, amount=amounts)
def test_service_time_between_start_and_deadline_is_the_amount__R_CMP_2(start, amount):
    assert working_time_between(start, add_working_time(start, amount)) == amount


@property_settings
@given(start=moments, amount=amounts.filter(lambda a: a > timedelta(0)))
def test_deadline_is_service_time_or_an_interval_end__R_HOT_2(start, amount):
    deadline = add_working_time(start, amount)
    assert deadline > start
    assert is_working_time(deadline) or is_interval_end(deadline)


@property_settings
@given(start=moments, first=amounts, second=amounts)
def test_deadline_grows_with_the_amount__R_CMP_3(start, first, second):
    low, high = sorted((first, second))
    assert add_working_time(start, low) <= add_working_time(start, high)


@property_settings
@given(first=moments, second=moments, amount=amounts)
def test_deadline_grows_with_the_start__R_CMP_3(first, second, amount):
    early, late = sorted((first, second))
    assert add_working_time(early, amount) <= add_working_time(late, amount)


@property_settings
@given(moment=moments)
def test_next_working_time_is_idempotent_and_costs_no_service__R_HOT_2(moment):
    upcoming = next_working_time(moment)
    assert upcoming >= moment
    assert is_working_time(upcoming)
    assert next_working_time(upcoming) == upcoming
    assert working_time_between(moment, upcoming) == timedelta(0)


@property_settings
@given(a=moments, b=moments, c=moments)
def test_service_time_adds_up_and_never_exceeds_elapsed_time__R_CMP_2(a, b, c):
    a, b, c = sorted((a, b, c))
    assert working_time_between(a, b) + working_time_between(b, c) == (
        working_time_between(a, c)
    )
    assert timedelta(0) <= working_time_between(a, c) <= c - a
    assert working_time_between(c, a) == -working_time_between(a, c)
