"""Examples of service-time arithmetic on the 2026 calendar (R-HOT-2, R-CMP-2/3).

Days used: Mon 2026-03-02 .. Fri 2026-03-06 are ordinary working days; the National
Day holiday of 2026 is Oct 1–7 per chinesecalendar 1.11 (make-up working days Sunday
2026-09-20 and Saturday 2026-10-10; Mid-Autumn Festival Sep 25–27 is also off).
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from telephony_admin.workcal import calendar
from telephony_admin.workcal.calendar import (
    NoServiceTime,
    add_working_days,
    add_working_hours,
    add_working_time,
    is_working_day,
    is_working_time,
    next_working_time,
    service_intervals_on,
    standard_day_length,
    working_time_between,
)
from telephony_admin.workcal.models import ServiceInterval

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


pytestmark = pytest.mark.usefixtures("seeded_calendar")


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 3, 2, 8, 29), False),
        (at(2026, 3, 2, 8, 30), True),
        (at(2026, 3, 2, 11, 59), True),
        (at(2026, 3, 2, 12, 0), False),
        (at(2026, 3, 2, 12, 59), False),
        (at(2026, 3, 2, 13, 0), True),
        (at(2026, 3, 2, 17, 29), True),
        (at(2026, 3, 2, 17, 30), False),
        (at(2026, 3, 2, 21, 0), False),
        (at(2026, 3, 7, 10, 0), False),  # Saturday
        (at(2026, 3, 8, 10, 0), False),  # Sunday
    ],
)
def test_service_hours_weekdays_lunch_evenings_weekends__R_HOT_2(moment, expected):
    assert is_working_time(moment) is expected


def test_service_hours_skip_national_day__R_HOT_2():
    for day in range(1, 8):
        assert not is_working_day(date(2026, 10, day))
        assert not is_working_time(at(2026, 10, day, 10, 0))
    assert is_working_day(date(2026, 10, 8))
    assert next_working_time(at(2026, 9, 30, 17, 30)) == at(2026, 10, 8, 8, 30)


def test_service_hours_on_make_up_weekend_days__R_HOT_2():
    assert date(2026, 9, 20).weekday() == 6
    assert date(2026, 10, 10).weekday() == 5
    for day in (date(2026, 9, 20), date(2026, 10, 10)):
        assert is_working_day(day)
        assert service_intervals_on(day) == [
            (
                at(day.year, day.month, day.day, 8, 30),
                at(day.year, day.month, day.day, 12),
            ),
            (
                at(day.year, day.month, day.day, 13),
                at(day.year, day.month, day.day, 17, 30),
            ),
        ]
    assert is_working_time(at(2026, 10, 10, 9, 0))
    assert not is_working_time(at(2026, 10, 11, 9, 0))  # the Sunday after stays off


def test_next_working_time_is_the_moment_itself_inside_service__R_HOT_2():
    assert next_working_time(at(2026, 3, 3, 9, 15)) == at(2026, 3, 3, 9, 15)
    assert next_working_time(at(2026, 3, 3, 12, 0)) == at(2026, 3, 3, 13, 0)
    assert next_working_time(at(2026, 3, 3, 20, 0)) == at(2026, 3, 4, 8, 30)
    assert next_working_time(at(2026, 3, 6, 18, 0)) == at(2026, 3, 9, 8, 30)


def test_first_reply_due_skips_lunch__R_CMP_2():
    assert add_working_hours(at(2026, 3, 2, 11, 0), 2) == at(2026, 3, 2, 14, 0)


def test_first_reply_due_skips_weekend__R_CMP_2():
    assert add_working_hours(at(2026, 3, 6, 17, 0), 2) == at(2026, 3, 9, 10, 0)


def test_first_reply_due_counts_from_next_service_when_accepted_in_evening__R_CMP_2():
    assert add_working_hours(at(2026, 3, 3, 22, 0), 2) == at(2026, 3, 4, 10, 30)


def test_deadline_that_uses_up_morning_is_noon__R_CMP_2():
    assert add_working_hours(at(2026, 3, 2, 10, 0), 2) == at(2026, 3, 2, 12, 0)


def test_first_reply_due_skips_national_day__R_CMP_2():
    accepted = at(2026, 9, 30, 16, 30)
    assert add_working_hours(accepted, Decimal("2")) == at(2026, 10, 8, 9, 30)


def test_one_working_day_target_across_national_day__R_CMP_3():
    # 08:30–12:00 and 13:00–17:30 make an 8-hour standard day.
    assert standard_day_length() == timedelta(hours=8)
    assert add_working_days(at(2026, 9, 30, 16, 0), 1) == at(2026, 10, 8, 16, 0)


def test_one_working_day_target_lands_on_make_up_saturday__R_CMP_3():
    assert add_working_days(at(2026, 10, 9, 10, 0), 1) == at(2026, 10, 10, 10, 0)


def test_five_working_days_complex_target__R_CMP_3():
    # Mon 2026-03-02 09:00 + 40 service hours = Mon 2026-03-09 09:00.
    assert add_working_days(at(2026, 3, 2, 9, 0), 5) == at(2026, 3, 9, 9, 0)


def test_amounts_accept_float_decimal_and_timedelta__R_CMP_2():
    start = at(2026, 3, 2, 8, 30)
    assert add_working_hours(start, 1.5) == at(2026, 3, 2, 10, 0)
    assert add_working_hours(start, Decimal("0.25")) == at(2026, 3, 2, 8, 45)
    assert add_working_time(start, timedelta(minutes=1)) == at(2026, 3, 2, 8, 31)
    assert add_working_days(start, Decimal("0.5")) == at(2026, 3, 2, 13, 30)


def test_working_time_between_national_day_and_make_up_days__R_CMP_3():
    total = working_time_between(at(2026, 9, 30, 8, 30), at(2026, 10, 10, 17, 30))
    assert total == timedelta(hours=32)  # Sep 30, Oct 8, Oct 9, Oct 10
    back = working_time_between(at(2026, 10, 10, 17, 30), at(2026, 9, 30, 8, 30))
    assert back == -total


def test_working_time_between_within_one_morning__R_CMP_2():
    assert working_time_between(
        at(2026, 3, 2, 9, 0), at(2026, 3, 2, 12, 45)
    ) == timedelta(hours=3)


def test_zero_amount_returns_start__R_CMP_2():
    start = at(2026, 3, 7, 10, 0)
    assert add_working_time(start, timedelta(0)) == start


def test_negative_amount_is_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_time(at(2026, 3, 2, 9), timedelta(minutes=-1))


def test_naive_datetimes_are_refused():
    naive = datetime(2026, 3, 2, 9, 0)  # noqa: DTZ001
    for function in (is_working_time, next_working_time):
        with pytest.raises(ValueError, match="naive"):
            function(naive)
    with pytest.raises(ValueError, match="naive"):
        add_working_hours(naive, 1)
    with pytest.raises(ValueError, match="naive"):
        working_time_between(naive, at(2026, 3, 2, 10))


def test_other_zones_are_converted_to_local_time__R_HOT_2():
    # 01:00 UTC is 09:00 in Shanghai.
    utc_morning = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert is_working_time(utc_morning)
    result = add_working_hours(utc_morning, 1)
    assert result == at(2026, 3, 2, 10, 0)
    assert result.tzinfo == SHANGHAI


def test_seconds_are_kept__R_CMP_2():
    start = at(2026, 3, 2, 11, 59) + timedelta(seconds=30)
    assert add_working_time(start, timedelta(minutes=1)) == at(2026, 3, 2, 13, 0) + (
        timedelta(seconds=30)
    )


def test_no_service_time_for_three_years_raises():
    ServiceInterval.objects.all().delete()
    calendar.invalidate()
    with pytest.raises(NoServiceTime):
        next_working_time(at(2026, 3, 2, 9))
    with pytest.raises(NoServiceTime):
        add_working_hours(at(2026, 3, 2, 9), 1)
    assert working_time_between(at(2026, 3, 2), at(2026, 4, 2)) == timedelta(0)
