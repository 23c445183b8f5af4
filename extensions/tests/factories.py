"""Factories for lines; ``make_line`` opens the assignment period like the service."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from extensions.models import ClassOfService, Line, LineAssignment, LineKind
from telephony_admin.org.models import Department, Employee

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 10, 12, 10, tzinfo=SH)


def make_line(
    number: str,
    department: Department,
    owner: Employee | None = None,
    *,
    kind: str = LineKind.DIRECT,
    class_of_service: int = ClassOfService.INTERNAL,
    features: list[str] | None = None,
    starts_at: datetime,
    **fields,
) -> Line:
    """A line with one open assignment period from ``starts_at``."""
    line = Line.objects.create(
        number=number,
        kind=kind,
        department=department,
        owner=owner,
        class_of_service=class_of_service,
        features=features or [],
        **fields,
    )
    LineAssignment.objects.create(
        line=line, owner=owner, department=department, starts_at=starts_at
    )
    return line
