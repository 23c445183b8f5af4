"""The telephone directory (R-EXT-8): search by name, pinyin initials, department
and number; the switchboard transfers calls with it, so it answers in a few queries.

Private mobiles only for administration and the person themself (R-SWB-6).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from telephony_admin.core import config
from telephony_admin.org.access import allows, with_descendants
from telephony_admin.org.models import Employee

from .models import ClassOfService, Line


@dataclass
class DirectoryEntry:
    employee_id: int
    name: str
    department: str
    department_id: int
    title: str
    lines: list[dict] = field(default_factory=list)
    private_mobile: str | None = None
    office_phone: str = ""

    @property
    def numbers(self) -> list[str]:
        """The person's lines, then their office extension if it is not a line."""
        return [line["number"] for line in self.lines] + (
            [self.office_phone] if self.office_phone else []
        )

    def as_json(self) -> dict:
        data = {
            "employee_id": self.employee_id,
            "name": self.name,
            "department": self.department,
            "title": self.title,
            "numbers": self.numbers,
            "lines": self.lines,
            "office_phone": self.office_phone,
        }
        if self.private_mobile is not None:
            data["private_mobile"] = self.private_mobile
        return data


CANDIDATES = 200


def _matching_employees(q: str):
    """One table, OR of indexed columns, no ORDER BY: PostgreSQL combines the pinyin
    and name indexes (bitmap OR) instead of walking one index in order (R-EXT-8)."""
    from telephony_admin.org.models import Department

    employees = Employee.objects.filter(is_active=True)
    if q.isdigit():
        owners = list(
            Line.objects.filter(is_active=True, number__contains=q)
            .exclude(owner=None)
            .order_by()
            .values_list("owner_id", flat=True)[:CANDIDATES]
        )
        return employees.filter(Q(pk__in=owners) | Q(office_phone=q))
    department_ids = list(
        Department.objects.filter(name__icontains=q).values_list("pk", flat=True)
    )
    condition = Q(department_id__in=department_ids) if department_ids else Q()
    if q.isascii():
        lowered = q.lower().replace(" ", "")
        condition |= Q(pinyin_initials__startswith=lowered) | Q(
            pinyin__startswith=lowered
        )
        condition |= Q(number__in={q, q.upper()})
    else:
        condition |= Q(name__contains=q)
    return employees.filter(condition)


def _rank(person: Employee, q: str) -> tuple:
    """Exact name or initials first, then names starting with the query, by pinyin."""
    lowered = q.lower()
    exact = person.name == q or person.pinyin_initials == lowered
    prefix = person.name.startswith(q) or person.pinyin_initials.startswith(lowered)
    return (not exact, not prefix, person.pinyin, person.pk)


def directory_search(q: str, *, user, limit: int | None = None) -> list[DirectoryEntry]:
    """Up to ``limit`` people matching ``q``, each with their active lines."""
    q = (q or "").strip()
    if not q:
        return []
    limit = limit or config.get("extensions.directory_max_results")
    candidates = list(
        _matching_employees(q).select_related("department").order_by()[:CANDIDATES]
    )
    people = sorted(candidates, key=lambda person: _rank(person, q))[:limit]
    return _entries(people, user=user)


def _entries(people, *, user) -> list[DirectoryEntry]:
    lines_by_owner: dict[int, list[dict]] = defaultdict(list)
    rows = (
        Line.objects.filter(is_active=True, owner_id__in=[p.pk for p in people])
        .order_by("number")
        .values_list("owner_id", "number", "kind", "class_of_service", "location")
    )
    for owner_id, number, kind, klass, location in rows:
        lines_by_owner[owner_id].append(
            {
                "number": number,
                "kind": kind,
                "class_of_service": klass,
                "class_label": str(ClassOfService(klass).label),
                "location": location,
            }
        )
    see_all_mobiles = allows(user, "directory.private_mobile")
    entries = []
    for person in people:
        lines = lines_by_owner.get(person.pk, [])
        mobile = None
        if see_all_mobiles or allows(
            user, "directory.private_mobile", owner_id=person.pk
        ):
            mobile = person.private_mobile
        entries.append(
            DirectoryEntry(
                employee_id=person.pk,
                name=person.name,
                department=person.department.name,
                department_id=person.department_id,
                title=person.title,
                lines=lines,
                private_mobile=mobile,
                office_phone=person.office_phone
                if person.office_phone not in {line["number"] for line in lines}
                else "",
            )
        )
    return entries


def department_directory(*, user, department_ids=None) -> list[tuple]:
    """[(department, [DirectoryEntry])] for the printable directory and the export."""
    from telephony_admin.org.models import Department

    departments = Department.objects.all()
    if department_ids:
        # A department's directory lists its sub-departments too (销售部 with 华东销售组).
        departments = departments.filter(pk__in=with_descendants(department_ids))
    people = list(
        Employee.objects.filter(is_active=True, department__in=departments)
        .select_related("department")
        .order_by("department__sort_order", "department__code", "pinyin")
    )
    entries = _entries(people, user=user)
    grouped: dict[int, list[DirectoryEntry]] = defaultdict(list)
    for entry in entries:
        grouped[entry.department_id].append(entry)
    return [(d, grouped[d.pk]) for d in departments if grouped.get(d.pk)]
