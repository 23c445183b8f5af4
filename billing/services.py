"""Billing writes: periods, bill imports, attribution, the number plan (R-BIL-2/3/7).

Views, the Celery task, the ``import_bill`` command and the demo all call these, so a
bill behaves the same whichever way it arrives.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from datetime import date, datetime
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import IO

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.db import OperationalError, connection, transaction
from django.db.models import F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from telephony_admin.core import config
from telephony_admin.core.models import AuditEvent
from telephony_admin.core.services import audit_record
from telephony_admin.org.access import require
from telephony_admin.org.models import Department, Employee

from .errors import BillingError, ImportRefused, PeriodClosed
from .importers import parallel
from .importers.pipeline import BillParser, Progress
from .importers.readers import EXTENSIONS, UnreadableFile, open_rows
from .importers.writers import PostgresWriter, drop_load_table, writer_for
from .models import (
    BillImport,
    BillingPeriod,
    CallFlag,
    CallRecord,
    Carrier,
    ImportStatus,
    NumberRule,
    PeriodStatus,
)
from .progress import ProgressReporter
from .summaries import call_summaries_rebuild

#: Callables ``hook(bill_import_id)`` run after a successful import commits
#: (issue 5: billing.deductions queues its audits here).
AFTER_IMPORT: list = []
#: Callables ``hook(period_id) -> lines`` that ``manage.py import_bill`` runs after a
#: successful import (billing.deductions: the month's audit), printing their lines.
AFTER_COMMAND: list = []
#: Callables ``hook(months)`` run in the transaction that attributed calls again
#: (``months``: the first days of the months touched, ``None`` for all open months);
#: billing.deductions marks those months' audits stale.
CALLS_CHANGED: list = []

_MONTH = re.compile(r"^\s*(\d{4})[-/.年]?(\d{1,2})月?\s*$")


def parse_month(text: str) -> date:
    """``date`` of the first day of "2026-10" / "2026/10" / "202610" / "2026年10月"."""
    match = _MONTH.match(str(text or ""))
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise BillingError(
            _("“%(value)s” is not a month (YYYY-MM).") % {"value": text}, field="period"
        )
    return date(int(match.group(1)), int(match.group(2)), 1)


def period_get_or_create(*, month: date) -> BillingPeriod:
    period, _created = BillingPeriod.objects.get_or_create(month=month.replace(day=1))
    return period


def carrier_get_or_create(*, name: str = "") -> Carrier:
    name = (name or config.get("billing.default_carrier")).strip()
    carrier, _created = Carrier.objects.get_or_create(name=name[:100])
    return carrier


def _refuse_closed(period: BillingPeriod) -> None:
    if period.is_closed:
        raise PeriodClosed(
            _("The billing month %(month)s is closed; its bill cannot be imported.")
            % {"month": period}
        )


def _store(source: IO[bytes], name: str, bill_import: BillImport) -> None:
    """Save the file under MEDIA_ROOT, hashing it on the way (streamed)."""
    digest = hashlib.sha256()
    size = 0
    source.seek(0)
    for chunk in iter(lambda: source.read(1 << 20), b""):
        digest.update(chunk)
        size += len(chunk)
    source.seek(0)
    bill_import.sha256, bill_import.size = digest.hexdigest(), size
    bill_import.file.save(Path(name).name, File(source), save=False)


@transaction.atomic
def bill_import_create(
    *,
    actor,
    source: IO[bytes],
    original_name: str,
    month: date,
    carrier_name: str = "",
    dry_run: bool = False,
    enqueue: bool = True,
) -> BillImport:
    """Store an uploaded (or local) bill and queue its import or dry run (R-BIL-2)."""
    if actor is not None:
        require(actor, "bills.import")
    suffix = Path(original_name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise BillingError(
            _("Unsupported file type “%(suffix)s”: use CSV or XLSX.")
            % {"suffix": suffix or original_name},
            field="file",
        )
    period = period_get_or_create(month=month)
    if not dry_run:
        _refuse_closed(period)
    bill_import = BillImport(
        period=period,
        carrier=carrier_get_or_create(name=carrier_name),
        original_name=Path(original_name).name[:255],
        dry_run=dry_run,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _store(source, original_name, bill_import)
    bill_import.save()
    audit_record(
        actor=actor,
        action="billing.bill_uploaded",
        target=bill_import,
        details={"file": bill_import.original_name, "dry_run": dry_run},
    )
    if enqueue:
        from .tasks import bill_import_run_task

        pk = bill_import.pk
        transaction.on_commit(lambda: bill_import_run_task.delay(pk))
    return bill_import


def bill_import_run(*, bill_import_id: int, progress: bool = True) -> BillImport:
    """Run a queued import (or dry run); idempotent: only a waiting one starts.

    The real import lands whole or not at all (R-BIL-2): one transaction; a bill
    with any bad row is refused and its errors kept with row, column and reason.
    """
    with run_lock(bill_import_id) as held:
        if not held:  # another worker runs it
            return BillImport.objects.get(pk=bill_import_id)
        # Under the lock a "running" import is one whose worker died mid-way (its
        # transaction rolled back): run it again.
        states = [ImportStatus.PENDING]
        if held is not NO_RUN_LOCKS:
            states.append(ImportStatus.RUNNING)
        claimed = BillImport.objects.filter(
            pk=bill_import_id, status__in=states
        ).update(status=ImportStatus.RUNNING, started_at=timezone.now())
        bill_import = BillImport.objects.select_related("period", "carrier").get(
            pk=bill_import_id
        )
        if not claimed:
            return bill_import
        return _claimed_run(bill_import, progress)


def _claimed_run(bill_import: BillImport, progress: bool) -> BillImport:
    reporter = ProgressReporter(bill_import.pk) if progress else None
    try:
        _run(bill_import, reporter)
    except (ImportRefused, PeriodClosed, UnreadableFile) as exc:
        _failed(bill_import, str(exc))
    except Exception:
        # Not left "running" (the recovery sweep would run it again and again).
        _failed(
            bill_import,
            _("The import stopped on an unexpected error; nothing was imported."),
        )
        raise
    finally:
        if reporter is not None:
            reporter.close()
    return bill_import


def _failed(bill_import: BillImport, message: str) -> None:
    bill_import.status = ImportStatus.FAILED
    bill_import.message = message[:500]
    bill_import.progress = 100
    bill_import.finished_at = timezone.now()
    bill_import.save()
    audit_record(
        actor=bill_import.created_by,
        action="billing.bill_refused",
        target=bill_import,
        details={"errors": bill_import.error_count, "message": bill_import.message},
    )


RUN_LOCK_CLASS = 4_0001  # the first key of the imports' advisory locks
NO_RUN_LOCKS = object()  # ``run_lock`` where the database has none (SQLite)
REQUEUED = "billing.bill_requeued"
MAX_REQUEUES = 2


@contextlib.contextmanager
def run_lock(bill_import_id: int):
    """Held while a worker runs the import: a PostgreSQL session advisory lock,
    released by the server if the worker dies. Yields False if another holds it;
    ``NO_RUN_LOCKS`` on other databases (one worker at a time there)."""
    if connection.vendor != "postgresql":
        yield NO_RUN_LOCKS
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_lock(%s, %s)", [RUN_LOCK_CLASS, bill_import_id]
        )
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s, %s)",
                    [RUN_LOCK_CLASS, bill_import_id],
                )


def bill_imports_recover() -> list[int]:
    """Imports left "running" by a worker that died (killed, out of memory, host
    restart): queued again (their transaction rolled back, so nothing of them
    landed). Run every few minutes by beat; the redelivered task would otherwise
    come only after the broker's visibility timeout."""
    from .tasks import bill_import_run_task

    if connection.vendor != "postgresql":
        return []
    recovered = []
    for pk in BillImport.objects.filter(status=ImportStatus.RUNNING).values_list(
        "pk", flat=True
    ):
        with run_lock(pk) as held:
            if not held:
                continue  # alive
            bill_import = BillImport.objects.get(pk=pk)
            if bill_import.status != ImportStatus.RUNNING:
                continue
            tries = AuditEvent.objects.filter(
                action=REQUEUED,
                target_id=str(pk),
                target_type=ContentType.objects.get_for_model(BillImport),
            ).count()
            if tries >= MAX_REQUEUES:  # it kills its worker (memory?): stop
                _failed(
                    bill_import,
                    _(
                        "The import was interrupted %(count)s times; nothing was imported."
                    )
                    % {"count": tries + 1},
                )
                continue
            BillImport.objects.filter(pk=pk).update(
                status=ImportStatus.PENDING, progress=0, rows_read=0
            )
        audit_record(
            actor=None,
            action=REQUEUED,
            target=bill_import,
            details={"reason": "worker lost"},
        )
        transaction.on_commit(lambda pk=pk: bill_import_run_task.delay(pk))
        recovered.append(pk)
    return recovered


def _summarise(bill_import: BillImport, summary) -> None:
    bill_import.rows_read = summary.rows_read
    bill_import.rows_skipped = summary.rows_skipped
    bill_import.rows_unattributed = summary.rows_unattributed
    bill_import.rows_flagged = summary.rows_flagged
    bill_import.total_charge = summary.total_charge
    bill_import.error_count = summary.error_count
    bill_import.errors = [e.as_dict() for e in summary.errors]


def _run(bill_import: BillImport, reporter) -> None:
    parsers: list = []
    options = {
        "period_start": bill_import.period.month,
        "profile": bill_import.carrier.column_map,
        "grace_days": config.get("billing.import_grace_days"),
        "max_errors": config.get("billing.import_max_errors_listed"),
        "stop_on_error": not bill_import.dry_run,
    }

    def make_records():
        parser = BillParser(
            reader=open_rows(bill_import.file.path, bill_import.original_name),
            progress=reporter,
            **options,
        )
        parsers.append(parser)
        return parser.batches()

    try:
        with transaction.atomic():
            period = _lock_month(bill_import, reporter)
            # One import per carrier at a time: each checks the carrier's other
            # bills for shared calls (R-BIL-2) against committed rows.
            Carrier.objects.select_for_update().get(pk=bill_import.carrier_id)
            if bill_import.dry_run:
                _dry_run(bill_import, make_records, parsers)
                return
            _refuse_closed(period)
            if _unchanged(bill_import):
                return
            _import(bill_import, make_records, parsers, options, reporter)
    except ImportRefused:
        drop_load_table(bill_import.pk)
        _summarise(bill_import, parsers[-1].summary)
        raise
    except BaseException:
        drop_load_table(bill_import.pk)
        raise


def _lock_month(bill_import: BillImport, reporter) -> BillingPeriod:
    """The import's month, locked FOR NO KEY UPDATE: that serialises imports,
    audits and closing of the month without blocking rows that merely refer to it
    (a new upload's foreign key check would wait for the whole import otherwise).

    While another holds it (the audit that follows an import takes minutes on a
    month of millions of calls), the progress page says what the import waits for.
    """
    month = BillingPeriod.objects.filter(pk=bill_import.period_id)
    if reporter is not None and connection.features.has_select_for_update_nowait:
        try:
            with transaction.atomic():
                return month.select_for_update(no_key=True, nowait=True).get()
        except OperationalError:
            reporter.waiting(True)
    try:
        return month.select_for_update(no_key=True).get()
    finally:
        if reporter is not None:
            reporter.waiting(False)


def _dry_run(bill_import: BillImport, make_records, parsers) -> None:
    for item in make_records():
        if item.__class__ is Progress:
            item.report()
    summary = parsers[-1].summary
    _summarise(bill_import, summary)
    bill_import.rows_replaced = CallRecord.objects.filter(
        carrier_id=bill_import.carrier_id, period_id=bill_import.period_id
    ).count()
    bill_import.status = ImportStatus.CHECKED
    bill_import.progress = 100
    bill_import.finished_at = timezone.now()
    if summary.error_count:
        bill_import.message = _(
            "%(count)s errors: this bill would be refused as it is."
        ) % {"count": summary.error_count}
    else:
        bill_import.message = _("No errors: this bill can be imported.")
    bill_import.save()


def _unchanged(bill_import: BillImport) -> bool:
    """The same file as the month's current import: nothing is counted twice."""
    current = (
        BillImport.objects.filter(
            carrier_id=bill_import.carrier_id,
            period_id=bill_import.period_id,
            status=ImportStatus.SUCCEEDED,
        )
        .order_by("-finished_at", "-pk")
        .first()
    )
    if current is None or current.sha256 != bill_import.sha256:
        return False
    bill_import.status = ImportStatus.UNCHANGED
    bill_import.rows_read = current.rows_read
    bill_import.rows_duplicate = current.rows_imported
    bill_import.total_charge = current.total_charge
    bill_import.progress = 100
    bill_import.finished_at = timezone.now()
    bill_import.message = _(
        "This bill was already imported on %(date)s; nothing was counted twice."
    ) % {"date": timezone.localtime(current.finished_at).strftime("%Y-%m-%d %H:%M")}
    bill_import.save()
    audit_record(
        actor=bill_import.created_by,
        action="billing.bill_unchanged",
        target=bill_import,
    )
    return True


def _import(bill_import: BillImport, make_records, parsers, options, reporter) -> None:
    writer = writer_for(
        period_id=bill_import.period_id,
        carrier_id=bill_import.carrier_id,
        import_id=bill_import.pk,
    )
    plan = None
    if isinstance(writer, PostgresWriter) and settings.BILL_IMPORT_WORKERS > 1:
        plan = parallel.plan(
            bill_import.file.path,
            name=bill_import.original_name,
            profile=options["profile"],
            workers=settings.BILL_IMPORT_WORKERS,
        )
    if plan is not None:
        summary = writer.write_parallel(plan, options=options, report=reporter)
        parsers.append(SimpleNamespace(summary=summary))
    else:
        writer.write(make_records)
    summary = parsers[-1].summary
    if summary.error_count:
        raise ImportRefused(
            _("The bill was refused: %(count)s errors; nothing was imported.")
            % {"count": summary.error_count}
        )
    # R-BIL-2: a corrected bill replaces the carrier's month (same transaction);
    # calls another of the carrier's bills already holds are not counted twice.
    replaced_ids = list(
        BillImport.objects.filter(
            carrier_id=bill_import.carrier_id, period_id=bill_import.period_id
        )
        .exclude(pk=bill_import.pk)
        .values_list("pk", flat=True)
    )
    inserted, duplicates, replaced_count = writer.finish(
        replaced_import_ids=replaced_ids
    )
    # The carrier's month is now this import's calls alone: its summary rows are
    # rebuilt from the import's partition, in the import's transaction.
    call_summaries_rebuild(
        match=Q(period_id=bill_import.period_id, carrier_id=bill_import.carrier_id),
        calls=CallRecord.objects.filter(bill_import_id=bill_import.pk),
    )
    _summarise(bill_import, summary)
    bill_import.rows_imported = inserted
    bill_import.rows_duplicate = duplicates
    bill_import.rows_replaced = replaced_count
    bill_import.status = ImportStatus.SUCCEEDED
    bill_import.progress = 100
    bill_import.finished_at = timezone.now()
    bill_import.message = _("%(count)s calls imported.") % {"count": inserted}
    bill_import.save()
    audit_record(
        actor=bill_import.created_by,
        action="billing.bill_imported",
        target=bill_import,
        details={
            "calls": inserted,
            "duplicates": duplicates,
            "replaced": replaced_count,
            "total": str(summary.total_charge),
        },
    )
    for hook in AFTER_IMPORT:
        transaction.on_commit(partial(hook, bill_import.pk))


# --- Attribution (R-BIL-3) ------------------------------------------------------------


@transaction.atomic
def call_records_reattribute(*, line_numbers: list[str] | None = None) -> int:
    """Attribute the open months' calls of these lines again (all unattributed if None).

    One query for the assignment periods of all lines, then one UPDATE per period;
    closed months are never changed. The lines' summary rows are rebuilt in the
    same transaction. Returns the number of calls now attributed.
    """
    from extensions.selectors import assignments_for_numbers

    open_calls = CallRecord.objects.filter(period__status=PeriodStatus.OPEN)
    if line_numbers is None:
        line_numbers = list(
            open_calls.unattributed().values_list("line_number", flat=True).distinct()
        )
    numbers = sorted(set(line_numbers))
    if not numbers:
        return 0
    bounds = open_calls.filter(line_number__in=numbers).aggregate(
        first=Min("started_at")
    )
    if bounds["first"] is None:
        return 0
    end = datetime.max.replace(year=9000, tzinfo=timezone.get_current_timezone())
    periods = assignments_for_numbers(numbers, bounds["first"], end)
    unattributed = int(CallFlag.UNATTRIBUTED)
    calls = open_calls.filter(line_number__in=numbers)
    calls.update(department=None, owner=None, flags=F("flags").bitor(unattributed))
    attributed = 0
    for number, timeline in periods.items():
        for assignment in timeline:
            window = Q(started_at__gte=assignment.starts_at)
            if assignment.ends_at is not None:
                window &= Q(started_at__lt=assignment.ends_at)
            attributed += calls.filter(window, line_number=number).update(
                department_id=assignment.department_id,
                owner_id=assignment.owner_id,
                flags=F("flags").bitand(~unattributed),
            )
    call_summaries_rebuild(
        match=Q(period__status=PeriodStatus.OPEN, line_number__in=numbers)
    )
    for hook in CALLS_CHANGED:
        hook(None)
    return attributed


@transaction.atomic
def unattributed_line_resolve(
    *,
    actor,
    line_number: str,
    department: Department,
    owner: Employee | None = None,
) -> int:
    """ "Assign the line": put the unknown number in the directory from its first
    unattributed call, then attribute its calls again (R-BIL-3). Returns calls fixed.

    Only open months' calls count: attributing a closed month's calls would change
    whom its findings and department sheet charge (R-PRV-4). They stay unattributed
    until the month is reopened, and the line starts at the first open month's call.
    """
    require(actor, "bills.import")
    from extensions.selectors import line_by_number
    from extensions.services import line_create

    calls = CallRecord.objects.filter(line_number=line_number).unattributed()
    first = calls.filter(period__status=PeriodStatus.OPEN).aggregate(
        first=Min("started_at")
    )["first"]
    if first is None:
        closed = calls.select_related("period").order_by("-started_at").first()
        if closed is not None:
            raise PeriodClosed(
                _("The month %(month)s is closed; it cannot be changed.")
                % {"month": closed.period}
            )
        raise BillingError(_("This line has no unattributed calls."))
    line = line_by_number(line_number)
    if line is None:
        line_create(
            number=line_number,
            department=department,
            owner=owner,
            starts_at=first,
            actor=actor,
        )
    fixed = call_records_reattribute(line_numbers=[line_number])
    if line is not None and fixed == 0:
        raise BillingError(
            _(
                "Line %(number)s is already in the directory, but nobody held it at "
                "the time of these calls; correct the line's assignment history."
            )
            % {"number": line_number}
        )
    audit_record(
        actor=actor,
        action="billing.line_resolved",
        details={"line": line_number, "calls": fixed, "department": department.code},
    )
    return fixed


# --- Number plan ------------------------------------------------------------------


@transaction.atomic
def number_rule_save(*, actor, rule: NumberRule) -> NumberRule:
    """Create or change a number-plan rule (administration, roles.md)."""
    require(actor, "settings.edit")
    created = rule.pk is None
    rule.full_clean()
    rule.save()
    audit_record(
        actor=actor,
        action="billing.number_rule_created"
        if created
        else "billing.number_rule_changed",
        target=rule,
        details={
            "prefix": rule.prefix,
            "class": rule.call_class,
            "from": rule.valid_from.isoformat(),
        },
    )
    return rule


@transaction.atomic
def number_rule_end(*, actor, rule: NumberRule, last_day: date) -> NumberRule:
    """Stop a rule after ``last_day`` (history stays for earlier bills)."""
    require(actor, "settings.edit")
    if last_day < rule.valid_from:
        rule_pk = rule.pk
        rule.delete()
        audit_record(
            actor=actor, action="billing.number_rule_deleted", details={"pk": rule_pk}
        )
        return rule
    rule.valid_until = last_day
    rule.save(update_fields=["valid_until", "updated_at"])
    audit_record(actor=actor, action="billing.number_rule_ended", target=rule)
    return rule
