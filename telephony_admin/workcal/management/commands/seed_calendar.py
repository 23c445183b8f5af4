"""``manage.py seed_calendar [--year YYYY ...]``: load public holidays and 调休 days.

Run by cron each December (the State Council publishes next year's arrangement in
the autumn and the ``chinesecalendar`` package follows). Without ``--year`` it seeds
the current and the next year; a year the package does not know yet is reported,
not fatal, so the cron job keeps working until the package is updated.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from telephony_admin.workcal.services import CalendarError, calendar_seed_year


class Command(BaseCommand):
    help = "Load Chinese public holidays and make-up working days into the calendar."

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            action="append",
            dest="years",
            help="Year to seed (repeatable). Default: the current and the next year.",
        )

    def handle(self, *args, years=None, **options):
        if not years:
            current = timezone.localdate().year
            years = [current, current + 1]
        failures = 0
        for year in years:
            try:
                result = calendar_seed_year(year=year)
            except CalendarError as exc:
                failures += 1
                self.stderr.write(self.style.WARNING(f"{year}: {exc.message}"))
                continue
            self.stdout.write(
                f"{year}: {result.created} created, {result.updated} updated, "
                f"{result.deleted} deleted, {result.kept_manual} manual kept"
            )
        if failures == len(years):
            raise CommandError("No year could be seeded.")
