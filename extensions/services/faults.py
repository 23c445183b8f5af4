"""故障记录单: report, assign, repair and close faults on lines (R-EXT-7)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from telephony_admin.core.services import audit_record, notify
from telephony_admin.errors import PermissionRefused
from telephony_admin.org.access import employee_of, require
from telephony_admin.org.models import Employee, Role

from ..errors import ExtensionsError, InvalidTransition
from ..models import Fault, FaultStatus, Line


def _administrators():
    return list(
        get_user_model().objects.filter(groups__name=Role.ADMIN, is_active=True)
    )


@transaction.atomic
def fault_report(*, line: Line, user, reported_at: datetime, symptom: str) -> Fault:
    """Anyone responsible for the line reports a fault; administration is told."""
    require(
        user, "faults.report", department_id=line.department_id, owner_id=line.owner_id
    )
    reporter = employee_of(user)
    if reporter is None:
        raise PermissionRefused(_("Only employees can report faults."))
    if not symptom.strip():
        raise ExtensionsError(_("Describe the symptom."), field="symptom")
    if reported_at > timezone.now():
        raise ExtensionsError(
            _("The fault time cannot be in the future."), field="reported_at"
        )
    fault = Fault.objects.create(
        line=line,
        reported_by=reporter,
        reported_at=reported_at,
        symptom=symptom.strip(),
    )
    audit_record(actor=user, action="fault.reported", target=fault)
    notify(
        recipients=_administrators(),
        title=_("Fault on line %(number)s") % {"number": line.number},
        body=symptom.strip(),
        url=reverse("extensions:fault_detail", args=[fault.pk]),
    )
    return fault


@transaction.atomic
def fault_assign(*, fault: Fault, user, assigned_to: Employee) -> Fault:
    """Administration hands the fault to the person responsible for the repair."""
    require(user, "faults.resolve")
    updated = Fault.objects.filter(
        pk=fault.pk, status__in=[FaultStatus.OPEN, FaultStatus.ASSIGNED]
    ).update(status=FaultStatus.ASSIGNED, assigned_to=assigned_to)
    if not updated:
        raise InvalidTransition(_("This fault is already closed."))
    fault.refresh_from_db()
    audit_record(
        actor=user,
        action="fault.assigned",
        target=fault,
        details={"to": assigned_to.number},
    )
    notify(
        recipients=[assigned_to],
        title=_("Fault on line %(number)s assigned to you")
        % {"number": fault.line.number},
        body=fault.symptom,
        url=reverse("extensions:fault_detail", args=[fault.pk]),
    )
    return fault


@transaction.atomic
def fault_close(*, fault: Fault, user, cause: str, repair: str) -> Fault:
    """Record cause and repair and close the record (R-EXT-7)."""
    require(user, "faults.resolve")
    if not cause.strip():
        raise ExtensionsError(_("Record the cause."), field="cause")
    if not repair.strip():
        raise ExtensionsError(_("Record the repair."), field="repair")
    now = timezone.now()
    updated = Fault.objects.filter(
        pk=fault.pk, status__in=[FaultStatus.OPEN, FaultStatus.ASSIGNED]
    ).update(
        status=FaultStatus.CLOSED,
        cause=cause.strip(),
        repair=repair.strip(),
        closed_at=now,
        closed_by=employee_of(user),
    )
    if not updated:
        raise InvalidTransition(_("This fault is already closed."))
    fault.refresh_from_db()
    audit_record(actor=user, action="fault.closed", target=fault)
    notify(
        recipients=[fault.reported_by],
        title=_("Fault on line %(number)s repaired") % {"number": fault.line.number},
        body=fault.repair,
        url=reverse("extensions:fault_detail", args=[fault.pk]),
    )
    return fault
