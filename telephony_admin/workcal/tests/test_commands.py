"""``seed_calendar``: the cron job that loads each year's holidays (R-HOT-2)."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from telephony_admin.workcal.models import DateOverride

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_seed_calendar_for_one_year__R_HOT_2(db):
    out = StringIO()
    call_command("seed_calendar", "--year", "2026", stdout=out)
    assert "2026:" in out.getvalue()
    assert DateOverride.objects.filter(date=date(2026, 10, 1)).exists()


@time_machine.travel(datetime(2025, 12, 1, 9, 0, tzinfo=SHANGHAI), tick=False)
def test_seed_calendar_defaults_to_this_and_next_year__R_HOT_2(db):
    call_command("seed_calendar", stdout=StringIO())
    assert DateOverride.objects.filter(date__year=2025).exists()
    assert DateOverride.objects.filter(date__year=2026).exists()


@time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI), tick=False)
def test_seed_calendar_reports_year_without_data(db):
    err = StringIO()
    call_command("seed_calendar", stdout=StringIO(), stderr=err)
    assert "2027" in err.getvalue()
    assert DateOverride.objects.filter(date__year=2026).exists()


def test_seed_calendar_fails_when_no_year_has_data(db):
    with pytest.raises(CommandError):
        call_command("seed_calendar", "--year", "2099", stderr=StringIO())
