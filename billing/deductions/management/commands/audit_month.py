"""``manage.py audit_month --period 2026-10 [--force]``: audit a month now.

Runs the same service as the 立即稽核 button's task, in the foreground, and prints
the new findings per rule. A month whose audit is current is left alone unless
``--force``.
"""

from django.core.management.base import BaseCommand, CommandError

from billing.models import BillingPeriod
from billing.services import parse_month
from telephony_admin.errors import DomainError

from ...services.audits import audit_month_run, audit_report


class Command(BaseCommand):
    help = "Audit a month's calls now and print the new findings per rule."
    # A command of the month cycle: the URL and model checks (every view imported)
    # cost a second at each start; `manage.py check` and the web server run them.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument(
            "--force",
            action="store_true",
            help="audit again even if nothing changed since the last audit",
        )

    def handle(self, *args, **options):
        try:
            month = parse_month(options["period"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        period = BillingPeriod.objects.filter(month=month).first()
        if period is None:
            raise CommandError(f"No billing month {month:%Y-%m}.")
        try:
            result = audit_month_run(period_id=period.pk, force=options["force"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for line in audit_report(result):
            self.stdout.write(line)
