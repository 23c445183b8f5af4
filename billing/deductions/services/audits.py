"""Audits of a month's bill: findings (``Violation``) linked to call records.

Set-based: each rule is one filtered query over the month's calls (PostgreSQL does the
filtering, windows and grouping), results are inserted in bulk and a finding is unique
per call and rule, so running an audit again adds only what is new and keeps every
decision already taken. Rules: R-BIL-5 premium numbers, R-LD-4 long distance beyond
the line's class without an approved request, R-LD-2 lapsed urgent requests, R-LD-3
no IP prefix, R-HOT-1 calls from the 400 line, and review flags for night/weekend,
very long and repeated calls. Private calls are matched in the same run (R-PRV-2).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import LONG_DISTANCE, BillingPeriod, CallClass, CallFlag, CallRecord
from telephony_admin.core import config
from telephony_admin.core.money import to_money
from telephony_admin.core.services import audit_record, notify
from telephony_admin.org.models import Department, Employee

from ..models import (
    UNAMBIGUOUS,
    FindingKind,
    FindingStatus,
    PrivateCallRegistration,
    Rule,
    Violation,
)
from .periods import ensure_open

NOT_AUDITED = (
    CallClass.INTERNAL,
    CallClass.EMERGENCY,
    CallClass.TOLL_FREE,
    CallClass.SERVICE,
)
FIELDS = (
    "pk",
    "owner_id",
    "department_id",
    "line_number",
    "called_number",
    "started_at",
    "duration_seconds",
    "call_class",
    "charge",
    "ip_prefix",
)


@dataclass
class AuditResult:
    period: BillingPeriod
    created: dict[str, int] = field(default_factory=dict)
    reattached: int = 0
    removed: int = 0
    matched_private: int = 0

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


class _Builder:
    """Turns call rows into unsaved findings with amounts and the person charged."""

    def __init__(self, period: BillingPeriod) -> None:
        self.period = period
        self.heads = dict(Department.objects.values_list("pk", "head_id"))
        self.review_multiplier = config.get("deductions.review_multiplier")

    def person(self, owner_id, department_id):
        # A shared line's calls are the department head's (R-EXT-1).
        return owner_id or self.heads.get(department_id)

    def make(self, row: dict, rule: str, **extra) -> Violation:
        unambiguous = rule in UNAMBIGUOUS
        multiplier = extra.pop(
            "multiplier", Decimal(1) if unambiguous else self.review_multiplier
        )
        fine = extra.pop("fine", Decimal(0))
        employee_id = extra.pop(
            "employee_id", self.person(row["owner_id"], row["department_id"])
        )
        return Violation(
            call_id=row["pk"],
            period=self.period,
            rule=rule,
            kind=FindingKind.VIOLATION if unambiguous else FindingKind.REVIEW,
            status=FindingStatus.CHARGED if unambiguous else FindingStatus.OPEN,
            employee_id=employee_id,
            department_id=row["department_id"],
            line_number=row["line_number"],
            called_number=row["called_number"],
            started_at=row["started_at"],
            duration_seconds=row["duration_seconds"],
            call_class=row["call_class"],
            charge=row["charge"],
            multiplier=multiplier,
            fine=fine,
            amount=to_money(row["charge"] * multiplier + fine),
            **extra,
        )


def _rows(queryset):
    return queryset.order_by().values(*FIELDS).iterator(chunk_size=5000)


def _premium(calls, build: _Builder):
    """R-BIL-5: the person pays 5 times the charge of a premium-number call."""
    multiplier = config.get("deductions.premium_multiplier")
    # One scan: a ``pk IN (subquery)`` here became a nested loop over a million
    # calls (the planner cannot estimate the flag's bit test).
    premium = calls.alias(_premium_bit=F("flags").bitand(int(CallFlag.PREMIUM))).filter(
        Q(call_class=CallClass.PREMIUM) | Q(_premium_bit__gt=0)
    )
    for row in _rows(premium):
        yield build.make(
            row,
            Rule.PREMIUM,
            multiplier=multiplier,
            note=_("Premium voice-information number (R-BIL-5)"),
        )


def _ld_fines() -> dict[str, Decimal]:
    return {
        CallClass.DOMESTIC: config.get("deductions.ld_fine_domestic"),
        CallClass.HK_MO_TW: config.get("deductions.ld_fine_hk_macau"),
        CallClass.INTERNATIONAL: config.get("deductions.ld_fine_international"),
    }


def _digits(number: str) -> str:
    return "".join(ch for ch in str(number or "") if ch.isdigit())


def same_number(called: str, ip_prefix: str, wanted: str) -> bool:
    """Does a bill's called number (maybe with its IP prefix) equal ``wanted``?"""
    wanted = _digits(wanted)
    if not wanted:
        return False
    called = _digits(called)
    if ip_prefix and called.startswith(ip_prefix):
        called = called[len(ip_prefix) :]
    if ip_prefix and wanted.startswith(ip_prefix):
        wanted = wanted[len(ip_prefix) :]
    return called == wanted


def _requests_by_line_and_day(period: BillingPeriod):
    """Long-distance requests around the month by (line number, day), one query."""
    from extensions.models import LDStatus, LongDistanceRequest

    start = period.month - timedelta(days=7)
    end = period.month + timedelta(days=40)
    rows = LongDistanceRequest.objects.filter(
        call_on__gte=start, call_on__lte=end
    ).select_related("line")
    by_key: dict[tuple[str, date], list] = defaultdict(list)
    for request in rows:
        days = {request.call_on}
        if request.placed_at:
            days.add(timezone.localtime(request.placed_at).date())
        for day in days:
            by_key[(request.line.number, day)].append(request)
    return by_key, LDStatus


def _long_distance(calls, build: _Builder):
    """R-LD-4 (fine by destination plus the charge) and R-LD-2 (lapsed: double)."""
    from extensions.models import ClassOfService
    from extensions.selectors import classes_for_numbers

    ld_calls = calls.filter(call_class__in=LONG_DISTANCE, department__isnull=False)
    numbers = ld_calls.order_by().values_list("line_number", flat=True).distinct()
    timelines = classes_for_numbers(list(numbers))
    requests, LDStatus = _requests_by_line_and_day(build.period)
    fines = _ld_fines()
    lapsed_multiplier = config.get("deductions.lapsed_ld_multiplier")
    for row in _rows(ld_calls):
        needed = (
            ClassOfService.DOMESTIC
            if row["call_class"] == CallClass.DOMESTIC
            else ClassOfService.INTERNATIONAL
        )
        day = timezone.localtime(row["started_at"]).date()
        candidates = [
            r
            for r in requests.get((row["line_number"], day), [])
            if r.required_class >= needed
            and (
                not r.destination_number
                or same_number(
                    row["called_number"], row["ip_prefix"], r.destination_number
                )
            )
        ]
        lapsed = [r for r in candidates if r.status == LDStatus.LAPSED]
        if lapsed:
            yield build.make(
                row,
                Rule.LD_LAPSED,
                multiplier=lapsed_multiplier,
                employee_id=lapsed[0].caller_id,
                ld_request_id=lapsed[0].pk,
                note=_("Urgent request %(pk)s not approved in time (R-LD-2)")
                % {"pk": lapsed[0].pk},
            )
            continue
        timeline = timelines.get(row["line_number"])
        allowed = timeline.at(row["started_at"])[0] if timeline else 0
        if allowed >= needed:
            continue
        covered = any(
            r.status == LDStatus.APPROVED
            or (r.status == LDStatus.PENDING and r.placed_now)
            for r in candidates
        )
        if covered:
            continue
        fine = fines[row["call_class"]]
        yield build.make(
            row,
            Rule.LD_UNAUTHORISED,
            fine=fine,
            note=_("Line not allowed this call and no approved request (R-LD-4)"),
        )


def _non_working_days(period: BillingPeriod) -> list[date]:
    from telephony_admin.workcal.calendar import is_working_day

    first = period.month - timedelta(days=3)
    return [
        first + timedelta(days=n)
        for n in range(38)
        if not is_working_day(first + timedelta(days=n))
    ]


def _review_flags(calls, build: _Builder):
    """Review flags (charge nothing until confirmed): R-LD-3 no IP prefix, night or
    weekend, very long, repeated calls (thresholds are settings)."""
    audited = calls.exclude(call_class__in=NOT_AUDITED)
    for row in _rows(calls.with_flag(CallFlag.NO_IP_PREFIX)):
        yield build.make(row, Rule.NO_IP_PREFIX, note=_("No IP prefix (R-LD-3)"))
    starts = config.get("deductions.night_starts")
    ends = config.get("deductions.night_ends")
    if starts > ends:
        night = Q(started_at__time__gte=starts) | Q(started_at__time__lt=ends)
    else:
        night = Q(started_at__time__gte=starts, started_at__time__lt=ends)
    off_days = Q(started_at__date__in=_non_working_days(build.period))
    minimum = int(config.get("deductions.off_hours_min_minutes")) * 60
    min_charge = config.get("deductions.off_hours_min_charge")
    # A short, cheap call outside working time is not worth a review.
    worth = Q(duration_seconds__gte=minimum) | Q(charge__gte=min_charge)
    off_hours = audited.filter(charge__gt=0).filter(night | off_days).filter(worth)
    for row in _rows(off_hours):
        yield build.make(row, Rule.NIGHT_WEEKEND, note=_("Outside working time"))
    minutes = int(config.get("deductions.long_call_minutes"))
    for row in _rows(audited.filter(duration_seconds__gte=minutes * 60)):
        yield build.make(
            row,
            Rule.LONG_CALL,
            note=_("%(minutes)s minutes or longer") % {"minutes": minutes},
        )
    per_day = int(config.get("deductions.repeat_calls_per_day"))
    repeated = audited.annotate(
        same=Window(
            Count("pk"),
            partition_by=["line_number", "called_number", TruncDate("started_at")],
        )
    ).filter(same__gte=per_day)
    for row in _rows(repeated):
        yield build.make(
            row,
            Rule.REPEATED,
            note=_("%(count)s or more calls to this number in a day")
            % {"count": per_day},
        )


def _hotline_outbound(calls, build: _Builder):
    """R-HOT-1: the 400 number only receives; a call from it is a finding."""
    from extensions.models import Line, LineKind

    numbers = list(
        Line.objects.filter(kind=LineKind.HOTLINE_400).values_list("number", flat=True)
    )
    if not numbers:
        return
    for row in _rows(calls.filter(line_number__in=numbers)):
        yield build.make(
            row, Rule.HOTLINE_OUTBOUND, note=_("The 400 line must never dial out")
        )


def _reattach(period: BillingPeriod) -> tuple[int, int]:
    """A corrected bill replaced the month's records: move findings (and their
    decisions) to the same call in the new bill; drop those whose call is gone."""
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
    stale = PrivateCallRegistration.objects.filter(period=period, call__isnull=False)
    stale.filter(~Exists(CallRecord.objects.filter(pk=OuterRef("call_id")))).update(
        call=None, charge=None, matched_at=None
    )
    return len(moved), len(gone)


@transaction.atomic
def audit_run(*, period_id: int, actor=None) -> AuditResult:
    """Audit a month (after each import and on demand); idempotent."""
    from .private_calls import private_calls_match

    if actor is not None:
        from telephony_admin.org.access import require

        require(actor, "audits.decide")
    # As the import: uploads and other rows that refer to the month do not wait.
    period = BillingPeriod.objects.select_for_update(no_key=True).get(pk=period_id)
    ensure_open(period)
    started = timezone.now()
    result = AuditResult(period=period)
    result.reattached, result.removed = _reattach(period)
    calls = CallRecord.objects.filter(period=period)
    build = _Builder(period)
    for source in (_premium, _long_distance, _review_flags, _hotline_outbound):
        batch = list(source(calls, build))
        Violation.objects.bulk_create(batch, ignore_conflicts=True, batch_size=2000)
    counts = (
        Violation.objects.filter(period=period, created_at__gte=started)
        .values("rule")
        .annotate(n=Count("pk"))
    )
    result.created = {row["rule"]: row["n"] for row in counts}
    result.matched_private = private_calls_match(period=period)
    _notify_new(period, started)
    audit_record(
        actor=actor,
        action="deductions.audit_run",
        target=period,
        details={"created": result.created, "private_matched": result.matched_private},
    )
    from .quotas import quota_alerts_check

    quota_alerts_check(month=period.month)
    return result


def _notify_new(period: BillingPeriod, since) -> None:
    """The person charged and their head hear of each new violation (grouped)."""
    new = (
        Violation.objects.filter(
            period=period,
            created_at__gte=since,
            status=FindingStatus.CHARGED,
            employee__isnull=False,
        )
        .values("employee_id")
        .annotate(n=Count("pk"))
    )
    counts = {row["employee_id"]: row["n"] for row in new}
    for person in Employee.objects.filter(pk__in=counts).select_related(
        "department__head"
    ):
        notify_finding(person, counts[person.pk], period)


def notify_finding(person: Employee, count: int, period: BillingPeriod) -> None:
    from django.urls import reverse

    head = person.department.head
    notify(
        recipients=[person, head if head and head.pk != person.pk else None],
        title=_("%(count)s call violations of %(name)s in %(month)s")
        % {"count": count, "name": person.name, "month": period},
        body=_(
            "The audit of the %(month)s bill charged %(name)s for calls against the "
            "telephone rules. Ask administration if a finding is wrong."
        )
        % {"month": period, "name": person.name},
        url=reverse("deductions:findings") + f"?month={period}",
    )
