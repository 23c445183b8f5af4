"""Duty roster (值班表): shifts, coverage gaps, handovers, where the hotline rings.

R-SWB-4: the switchboard is always staffed in its day hours (settings); R-HOT-4: the
hotline has a dedicated agent in service hours (working calendar, R-HOT-2), and a named
delegate takes over when the agent is away, with the handover logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from telephony_admin.approvals.services import delegate_of, is_absent
from telephony_admin.core import config
from telephony_admin.core.services import audit_record, notify
from telephony_admin.errors import PermissionRefused
from telephony_admin.org.access import Scope, employee_of, scope
from telephony_admin.org.models import Employee, Role
from telephony_admin.workcal.calendar import is_working_day, service_intervals_on

from .models import Handover, Service, Shift
from .services import CallcenterError

Interval = tuple[datetime, datetime]
MAX_SHIFT = timedelta(hours=24)


@dataclass(frozen=True)
class Gap:
    service: str
    start: datetime
    end: datetime

    @property
    def service_label(self) -> str:
        return Service(self.service).label

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


def _aware(day: date, moment) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def required_coverage(service: str, day: date) -> list[Interval]:
    """When a line must be staffed on ``day``.

    Hotline: the service intervals of the working calendar (R-HOT-2). Switchboard: the
    configured day hours, on working days unless set for every day (R-SWB-4).
    """
    if service == Service.HOTLINE:
        return service_intervals_on(day)
    if config.get("callcenter.switchboard_working_days_only") and not is_working_day(
        day
    ):
        return []
    start = config.get("callcenter.switchboard_day_start")
    end = config.get("callcenter.switchboard_day_end")
    if end <= start:
        return []
    return [(_aware(day, start), _aware(day, end))]


def subtract(required: list[Interval], covered: list[Interval]) -> list[Interval]:
    """The parts of ``required`` that no interval of ``covered`` overlaps."""
    gaps: list[Interval] = []
    covered = sorted(covered)
    for start, end in required:
        cursor = start
        for c_start, c_end in covered:
            if c_end <= cursor or c_start >= end:
                continue
            if c_start > cursor:
                gaps.append((cursor, c_start))
            cursor = max(cursor, c_end)
            if cursor >= end:
                break
        if cursor < end:
            gaps.append((cursor, end))
    return gaps


def coverage_gaps(*, start: date, days: int, now: datetime | None = None) -> list[Gap]:
    """Gaps in the roster from ``start`` for ``days`` days, both lines (R-SWB-4, R-HOT-4).

    With ``now``, only the parts still ahead are returned: a gap shows before it
    happens.
    """
    end_day = start + timedelta(days=days)
    shifts = list(
        Shift.objects.filter(
            starts_at__lt=_aware(end_day, datetime.min.time()) + timedelta(days=1),
            ends_at__gt=_aware(start, datetime.min.time()) - timedelta(days=1),
        ).values_list("service", "starts_at", "ends_at")
    )
    gaps: list[Gap] = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        for service in (Service.SWITCHBOARD, Service.HOTLINE):
            covered = [(s, e) for svc, s, e in shifts if svc == service]
            for gap_start, gap_end in subtract(
                required_coverage(service, day), covered
            ):
                if now is not None:
                    if gap_end <= now:
                        continue
                    gap_start = max(gap_start, now)
                gaps.append(Gap(service=service, start=gap_start, end=gap_end))
    return gaps


# --- shifts -----------------------------------------------------------------------


def _require_edit(actor) -> None:
    if scope(actor, "rosters.edit") != Scope.ALL:
        raise PermissionRefused(_("Only administration and the CS head edit rosters."))


def shift_save(
    *,
    actor,
    service: str,
    starts_at: datetime,
    ends_at: datetime,
    employee: Employee,
    delegate: Employee | None = None,
    note: str = "",
    shift: Shift | None = None,
) -> Shift:
    """Create or change a shift (R-SWB-4, R-HOT-4)."""
    _require_edit(actor)
    if service not in Service.values:
        raise CallcenterError(_("Choose a line."), field="service")
    if ends_at <= starts_at:
        raise CallcenterError(_("A shift must end after it starts."), field="ends_at")
    if ends_at - starts_at > MAX_SHIFT:
        raise CallcenterError(_("A shift lasts at most 24 hours."), field="ends_at")
    if delegate is not None and delegate.pk == employee.pk:
        raise CallcenterError(
            _("The delegate must be someone else than the person on duty."),
            field="delegate",
        )
    if not employee.is_active:
        raise CallcenterError(
            _("%(name)s has left the company.") % {"name": employee.name},
            field="employee",
        )
    clash = Shift.objects.filter(
        employee=employee, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if shift is not None and shift.pk:
        clash = clash.exclude(pk=shift.pk)
    if clash.exists():
        raise CallcenterError(
            _("%(name)s already has a shift at that time.") % {"name": employee.name},
            field="employee",
        )
    creating = shift is None or shift.pk is None
    shift = shift or Shift(created_by=actor)
    shift.service = service
    shift.starts_at = starts_at
    shift.ends_at = ends_at
    shift.date = timezone.localtime(starts_at).date()
    shift.employee = employee
    shift.delegate = delegate
    shift.note = note.strip()
    with transaction.atomic():
        shift.save()
        audit_record(
            actor=actor,
            action="callcenter.shift_create" if creating else "callcenter.shift_change",
            target=shift,
            details={"service": service, "employee": employee.pk},
        )
        if creating:
            notify(
                recipients=[employee],
                title=_("You are on duty: %(line)s, %(start)s–%(end)s")
                % {
                    "line": shift.get_service_display(),
                    "start": timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M"),
                    "end": timezone.localtime(ends_at).strftime("%H:%M"),
                },
            )
    return shift


def shift_delete(*, actor, shift: Shift) -> None:
    _require_edit(actor)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="callcenter.shift_delete",
            target=shift,
            details={"service": shift.service, "employee": shift.employee_id},
        )
        shift.delete()


def shift_on_duty(service: str, at: datetime) -> Shift | None:
    return (
        Shift.objects.filter(service=service, starts_at__lte=at, ends_at__gt=at)
        .select_related("employee", "delegate")
        .order_by("starts_at", "pk")
        .first()
    )


def _is_away(shift: Shift, at: datetime) -> bool:
    return shift.away_since is not None or is_absent(
        shift.employee, timezone.localtime(at).date()
    )


def _standin(shift: Shift, at: datetime) -> Employee | None:
    return shift.delegate or delegate_of(shift.employee, timezone.localtime(at).date())


def answering_employee(service: str, at: datetime) -> Employee | None:
    """Who answers the line at ``at``: the person on duty, or their delegate (R-HOT-4)."""
    shift = shift_on_duty(service, at)
    if shift is None:
        return None
    if _is_away(shift, at):
        return _standin(shift, at) or shift.employee
    return shift.employee


def shift_set_away(
    *, actor, shift: Shift, away: bool, open_items: str = ""
) -> Handover | None:
    """The agent on duty leaves (or comes back); the delegate takes over (R-HOT-4).

    The agent themselves or a roster editor may do it; the handover is logged.
    """
    me = employee_of(actor)
    if scope(actor, "rosters.edit") != Scope.ALL and (
        me is None or me.pk not in (shift.employee_id, shift.delegate_id)
    ):
        raise PermissionRefused(_("This is not your shift."))
    now = timezone.now()
    if away == (shift.away_since is not None):
        raise CallcenterError(
            _("The agent is already marked away.")
            if away
            else _("The agent is already back.")
        )
    standin = _standin(shift, now)
    if away and standin is None:
        raise CallcenterError(
            _("Name a delegate on the shift before leaving the line."),
            field="delegate",
        )
    with transaction.atomic():
        changed = Shift.objects.filter(pk=shift.pk, away_since__isnull=away).update(
            away_since=now if away else None
        )
        if not changed:
            raise CallcenterError(_("The shift changed meanwhile; reload the page."))
        shift.away_since = now if away else None
        handover = None
        if standin is not None:
            handover = _handover_create(
                actor=actor,
                service=shift.service,
                from_employee=shift.employee if away else standin,
                to_employee=standin if away else shift.employee,
                open_items=open_items,
                shift=shift,
                at=now,
            )
    return handover


# --- handovers --------------------------------------------------------------------


def _handover_create(
    *,
    actor,
    service: str,
    from_employee: Employee,
    to_employee: Employee,
    open_items: str,
    shift: Shift | None,
    at: datetime,
) -> Handover:
    handover = Handover.objects.create(
        service=service,
        at=at,
        from_employee=from_employee,
        to_employee=to_employee,
        open_items=open_items.strip(),
        shift=shift,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="callcenter.handover",
        target=handover,
        details={"from": from_employee.pk, "to": to_employee.pk},
    )
    notify(
        recipients=[to_employee],
        title=_("%(name)s handed the %(line)s over to you")
        % {"name": from_employee.name, "line": handover.get_service_display()},
        body=handover.open_items,
    )
    return handover


def handover_log(
    *,
    actor,
    service: str,
    to_employee: Employee,
    open_items: str = "",
    from_employee: Employee | None = None,
) -> Handover:
    """Log a handover of a line (R-SWB-4). Staff log their own; editors anyone's."""
    me = employee_of(actor)
    from_employee = from_employee or me
    if from_employee is None:
        raise CallcenterError(_("Choose who hands over."), field="from_employee")
    if scope(actor, "rosters.edit") != Scope.ALL and (
        me is None or from_employee.pk != me.pk or scope(actor, "rosters.view") < 1
    ):
        raise PermissionRefused(_("You may only log your own handovers."))
    if service not in Service.values:
        raise CallcenterError(_("Choose a line."), field="service")
    if to_employee.pk == from_employee.pk:
        raise CallcenterError(_("Hand over to someone else."), field="to_employee")
    now = timezone.now()
    shift = (
        Shift.objects.filter(
            service=service, employee=from_employee, starts_at__lte=now, ends_at__gt=now
        )
        .order_by("starts_at")
        .first()
    )
    with transaction.atomic():
        return _handover_create(
            actor=actor,
            service=service,
            from_employee=from_employee,
            to_employee=to_employee,
            open_items=open_items,
            shift=shift,
            at=now,
        )


# --- where the hotline rings (R-HOT-2, R-HOT-4) ----------------------------------


@dataclass(frozen=True)
class RingTarget:
    kind: str  # "agent", "delegate", "cs_head", "nobody"
    employee: Employee | None
    number: str
    in_service_hours: bool


def cs_head() -> Employee | None:
    """The customer-service head: the head of the CS head's department, else them."""
    people = list(
        Employee.objects.filter(
            user__groups__name=Role.CS_HEAD, user__is_active=True, is_active=True
        )
        .select_related("department__head")
        .order_by("number")
    )
    for person in people:
        if person.department.head_id == person.pk:
            return person
    for person in people:
        if person.department.head is not None:
            return person.department.head
    return people[0] if people else None


def hotline_rings_at(at: datetime | None = None) -> RingTarget:
    """Where a call to the 400 line goes at ``at`` (R-HOT-2, R-HOT-4).

    In service hours: the agent on duty, or the named delegate when the agent is away.
    Outside them (or with nobody rostered) it forwards to the CS head's mobile.
    """
    from telephony_admin.workcal.calendar import is_working_time

    at = at or timezone.now()
    in_hours = is_working_time(at)
    if in_hours:
        shift = shift_on_duty(Service.HOTLINE, at)
        if shift is not None:
            if _is_away(shift, at):
                standin = _standin(shift, at)
                if standin is not None:
                    return RingTarget("delegate", standin, standin.office_phone, True)
            return RingTarget(
                "agent", shift.employee, shift.employee.office_phone, True
            )
    head = cs_head()
    if head is None:
        return RingTarget("nobody", None, "", in_hours)
    return RingTarget("cs_head", head, head.private_mobile, in_hours)


def shifts_between(start: date, end: date):
    return (
        Shift.objects.filter(date__gte=start, date__lte=end)
        .select_related("employee", "delegate")
        .order_by("date", "service", "starts_at")
    )


def own_shift_filter(employee: Employee | None) -> Q:
    if employee is None:
        return Q(pk__in=[])
    return Q(employee=employee) | Q(delegate=employee)
