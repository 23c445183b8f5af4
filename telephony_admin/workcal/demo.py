"""Demo: the official 2025 and 2026 holidays and make-up days from chinesecalendar."""

from .models import DateOverride
from .services import CalendarError, calendar_seed_year


def seed(*, stdout) -> None:
    if DateOverride.objects.filter(date__year=2026).exists():
        stdout.write("workcal: calendar already seeded")
        return
    for year in (2025, 2026):
        try:
            calendar_seed_year(year=year)
        except CalendarError as exc:
            stdout.write(f"workcal: {year}: {exc}")
    stdout.write(f"workcal: {DateOverride.objects.count()} date overrides")
