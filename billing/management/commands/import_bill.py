"""``manage.py import_bill PATH --period YYYY-MM [--carrier NAME] [--dry-run]`` (R-BIL-2).

Runs the same services as the browser upload, in the foreground. Exit code 0 when
the bill was imported (or checked without errors), 1 with the errors printed.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from billing.errors import BillingError
from billing.models import ImportStatus
from billing.services import (
    AFTER_COMMAND,
    bill_import_create,
    bill_import_run,
    parse_month,
)
from telephony_admin.errors import DomainError


class Command(BaseCommand):
    help = "Import a carrier's itemised bill (CSV or XLSX) for a month."
    # A command of the month cycle: the URL and model checks (every view imported)
    # cost a second at each start; `manage.py check` and the web server run them.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("--carrier", default="", help="carrier name")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument(
            "--quiet", action="store_true", help="print only the result line"
        )
        parser.add_argument(
            "--no-audit",
            action="store_true",
            help="do not audit the month after the import (a worker will)",
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            month = parse_month(options["period"])
            with open(path, "rb") as source:
                bill_import = bill_import_create(
                    actor=None,
                    source=source,
                    original_name=path.name,
                    month=month,
                    carrier_name=options["carrier"],
                    dry_run=options["dry_run"],
                    enqueue=False,
                )
        except (BillingError, DomainError) as exc:
            raise CommandError(str(exc)) from exc
        bill_import = bill_import_run(
            bill_import_id=bill_import.pk, progress=not options["quiet"]
        )
        self._report(bill_import)
        ok = bill_import.status in (
            ImportStatus.SUCCEEDED,
            ImportStatus.UNCHANGED,
        ) or (
            bill_import.status == ImportStatus.CHECKED and not bill_import.error_count
        )
        if not ok:
            raise CommandError(bill_import.message or _("The bill was refused."))
        if bill_import.status == ImportStatus.SUCCEEDED and not options["no_audit"]:
            self._audit(bill_import)

    def _audit(self, bill_import) -> None:
        """The month's audit, here and now: the deduction export needs it current,
        and no worker may be running (issue 14)."""
        for hook in AFTER_COMMAND:
            for line in hook(bill_import.period_id):
                self.stdout.write(line)

    def _report(self, bill_import) -> None:
        out = self.stdout
        if bill_import.dry_run:
            out.write(
                _(
                    "%(status)s (dry run, nothing saved): %(read)s rows read, "
                    "%(errors)s errors, %(skipped)s lines skipped, "
                    "total %(total)s yuan."
                )
                % {
                    "status": bill_import.get_status_display(),
                    "read": bill_import.rows_read,
                    "errors": bill_import.error_count,
                    "skipped": bill_import.rows_skipped,
                    "total": bill_import.total_charge,
                }
            )
        else:
            self._report_import(bill_import)
        self._report_errors(bill_import)

    def _report_import(self, bill_import) -> None:
        self.stdout.write(
            _(
                "%(status)s: %(read)s rows read, %(imported)s calls imported, "
                "%(duplicates)s duplicates, %(replaced)s replaced, %(skipped)s lines "
                "skipped, %(unattributed)s unattributed, %(flagged)s flagged, "
                "total %(total)s yuan."
            )
            % {
                "status": bill_import.get_status_display(),
                "read": bill_import.rows_read,
                "imported": bill_import.rows_imported,
                "duplicates": bill_import.rows_duplicate,
                "replaced": bill_import.rows_replaced,
                "skipped": bill_import.rows_skipped,
                "unattributed": bill_import.rows_unattributed,
                "flagged": bill_import.rows_flagged,
                "total": bill_import.total_charge,
            }
        )

    def _report_errors(self, bill_import) -> None:
        for error in bill_import.errors:
            self.stderr.write(
                _("row %(row)s, %(column)s: %(reason)s (%(value)s)") % error
            )
        hidden = bill_import.error_count - len(bill_import.errors)
        if hidden > 0:
            self.stderr.write(_("… and %(count)s more errors.") % {"count": hidden})
