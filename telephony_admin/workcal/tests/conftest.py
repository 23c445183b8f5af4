"""Fixtures for the working-calendar tests.

The calendar snapshot lives in process memory across tests while each test's rows
are rolled back, so every test starts and ends with an invalidated snapshot.
"""

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
    """The default hours (data migration) plus 2025 and 2026 holidays and 调休 days."""
    calendar_seed_year(year=2025)
    calendar_seed_year(year=2026)
