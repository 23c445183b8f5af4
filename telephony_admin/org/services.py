"""Writes on the organisation: roles and the staff-list import."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from telephony_admin.core.services import audit_record
from telephony_admin.errors import DomainError

from .models import GROUP_ROLES, Department, Employee, Role


class OrgError(DomainError):
    pass


ADMIN_APP_LABELS = (
    "org",
    "workcal",
    "approvals",
    "core",
    "extensions",
    "billing",
    "deductions",
    "callcenter",
    "complaints",
)


def roles_ensure_groups() -> None:
    """Create one group per role (idempotent); administration gets the Django admin
    permissions of the project's apps (raw access, roles.md)."""
    from django.contrib.auth.models import Permission

    for role in GROUP_ROLES:
        group, _created = Group.objects.get_or_create(name=role.value)
        if role == Role.ADMIN:
            group.permissions.set(
                Permission.objects.filter(content_type__app_label__in=ADMIN_APP_LABELS)
            )


@transaction.atomic
def user_set_roles(*, user, roles: list[Role], actor=None) -> None:
    roles_ensure_groups()
    groups = Group.objects.filter(name__in=[r.value for r in roles if r in GROUP_ROLES])
    user.groups.set(groups)
    is_staff = Role.ADMIN in roles or user.is_superuser
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    audit_record(
        actor=actor,
        action="org.roles_set",
        target=user,
        details={"roles": sorted(roles)},
    )


# --- Staff-list import ----------------------------------------------------------

STAFF_COLUMNS = {
    "name": ("姓名", "name"),
    "number": ("工号", "员工编号", "employee number", "number"),
    "department": ("部门", "department"),
    "title": ("职务", "职位", "title"),
    "supervisor": ("上级工号", "直接上级", "上级", "supervisor", "supervisor number"),
}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _header_map(header: tuple) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        label = str(cell or "").strip().lower()
        for key, aliases in STAFF_COLUMNS.items():
            if label in {a.lower() for a in aliases}:
                found[key] = index
    return found


def staff_import(*, file: IO[bytes], dry_run: bool, actor=None) -> ImportReport:
    """Import the staff list (name, number, department, title, supervisor).

    Every row is validated first; with errors (row, column, reason) nothing is saved.
    Departments are matched by name or code. Supervisors by employee number, in the
    file or already in the database. Existing employees (by number) are updated.
    """
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001  (openpyxl raises many types on bad files)
        raise OrgError(_("The file is not a readable Excel workbook.")) from exc
    rows = workbook.active.iter_rows(values_only=True)
    report = ImportReport()
    header = next(rows, None)
    columns = _header_map(header or ())
    missing = [k for k in ("name", "number", "department") if k not in columns]
    if missing:
        raise OrgError(
            _("Missing column(s): %(columns)s.")
            % {"columns": ", ".join(STAFF_COLUMNS[k][0] for k in missing)}
        )
    departments = {d.name: d for d in Department.objects.all()}
    departments.update({d.code: d for d in departments.values()})
    parsed = []
    numbers_in_file: set[str] = set()
    for row_number, row in enumerate(rows, start=2):
        values = {
            key: str(row[index]).strip()
            if index < len(row) and row[index] is not None
            else ""
            for key, index in columns.items()
        }
        if not any(values.values()):
            continue
        for key in ("name", "number", "department"):
            if not values.get(key):
                report.errors.append(
                    {
                        "row": row_number,
                        "column": STAFF_COLUMNS[key][0],
                        "reason": _("required"),
                    }
                )
        if values.get("department") and values["department"] not in departments:
            report.errors.append(
                {
                    "row": row_number,
                    "column": STAFF_COLUMNS["department"][0],
                    "reason": _("unknown department “%(name)s”")
                    % {"name": values["department"]},
                }
            )
        if values.get("number") in numbers_in_file:
            report.errors.append(
                {
                    "row": row_number,
                    "column": STAFF_COLUMNS["number"][0],
                    "reason": _("duplicate employee number in the file"),
                }
            )
        numbers_in_file.add(values.get("number", ""))
        parsed.append((row_number, values))
    known = set(Employee.objects.values_list("number", flat=True)) | numbers_in_file
    for row_number, values in parsed:
        supervisor = values.get("supervisor", "")
        if supervisor and supervisor not in known:
            report.errors.append(
                {
                    "row": row_number,
                    "column": STAFF_COLUMNS["supervisor"][0],
                    "reason": _("unknown supervisor “%(number)s”")
                    % {"number": supervisor},
                }
            )
        if supervisor and supervisor == values.get("number"):
            report.errors.append(
                {
                    "row": row_number,
                    "column": STAFF_COLUMNS["supervisor"][0],
                    "reason": _("an employee cannot be their own supervisor"),
                }
            )
    if report.errors:
        return report
    with transaction.atomic():
        existing = {e.number: e for e in Employee.objects.all()}
        for _row, values in parsed:
            employee = existing.get(values["number"])
            if employee is None:
                employee = Employee(number=values["number"])
                report.created += 1
            else:
                report.updated += 1
            employee.name = values["name"]
            employee.department = departments[values["department"]]
            employee.title = values.get("title", "")
            employee.save()
            existing[employee.number] = employee
        for _row, values in parsed:
            supervisor = values.get("supervisor")
            employee = existing[values["number"]]
            employee.supervisor = existing[supervisor] if supervisor else None
            employee.save(update_fields=["supervisor"])
        audit_record(
            actor=actor,
            action="org.staff_import",
            details={"created": report.created, "updated": report.updated},
        )
        if dry_run:
            transaction.set_rollback(True)
    return report


def employee_create_login(*, employee: Employee, username: str, password: str) -> None:
    """Give an employee a login (demo data and administration)."""
    User = get_user_model()
    user, _created = User.objects.get_or_create(username=username)
    user.set_password(password)
    user.first_name = employee.name
    user.email = employee.email
    user.save()
    employee.user = user
    employee.save(update_fields=["user"])
