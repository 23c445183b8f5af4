"""Who may see and act on which complaint (roles.md, through ``org.access``).

The access table gives handlers a "dept" scope; a handler heads nothing, so their
department here is the one they work in (with its sub-departments).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from telephony_admin.errors import PermissionRefused
from telephony_admin.org.access import (
    Scope,
    employee_of,
    has_role,
    headed_department_ids,
    scope,
    with_descendants,
)
from telephony_admin.org.models import Role

from .models import Complaint


def department_side_ids(user) -> set[int]:
    """Departments whose complaint steps the user may take (head or handler)."""
    ids = set(headed_department_ids(user))
    employee = employee_of(user)
    if employee is not None and has_role(user, Role.HANDLER):
        ids |= with_descendants([employee.department_id])
    return ids


def scope_filter(user, capability: str, queryset: QuerySet) -> QuerySet:
    """``queryset`` of complaints restricted to what ``capability`` lets the user see."""
    granted = scope(user, capability)
    if granted == Scope.ALL:
        return queryset
    if granted == Scope.NONE:
        return queryset.none()
    condition = Q(department_id__in=department_side_ids(user))
    employee = employee_of(user)
    if employee is not None:
        condition |= Q(assignee=employee) | Q(agent=employee)
    return queryset.filter(condition)


def may_view(user, complaint: Complaint) -> bool:
    granted = scope(user, "complaints.view")
    if granted == Scope.ALL:
        return True
    if granted == Scope.NONE:
        return False
    employee = employee_of(user)
    if employee is not None and employee.pk in (
        complaint.agent_id,
        complaint.assignee_id,
    ):
        return True
    return complaint.department_id in department_side_ids(user)


def is_customer_service(user) -> bool:
    return has_role(user, Role.CS_AGENT, Role.CS_HEAD)


def is_department_side(user, complaint: Complaint) -> bool:
    return (
        scope(user, "complaints.act") >= Scope.DEPT
        and complaint.department_id is not None
        and complaint.department_id in department_side_ids(user)
    )


def is_department_manager(user, complaint: Complaint) -> bool:
    return complaint.department_id in headed_department_ids(user)


def may_sign_off(user) -> bool:
    return scope(user, "complaints.sign_off") == Scope.ALL


def refuse() -> PermissionRefused:
    return PermissionRefused(_("You do not have permission to do this."))


def require_customer_service(user) -> None:
    if not is_customer_service(user):
        raise refuse()


def require_department_side(user, complaint: Complaint) -> None:
    if not is_department_side(user, complaint):
        raise refuse()


def require_department_manager(user, complaint: Complaint) -> None:
    if not is_department_manager(user, complaint):
        raise refuse()


def require_any_side(user, complaint: Complaint) -> None:
    if not (is_customer_service(user) or is_department_side(user, complaint)):
        raise refuse()
