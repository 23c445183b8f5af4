"""Who may do what, over which scope: the one place roles.md is enforced.

Every view and service asks here. A capability maps roles to a scope; a user's scope
is the widest their roles give (roles add up). Scopes:

- ``ALL``: the whole company;
- ``DEPT``: the departments the user heads (or deputises) and their sub-departments,
  plus their own records;
- ``OWN``: records about the user or the user's own requests;
- ``NONE``: refused (views answer 403/404).
"""

from __future__ import annotations

from enum import IntEnum
from functools import wraps

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from telephony_admin.errors import PermissionRefused

from .models import Department, Employee, Role


class Scope(IntEnum):
    NONE = 0
    OWN = 1
    DEPT = 2
    ALL = 3


A, D, O = Scope.ALL, Scope.DEPT, Scope.OWN  # noqa: E741
EVERYONE = dict.fromkeys(Role, A)

# The roles' capabilities and their scope (own, department, all). Keys are
# "<area>.<verb>".
CAPABILITIES: dict[str, dict[Role, Scope]] = {
    "org.edit": {Role.ADMIN: A},
    "settings.edit": {Role.ADMIN: A},
    "directory.search": EVERYONE,
    "directory.private_mobile": {Role.ADMIN: A, Role.EMPLOYEE: O},
    "lines.edit": {Role.ADMIN: A},
    "lines.view": {Role.ADMIN: A, Role.DEPT_HEAD: D, Role.EMPLOYEE: O, Role.GM: A},
    "requests.file": {Role.ADMIN: A, Role.DEPT_HEAD: D, Role.EMPLOYEE: O},
    "faults.report": {
        Role.ADMIN: A,
        Role.DEPT_HEAD: D,
        Role.EMPLOYEE: O,
        Role.OPERATOR: A,
    },
    "faults.resolve": {Role.ADMIN: A},
    "bills.import": {Role.ADMIN: A},
    "audits.decide": {Role.ADMIN: A},
    "calls.view": {
        Role.ADMIN: A,
        Role.DEPT_HEAD: D,
        Role.EMPLOYEE: O,
        Role.FINANCE: A,
        Role.GM: A,
    },
    "quotas.propose": {Role.ADMIN: A},
    "quotas.approve": {Role.GM: A},
    "private_calls.file": {Role.EMPLOYEE: O},
    "private_calls.consent": {Role.DEPT_HEAD: D},
    "deductions.export": {Role.FINANCE: A},
    "period.close": {Role.FINANCE: A},
    "period.reopen": {Role.ADMIN: A},
    "switchboard.view": {Role.ADMIN: A, Role.OPERATOR: A},
    "switchboard.log": {Role.OPERATOR: A},
    "messages.view": {Role.ADMIN: A, Role.OPERATOR: A, Role.EMPLOYEE: O},
    "visitors.log": {Role.ADMIN: A, Role.OPERATOR: A},
    "hotline.log": {Role.CS_AGENT: A, Role.CS_HEAD: A},
    "hotline.view": {Role.ADMIN: A, Role.CS_AGENT: A, Role.CS_HEAD: A, Role.GM: A},
    "complaints.create": {Role.CS_AGENT: A, Role.CS_HEAD: A},
    "complaints.view": {
        Role.ADMIN: A,
        Role.DEPT_HEAD: D,
        Role.CS_AGENT: A,
        Role.CS_HEAD: A,
        Role.HANDLER: D,
        Role.GM: A,
    },
    "complaints.act": {
        Role.DEPT_HEAD: D,
        Role.CS_AGENT: A,
        Role.CS_HEAD: A,
        Role.HANDLER: D,
    },
    "complaints.sign_off": {Role.CS_HEAD: A},
    "complaints.templates": {Role.ADMIN: A},  # reply templates (issue 15)
    "complaints.report": {
        Role.ADMIN: A,
        Role.DEPT_HEAD: D,
        Role.CS_AGENT: A,
        Role.CS_HEAD: A,
        Role.GM: A,
    },
    "rosters.view": {
        Role.ADMIN: A,
        Role.CS_HEAD: A,
        Role.EMPLOYEE: O,
        Role.OPERATOR: O,
        Role.CS_AGENT: O,
    },
    "rosters.edit": {Role.ADMIN: A, Role.CS_HEAD: A},
    "api_tokens.edit": {Role.ADMIN: A},
    "equipment.decide_gm": {Role.GM: A},
    # The management home (issue 15): the GM over the company, a head over the
    # departments they head; each figure keeps its own capability's scope.
    "management.view": {Role.GM: A, Role.DEPT_HEAD: D},
}


def employee_of(user) -> Employee | None:
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.employee
    except Employee.DoesNotExist:
        return None


def roles_of(user) -> frozenset[Role]:
    """The user's roles; cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_ta_roles", None)
    if cached is not None:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    roles = {Role(n) for n in names if n in Role.values}
    employee = employee_of(user)
    if employee is not None:
        roles.add(Role.EMPLOYEE)
        if headed_department_ids(user):
            roles.add(Role.DEPT_HEAD)
    if user.is_superuser:
        roles.add(Role.ADMIN)
    user._ta_roles = frozenset(roles)
    return user._ta_roles


def has_role(user, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def _tree() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for pk, parent_id in Department.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    return children


def with_descendants(department_ids) -> set[int]:
    """The departments and all their sub-departments (R-ORG-3)."""
    children = _tree()
    result: set[int] = set()
    stack = list(department_ids)
    while stack:
        pk = stack.pop()
        if pk in result:
            continue
        result.add(pk)
        stack.extend(children.get(pk, []))
    return result


def headed_department_ids(user) -> set[int]:
    """Departments the user heads or deputises, with their sub-departments."""
    cached = getattr(user, "_ta_headed", None)
    if cached is not None:
        return cached
    employee = employee_of(user)
    if employee is None:
        user._ta_headed = set()
        return set()
    direct = Department.objects.filter(Q(head=employee) | Q(deputy=employee))
    user._ta_headed = with_descendants(direct.values_list("pk", flat=True))
    return user._ta_headed


def scope(user, capability: str) -> Scope:
    table = CAPABILITIES[capability]
    best = Scope.NONE
    for role in roles_of(user):
        best = max(best, table.get(role, Scope.NONE))
    return best


def allows(
    user,
    capability: str,
    *,
    department_id: int | None = None,
    owner_id: int | None = None,
) -> bool:
    """May ``user`` exercise ``capability`` on a record of that department/owner?"""
    granted = scope(user, capability)
    if granted == Scope.ALL:
        return True
    employee = employee_of(user)
    if granted >= Scope.OWN and employee and owner_id == employee.pk:
        return True
    return bool(granted >= Scope.DEPT and department_id in headed_department_ids(user))


def require(user, capability: str, **record) -> None:
    """Raise ``PermissionRefused`` unless ``allows`` (or, without a record, any scope)."""
    ok = allows(user, capability, **record) if record else scope(user, capability) > 0
    if not ok:
        raise PermissionRefused(str(_refusal()))


def _refusal():
    from django.utils.translation import gettext_lazy as _

    return _("You do not have permission to do this.")


def filter_by_scope(
    user,
    capability: str,
    queryset: QuerySet,
    *,
    department: str | None = "department",
    owner: str | None = "owner",
) -> QuerySet:
    """Restrict ``queryset`` to what ``user`` may see under ``capability``.

    ``department`` and ``owner`` name the lookups (to a Department and an Employee) on
    the queryset's model; pass None where a model has no such field.
    """
    granted = scope(user, capability)
    if granted == Scope.ALL:
        return queryset
    condition = Q(pk__in=[])
    employee = employee_of(user)
    if granted >= Scope.OWN and employee is not None and owner:
        condition |= Q(**{owner: employee.pk})
    if granted >= Scope.DEPT and department:
        condition |= Q(**{f"{department}__in": headed_department_ids(user)})
    if granted == Scope.NONE:
        return queryset.none()
    return queryset.filter(condition)


class CapabilityRequiredMixin(LoginRequiredMixin):
    """Class-based views: login, then at least some scope of ``capability``."""

    capability: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if scope(request.user, self.capability) == Scope.NONE:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def capability_required(capability: str):
    """Function views: login, then at least some scope of ``capability``."""

    def decorator(view):
        from django.contrib.auth.decorators import login_required

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if scope(request.user, capability) == Scope.NONE:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
