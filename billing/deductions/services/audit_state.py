"""Whether a month's audit is current, and the audit job's state (R-PRV-4).

A month's audit is *current* when its last successful run started after the
month's last import and after the last change of the inputs the audit reads
(``audit_inputs_changed``, called by the services and signals that change them).
While it is not, or while a run goes on, the deduction export and closing refuse
(``ensure_audit_current``). A month with no bill imported has nothing to audit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Max
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from billing.models import BillImport, BillingPeriod, ImportStatus, PeriodStatus
from telephony_admin.core import config

from ..errors import DeductionError
from ..models import AuditRunStatus, MonthAudit

PROGRESS_KEY = "deductions.audit.%s.progress"


@dataclass
class AuditState:
    """What the closing, findings and progress pages show of a month's audit."""

    code: str  # none | current | stale | queued | running | failed
    job: MonthAudit | None
    last_import_at: datetime | None
    progress: int = 0

    @property
    def current(self) -> bool:
        return self.code in ("none", "current")

    @property
    def exportable(self) -> bool:
        return self.current

    @property
    def running(self) -> bool:
        return self.code in ("queued", "running")

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.code])

    @property
    def message(self) -> str:
        period = self.job.period if self.job else ""
        if self.code == "none":
            return _("No bill imported for this month: nothing to audit.")
        if self.code == "current":
            return _("The audit is current (last run %(at)s).") % {
                "at": _local(self.job.audited_at)
            }
        if self.code == "running":
            return _("The audit of %(month)s is running (%(progress)s%%).") % {
                "month": period,
                "progress": self.progress,
            }
        if self.code == "queued":
            return _("The audit of %(month)s is queued and starts shortly.") % {
                "month": period
            }
        if self.code == "failed":
            # The error itself is in the worker's log, not in what users read.
            return _(
                "The last audit did not finish. Administration runs it again "
                "(“Run the audit now” on the findings page)."
            )
        return _(
            "The bill or the audit's inputs changed since the last audit. "
            "Administration runs the audit again (“Run the audit now” on the findings "
            "page)."
        )


STATE_LABELS = {
    "none": pgettext_lazy("audit", "Nothing to audit"),
    "current": pgettext_lazy("audit", "Current"),
    "stale": pgettext_lazy("audit", "Not current"),
    "queued": pgettext_lazy("audit", "Queued"),
    "running": pgettext_lazy("audit", "Running"),
    "failed": pgettext_lazy("audit", "Failed"),
}


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _stuck_after() -> timedelta:
    return timedelta(minutes=int(config.get("deductions.audit_stuck_minutes")))


def last_import_at(period: BillingPeriod) -> datetime | None:
    return BillImport.objects.filter(
        period=period, dry_run=False, status=ImportStatus.SUCCEEDED
    ).aggregate(at=Max("finished_at"))["at"]


def _requests_changed_at(period: BillingPeriod) -> datetime | None:
    """Long-distance requests change by conditional UPDATEs (decisions, lapses),
    which send no signal: their own timestamps tell when the audit's view of them
    last changed (the window ``audit_rules.RuleContext`` reads)."""
    from extensions.models import LongDistanceRequest

    created = F("created_at")
    return LongDistanceRequest.objects.filter(
        call_on__gte=period.month - timedelta(days=7),
        call_on__lte=period.month + timedelta(days=40),
    ).aggregate(
        at=Max(
            Greatest(
                created,
                Coalesce("decided_at", created),
                Coalesce("placed_at", created),
                Coalesce("lapsed_at", created),
            )
        )
    )["at"]


def audit_state(period: BillingPeriod) -> AuditState:
    job = MonthAudit.objects.filter(period=period).first()
    imported = last_import_at(period)
    if job is not None:
        job.period = period
    if job is not None and job.status in (
        AuditRunStatus.QUEUED,
        AuditRunStatus.RUNNING,
    ):
        since = job.started_at or job.queued_at
        if since and timezone.now() - since < _stuck_after():
            code = str(job.status)
            progress = cache.get(PROGRESS_KEY % period.pk) or 0
            return AuditState(code, job, imported, progress)
    if imported is None and (job is None or job.audited_at is None):
        return AuditState("none", job, imported)
    audited = job.audited_at if job else None
    changed = max(
        (
            t
            for t in (
                imported,
                job.inputs_changed_at if job else None,
                _requests_changed_at(period),
            )
            if t
        ),
        default=None,
    )
    if audited is not None and (changed is None or audited >= changed):
        return AuditState("current", job, imported)
    if job is not None and job.status == AuditRunStatus.FAILED:
        return AuditState("failed", job, imported)
    return AuditState("stale", job, imported)


def ensure_audit_current(period: BillingPeriod) -> None:
    """The deduction export and closing refuse a month whose audit is pending,
    running or stale, saying why and what to do."""
    state = audit_state(period)
    if not state.exportable:
        raise DeductionError(
            _("The audit of %(month)s is not current: %(why)s")
            % {"month": period, "why": state.message}
        )


def _job(period_id: int) -> MonthAudit:
    job, _created = MonthAudit.objects.get_or_create(period_id=period_id)
    return job


def audit_job_update(
    period_id: int,
    *,
    status: str | None = None,
    progress: float | None = None,
    actor=None,
    created: dict | None = None,
    message: str | None = None,
) -> None:
    """Record the job's state; progress goes to the cache (the run's own
    transaction would hide it until the end)."""
    if progress is not None:
        cache.set(PROGRESS_KEY % period_id, int(progress * 100), 3600)
    if status is None:
        return
    now = timezone.now()
    fields: dict = {"status": status}
    if status == AuditRunStatus.QUEUED:
        fields.update(queued_at=now, progress=0, message="")
    elif status == AuditRunStatus.RUNNING:
        fields.update(started_at=now, finished_at=None, progress=0, message="")
        cache.set(PROGRESS_KEY % period_id, 0, 3600)
    else:
        fields.update(finished_at=now, progress=100)
        cache.delete(PROGRESS_KEY % period_id)
    user = getattr(actor, "user", actor)
    if getattr(user, "is_authenticated", False):
        fields["requested_by"] = user
    if created is not None:
        fields["created"] = {str(k): v for k, v in created.items()}
    if message is not None:
        fields["message"] = message[:500]
    _job(period_id)
    MonthAudit.objects.filter(period_id=period_id).update(**fields)


def mark_audited(period: BillingPeriod, started: datetime) -> None:
    """Inside the run's transaction: the month is current as of ``started``."""
    _job(period.pk)
    MonthAudit.objects.filter(period=period).update(audited_at=started)


def audit_inputs_changed(*, months: list[date] | None = None) -> int:
    """An input of the audit changed: the open months given (all open months when
    ``None``) need a new audit before their export and closing."""
    periods = BillingPeriod.objects.filter(status=PeriodStatus.OPEN)
    if months is not None:
        periods = periods.filter(month__in={m.replace(day=1) for m in months})

    def mark() -> None:
        MonthAudit.objects.filter(period__in=periods).update(
            inputs_changed_at=timezone.now()
        )

    # Now (seen by this transaction), and again once the change commits, so that
    # an audit that started before the commit, and so could not see the change,
    # ends stale rather than current.
    mark()
    transaction.on_commit(mark)
    return periods.count() if months is not None else 0
