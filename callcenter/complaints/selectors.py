"""Reads shared by the queues, the detail page, the home panel and the reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from telephony_admin.org.access import employee_of
from telephony_admin.workcal.calendar import standard_day_length, working_time_between

from . import permissions as perm
from .models import (
    ClockBasis,
    ClockState,
    Complaint,
    FollowUpTask,
    SlaClock,
    Status,
)

QUEUES = {
    "mine": gettext_lazy("My cases"),
    "department": gettext_lazy("My department's cases"),
    "overdue": gettext_lazy("Overdue"),
    "today": gettext_lazy("Due today"),
    "callback": gettext_lazy("Waiting for callback"),
    "sign_off": gettext_lazy("Awaiting sign-off"),
    "all": gettext_lazy("All cases"),
}


def _with_clocks(qs: QuerySet) -> QuerySet:
    return qs.select_related("agent", "department", "assignee").prefetch_related(
        Prefetch("clocks", queryset=SlaClock.objects.order_by("cycle", "due_at"))
    )


def visible_complaints(*, user) -> QuerySet:
    return perm.scope_filter(user, "complaints.view", Complaint.objects.all())


def _day_bounds(now: datetime) -> tuple[datetime, datetime]:
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def complaint_queue(*, user, queue: str, now: datetime | None = None) -> QuerySet:
    """One of the queues (``QUEUES``), open cases first, scoped to the user."""
    now = now or timezone.now()
    qs = visible_complaints(user=user)
    employee = employee_of(user)
    live = SlaClock.objects.live().filter(complaint=OuterRef("pk"))
    if queue == "mine":
        mine = Q(pk__in=[])
        if employee is not None:
            mine = Q(agent=employee) | Q(assignee=employee)
        qs = qs.filter(mine).exclude(status=Status.CLOSED)
    elif queue == "department":
        departments = perm.department_side_ids(user)
        condition = Q(department_id__in=departments)
        if employee is not None and perm.is_customer_service(user):
            condition |= Q(agent__department_id=employee.department_id)
        qs = qs.filter(condition).exclude(status=Status.CLOSED)
    elif queue == "overdue":
        qs = qs.filter(Exists(live.filter(due_at__lte=now))).exclude(
            status=Status.CLOSED
        )
    elif queue == "today":
        start, end = _day_bounds(now)
        qs = qs.filter(Exists(live.filter(due_at__gte=start, due_at__lt=end))).exclude(
            status=Status.CLOSED
        )
    elif queue == "callback":
        qs = qs.filter(status=Status.CUSTOMER_TOLD)
    elif queue == "sign_off":  # 待签字: the customer-service head's (R-CMP-5)
        qs = qs.filter(status=Status.CALLBACK_DONE)
    return _with_clocks(qs)


def complaint_for_page(*, pk: int) -> Complaint:
    return (
        _with_clocks(Complaint.objects.all())
        .select_related("signed_off_by", "hotline_call")
        .prefetch_related(
            "events__actor",
            "contacts__by",
            "attachments__uploaded_by",
            "waiting_periods__started_by",
            "follow_ups__assignee",
            "follow_ups__event__clock",
        )
        .get(pk=pk)
    )


def earlier_cases(*, user, phone: str, exclude_pk: int | None = None) -> QuerySet:
    """A repeat caller's earlier cases, newest first (intake, R-CMP-1)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 5:
        return Complaint.objects.none()
    qs = visible_complaints(user=user).filter(contact_phone__contains=digits[-8:])
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("department").order_by("-accepted_at")[:10]


def open_follow_ups(*, user) -> QuerySet:
    employee = employee_of(user)
    if employee is None:
        return FollowUpTask.objects.none()
    return (
        FollowUpTask.objects.filter(assignee=employee, done_at__isnull=True)
        .select_related("complaint", "event__clock")
        .order_by("created_at")
    )


# --- how a clock reads on a page --------------------------------------------------


@dataclass(frozen=True)
class ClockView:
    label: str
    text: str
    css: str
    due_at: datetime


def _span(delta: timedelta, basis: str = ClockBasis.WALL) -> str:
    """A duration as read by people; service time counts in working days of the
    calendar's standard length (8 h), never in 24-hour days."""
    minutes = int(abs(delta).total_seconds() // 60)
    working = basis == ClockBasis.SERVICE
    day = standard_day_length() if working else timedelta(days=1)
    days, rest = divmod(minutes, max(int(day.total_seconds() // 60), 1))
    hours, minutes = divmod(rest, 60)
    if days and working:
        return _("%(d)s working days %(h)sh") % {"d": days, "h": hours}
    if days:
        return _("%(d)sd %(h)sh") % {"d": days, "h": hours}
    if hours:
        return _("%(h)sh %(m)smin") % {"h": hours, "m": minutes}
    return _("%(m)smin") % {"m": minutes}


def clock_view(clock: SlaClock, now: datetime) -> ClockView:
    """Time left or overdue, in the clock's own basis, with a colour (queues)."""
    label = clock.get_kind_display()
    if clock.met_at is not None:
        late = clock.state == ClockState.BREACHED
        text = _("met late") if late else _("met")
        return ClockView(label, text, "danger" if late else "success", clock.due_at)
    if clock.state == ClockState.CANCELLED:
        return ClockView(label, _("cancelled"), "secondary", clock.due_at)
    if clock.state == ClockState.PAUSED:
        return ClockView(label, _("paused"), "secondary", clock.due_at)
    if clock.basis == ClockBasis.SERVICE:
        remaining = working_time_between(now, clock.due_at)
    else:
        remaining = clock.due_at - now
    if clock.due_at <= now:
        return ClockView(
            label,
            _("overdue %(span)s") % {"span": _span(remaining, clock.basis)},
            "danger",
            clock.due_at,
        )
    css = "warning" if clock.warn_at <= now else "success"
    return ClockView(
        label,
        _("%(span)s left") % {"span": _span(remaining, clock.basis)},
        css,
        clock.due_at,
    )


def current_clocks(complaint: Complaint) -> list[SlaClock]:
    """The clocks of the latest cycle (a reopened case shows its new ones)."""
    clocks = list(complaint.clocks.all())
    if not clocks:
        return []
    cycle = max(c.cycle for c in clocks)
    return [c for c in clocks if c.cycle == cycle]
