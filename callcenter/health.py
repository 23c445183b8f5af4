"""Hotline health (R-HOT-5) and answer rate (R-HOT-6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from telephony_admin.core import config
from telephony_admin.core.services import audit_record, notify
from telephony_admin.errors import PermissionRefused
from telephony_admin.org.access import employee_of, has_role, scope
from telephony_admin.org.models import Employee, Role
from telephony_admin.workcal.calendar import is_working_time, working_time_between

from .models import (
    AnswerRateReport,
    DialCheck,
    DialPrompt,
    HotlineCall,
    HotlineFault,
    Service,
    Shift,
)
from .rosters import cs_head, hotline_rings_at
from .services import CallcenterError

OFFERED = (
    HotlineCall.Outcome.ANSWERED,
    HotlineCall.Outcome.MISSED,
    HotlineCall.Outcome.ABANDONED,
)


def technical_contact() -> Employee | None:
    number = config.get("callcenter.technical_contact").strip()
    if not number:
        return None
    return Employee.objects.filter(number=number, is_active=True).first()


def _admins() -> list:
    return list(
        get_user_model().objects.filter(groups__name=Role.ADMIN, is_active=True)
    )


# --- quiet line: ask for a test dial (R-HOT-5) ------------------------------------


def hotline_last_activity(now: datetime) -> datetime | None:
    """The last moment anything showed the line works: a call or a test dial."""
    last_call = HotlineCall.objects.filter(started_at__lte=now).aggregate(
        m=Max("started_at")
    )["m"]
    last_dial = DialCheck.objects.filter(at__lte=now).aggregate(m=Max("at"))["m"]
    moments = [m for m in (last_call, last_dial) if m is not None]
    return max(moments) if moments else None


def hotline_quiet_since(now: datetime) -> datetime | None:
    """Where the current quiet span starts (R-HOT-5): the last activity, or, on a
    line that never logged a call (a fresh install), the start of its first shift:
    a line staffed for hours without a single call should be test-dialled too."""
    last = hotline_last_activity(now)
    if last is not None:
        return last
    return Shift.objects.filter(service=Service.HOTLINE, starts_at__lte=now).aggregate(
        m=Min("starts_at")
    )["m"]


def hotline_quiet_check(*, now: datetime | None = None) -> DialPrompt | None:
    """Ask the agent on duty to test-dial after a quiet span of service time (R-HOT-5).

    One prompt per quiet span: the prompt is unique on the last activity it follows.
    Nothing while a fault is open (the line is known to be down) or off hours.
    """
    now = now or timezone.now()
    if not is_working_time(now):
        return None
    if HotlineFault.objects.filter(closed_at__isnull=True).exists():
        return None
    last = hotline_quiet_since(now)
    if last is None:
        return None
    quiet = timedelta(minutes=config.get("callcenter.hotline_quiet_minutes"))
    if working_time_between(last, now) < quiet:
        return None
    target = hotline_rings_at(now)
    try:
        with transaction.atomic():
            prompt = DialPrompt.objects.create(
                quiet_since=last, prompted_at=now, agent=target.employee
            )
            notify(
                recipients=[target.employee] if target.employee else _admins(),
                title=_("Hotline quiet since %(since)s: please test-dial the 400 line")
                % {"since": timezone.localtime(last).strftime("%Y-%m-%d %H:%M")},
                body=_("Record the result on the hotline health page."),
                url=reverse("callcenter:health"),
            )
    except IntegrityError:
        return None  # another sweep asked already for this quiet span
    return prompt


def _require_hotline_staff(actor) -> Employee:
    me = employee_of(actor)
    if me is None or scope(actor, "hotline.log") == 0:
        raise PermissionRefused(_("Only customer-service staff record test dials."))
    return me


def dial_check_record(
    *, actor, result: str, note: str = "", at: datetime | None = None
) -> DialCheck:
    """Record a test dial of the 400 line; a failed one opens a fault (R-HOT-5)."""
    me = _require_hotline_staff(actor)
    if result not in DialCheck.Result.values:
        raise CallcenterError(_("Choose the result."), field="result")
    if result == DialCheck.Result.FAULT and not note.strip():
        raise CallcenterError(
            _("Describe the fault: what happened when you dialled?"), field="note"
        )
    at = at or timezone.now()
    prompt = DialPrompt.objects.filter(prompted_at__lte=at).order_by("-prompted_at")
    prompt = prompt.filter(dials__isnull=True).first()
    with transaction.atomic():
        check = DialCheck.objects.create(
            at=at, by=me, result=result, note=note.strip(), prompt=prompt
        )
        audit_record(
            actor=actor,
            action="callcenter.dial_check",
            target=check,
            details={"result": result},
        )
        if result == DialCheck.Result.FAULT:
            _fault_open(actor=actor, by=me, cause=check.note, at=at, dial_check=check)
    return check


def _fault_open(
    *, actor, by: Employee, cause: str, at: datetime, dial_check: DialCheck | None
) -> HotlineFault:
    fault = HotlineFault.objects.create(
        opened_at=at, cause=cause, reported_by=by, test_dial=dial_check
    )
    audit_record(actor=actor, action="callcenter.fault_open", target=fault, details={})
    contact = technical_contact()
    notify(
        recipients=[contact, cs_head()] if contact else [*_admins(), cs_head()],
        title=_("400 hotline fault: %(cause)s") % {"cause": cause[:120]},
        body=_("Found at %(at)s by %(name)s.")
        % {
            "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"),
            "name": by.name,
        },
        url=reverse("callcenter:health"),
    )
    return fault


def hotline_fault_open(
    *, actor, cause: str, at: datetime | None = None
) -> HotlineFault:
    """Record a fault of the 400 line and tell the technical contact (R-HOT-5)."""
    me = _require_hotline_staff(actor)
    if not cause.strip():
        raise CallcenterError(_("Give the cause of the fault."), field="cause")
    at = at or timezone.now()
    if at > timezone.now() + timedelta(minutes=1):
        raise CallcenterError(_("A fault cannot be found in the future."), field="at")
    with transaction.atomic():
        return _fault_open(
            actor=actor, by=me, cause=cause.strip(), at=at, dial_check=None
        )


def may_close_fault(actor) -> bool:
    contact = technical_contact()
    me = employee_of(actor)
    return (
        scope(actor, "hotline.log") > 0
        or has_role(actor, Role.ADMIN)
        or (contact is not None and me is not None and me.pk == contact.pk)
    )


def hotline_fault_close(
    *, actor, fault: HotlineFault, repair_note: str
) -> HotlineFault:
    """The line is repaired: close the fault (R-HOT-5)."""
    if not may_close_fault(actor):
        raise PermissionRefused(_("You may not close hotline faults."))
    if not repair_note.strip():
        raise CallcenterError(_("Say what was repaired."), field="repair_note")
    now = timezone.now()
    with transaction.atomic():
        changed = HotlineFault.objects.filter(
            pk=fault.pk, closed_at__isnull=True
        ).update(closed_at=now, closed_by=actor, repair_note=repair_note.strip())
        if not changed:
            raise CallcenterError(_("This hotline fault is already closed."))
        fault.refresh_from_db()
        audit_record(
            actor=actor, action="callcenter.fault_close", target=fault, details={}
        )
        notify(
            recipients=[fault.reported_by, cs_head()],
            title=_("400 hotline repaired: %(cause)s") % {"cause": fault.cause[:120]},
            body=fault.repair_note,
            url=reverse("callcenter:health"),
        )
    return fault


# --- answer rate (R-HOT-6) --------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    start: date
    offered: int
    answered: int

    @property
    def missed(self) -> int:
        return self.offered - self.answered

    @property
    def percent(self) -> Decimal | None:
        if not self.offered:
            return None
        return (Decimal(self.answered) * 100 / Decimal(self.offered)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def below_target(self) -> bool:
        # R-HOT-6: answered / offered must stay above the target (85 % by default).
        percent = self.percent
        return percent is not None and percent < config.get(
            "callcenter.answer_rate_target"
        )


def _counts(start: date, end: date):
    zone = timezone.get_current_timezone()
    return (
        HotlineCall.objects.filter(
            started_at__gte=timezone.make_aware(
                datetime.combine(start, datetime.min.time())
            ),
            started_at__lt=timezone.make_aware(
                datetime.combine(end + timedelta(days=1), datetime.min.time())
            ),
            outcome__in=OFFERED,
        )
        .annotate(day=TruncDate("started_at", tzinfo=zone))
        .values("day")
        .annotate(
            offered=Count("pk"),
            answered=Count("pk", filter=Q(outcome=HotlineCall.Outcome.ANSWERED)),
        )
    )


def answer_rates_by_day(*, start: date, end: date) -> list[Rate]:
    """Offered and answered hotline calls per day, ``start``..``end`` (R-HOT-6)."""
    rows = {row["day"]: row for row in _counts(start, end)}
    result = []
    day = start
    while day <= end:
        row = rows.get(day, {"offered": 0, "answered": 0})
        result.append(Rate(day, row["offered"], row["answered"]))
        day += timedelta(days=1)
    return result


def _month_end(first: date) -> date:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def answer_rate_of_month(first: date) -> Rate:
    days = answer_rates_by_day(start=first, end=_month_end(first))
    return Rate(
        first.replace(day=1),
        sum(d.offered for d in days),
        sum(d.answered for d in days),
    )


def answer_rate_report(*, now: datetime | None = None) -> list[AnswerRateReport]:
    """Report yesterday's and last month's rate to the CS head when below target.

    Each day and month is reported once (unique report row), R-HOT-6.
    """
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    yesterday = today - timedelta(days=1)
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    candidates = [
        (
            AnswerRateReport.Period.DAY,
            answer_rates_by_day(start=yesterday, end=yesterday)[0],
        ),
        (AnswerRateReport.Period.MONTH, answer_rate_of_month(last_month)),
    ]
    reported = []
    head = cs_head()
    for period, rate in candidates:
        if not rate.below_target:
            continue
        try:
            with transaction.atomic():
                report = AnswerRateReport.objects.create(
                    period=period,
                    start=rate.start,
                    offered=rate.offered,
                    answered=rate.answered,
                    reported_at=now,
                )
                label = (
                    rate.start.isoformat()
                    if period == AnswerRateReport.Period.DAY
                    else rate.start.strftime("%Y-%m")
                )
                notify(
                    recipients=[head] if head else _admins(),
                    title=_(
                        "Hotline answer rate %(percent)s%% on %(period)s is below "
                        "%(target)s%%"
                    )
                    % {
                        "percent": rate.percent,
                        "period": label,
                        "target": config.get("callcenter.answer_rate_target"),
                    },
                    body=_("%(answered)d of %(offered)d offered calls answered.")
                    % {"answered": rate.answered, "offered": rate.offered},
                    url=reverse("callcenter:answer_rate"),
                )
                reported.append(report)
        except IntegrityError:
            continue
    return reported
