import pytest

from telephony_admin.workcal import calendar
from telephony_admin.workcal.services import calendar_seed_year


@pytest.fixture(autouse=True)
def fresh_calendar_snapshot():
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def seeded_calendar(db):
    """Default service hours plus the 2026 holidays and make-up days (chinesecalendar)."""
    calendar_seed_year(year=2026)
