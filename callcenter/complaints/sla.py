"""SLA clocks: budgets, due times, pauses and the escalation sweep (R-CMP-2, R-CMP-3).

Due times are computed once from the working calendar (``telephony_admin.workcal``)
and stored on the clock. They move only when the clock resumes after a "waiting for
customer" period (by the service time it was paused) or when the complexity changes;
in both cases they are recomputed from the recorded waiting periods, so no pause is
lost. The sweep (run every minute by Celery beat) claims due rows in batches with
``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL and handles each batch with a
fixed number of statements (one UPDATE of the clocks, one INSERT of the events, of
the follow-up tasks, of the history, of the notifications). Each escalation is
recorded once (a unique constraint per clock and level; ``ON CONFLICT DO NOTHING``
tells the sweep which events it made), so two sweeps at once, a restarted worker or
a flushed broker neither lose nor duplicate an escalation. See docs/sla-sweep.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from telephony_admin.core import config
from telephony_admin.core.services import Message, notify_many
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

SWEEP_BATCH = 1000
# A notification lists at most this many escalations; the rest are counted.
DIGEST_LINES = 50
SEVERITY = [EventLevel.MAXIMUM, EventLevel.TARGET, EventLevel.WARNING]


@dataclass(slots=True)
class _Due:
    """A claimed clock with what its escalation needs to know about its case."""

    pk: int
    kind: str
    escalates: bool
    due_at: datetime
    warn_at: datetime
    complaint_id: int
    number: str
    customer: str
    agent_id: int
    assignee_id: int | None
    head_id: int | None  # of the case's department, else of its agent's


@dataclass(slots=True)
class _Escalation:
    """One (clock, level) a batch records, whom it tells and under which title."""

    clock: _Due
    level: str
    title: str
    recipients: list[Employee]
    event_id: int | None = None


def sla_sweep(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Record and notify every warning and breach that is due; returns events made.

    Due clocks are claimed ``batch`` at a time, each batch one transaction holding
    its rows locked (a concurrent sweep skips them) and processed with the same few
    statements whatever its size. The unique (clock, level) constraint makes a
    second recording a no-op: only the sweep that inserted an event acts on it.
    """
    now = now or timezone.now()
    fired = 0
    while True:
        with transaction.atomic():
            claimed = _claim(now, batch)
            fired += _process(claimed, now)
        if len(claimed) < batch:
            return fired


def _claim(now: datetime, batch: int) -> list[int]:
    """Lock the next due clocks (ids only: the (state, next_check_at) index gives
    them in order, so the claim does not grow with the number of due clocks)."""
    qs = SlaClock.objects.filter(
        state=ClockState.RUNNING, next_check_at__lte=now
    ).order_by("next_check_at", "pk")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    return list(qs.values_list("pk", flat=True)[:batch])


def _load(ids: list[int]) -> list[_Due]:
    rows = (
        SlaClock.objects.filter(pk__in=ids)
        .order_by("next_check_at", "pk")
        .values_list(
            "pk",
            "kind",
            "escalates",
            "due_at",
            "warn_at",
            "complaint_id",
            "complaint__number",
            "complaint__customer_name",
            "complaint__agent_id",
            "complaint__assignee_id",
            "complaint__department_id",
            "complaint__department__head_id",
            "complaint__agent__department__head_id",
        )
    )
    return [
        _Due(*row[:10], head_id=row[11] if row[10] is not None else row[12])
        for row in rows
    ]


def _level(clock: _Due, now: datetime) -> str | None:
    """What a claimed clock fires now: its breach, its warning, or nothing.

    A clock found past due records its breach only (no late warning).
    """
    if not clock.escalates:
        return None
    if clock.due_at <= now:
        if clock.kind == ClockKind.RESOLUTION_MAX:
            return EventLevel.MAXIMUM
        return EventLevel.TARGET
    if clock.warn_at <= now:
        return EventLevel.WARNING
    return None


def _process(ids: list[int], now: datetime) -> int:
    """One batch: move the clocks on, record their events, tell people, in a fixed
    number of statements (the SQL for the whole batch at once)."""
    if not ids:
        return 0
    clocks = _load(ids)
    _advance(ids, now)
    due = [(clock, level) for clock in clocks if (level := _level(clock, now))]
    if not due:
        return 0
    # Notifications and history are stored text: write them in the company's
    # language whoever runs the sweep (Celery worker, operator command, a page).
    with translation.override(settings.LANGUAGE_CODE):
        texts = _Texts()
        escalations = _escalations(due, texts)
        created = _record(escalations, now, texts)
        if created:
            _announce(created, now, texts)
    return len(created)


def _advance(ids: list[int], now: datetime) -> None:
    """One UPDATE: past due → breached (nothing more to check), else check again
    at the due time (the warning, if any, fires in this batch)."""
    breached = Q(due_at__lte=now)
    SlaClock.objects.filter(pk__in=ids, state=ClockState.RUNNING).update(
        state=Case(When(breached, then=Value(ClockState.BREACHED)), default=F("state")),
        next_check_at=Case(
            When(breached, then=Value(None, output_field=DateTimeField())),
            default=F("due_at"),
        ),
    )


class _Texts:
    """The batch's wording, translated once per batch rather than once per clock."""

    def __init__(self) -> None:
        self.kind = {value: str(label) for value, label in ClockKind.choices}
        self.level = {value: str(label) for value, label in EventLevel.choices}
        self.title = {
            EventLevel.WARNING: _("%(number)s: %(clock)s is due soon"),
            EventLevel.TARGET: _("%(number)s: %(clock)s passed, update the customer"),
            EventLevel.MAXIMUM: _("%(number)s: the resolution maximum passed"),
        }
        self.task = _("Update the customer on %(number)s: %(clock)s passed")
        self.body = _("%(clock)s of %(number)s (%(customer)s) was due at %(due)s.")
        self.digest = _("%(count)s complaint deadlines on %(cases)s cases")
        self.count = _("%(level)s: %(count)s")
        self.line = _("%(title)s (%(customer)s), due %(due)s")
        self.more = _("and %(count)s more")
        self.zone = timezone.get_current_timezone()

    def due(self, clock: _Due) -> str:
        # What date_format(localtime(due), "Y-m-d H:i") gives, without its lookups
        # of the current time zone and formats for every line.
        return clock.due_at.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")


def _escalations(due: list[tuple[_Due, str]], texts: _Texts) -> list[_Escalation]:
    """Who is told of each event (R-CMP-3): two queries for the whole batch, the
    people involved and, when a maximum passed, the customer-service heads and the
    general managers."""
    ids = set()
    for clock, _lvl in due:
        ids.update((clock.assignee_id, clock.agent_id, clock.head_id))
    ids.discard(None)
    people = Employee.objects.select_related("user").in_bulk(ids)
    heads: list[Employee] = []
    if any(level == EventLevel.MAXIMUM for _clock, level in due):
        heads = list(
            Employee.objects.filter(
                is_active=True, user__groups__name__in=[Role.CS_HEAD, Role.GM]
            )
            .select_related("user")
            .distinct()
        )
    escalations = []
    for clock, level in due:
        agent = people.get(clock.agent_id)
        head = people.get(clock.head_id)
        if level == EventLevel.WARNING:
            recipients = [people.get(clock.assignee_id) or head or agent]
        elif level == EventLevel.TARGET:
            recipients = [head, agent]
        else:
            recipients = heads
        values = {"number": clock.number, "clock": texts.kind[clock.kind]}
        escalations.append(
            _Escalation(
                clock,
                level,
                texts.title[level] % values,
                [e for e in recipients if e is not None],
            )
        )
    return escalations


def _record(
    escalations: list[_Escalation], now: datetime, texts: _Texts
) -> list[_Escalation]:
    """Insert the batch's events; those already recorded are left alone and not
    acted on again (``INSERT ... ON CONFLICT DO NOTHING RETURNING``).

    Then, for the events this sweep made: the follow-up tasks past a target and
    the escalations on the complaints' history, one INSERT each.
    """
    meta = SlaEvent._meta
    quote = connection.ops.quote_name
    at = meta.get_field("at").get_db_prep_save(now, connection)
    notified = meta.get_field("notified")
    columns = ", ".join(
        quote(meta.get_field(name).column)
        for name in ("clock", "level", "at", "notified")
    )
    key = f"{quote(meta.get_field('clock').column)}, {quote('level')}"
    # SQLite takes at most 999 parameters a statement; PostgreSQL all in one.
    size = (connection.features.max_query_params or 4 * len(escalations)) // 4
    made: dict[tuple[int, str], int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(escalations), size):
            chunk = escalations[start : start + size]
            params: list = []
            for item in chunk:
                who = [e.pk for e in item.recipients]
                params += [item.clock.pk, item.level, at]
                params.append(notified.get_db_prep_save(who, connection))
            rows = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {rows} "
                f"ON CONFLICT ({key}) DO NOTHING RETURNING {quote('id')}, {key}",
                params,
            )
            made.update({(clock, level): pk for pk, clock, level in cursor.fetchall()})
    created = []
    for item in escalations:
        item.event_id = made.get((item.clock.pk, item.level))
        if item.event_id is not None:
            created.append(item)
    FollowUpTask.objects.bulk_create(
        # R-CMP-3: past the target the agent must update the customer proactively.
        FollowUpTask(
            complaint_id=item.clock.complaint_id,
            event_id=item.event_id,
            assignee_id=item.clock.agent_id,
            created_at=now,
            text=texts.task
            % {"number": item.clock.number, "clock": texts.kind[item.clock.kind]},
        )
        for item in created
        if item.level == EventLevel.TARGET
    )
    ComplaintEvent.objects.bulk_create(
        ComplaintEvent(
            complaint_id=item.clock.complaint_id,
            at=now,
            action=EventAction.ESCALATED,
            internal_note=item.title,
            details={"clock": item.clock.kind, "level": item.level},
        )
        for item in created
    )
    return created


def _announce(created: list[_Escalation], now: datetime, texts: _Texts) -> None:
    """One notification per person per batch (one INSERT): a single escalation as
    itself, with a link to the case; several as one list with a link to the queue."""
    not_before = None if is_working_time(now) else next_working_time(now)
    mine: dict[int, tuple[Employee, list[_Escalation]]] = {}
    for item in created:
        for person in item.recipients:
            entry = mine.setdefault(person.pk, (person, []))
            if not entry[1] or entry[1][-1] is not item:  # once per escalation
                entry[1].append(item)
    messages = []
    for person, items in mine.values():
        if len(items) == 1:
            messages.append(_single(person, items[0], not_before, texts))
        else:
            messages.append(_digest(person, items, not_before, texts))
    notify_many(messages=messages)


def _single(person: Employee, item: _Escalation, not_before, texts) -> Message:
    clock = item.clock
    body = texts.body % {
        "clock": texts.kind[clock.kind],
        "number": clock.number,
        "customer": clock.customer,
        "due": texts.due(clock),
    }
    url = reverse("complaints:detail", args=[clock.complaint_id])
    return Message([person], item.title, body, url, not_before)


def _digest(person: Employee, items: list[_Escalation], not_before, texts) -> Message:
    """Several escalations for one person: counted by level, then listed (the most
    serious first), with the overdue queue as the link when any deadline passed."""
    items = sorted(items, key=lambda i: (SEVERITY.index(i.level), i.clock.due_at))
    counts = dict.fromkeys(SEVERITY, 0)
    for item in items:
        counts[item.level] += 1
    title = texts.digest % {
        "count": len(items),
        "cases": len({item.clock.complaint_id for item in items}),
    }
    summary = "; ".join(
        texts.count % {"level": texts.level[level], "count": n}
        for level, n in counts.items()
        if n
    )
    lines = [summary, ""]
    for item in items[:DIGEST_LINES]:
        lines.append(
            texts.line
            % {
                "title": item.title,
                "customer": item.clock.customer,
                "due": texts.due(item.clock),
            }
        )
    if len(items) > DIGEST_LINES:
        lines.append(texts.more % {"count": len(items) - DIGEST_LINES})
    url = reverse("complaints:queue")
    if counts[EventLevel.MAXIMUM] or counts[EventLevel.TARGET]:
        url += "?queue=overdue"
    return Message([person], title, "\n".join(lines), url, not_before)
