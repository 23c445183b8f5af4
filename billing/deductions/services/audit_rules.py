"""The audit's rules, portable path (SQLite, the demo): filtered queries over the
month's calls turned into findings in Python and inserted in bulk.

Rules: R-BIL-5 premium numbers, R-LD-4 long distance beyond the line's class without
an approved request, R-LD-2 lapsed urgent requests, R-LD-3 no IP prefix, R-HOT-1
calls from the 400 line, and review flags for night/weekend, very long and repeated
calls. ``RuleContext`` holds what every rule reads from the settings, calendar and
directory, once per run; ``audit_sql`` runs the same rules set-based on PostgreSQL
and gives the same findings (tests compare both).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Window
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import LONG_DISTANCE, BillingPeriod, CallClass, CallFlag
from telephony_admin.core import config
from telephony_admin.core.money import to_money
from telephony_admin.org.models import Department

from ..models import UNAMBIGUOUS, FindingKind, FindingStatus, Rule, Violation

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
#: Stands for the request's number in the R-LD-2 note until it is known.
LAPSED_PK = "@@request@@"


def _non_working_days(period: BillingPeriod) -> list[date]:
    from telephony_admin.workcal.calendar import is_working_day

    first = period.month - timedelta(days=3)
    return [
        first + timedelta(days=n)
        for n in range(38)
        if not is_working_day(first + timedelta(days=n))
    ]


@dataclass
class RuleContext:
    """Settings, calendar and directory facts one audit run reads, read once."""

    period: BillingPeriod
    now: datetime
    heads: dict[int, int | None] = field(default_factory=dict)
    premium_multiplier: Decimal = Decimal(5)
    lapsed_multiplier: Decimal = Decimal(2)
    review_multiplier: Decimal = Decimal(1)
    ld_fines: dict[str, Decimal] = field(default_factory=dict)
    night_starts: time = time(22)
    night_ends: time = time(6)
    off_days: list[date] = field(default_factory=list)
    off_hours_min_seconds: int = 0
    off_hours_min_charge: Decimal = Decimal(0)
    long_call_seconds: int = 0
    repeat_calls_per_day: int = 0
    hotline_numbers: tuple[str, ...] = ()
    requests_from: date | None = None
    requests_until: date | None = None
    notes: dict[str, str] = field(default_factory=dict)
    #: New charged findings per employee, as the set-based statements insert them.
    charged: dict[int, int] = field(default_factory=dict)
    #: The table the set-based statements insert into (a month's first audit: its
    #: new partition; empty: the findings table).
    findings_table: str = ""

    @classmethod
    def load(cls, period: BillingPeriod, now: datetime) -> RuleContext:
        from extensions.models import Line, LineKind

        minutes = int(config.get("deductions.long_call_minutes"))
        per_day = int(config.get("deductions.repeat_calls_per_day"))
        return cls(
            period=period,
            now=now,
            heads=dict(Department.objects.values_list("pk", "head_id")),
            premium_multiplier=config.get("deductions.premium_multiplier"),
            lapsed_multiplier=config.get("deductions.lapsed_ld_multiplier"),
            review_multiplier=config.get("deductions.review_multiplier"),
            ld_fines={
                CallClass.DOMESTIC: config.get("deductions.ld_fine_domestic"),
                CallClass.HK_MO_TW: config.get("deductions.ld_fine_hk_macau"),
                CallClass.INTERNATIONAL: config.get("deductions.ld_fine_international"),
            },
            night_starts=config.get("deductions.night_starts"),
            night_ends=config.get("deductions.night_ends"),
            off_days=_non_working_days(period),
            off_hours_min_seconds=int(config.get("deductions.off_hours_min_minutes"))
            * 60,
            off_hours_min_charge=config.get("deductions.off_hours_min_charge"),
            long_call_seconds=minutes * 60,
            repeat_calls_per_day=per_day,
            hotline_numbers=tuple(
                Line.objects.filter(kind=LineKind.HOTLINE_400).values_list(
                    "number", flat=True
                )
            ),
            requests_from=period.month - timedelta(days=7),
            requests_until=period.month + timedelta(days=40),
            notes={
                Rule.PREMIUM: _("Premium voice-information number"),
                Rule.LD_LAPSED: _("Urgent request %(pk)s not approved in time")
                % {"pk": LAPSED_PK},
                Rule.LD_UNAUTHORISED: _(
                    "Line not allowed this call and no approved request"
                ),
                Rule.NO_IP_PREFIX: _("No IP prefix"),
                Rule.NIGHT_WEEKEND: _("Outside working time"),
                Rule.LONG_CALL: _("%(minutes)s minutes or longer")
                % {"minutes": minutes},
                Rule.REPEATED: _("%(count)s or more calls to this number in a day")
                % {"count": per_day},
                Rule.HOTLINE_OUTBOUND: _("The 400 line must never dial out"),
            },
        )

    @staticmethod
    def unambiguous(rule: str) -> bool:
        return rule in UNAMBIGUOUS

    def multiplier(self, rule: str) -> Decimal:
        if rule == Rule.PREMIUM:
            return self.premium_multiplier
        if rule == Rule.LD_LAPSED:
            return self.lapsed_multiplier
        return Decimal(1) if self.unambiguous(rule) else self.review_multiplier

    def person(self, owner_id, department_id):
        # A shared line's calls are the department head's (R-EXT-1).
        return owner_id or self.heads.get(department_id)

    def finding(self, row: dict, rule: str, **extra) -> Violation:
        """An unsaved finding of ``rule`` on a call row (``FIELDS``)."""
        unambiguous = self.unambiguous(rule)
        multiplier = extra.pop("multiplier", self.multiplier(rule))
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
            note=extra.pop("note", self.notes.get(rule, "")),
            created_at=self.now,
            **extra,
        )


def _rows(queryset):
    return queryset.order_by().values(*FIELDS).iterator(chunk_size=5000)


def premium(calls, ctx: RuleContext):
    """R-BIL-5: the person pays 5 times the charge of a premium-number call."""
    premium = calls.alias(_premium_bit=F("flags").bitand(int(CallFlag.PREMIUM))).filter(
        Q(call_class=CallClass.PREMIUM) | Q(_premium_bit__gt=0)
    )
    for row in _rows(premium):
        yield ctx.finding(row, Rule.PREMIUM)


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


def _requests_by_line_and_day(ctx: RuleContext):
    """Long-distance requests around the month by (line number, day), one query."""
    from extensions.models import LongDistanceRequest

    rows = LongDistanceRequest.objects.filter(
        call_on__gte=ctx.requests_from, call_on__lte=ctx.requests_until
    ).select_related("line")
    by_key: dict[tuple[str, date], list] = defaultdict(list)
    for request in rows:
        days = {request.call_on}
        if request.placed_at:
            days.add(timezone.localtime(request.placed_at).date())
        for day in days:
            by_key[(request.line.number, day)].append(request)
    return by_key


def long_distance(calls, ctx: RuleContext):
    """R-LD-4 (fine by destination plus the charge) and R-LD-2 (lapsed: double)."""
    from extensions.models import ClassOfService, LDStatus
    from extensions.selectors import classes_for_numbers

    ld_calls = calls.filter(call_class__in=LONG_DISTANCE, department__isnull=False)
    numbers = ld_calls.order_by().values_list("line_number", flat=True).distinct()
    timelines = classes_for_numbers(list(numbers))
    requests = _requests_by_line_and_day(ctx)
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
            yield ctx.finding(
                row,
                Rule.LD_LAPSED,
                employee_id=lapsed[0].caller_id,
                ld_request_id=lapsed[0].pk,
                note=ctx.notes[Rule.LD_LAPSED].replace(LAPSED_PK, str(lapsed[0].pk)),
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
        yield ctx.finding(
            row, Rule.LD_UNAUTHORISED, fine=ctx.ld_fines[row["call_class"]]
        )


def review_flags(calls, ctx: RuleContext):
    """Review flags (charge nothing until confirmed): R-LD-3 no IP prefix, night or
    weekend, very long, repeated calls (thresholds are settings)."""
    audited = calls.exclude(call_class__in=NOT_AUDITED)
    for row in _rows(calls.with_flag(CallFlag.NO_IP_PREFIX)):
        yield ctx.finding(row, Rule.NO_IP_PREFIX)
    starts, ends = ctx.night_starts, ctx.night_ends
    if starts > ends:
        night = Q(started_at__time__gte=starts) | Q(started_at__time__lt=ends)
    else:
        night = Q(started_at__time__gte=starts, started_at__time__lt=ends)
    off_days = Q(started_at__date__in=ctx.off_days)
    # A short, cheap call outside working time is not worth a review.
    worth = Q(duration_seconds__gte=ctx.off_hours_min_seconds) | Q(
        charge__gte=ctx.off_hours_min_charge
    )
    off_hours = audited.filter(charge__gt=0).filter(night | off_days).filter(worth)
    for row in _rows(off_hours):
        yield ctx.finding(row, Rule.NIGHT_WEEKEND)
    for row in _rows(audited.filter(duration_seconds__gte=ctx.long_call_seconds)):
        yield ctx.finding(row, Rule.LONG_CALL)
    repeated = audited.annotate(
        same=Window(
            Count("pk"),
            partition_by=["line_number", "called_number", TruncDate("started_at")],
        )
    ).filter(same__gte=ctx.repeat_calls_per_day)
    for row in _rows(repeated):
        yield ctx.finding(row, Rule.REPEATED)


def hotline_outbound(calls, ctx: RuleContext):
    """R-HOT-1: the 400 number only receives; a call from it is a finding."""
    if not ctx.hotline_numbers:
        return
    for row in _rows(calls.filter(line_number__in=ctx.hotline_numbers)):
        yield ctx.finding(row, Rule.HOTLINE_OUTBOUND)


#: Each yields unsaved findings; the caller inserts them ignoring conflicts.
SOURCES = (premium, long_distance, review_flags, hotline_outbound)
