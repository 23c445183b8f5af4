"""Monthly statistics for management (R-CMP-6) and their Excel workbook.

Volumes by kind, channel, department and complexity; first-reply and resolution
on-time rates; median and 90th-percentile times in service hours taken from the
stored clocks; satisfaction; the list of late cases.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from telephony_admin.core.excel import Sheet, table_sheet, workbook_bytes
from telephony_admin.org.access import Scope, headed_department_ids, scope

from .models import (
    Channel,
    ClockKind,
    ClockState,
    Complaint,
    Complexity,
    Kind,
    Satisfaction,
    SlaClock,
)

TWO = Decimal("0.01")


@dataclass
class TimeStats:
    """``decided``: clocks met, or breached though still open (late either way);
    ``measured``: clocks met, whose stored time feeds the median and percentile."""

    measured: int = 0
    on_time: int = 0
    decided: int = 0
    median_hours: Decimal | None = None
    p90_hours: Decimal | None = None

    @property
    def rate(self) -> Decimal | None:
        if not self.decided:
            return None
        return (Decimal(self.on_time) * 100 / self.decided).quantize(TWO)


@dataclass
class MonthlyReport:
    month: date
    total: int = 0
    by_kind: list[tuple[str, int]] = field(default_factory=list)
    by_channel: list[tuple[str, int]] = field(default_factory=list)
    by_department: list[tuple[str, int]] = field(default_factory=list)
    by_complexity: list[tuple[str, int]] = field(default_factory=list)
    first_reply: TimeStats = field(default_factory=TimeStats)
    resolution: TimeStats = field(default_factory=TimeStats)
    answer: TimeStats = field(default_factory=TimeStats)
    satisfaction_average: Decimal | None = None
    satisfaction_counts: list[tuple[int, int]] = field(default_factory=list)
    closed: int = 0
    late: list[dict] = field(default_factory=list)
    cases: list[Complaint] = field(default_factory=list)

    def chart_data(self) -> dict:
        def pairs(rows):
            return {"labels": [str(r[0]) for r in rows], "values": [r[1] for r in rows]}

        return {
            "kind": pairs(self.by_kind),
            "channel": pairs(self.by_channel),
            "department": pairs(self.by_department),
            "complexity": pairs(self.by_complexity),
            "satisfaction": pairs(self.satisfaction_counts),
        }


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    start = datetime.combine(month, time(), tzinfo=zone)
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start, datetime.combine(following, time(), tzinfo=zone)


def _scoped(user, qs: QuerySet) -> QuerySet:
    """Complaint reports: all for CS, admin, GM; a head sees their departments."""
    granted = scope(user, "complaints.report")
    if granted == Scope.ALL:
        return qs
    if granted >= Scope.DEPT:
        return qs.filter(department_id__in=headed_department_ids(user))
    return qs.none()


def _hours(delta: timedelta) -> Decimal:
    return (Decimal(delta.total_seconds()) / 3600).quantize(TWO, ROUND_HALF_UP)


def _percentile(values: list[timedelta], share: float) -> timedelta:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(-(-share * len(ordered) // 1)) - 1))
    return ordered[index]


def _time_stats(clocks: list[SlaClock], *, seconds: bool = False) -> TimeStats:
    measured = [c for c in clocks if c.met_at is not None and c.consumed is not None]
    # A clock breached and still open is already late: it counts against the rate.
    decided = [
        c for c in clocks if c.met_at is not None or c.state == ClockState.BREACHED
    ]
    stats = TimeStats(
        measured=len(measured),
        on_time=sum(1 for c in decided if c.state == ClockState.MET),
        decided=len(decided),
    )
    if measured:
        values = [c.consumed for c in measured]
        median = statistics.median(values)
        p90 = _percentile(values, 0.9)
        if seconds:
            stats.median_hours = Decimal(median.total_seconds()).quantize(TWO)
            stats.p90_hours = Decimal(p90.total_seconds()).quantize(TWO)
        else:
            stats.median_hours, stats.p90_hours = _hours(median), _hours(p90)
    return stats


def _count(values, choices=None) -> list[tuple[str, int]]:
    counter = Counter(values)
    if choices is None:
        return sorted(counter.items(), key=lambda item: -item[1])
    return [(label, counter[value]) for value, label in choices if counter[value]]


def monthly_report(*, user, month: date) -> MonthlyReport:
    start, end = _month_bounds(month)
    complaints = list(
        _scoped(
            user,
            Complaint.objects.filter(accepted_at__gte=start, accepted_at__lt=end),
        ).select_related("department", "agent")
    )
    report = MonthlyReport(month=month, total=len(complaints), cases=complaints)
    report.by_kind = _count([c.kind for c in complaints], Kind.choices)
    report.by_channel = _count([c.channel for c in complaints], Channel.choices)
    report.by_department = _count(
        [c.department.name if c.department else _("Not routed") for c in complaints]
    )
    report.by_complexity = _count(
        [c.complexity for c in complaints if c.complexity], Complexity.choices
    )
    report.closed = sum(1 for c in complaints if not c.is_open)
    clocks = list(
        SlaClock.objects.filter(
            complaint__in=[c.pk for c in complaints]
        ).select_related("complaint")
    )
    by_kind: dict[str, list[SlaClock]] = {}
    for clock in clocks:
        by_kind.setdefault(clock.kind, []).append(clock)
    report.first_reply = _time_stats(by_kind.get(ClockKind.FIRST_REPLY, []))
    report.resolution = _time_stats(by_kind.get(ClockKind.RESOLUTION_TARGET, []))
    report.answer = _time_stats(by_kind.get(ClockKind.ANSWER, []), seconds=True)
    scores = [c.satisfaction for c in complaints if c.satisfaction]
    if scores:
        report.satisfaction_average = (Decimal(sum(scores)) / len(scores)).quantize(TWO)
    report.satisfaction_counts = [
        (Satisfaction(score).label, scores.count(score)) for score in range(5, 0, -1)
    ]
    report.late = _late(clocks)
    for complaint in complaints:
        complaint.month_clocks = {
            c.kind: c for c in by_kind_for(complaint, clocks) if c.cycle == 0
        }
    return report


def by_kind_for(complaint: Complaint, clocks: list[SlaClock]) -> list[SlaClock]:
    return [c for c in clocks if c.complaint_id == complaint.pk]


def _late(clocks: list[SlaClock]) -> list[dict]:
    """Clocks that missed their due time (met late, or still open and overdue)."""
    now = timezone.now()
    rows = []
    for clock in clocks:
        overdue_open = clock.met_at is None and clock.due_at <= now
        late = clock.state == ClockState.BREACHED or (
            overdue_open and clock.state != ClockState.CANCELLED
        )
        if not late:
            continue
        rows.append(
            {
                "complaint": clock.complaint,
                "clock": clock.get_kind_display(),
                "due_at": clock.due_at,
                "met_at": clock.met_at,
                "status": clock.complaint.get_status_display(),
            }
        )
    rows.sort(key=lambda row: row["due_at"])
    return rows


def _rate(stats: TimeStats):
    return stats.rate if stats.rate is not None else ""


def report_workbook(report: MonthlyReport) -> bytes:
    """The management workbook: summary, volumes, late cases (R-CMP-6)."""
    summary = table_sheet(
        pgettext("complaint report sheet", "Summary"),
        [_("Figure"), _("Value")],
        [
            (_("Month"), report.month.strftime("%Y-%m")),
            (_("Cases"), report.total),
            (_("Closed"), report.closed),
            (_("First reply on time (%)"), _rate(report.first_reply)),
            (_("First reply median (service hours)"), report.first_reply.median_hours),
            (
                _("First reply 90th percentile (service hours)"),
                report.first_reply.p90_hours,
            ),
            (_("Resolution on time (%)"), _rate(report.resolution)),
            (_("Resolution median (service hours)"), report.resolution.median_hours),
            (
                _("Resolution 90th percentile (service hours)"),
                report.resolution.p90_hours,
            ),
            (_("Answers on time (%)"), _rate(report.answer)),
            (_("Answer median (seconds)"), report.answer.median_hours),
            (_("Average satisfaction (1–5)"), report.satisfaction_average),
        ],
        widths=[44, 16],
    )
    rows = []
    for title, items in (
        (_("Kind"), report.by_kind),
        (_("Channel"), report.by_channel),
        (_("Department"), report.by_department),
        (_("Complexity"), report.by_complexity),
        (_("Satisfaction"), report.satisfaction_counts),
    ):
        rows.extend((title, str(label), count) for label, count in items)
    volumes = table_sheet(
        _("Volumes"), [_("By"), _("Value"), _("Cases")], rows, widths=[16, 30, 10]
    )
    late = table_sheet(
        _("Late cases"),
        [_("Number"), _("Customer"), _("Clock"), _("Due at"), _("Met at"), _("Status")],
        [
            (
                row["complaint"].number,
                row["complaint"].customer_name,
                row["clock"],
                _local(row["due_at"]),
                _local(row["met_at"]),
                row["status"],
            )
            for row in report.late
        ],
        widths=[18, 20, 18, 18, 18, 24],
    )
    return workbook_bytes([summary, volumes, _cases_sheet(report), late])


def _on_time(clock: SlaClock | None) -> str:
    if clock is None or clock.met_at is None:
        return ""
    return _("yes") if clock.state == ClockState.MET else _("no")


def _cases_sheet(report: MonthlyReport) -> Sheet:
    headers = [
        _("Number"),
        _("Accepted at"),
        _("Customer"),
        _("Kind"),
        _("Complexity"),
        _("Channel"),
        _("Department"),
        _("Status"),
        pgettext("yes or no per case", "First reply on time"),
        pgettext("yes or no per case", "Resolution on time"),
        _("Satisfaction"),
    ]
    rows = []
    for c in report.cases:
        clocks = getattr(c, "month_clocks", {})
        rows.append(
            (
                c.number,
                _local(c.accepted_at),
                c.customer_name,
                c.get_kind_display(),
                c.get_complexity_display() if c.complexity else "",
                c.get_channel_display(),
                c.department.name if c.department else "",
                c.get_status_display(),
                _on_time(
                    clocks.get(ClockKind.FIRST_REPLY) or clocks.get(ClockKind.ANSWER)
                ),
                _on_time(clocks.get(ClockKind.RESOLUTION_TARGET)),
                c.get_satisfaction_display() if c.satisfaction else "",
            )
        )
    return table_sheet(pgettext("sheet of one row per case", "Cases"), headers, rows)


def _local(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
