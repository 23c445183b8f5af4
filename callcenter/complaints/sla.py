"""SLA clocks: budgets, due times, pauses and the escalation sweep (R-CMP-2, R-CMP-3).

Due times are computed once from the working calendar (``telephony_admin.workcal``)
and stored on the clock. They move only when the clock resumes after a "waiting for
customer" period (by the service time it was paused) or when the complexity changes;
in both cases they are recomputed from the recorded waiting periods, so no pause is
lost. The sweep (run every minute by Celery beat) claims due rows with ``SELECT ...
FOR UPDATE SKIP LOCKED`` on PostgreSQL and records each escalation once (a unique
constraint per clock and level), so two sweeps at once, a restarted worker or a
flushed broker neither lose nor duplicate an escalation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from telephony_admin.core import config
from telephony_admin.core.services import notify
from telephony_admin.org.models import Employee, Role
from telephony_admin.workcal.calendar import (
    add_working_time,
    is_working_time,
    next_working_time,
    standard_day_length,
    working_time_between,
)

from .models import (
    ClockBasis,
    ClockKind,
    ClockState,
    Complaint,
    ComplaintEvent,
    Complexity,
    EventAction,
    EventLevel,
    FollowUpTask,
    Kind,
    SlaClock,
    SlaEvent,
    WaitingPeriod,
)

ZERO = timedelta(0)


@dataclass(frozen=True)
class Budget:
    basis: str
    amount: timedelta
    escalates: bool = True


def _hours(value: Decimal) -> timedelta:
    return timedelta(microseconds=int(Decimal(value) * 3_600_000_000))


def _working_days(days: Decimal) -> timedelta:
    """N working days as service time (the calendar's standard day, R-CMP-3)."""
    micros = standard_day_length() // timedelta(microseconds=1)
    return timedelta(microseconds=int(Decimal(micros) * Decimal(days)))


def _basis(key: str, default: str) -> str:
    """The basis a clock kind is set to count in (a setting per clock kind)."""
    basis = config.get(f"complaints.{key}_basis")
    return basis if basis in ClockBasis.values else default


def first_reply_budget() -> Budget:
    """R-CMP-2: 2 hours after acceptance, in service time unless set to wall-clock."""
    basis = _basis("first_reply", ClockBasis.SERVICE)
    return Budget(basis, _hours(config.get("complaints.first_reply_hours")))


def _days(basis: str, days: Decimal) -> timedelta:
    """N working days of service time, or N calendar days on the wall-clock basis."""
    if basis == ClockBasis.WALL:
        return timedelta(microseconds=int(Decimal(days) * 86_400_000_000))
    return _working_days(days)


def resolution_budgets(complexity: str) -> tuple[Budget, Budget]:
    """R-CMP-3: (target, maximum). Simple is "at once": the first-reply time."""
    if complexity == Complexity.SIMPLE:
        first = first_reply_budget()
        return first, first
    prefix = "complex" if complexity == Complexity.COMPLEX else "general"
    target = config.get(f"complaints.{prefix}_target_days")
    maximum = config.get(f"complaints.{prefix}_max_days")
    basis = _basis("resolution", ClockBasis.SERVICE)
    return (
        Budget(basis, _days(basis, target)),
        Budget(basis, _days(basis, maximum)),
    )


def budgets_for(kind: str, complexity: str) -> dict[str, Budget]:
    """The clocks a new case starts with, by kind (R-CMP-2) and complexity."""
    if kind == Kind.CONSULTATION:
        seconds = config.get("complaints.consultation_answer_seconds")
    elif kind == Kind.QUERY:
        seconds = config.get("complaints.query_answer_seconds")
    else:
        target, maximum = resolution_budgets(complexity)
        return {
            ClockKind.FIRST_REPLY: first_reply_budget(),
            ClockKind.RESOLUTION_TARGET: target,
            ClockKind.RESOLUTION_MAX: maximum,
        }
    # Answered at once / within a minute: measured and reported, not escalated.
    basis = _basis("answer", ClockBasis.WALL)
    return {
        ClockKind.ANSWER: Budget(basis, timedelta(seconds=seconds), escalates=False)
    }


# --- time arithmetic per basis -----------------------------------------------------


def elapsed(basis: str, start: datetime, end: datetime) -> timedelta:
    """Time counted by a clock of ``basis`` between two moments (never negative)."""
    if end <= start:
        return ZERO
    if basis == ClockBasis.SERVICE:
        return working_time_between(start, end)
    return end - start


def add(basis: str, start: datetime, amount: timedelta) -> datetime:
    if basis == ClockBasis.SERVICE:
        return add_working_time(start, amount)
    return start + amount


def paused_time(clock: SlaClock, periods: Iterable[WaitingPeriod]) -> timedelta:
    """The clock's time spent in finished "waiting for customer" periods."""
    total = ZERO
    for period in periods:
        if period.ended_at is None:
            continue
        start = max(period.started_at, clock.started_at)
        end = period.ended_at
        if clock.met_at is not None:
            end = min(end, clock.met_at)
        total += elapsed(clock.basis, start, end)
    return total


def consumed_time(clock: SlaClock, at: datetime) -> timedelta:
    """Counted time from the start to ``at`` without the paused time."""
    if clock.paused_at is not None:
        at = min(at, clock.paused_at)
    return max(elapsed(clock.basis, clock.started_at, at) - clock.paused_time, ZERO)


def warn_share() -> Decimal:
    return Decimal(config.get("complaints.warning_percent")) / 100


def schedule(
    clock: SlaClock, periods: Iterable[WaitingPeriod], now: datetime
) -> SlaClock:
    """(Re)compute the stored due/warning times; keeps every recorded pause."""
    clock.paused_time = paused_time(clock, periods)
    clock.due_at = add(clock.basis, clock.started_at, clock.budget + clock.paused_time)
    warn_after = timedelta(
        microseconds=int(
            Decimal(clock.budget // timedelta(microseconds=1)) * warn_share()
        )
    )
    clock.warn_at = add(clock.basis, clock.started_at, warn_after + clock.paused_time)
    still_open = clock.state == ClockState.BREACHED and clock.met_at is None
    if still_open and clock.due_at > now:
        clock.state = ClockState.RUNNING
    clock.next_check_at = _next_check(clock)
    return clock


def _next_check(clock: SlaClock) -> datetime | None:
    if clock.state != ClockState.RUNNING:
        return None
    if clock.escalates and clock.warn_at < clock.due_at:
        warned = clock.pk and clock.events.filter(level=EventLevel.WARNING).exists()
        if not warned:
            return clock.warn_at
    return clock.due_at


# --- lifecycle ---------------------------------------------------------------------


def clocks_start(
    *, complaint: Complaint, started_at: datetime, now: datetime, cycle: int = 0
) -> list[SlaClock]:
    # A reopened case (cycle > 0) is a new acceptance: the customer came back, so
    # it gets a new first reply with its status as well as new resolution clocks.
    budgets = budgets_for(complaint.kind, complaint.complexity)
    clocks = []
    for kind, budget in budgets.items():
        clock = SlaClock(
            complaint=complaint,
            kind=kind,
            cycle=cycle,
            basis=budget.basis,
            budget=budget.amount,
            escalates=budget.escalates,
            started_at=started_at,
        )
        schedule(clock, [], now)
        clock.save()
        clocks.append(clock)
    return clocks


def _live(complaint: Complaint):
    return SlaClock.objects.select_for_update().filter(
        complaint=complaint, met_at__isnull=True
    )


def clocks_pause(*, complaint: Complaint, now: datetime) -> int:
    """Only a named waiting state pauses (R-CMP-3); breached clocks keep counting."""
    return (
        _live(complaint)
        .filter(state=ClockState.RUNNING)
        .update(state=ClockState.PAUSED, paused_at=now, next_check_at=None)
    )


def clocks_resume(*, complaint: Complaint, now: datetime) -> list[SlaClock]:
    """Move each paused clock's due time by the service time it was paused."""
    periods = list(complaint.waiting_periods.all())
    clocks = list(_live(complaint).filter(state=ClockState.PAUSED))
    for clock in clocks:
        clock.state = ClockState.RUNNING
        clock.paused_at = None
        schedule(clock, periods, now)
        clock.save()
    return clocks


def clocks_recompute(*, complaint: Complaint, now: datetime) -> list[SlaClock]:
    """A new complexity: new budgets for the resolution clocks, pauses kept."""
    target, maximum = resolution_budgets(complaint.complexity)
    budgets = {
        ClockKind.RESOLUTION_TARGET: target,
        ClockKind.RESOLUTION_MAX: maximum,
    }
    periods = list(complaint.waiting_periods.all())
    clocks = list(_live(complaint).filter(kind__in=list(budgets)))
    for clock in clocks:
        budget = budgets[clock.kind]
        clock.budget, clock.basis = budget.amount, budget.basis
        schedule(clock, periods, now)
        clock.save()
    return clocks


def clocks_meet(
    *, complaint: Complaint, kinds: Iterable[str], now: datetime
) -> list[SlaClock]:
    """Stop the clocks of ``kinds``: met on time, or late (stays breached)."""
    clocks = list(_live(complaint).filter(kind__in=list(kinds)))
    for clock in clocks:
        clock.consumed = consumed_time(clock, now)
        clock.met_at = now
        clock.paused_at = None
        late = clock.state == ClockState.BREACHED or clock.consumed > clock.budget
        clock.state = ClockState.BREACHED if late else ClockState.MET
        clock.next_check_at = None
        clock.save()
    return clocks


def clocks_cancel(*, complaint: Complaint, now: datetime) -> int:
    return (
        _live(complaint)
        .exclude(state=ClockState.BREACHED)
        .update(state=ClockState.CANCELLED, next_check_at=None, paused_at=None)
    )


# --- the sweep ---------------------------------------------------------------------


def _claim(now: datetime, batch: int) -> list[SlaClock]:
    qs = SlaClock.objects.filter(
        state=ClockState.RUNNING, next_check_at__lte=now
    ).order_by("next_check_at", "pk")
    if connection.features.has_select_for_update_skip_locked:
        kwargs = {"skip_locked": True}
        if connection.features.has_select_for_update_of:
            kwargs["of"] = ("self",)
        qs = qs.select_for_update(**kwargs)
    return list(qs.select_related("complaint", "complaint__department")[:batch])


def sla_sweep(*, now: datetime | None = None, batch: int = 200) -> int:
    """Record and notify every warning and breach that is due; returns events made.

    Each batch is one transaction holding its rows locked; a concurrent sweep skips
    them and the unique (clock, level) constraint makes a second recording a no-op.
    """
    now = now or timezone.now()
    fired = 0
    while True:
        with transaction.atomic():
            clocks = _claim(now, batch)
            for clock in clocks:
                fired += _process(clock, now)
        if len(clocks) < batch:
            return fired


def _process(clock: SlaClock, now: datetime) -> int:
    fired = 0
    if clock.due_at <= now:
        changed = SlaClock.objects.filter(pk=clock.pk, state=ClockState.RUNNING).update(
            state=ClockState.BREACHED, next_check_at=None
        )
        if not changed:
            return 0
        clock.state = ClockState.BREACHED
        if clock.escalates:
            level = (
                EventLevel.MAXIMUM
                if clock.kind == ClockKind.RESOLUTION_MAX
                else EventLevel.TARGET
            )
            fired += _record(clock, level, now)
        return fired
    if clock.escalates and clock.warn_at <= now:
        fired += _record(clock, EventLevel.WARNING, now)
    SlaClock.objects.filter(pk=clock.pk).update(next_check_at=clock.due_at)
    return fired


def _record(clock: SlaClock, level: str, now: datetime) -> int:
    """Create the event once; only the sweep that created it notifies."""
    try:
        with transaction.atomic():
            event = SlaEvent.objects.create(clock=clock, level=level, at=now)
    except IntegrityError:
        return 0
    # Notifications are stored text: write them in the company's language whoever
    # runs the sweep (Celery worker, operator command, a page), so they agree.
    with translation.override(settings.LANGUAGE_CODE):
        _announce(clock, level, event, now)
    return 1


def _announce(clock: SlaClock, level: str, event: SlaEvent, now: datetime) -> None:
    complaint = clock.complaint
    recipients, title = _escalation(clock, level)
    not_before = None if is_working_time(now) else next_working_time(now)
    url = reverse("complaints:detail", args=[complaint.pk])
    body = _("%(clock)s of %(number)s (%(customer)s) was due at %(due)s.") % {
        "clock": clock.get_kind_display(),
        "number": complaint.number,
        "customer": complaint.customer_name,
        "due": date_format(timezone.localtime(clock.due_at), "Y-m-d H:i"),
    }
    notify(
        recipients=recipients, title=title, body=body, url=url, not_before=not_before
    )
    event.notified = [e.pk for e in recipients if e is not None]
    event.save(update_fields=["notified"])
    if level == EventLevel.TARGET:
        # R-CMP-3: past the target the agent must update the customer proactively.
        FollowUpTask.objects.create(
            complaint=complaint,
            event=event,
            assignee=complaint.agent,
            created_at=now,
            text=_("Update the customer on %(number)s: %(clock)s passed")
            % {"number": complaint.number, "clock": clock.get_kind_display()},
        )
    ComplaintEvent.objects.create(
        complaint=complaint,
        at=now,
        action=EventAction.ESCALATED,
        internal_note=title,
        details={"clock": clock.kind, "level": level},
    )


def _escalation(clock: SlaClock, level: str) -> tuple[list[Employee], str]:
    complaint = clock.complaint
    number = complaint.number
    if level == EventLevel.WARNING:
        who = complaint.assignee or _department_head(complaint) or complaint.agent
        title = _("%(number)s: %(clock)s is due soon") % {
            "number": number,
            "clock": clock.get_kind_display(),
        }
        return [who], title
    if level == EventLevel.TARGET:
        title = _("%(number)s: %(clock)s passed, update the customer") % {
            "number": number,
            "clock": clock.get_kind_display(),
        }
        return [_department_head(complaint), complaint.agent], title
    title = _("%(number)s: the resolution maximum passed") % {"number": number}
    heads = Employee.objects.filter(
        is_active=True, user__groups__name__in=[Role.CS_HEAD, Role.GM]
    ).distinct()
    return list(heads), title


def _department_head(complaint: Complaint) -> Employee | None:
    department = complaint.department or complaint.agent.department
    return department.head
