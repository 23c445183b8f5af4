"""Seeding holidays from chinesecalendar and administrators' overrides (R-HOT-2)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from telephony_admin.core.models import AuditEvent
from telephony_admin.workcal.calendar import is_working_day, is_working_time
from telephony_admin.workcal.models import (
    DateOverride,
    OverrideKind,
    OverrideSource,
    ServiceInterval,
)
from telephony_admin.workcal.services import (
    CalendarError,
    calendar_seed_year,
    date_override_delete,
    date_override_save,
    service_interval_save,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_seed_loads_national_day_and_make_up_days__R_HOT_2(db):
    result = calendar_seed_year(year=2026)
    assert result.created > 0
    national_day = DateOverride.objects.get(date=date(2026, 10, 1))
    assert national_day.kind == OverrideKind.HOLIDAY
    assert national_day.source == OverrideSource.SEEDED
    assert national_day.name == "National Day"
    for day in (date(2026, 9, 20), date(2026, 10, 10)):
        assert DateOverride.objects.get(date=day).kind == OverrideKind.MAKEUP
    # An ordinary weekend is left to the weekday hours.
    assert not DateOverride.objects.filter(date=date(2026, 10, 17)).exists()


def test_seed_is_idempotent__R_HOT_2(db):
    first = calendar_seed_year(year=2026)
    count = DateOverride.objects.count()
    again = calendar_seed_year(year=2026)
    assert DateOverride.objects.count() == count == first.created
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)


def test_seed_keeps_manual_overrides__R_HOT_2(db):
    date_override_save(
        actor=None,
        day=date(2026, 10, 2),
        kind=OverrideKind.CUSTOM,
        intervals=[(time(9, 0), time(12, 0))],
        name="On-call morning",
    )
    result = calendar_seed_year(year=2026)
    override = DateOverride.objects.get(date=date(2026, 10, 2))
    assert override.kind == OverrideKind.CUSTOM
    assert override.source == OverrideSource.MANUAL
    assert result.kept_manual == 1
    assert is_working_time(datetime(2026, 10, 2, 10, 0, tzinfo=SHANGHAI))


def test_seed_removes_stale_seeded_rows__R_HOT_2(db):
    DateOverride.objects.create(
        date=date(2026, 3, 3), kind=OverrideKind.HOLIDAY, source=OverrideSource.SEEDED
    )
    result = calendar_seed_year(year=2026)
    assert result.deleted == 1
    assert not DateOverride.objects.filter(date=date(2026, 3, 3)).exists()


def test_seed_refuses_year_without_data(db):
    with pytest.raises(CalendarError, match="2099"):
        calendar_seed_year(year=2099)


def test_override_change_is_seen_at_once_and_audited__R_HOT_2(db):
    day = date(2026, 3, 4)
    assert is_working_day(day)
    override = date_override_save(
        actor=None, day=day, kind=OverrideKind.HOLIDAY, intervals=[], name="Outage"
    )
    assert not is_working_day(day)
    assert AuditEvent.objects.filter(action="workcal.override.save").exists()
    date_override_delete(actor=None, override=override)
    assert is_working_day(day)
    assert AuditEvent.objects.filter(action="workcal.override.delete").exists()


def test_editing_a_seeded_override_makes_it_manual__R_HOT_2(db):
    calendar_seed_year(year=2026)
    seeded = DateOverride.objects.get(date=date(2026, 10, 10))
    edited = date_override_save(
        actor=None,
        day=seeded.date,
        kind=OverrideKind.MAKEUP,
        intervals=[(time(9, 0), time(12, 0))],
        name=seeded.name,
        override=seeded,
    )
    assert edited.source == OverrideSource.MANUAL
    assert edited.intervals == [["09:00", "12:00"]]
    assert not is_working_time(datetime(2026, 10, 10, 14, 0, tzinfo=SHANGHAI))


@pytest.mark.parametrize(
    ("kind", "intervals"),
    [
        (OverrideKind.HOLIDAY, [(time(9), time(10))]),
        (OverrideKind.CUSTOM, []),
        (OverrideKind.CUSTOM, [(time(10), time(9))]),
        (OverrideKind.CUSTOM, [(time(9), time(11)), (time(10), time(12))]),
    ],
)
def test_invalid_override_is_refused(db, kind, intervals):
    with pytest.raises(CalendarError):
        date_override_save(
            actor=None, day=date(2026, 3, 4), kind=kind, intervals=intervals
        )
    assert not DateOverride.objects.exists()


def test_weekday_interval_overlap_is_refused__R_HOT_2(db):
    with pytest.raises(CalendarError):
        service_interval_save(
            actor=None,
            interval=ServiceInterval(weekday=0, start=time(11), end=time(14)),
        )


def test_saturday_hours_added_by_admin_apply__R_HOT_2(db):
    saturday = datetime(2026, 3, 7, 10, 0, tzinfo=SHANGHAI)
    assert not is_working_time(saturday)
    service_interval_save(
        actor=None, interval=ServiceInterval(weekday=5, start=time(9), end=time(12))
    )
    assert is_working_time(saturday)


def test_database_refuses_interval_ending_before_start(db):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        ServiceInterval.objects.create(weekday=1, start=time(12), end=time(9))
