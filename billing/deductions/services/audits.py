"""Audits of a month's bill: findings (``Violation``) linked to call records.

``audit_run`` audits a month in one transaction: findings of a corrected bill are
moved to the same call of the new bill, each rule inserts what is new (a finding is
unique per call and rule, so every decision already taken is kept), private calls
are matched (R-PRV-2), the month's finding totals are rebuilt and the people charged
are told, grouped. On PostgreSQL the rules are set-based SQL (``audit_sql``); on
SQLite the portable path (``audit_rules``) gives the same findings.

A run whose month is current (``audit_state``: audited after its last import and
the last change of the inputs it reads) does nothing unless forced.
``audit_month_run`` wraps a run as a job (running, progress, done or failed) for the
Celery task, ``manage.py import_bill`` and ``manage.py audit_month``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import BillingPeriod, CallRecord
from telephony_admin.core.services import audit_record
from telephony_admin.org.models import Employee

from ..models import FindingStatus, PrivateCallRegistration, Violation
from . import audit_rules, audit_sql, findings_partition, holds
from .audit_rules import RuleContext, same_number  # noqa: F401  (used by others)
from .audit_state import audit_job_update, audit_state, mark_audited
from .notices import notify_charged
from .periods import ensure_open
from .totals import finding_totals_refresh

#: ``progress(fraction)`` while a run goes on (the job's progress bar).
Progress = Callable[[float], None]


@dataclass
class AuditResult:
    period: BillingPeriod
    created: dict[str, int] = field(default_factory=dict)
    reattached: int = 0
    removed: int = 0
    matched_private: int = 0
    skipped: bool = False
    #: Rules whose new findings this run held, with the numbers (``holds``).
    held: dict[str, dict] = field(default_factory=dict)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


def _set_based() -> bool:
    return connection.vendor == "postgresql"


def _reattach(period: BillingPeriod) -> tuple[int, int]:
    """A corrected bill replaced the month's records: move findings (and their
    decisions) to the same call in the new bill; drop those whose call is gone."""
    if _set_based():
        return _reattach_sql(period)
    alive = CallRecord.objects.filter(pk=OuterRef("call_id"))
    orphans = list(
        Violation.objects.filter(period=period).filter(~Exists(alive)).order_by()
    )
    if not orphans:
        return 0, 0
    keys = {(v.line_number, v.started_at, v.called_number) for v in orphans}
    new_ids = {
        (line, start, called): pk
        for pk, line, start, called in CallRecord.objects.filter(
            period=period,
            line_number__in={k[0] for k in keys},
            started_at__in={k[1] for k in keys},
        ).values_list("pk", "line_number", "started_at", "called_number")
    }
    moved, gone = [], []
    for finding in orphans:
        pk = new_ids.get(
            (finding.line_number, finding.started_at, finding.called_number)
        )
        if pk is None:
            gone.append(finding.pk)
        else:
            finding.call_id = pk
            moved.append(finding)
    Violation.objects.bulk_update(moved, ["call"], batch_size=2000)
    Violation.objects.filter(pk__in=gone).delete()
    _unmatch_gone_registrations(period)
    return len(moved), len(gone)


def _reattach_sql(period: BillingPeriod) -> tuple[int, int]:
    calls, findings = audit_sql.CALLS, audit_sql.FINDINGS
    with connection.cursor() as cursor:
        # Orphans are rare (only after a corrected bill): find them first, cheaply.
        cursor.execute(
            f"""CREATE TEMP TABLE orphan ON COMMIT DROP AS
            SELECT v.id, v.line_number, v.started_at, v.called_number
            FROM {findings} v WHERE v.period_id = %s
            AND NOT EXISTS (SELECT 1 FROM {calls} c WHERE c.id = v.call_id)""",
            [period.pk],
        )
        if not cursor.rowcount:
            cursor.execute("DROP TABLE orphan")
            return 0, 0
        cursor.execute(
            f"""UPDATE {findings} v SET call_id = n.call_id FROM (
                SELECT DISTINCT ON (o.id) o.id, c.id AS call_id
                FROM orphan o JOIN {calls} c ON c.period_id = %s
                AND c.started_at = o.started_at AND c.line_number = o.line_number
                AND c.called_number = o.called_number
                ORDER BY o.id, c.id
            ) n WHERE v.id = n.id""",
            [period.pk],
        )
        moved = cursor.rowcount
        cursor.execute(
            f"""DELETE FROM {findings} v USING orphan o WHERE v.id = o.id
            AND NOT EXISTS (SELECT 1 FROM {calls} c WHERE c.id = v.call_id)"""
        )
        gone = cursor.rowcount
        cursor.execute("DROP TABLE orphan")
    _unmatch_gone_registrations(period)
    return moved, gone


def _unmatch_gone_registrations(period: BillingPeriod) -> None:
    stale = PrivateCallRegistration.objects.filter(period=period, call__isnull=False)
    stale.filter(~Exists(CallRecord.objects.filter(pk=OuterRef("call_id")))).update(
        call=None, charge=None, matched_at=None
    )


def _insert_portable(ctx: RuleContext, progress: Progress) -> dict[str, int]:
    calls = CallRecord.objects.filter(period=ctx.period)
    sources = audit_rules.SOURCES
    for n, source in enumerate(sources):
        batch = list(source(calls, ctx))
        Violation.objects.bulk_create(batch, ignore_conflicts=True, batch_size=2000)
        progress((n + 1) / len(sources))
    new = Violation.objects.filter(period=ctx.period, created_at__gte=ctx.now)
    counts = new.order_by().values("rule").annotate(n=Count("pk"))
    return {row["rule"]: row["n"] for row in counts}


#: New findings from which the set-based audit refreshes the table's statistics.
ANALYZE_AFTER = 10_000


def _insert_set_based(ctx: RuleContext, progress: Progress) -> dict[str, int]:
    with connection.cursor() as cursor:
        # The month's groupings and hash joins (a million calls) fit in memory
        # rather than spilling to disk at the default 4 MB.
        cursor.execute(
            "SELECT set_config('work_mem', %s, true)",
            [settings.AUDIT_WORK_MEM],
        )
        # A month's first audit fills a table of its own, indexed once at the end.
        new_table = findings_partition.month_table_open(cursor, ctx.period.pk)
    ctx.findings_table = new_table or ""
    created = {}
    for n, (rule, statement) in enumerate(audit_sql.RULES):
        count = statement(ctx)
        if count:
            created[str(rule)] = count
        progress((n + 1) / len(audit_sql.RULES))
    if new_table:
        with connection.cursor() as cursor:
            findings_partition.month_table_attach(cursor, new_table, ctx.period.pk)
    if sum(created.values()) >= ANALYZE_AFTER:
        with connection.cursor() as cursor:
            # Fresh statistics of the month's partition for the findings list's
            # plan (its month in time order from the index, not a sort of the
            # month), from a small sample as the import does for its partition;
            # autovacuum may be off or behind a month of new findings.
            cursor.execute("SET LOCAL default_statistics_target = 20")
            cursor.execute(f"ANALYZE {findings_partition.month_table(ctx.period.pk)}")
            cursor.execute("RESET default_statistics_target")
    return created


def _charged_since(period: BillingPeriod, since) -> dict[int, int]:
    new = (
        Violation.objects.filter(
            period=period,
            created_at__gte=since,
            status=FindingStatus.CHARGED,
            employee__isnull=False,
        )
        .order_by()
        .values("employee_id")
        .annotate(n=Count("pk"))
    )
    return {row["employee_id"]: row["n"] for row in new}


def _no_progress(fraction: float) -> None:
    return None


@transaction.atomic
def audit_run(
    *, period_id: int, actor=None, progress: Progress | None = None
) -> AuditResult:
    """Audit a month (after each import and on demand); idempotent."""
    from .private_calls import private_calls_match

    if actor is not None:
        from telephony_admin.org.access import require

        require(actor, "audits.decide")
    progress = progress or _no_progress
    # As the import: uploads and other rows that refer to the month do not wait.
    period = BillingPeriod.objects.select_for_update(no_key=True).get(pk=period_id)
    ensure_open(period)
    result = AuditResult(period=period)
    # Taken after the month's lock: an import either committed before (and is seen)
    # or waits for this run and makes the month stale again when it lands.
    started = timezone.now()
    result.reattached, result.removed = _reattach(period)
    ctx = RuleContext.load(period, started)
    insert = _insert_set_based if _set_based() else _insert_portable
    result.created = insert(ctx, lambda f: progress(0.05 + 0.8 * f))
    # An abnormal number of new findings of a set-up rule is held for
    # confirmation, the same on both paths (after the insert, before matching).
    result.held = holds.hold_abnormal(period, result.created, started)
    result.matched_private = private_calls_match(period=period)
    finding_totals_refresh(period)
    progress(0.9)
    # Counted as inserted by the set-based statements, unless matching private
    # calls has just waived or dismissed some of them.
    charged = ctx.charged
    if not _set_based() or result.matched_private or result.held:
        charged = _charged_since(period, started)
    _notify_charged(period, charged)
    audit_record(
        actor=actor,
        action="deductions.audit_run",
        target=period,
        details={
            "created": result.created,
            "private_matched": result.matched_private,
            "held": {rule: h["count"] for rule, h in result.held.items()},
        },
    )
    mark_audited(period, started)
    from .quotas import quota_alerts_check

    quota_alerts_check(month=period.month)
    return result


def audit_month_run(*, period_id: int, actor=None, force: bool = False) -> AuditResult:
    """Run a month's audit as a job: running with progress, then done or failed
    (the state is committed outside the audit's transaction, for the page). A
    month whose audit is current is left alone unless ``force``: a re-run with
    nothing changed does no work."""
    period = BillingPeriod.objects.get(pk=period_id)
    if not force and audit_state(period).code == "current":
        # Nothing to record either: the job is done and the month current (and a
        # command that finds it so starts and ends in a second).
        return AuditResult(period=period, skipped=True)
    audit_job_update(period_id, status="running", actor=actor)
    try:
        result = audit_run(
            period_id=period_id,
            actor=actor,
            progress=lambda f: audit_job_update(period_id, progress=f),
        )
    except Exception as exc:
        audit_job_update(period_id, status="failed", message=str(exc))
        raise
    audit_job_update(period_id, status="done", created=result.created, message="")
    return result


def _notify_charged(period: BillingPeriod, counts: dict[int, int]) -> None:
    """The people charged hear of their new violations, one notification each per
    run; their heads one digest per department (``notices``)."""
    notify_charged(period, counts)


def notify_finding(person: Employee, count: int, period: BillingPeriod) -> None:
    notify_charged(period, {person.pk: count})


@transaction.atomic
def audit_request(
    *, actor, period: BillingPeriod, force: bool = False, after_import: bool = False
) -> bool:
    """Queue a month's audit as a Celery task (立即稽核, and after each import);
    False when there is nothing to do (the audit is current).

    Refused up front, with the reason, for a closed month and while the month's
    audit is already queued or running (not after an import: its audit must follow
    it, and the queued run waits for the running one's lock).
    """
    from ..errors import DeductionError
    from ..tasks import audit_run_task

    if actor is not None:
        from telephony_admin.org.access import require

        require(actor, "audits.decide")
    ensure_open(period)
    state = audit_state(period)
    if not after_import and state.running:
        raise DeductionError(
            _("The audit of %(month)s is already queued or running.")
            % {"month": period}
        )
    if not after_import and not force and state.code == "current":
        return False
    audit_job_update(period.pk, status="queued", actor=actor)
    user = getattr(actor, "user", actor)
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    transaction.on_commit(
        lambda: audit_run_task.delay(period.pk, user_id=user_id, force=force)
    )
    return True


def audit_report(result: AuditResult) -> list[str]:
    """Lines the commands print: the new findings per rule, or why none."""
    from ..models import Rule

    if result.skipped:
        return [
            _("Audit of %(month)s: nothing changed since the last audit.")
            % {"month": result.period}
        ]
    lines = [
        _(
            "Audit of %(month)s: %(count)s new findings, %(private)s private calls matched."
        )
        % {
            "month": result.period,
            "count": result.total_created,
            "private": result.matched_private,
        }
    ]
    labels = dict(Rule.choices)
    for rule, count in sorted(result.created.items()):
        lines.append(f"  {labels.get(rule, rule)}: {count}")
    for rule, why in sorted(result.held.items()):
        lines.append(
            _("  held for confirmation: %(rule)s, %(count)s (%(share)s%% of the calls)")
            % {
                "rule": labels.get(rule, rule),
                "count": why["count"],
                "share": why["share"],
            }
        )
    return lines
