import pytest
from django.core.cache import cache

from telephony_admin.workcal import calendar
from telephony_admin.workcal.services import calendar_seed_year


@pytest.fixture(autouse=True)
def private_cache(settings):
    """A per-process cache: the file cache is shared by xdist workers, and a setting
    override cached by one worker would leak into another's test."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "callcenter-tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fresh_calendar_snapshot(private_cache):
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def seeded_calendar(db):
    """Default service hours plus the 2026 holidays and make-up days (chinesecalendar)."""
    calendar_seed_year(year=2026)
