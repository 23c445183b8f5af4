"""Lines, assignment periods, class-of-service changes, transfers (R-EXT-1..4, 6)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from telephony_admin.core.services import audit_record
from telephony_admin.org.access import require
from telephony_admin.org.models import Department, Employee

from ..errors import ExtensionsError
from ..models import ClassChange, ClassOfService, Line, LineAssignment, LineKind
from ..selectors import normalise_number


@transaction.atomic
def line_create(
    *,
    number: str,
    department: Department,
    owner: Employee | None = None,
    kind: str = LineKind.EXTENSION,
    location: str = "",
    device: str = "",
    notes: str = "",
    starts_at: datetime | None = None,
    actor=None,
) -> Line:
    """Create a line, internal only (R-EXT-3), and open its first assignment period.

    A shared line (no owner) belongs to its department's head (R-EXT-1).
    """
    if actor is not None:
        require(actor, "lines.edit")
    number = normalise_number(number)
    if not number:
        raise ExtensionsError(_("A line needs a number."), field="number")
    if Line.objects.filter(number=number).exists():
        raise ExtensionsError(
            _("Line %(number)s already exists.") % {"number": number}, field="number"
        )
    owner = owner or department.head
    line = Line.objects.create(
        number=number,
        kind=kind,
        department=department,
        owner=owner,
        location=location,
        device=device,
        notes=notes,
        class_of_service=ClassOfService.INTERNAL,
    )
    LineAssignment.objects.create(
        line=line,
        owner=owner,
        department=department,
        starts_at=starts_at or timezone.now(),
        reason=_("New line"),
    )
    audit_record(actor=actor, action="line.created", target=line)
    return line


@transaction.atomic
def line_update(
    *,
    line: Line,
    actor,
    location: str,
    device: str,
    notes: str,
    kind: str,
    is_active: bool,
) -> Line:
    """Edit a line's descriptive fields (administration only, roles.md)."""
    require(actor, "lines.edit")
    line.location, line.device, line.notes = location, device, notes
    line.kind, line.is_active = kind, is_active
    line.save(
        update_fields=["location", "device", "notes", "kind", "is_active", "updated_at"]
    )
    audit_record(actor=actor, action="line.updated", target=line)
    return line


@transaction.atomic
def line_assign(
    *,
    line: Line,
    owner: Employee | None,
    department: Department | None = None,
    when: datetime | None = None,
    reason: str = "",
    actor=None,
) -> LineAssignment:
    """Close the open assignment period at ``when`` and open a new one (R-EXT-1, 6).

    Calls before ``when`` stay with the previous owner and department (R-BIL-3).
    """
    if actor is not None:
        require(actor, "lines.edit")
    when = when or timezone.now()
    department = department or (owner.department if owner else line.department)
    owner = owner or department.head
    line = Line.objects.select_for_update().get(pk=line.pk)
    current = line.assignments.filter(ends_at__isnull=True).first()
    if current is not None:
        if when <= current.starts_at:
            raise ExtensionsError(
                _("The new assignment must start after %(date)s.")
                % {"date": timezone.localtime(current.starts_at).strftime("%Y-%m-%d")},
                field="when",
            )
        current.ends_at = when
        current.save(update_fields=["ends_at"])
    elif line.assignments.filter(ends_at__gt=when).exists():
        raise ExtensionsError(_("The line already has a later assignment."))
    assignment = LineAssignment.objects.create(
        line=line, owner=owner, department=department, starts_at=when, reason=reason
    )
    line.owner, line.department = owner, department
    line.save(update_fields=["owner", "department", "updated_at"])
    audit_record(
        actor=actor,
        action="line.assigned",
        target=line,
        details={
            "owner": owner.number if owner else None,
            "department": department.code,
            "from": when.isoformat(),
        },
    )
    return assignment


@transaction.atomic
def class_change_apply(
    *,
    line: Line,
    to_class: int,
    features: list[str] | None = None,
    reason: str,
    changed_by: Employee | None,
    approval=None,
    override: bool = False,
    effective_at: datetime | None = None,
    actor=None,
) -> ClassChange:
    """Record a change of class/features with its history (R-EXT-4).

    Takes effect on the line now, or when ``class_changes_apply_due`` reaches a
    future ``effective_at``. Callers check approvals and limits first.
    """
    now = timezone.now()
    effective_at = effective_at or now
    line = Line.objects.select_for_update().get(pk=line.pk)
    features = sorted(set(line.features if features is None else features))
    # The "before" state is the class the line will have just before this change.
    pending = line.class_changes.filter(applied=False).order_by("-effective_at")
    before = pending.first()
    from_class = before.to_class if before else line.class_of_service
    from_features = before.features if before else list(line.features or [])
    change = ClassChange.objects.create(
        line=line,
        from_class=from_class,
        to_class=int(to_class),
        from_features=from_features,
        features=features,
        effective_at=effective_at,
        changed_by=changed_by,
        reason=reason[:300],
        approval=approval,
        override=override,
        applied=effective_at <= now,
    )
    if change.applied:
        line.class_of_service, line.features = int(to_class), features
        line.save(update_fields=["class_of_service", "features", "updated_at"])
    audit_record(
        actor=actor or changed_by,
        action="line.class_changed",
        target=line,
        details={
            "from": from_class,
            "to": int(to_class),
            "features": features,
            "effective_at": effective_at.isoformat(),
            "override": override,
        },
    )
    return change


def class_changes_apply_due(*, now: datetime | None = None) -> int:
    """Apply changes whose effective date has come (run by beat); idempotent."""
    now = now or timezone.now()
    applied = 0
    due = ClassChange.objects.filter(applied=False, effective_at__lte=now).order_by(
        "effective_at", "pk"
    )
    for change_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            if not ClassChange.objects.filter(pk=change_id, applied=False).update(
                applied=True
            ):
                continue
            change = ClassChange.objects.select_related("line").get(pk=change_id)
            line = change.line
            line.class_of_service, line.features = change.to_class, change.features
            line.save(update_fields=["class_of_service", "features", "updated_at"])
            audit_record(
                actor=None,
                action="line.class_change_took_effect",
                target=line,
                details={"change": change.pk, "to_class": change.to_class},
            )
            applied += 1
    return applied


@transaction.atomic
def employee_transfer(
    *,
    employee: Employee,
    department: Department,
    actor,
    reassign_lines: dict[int, Employee | None] | None = None,
    when: datetime | None = None,
) -> list[LineAssignment]:
    """Move ``employee`` to ``department``; their lines move with them (R-EXT-6).

    ``reassign_lines`` maps a line pk to the employee who takes it over instead
    (administration's choice; None = the line stays with the old department, held by
    its head). Assignment periods are closed and opened at ``when`` so calls before
    the transfer stay with the old department (R-BIL-3).
    """
    require(actor, "org.edit")
    if employee.department_id == department.pk:
        raise ExtensionsError(
            _("%(name)s already belongs to %(department)s.")
            % {"name": employee.name, "department": department.name},
            field="department",
        )
    when = when or timezone.now()
    reassign_lines = reassign_lines or {}
    old_department = employee.department
    employee.department = department
    employee.save(update_fields=["department"])
    opened = []
    for line in Line.objects.filter(owner=employee, is_active=True).order_by("number"):
        if line.pk in reassign_lines:
            taker = reassign_lines[line.pk]
            target = taker.department if taker else old_department
            opened.append(
                line_assign(
                    line=line,
                    owner=taker or old_department.head,
                    department=target,
                    when=when,
                    reason=_("Reassigned on transfer of %(name)s")
                    % {"name": employee.name},
                )
            )
        else:
            opened.append(
                line_assign(
                    line=line,
                    owner=employee,
                    department=department,
                    when=when,
                    reason=_("Moved with %(name)s") % {"name": employee.name},
                )
            )
    audit_record(
        actor=actor,
        action="employee.transferred",
        target=employee,
        details={
            "from": old_department.code,
            "to": department.code,
            "lines": [a.line.number for a in opened],
        },
    )
    return opened


@transaction.atomic
def line_class_reduce(
    *,
    line: Line,
    to_class: int,
    features: list[str],
    reason: str,
    actor,
    effective_at: datetime | None = None,
) -> ClassChange:
    """Administration lowers a line's class or removes features (R-EXT-2/4).

    Raising the class or adding a feature needs an application (R-EXT-4), never this.
    """
    require(actor, "lines.edit")
    if int(to_class) > line.class_of_service or set(features) - set(
        line.features or []
    ):
        raise ExtensionsError(
            _("A higher class or a new feature needs a permission application."),
            field="to_class",
        )
    if int(to_class) == line.class_of_service and set(features) == set(
        line.features or []
    ):
        raise ExtensionsError(_("Nothing changes."), field="to_class")
    if not reason.strip():
        raise ExtensionsError(_("Give the reason."), field="reason")
    from telephony_admin.org.access import employee_of

    return class_change_apply(
        line=line,
        to_class=to_class,
        features=features,
        reason=reason.strip(),
        changed_by=employee_of(actor),
        effective_at=effective_at,
        actor=actor,
    )
