"""Fixtures for complaint tests: the 2026 working calendar and a registered case."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from telephony_admin.workcal import calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=0, minute=0, second=0):
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def ensure_calendar() -> None:
    """Default service hours (R-HOT-2) and the 2026 holidays and make-up days.

    ``transactional_db`` tests flush the data migration's rows, so put them back.
    """
    from telephony_admin.workcal.models import ServiceInterval
    from telephony_admin.workcal.services import calendar_seed_year

    if not ServiceInterval.objects.exists():
        for weekday in range(5):
            ServiceInterval.objects.create(
                weekday=weekday, start=time(8, 30), end=time(12)
            )
            ServiceInterval.objects.create(
                weekday=weekday, start=time(13), end=time(17, 30)
            )
    calendar_seed_year(year=2026)
    calendar.invalidate()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The company fixture makes a dozen logins; the default hasher takes seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cal(db):
    calendar.invalidate()
    ensure_calendar()
    yield
    calendar.invalidate()


@pytest.fixture
def tcal(transactional_db):
    calendar.invalidate()
    ensure_calendar()
    yield
    calendar.invalidate()
