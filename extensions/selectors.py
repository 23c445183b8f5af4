"""Reads shared by pages, exports and other apps (billing reads these, R-BIL-3).

``assignment_at`` answers "who held this line at that moment"; billing attributes a
month of calls with ``assignments_for_numbers`` (two queries for any number of calls)
and ``class_of_service_at`` / ``classes_for_numbers`` for the class at call time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet

from .models import ClassChange, ClassOfService, Line, LineAssignment


def line_by_number(number: str) -> Line | None:
    """The line with this number (normalised: spaces and dashes ignored), or None."""
    normalised = normalise_number(number)
    return (
        Line.objects.select_related("department", "owner")
        .filter(number=normalised)
        .first()
    )


def normalise_number(number: str) -> str:
    return "".join(ch for ch in str(number).strip() if ch not in " -()")


def assignment_at(line_number: str, when: datetime) -> LineAssignment | None:
    """The assignment period of ``line_number`` covering ``when`` (R-EXT-1, R-BIL-3)."""
    return (
        LineAssignment.objects.select_related("owner", "department", "line")
        .filter(line__number=normalise_number(line_number), starts_at__lte=when)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=when))
        .order_by("-starts_at")
        .first()
    )


@dataclass
class AssignmentPeriods:
    """The periods of one line in a window, sorted by start; ``at(when)`` bisects."""

    number: str
    periods: list[LineAssignment] = field(default_factory=list)
    _starts: list[datetime] = field(default_factory=list, repr=False)

    def add(self, assignment: LineAssignment) -> None:
        self.periods.append(assignment)
        self._starts.append(assignment.starts_at)

    def at(self, when: datetime) -> LineAssignment | None:
        index = bisect_right(self._starts, when) - 1
        if index < 0:
            return None
        period = self.periods[index]
        return period if period.covers(when) else None

    def __iter__(self):
        return iter(self.periods)

    def __len__(self) -> int:
        return len(self.periods)


def assignments_for_numbers(
    numbers: Iterable[str], start: datetime, end: datetime
) -> dict[str, AssignmentPeriods]:
    """Assignment periods overlapping ``[start, end)`` for each line number.

    One query for any number of lines; each value is sorted by start and answers
    ``.at(when)`` by bisection, so a million calls need no query per call. Numbers
    without a line or without a period in the window are absent from the result.
    """
    wanted = {normalise_number(n) for n in numbers}
    result: dict[str, AssignmentPeriods] = {}
    if not wanted:
        return result
    rows = (
        LineAssignment.objects.filter(line__number__in=wanted, starts_at__lt=end)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=start))
        .select_related("owner", "department", "line")
        .order_by("line__number", "starts_at")
    )
    for row in rows.iterator(chunk_size=2000):
        number = row.line.number
        if number not in result:
            result[number] = AssignmentPeriods(number=number)
        result[number].add(row)
    return result


def class_of_service_at(
    line_number: str, when: datetime
) -> tuple[ClassOfService, list[str]]:
    """The class of service and paid features of a line at ``when`` (R-EXT-2/4).

    The latest change effective at ``when`` decides; before any change the line had
    the class the first change started from; a line with no history has its current
    class. An unknown number is internal only (deny by default, R-EXT-3).
    """
    line = Line.objects.filter(number=normalise_number(line_number)).first()
    if line is None:
        return ClassOfService.INTERNAL, []
    return _class_from_changes(line, list(_changes_of([line.pk])[line.pk]), when)


def _changes_of(line_ids) -> dict[int, list[ClassChange]]:
    changes: dict[int, list[ClassChange]] = defaultdict(list)
    rows = ClassChange.objects.filter(line_id__in=line_ids).order_by(
        "line_id", "effective_at", "pk"
    )
    for change in rows:
        changes[change.line_id].append(change)
    return changes


def _class_from_changes(
    line: Line, changes: list[ClassChange], when: datetime
) -> tuple[ClassOfService, list[str]]:
    if not changes:
        return ClassOfService(line.class_of_service), list(line.features or [])
    effective = [c for c in changes if c.effective_at <= when]
    if effective:
        last = effective[-1]
        return ClassOfService(last.to_class), list(last.features or [])
    first = changes[0]
    return ClassOfService(first.from_class), list(first.from_features or [])


@dataclass
class ClassTimeline:
    """Class-of-service history of one line; ``at(when)`` -> (class, features)."""

    line: Line
    changes: list[ClassChange]

    def at(self, when: datetime) -> tuple[ClassOfService, list[str]]:
        return _class_from_changes(self.line, self.changes, when)


def classes_for_numbers(numbers: Iterable[str]) -> dict[str, ClassTimeline]:
    """Bulk variant of ``class_of_service_at``: two queries for any number of lines."""
    wanted = {normalise_number(n) for n in numbers}
    lines = {line.pk: line for line in Line.objects.filter(number__in=wanted)}
    changes = _changes_of(lines.keys())
    return {
        line.number: ClassTimeline(line=line, changes=changes.get(pk, []))
        for pk, line in lines.items()
    }


def lines_visible_to(user) -> QuerySet[Line]:
    """Lines the user may see ("lines and their history: view", roles.md)."""
    from telephony_admin.org.access import filter_by_scope

    return filter_by_scope(
        user, "lines.view", Line.objects.with_people(), department="department"
    )
