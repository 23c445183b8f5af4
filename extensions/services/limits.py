"""Per-department limits of local and long-distance lines (R-EXT-3)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from telephony_admin.core import config
from telephony_admin.core.services import audit_record
from telephony_admin.org.access import require
from telephony_admin.org.models import Department

from ..errors import ExtensionsError
from ..models import ClassOfService, DepartmentLineLimit, Line


@dataclass(frozen=True)
class LimitUsage:
    local_limit: int
    local_used: int
    long_distance_limit: int
    long_distance_used: int
    custom: bool


def department_limits(department: Department) -> tuple[int, int, bool]:
    """(local, long distance, set for this department?) with the settings as default."""
    row = DepartmentLineLimit.objects.filter(department=department).first()
    if row is not None:
        return row.local_lines, row.long_distance_lines, True
    return (
        config.get("extensions.default_local_lines"),
        config.get("extensions.default_long_distance_lines"),
        False,
    )


def _category(klass: int) -> str | None:
    if klass >= ClassOfService.DOMESTIC:
        return "long_distance"
    if klass == ClassOfService.LOCAL:
        return "local"
    return None


def limit_usage(department: Department, *, exclude_line_id: int | None = None):
    local, long_distance, custom = department_limits(department)
    lines = Line.objects.filter(department=department, is_active=True)
    if exclude_line_id:
        lines = lines.exclude(pk=exclude_line_id)
    return LimitUsage(
        local_limit=local,
        local_used=lines.filter(class_of_service=ClassOfService.LOCAL).count(),
        long_distance_limit=long_distance,
        long_distance_used=lines.filter(
            class_of_service__gte=ClassOfService.DOMESTIC
        ).count(),
        custom=custom,
    )


def limit_usages(departments) -> list[tuple[Department, LimitUsage]]:
    """[(department, usage)] in three queries, for the limits page (R-EXT-3)."""
    departments = list(departments)
    own = {
        row.department_id: row
        for row in DepartmentLineLimit.objects.filter(department__in=departments)
    }
    counts = {
        row["department_id"]: row
        for row in Line.objects.filter(department__in=departments, is_active=True)
        .values("department_id")
        .annotate(
            local=Count("pk", filter=Q(class_of_service=ClassOfService.LOCAL)),
            long_distance=Count(
                "pk", filter=Q(class_of_service__gte=ClassOfService.DOMESTIC)
            ),
        )
        .order_by()
    }
    default_local = config.get("extensions.default_local_lines")
    default_long_distance = config.get("extensions.default_long_distance_lines")
    rows = []
    for department in departments:
        limit = own.get(department.pk)
        used = counts.get(department.pk, {})
        usage = LimitUsage(
            local_limit=limit.local_lines if limit else default_local,
            local_used=used.get("local", 0),
            long_distance_limit=limit.long_distance_lines
            if limit
            else default_long_distance,
            long_distance_used=used.get("long_distance", 0),
            custom=limit is not None,
        )
        rows.append((department, usage))
    return rows


def limit_excess(line: Line, to_class: int) -> str | None:
    """Why raising ``line`` to ``to_class`` would exceed its department's limit.

    None when within the limit (R-EXT-3). A line already in the category (local, or
    long distance incl. international) does not count twice.
    """
    target = _category(int(to_class))
    if target is None or target == _category(line.class_of_service):
        return None
    usage = limit_usage(line.department, exclude_line_id=line.pk)
    if target == "local" and usage.local_used >= usage.local_limit:
        return _(
            "%(department)s may have %(limit)s local line(s) and already has %(used)s."
        ) % {
            "department": line.department.name,
            "limit": usage.local_limit,
            "used": usage.local_used,
        }
    if target == "long_distance" and usage.long_distance_used >= (
        usage.long_distance_limit
    ):
        return _(
            "%(department)s may have %(limit)s long-distance line(s) and already "
            "has %(used)s."
        ) % {
            "department": line.department.name,
            "limit": usage.long_distance_limit,
            "used": usage.long_distance_used,
        }
    return None


@transaction.atomic
def department_limit_set(
    *, department: Department, local_lines: int, long_distance_lines: int, actor
) -> DepartmentLineLimit:
    """Administration sets a department's own limits (R-EXT-3)."""
    require(actor, "lines.edit")
    if local_lines < 0 or long_distance_lines < 0:
        raise ExtensionsError(_("Limits cannot be negative."))
    row, _created = DepartmentLineLimit.objects.update_or_create(
        department=department,
        defaults={
            "local_lines": local_lines,
            "long_distance_lines": long_distance_lines,
        },
    )
    audit_record(
        actor=actor,
        action="line.limit_set",
        target=department,
        details={"local": local_lines, "long_distance": long_distance_lines},
    )
    return row
