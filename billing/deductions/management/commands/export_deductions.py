"""``manage.py export_deductions --period 2026-10 --out deductions.xlsx [--lang en]``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from billing.models import BillingPeriod
from billing.services import parse_month
from telephony_admin.errors import DomainError

from ...services.export import deductions_export_write
from ...workbook import LANGUAGES


class Command(BaseCommand):
    help = "Write a month's payroll deduction workbook for finance (R-PRV-4)."
    # A command of the month cycle: the URL and model checks (every view imported)
    # cost a second at each start; `manage.py check` and the web server run them.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("--out", required=True, help="the .xlsx file to write")
        parser.add_argument("--lang", default="zh-hans", choices=LANGUAGES)

    def handle(self, *args, **options):
        try:
            month = parse_month(options["period"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        period = BillingPeriod.objects.filter(month=month).first()
        if period is None:
            raise CommandError(f"No billing month {month:%Y-%m}.")
        out = Path(options["out"])
        partial = out.with_name(out.name + ".part")
        try:
            # Streamed to a temporary name beside the file, renamed when complete:
            # a refused or failed export leaves no half-written workbook.
            total = deductions_export_write(
                actor=None, period=period, target=partial, lang=options["lang"]
            )
        except DomainError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(exc.message) from exc
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(out)
        self.stdout.write(f"{out}: deductions of {period}, total {total}")
