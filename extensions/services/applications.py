"""Permission applications (电话申请表, R-EXT-4) and equipment requests (R-EXT-5)."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from telephony_admin.approvals.models import ApprovalStep, StepStatus
from telephony_admin.approvals.services import (
    StepSpec,
    approval_decide,
    approval_request_create,
    can_decide,
    head_step,
)
from telephony_admin.core import config
from telephony_admin.core.services import audit_record, notify
from telephony_admin.errors import PermissionRefused
from telephony_admin.org.access import allows, employee_of, has_role, require
from telephony_admin.org.models import Department, Employee, Role

from ..errors import ExtensionsError, InvalidTransition, LimitExceeded
from ..models import (
    ClassOfService,
    EquipmentRequest,
    Feature,
    Line,
    LineKind,
    PermissionApplication,
    RequestStatus,
)
from .limits import limit_excess
from .lines import class_change_apply, line_assign, line_create

PERMISSION_KIND = "ext_permission"
EQUIPMENT_KIND = "ext_equipment"


def _requester(user) -> Employee:
    employee = employee_of(user)
    if employee is None:
        raise PermissionRefused(_("Only employees can file requests."))
    return employee


@transaction.atomic
def permission_application_file(
    *,
    line: Line,
    user,
    requested_class: int,
    requested_features: list[str] | None = None,
    reason: str,
    effective_from: date | None = None,
) -> PermissionApplication:
    """An employee or head applies for a higher class or a paid feature (R-EXT-4).

    The department head signs, then administration; nothing changes on the line until
    the last approval.
    """
    require(
        user, "requests.file", department_id=line.department_id, owner_id=line.owner_id
    )
    requester = _requester(user)
    requested_class = int(requested_class)
    features = sorted(set(requested_features or []))
    unknown = set(features) - set(Feature.values)
    if unknown:
        raise ExtensionsError(_("Unknown feature."), field="requested_features")
    new_features = set(features) - set(line.features or [])
    if requested_class <= line.class_of_service and not new_features:
        raise ExtensionsError(
            _("The line already has this class and these features."),
            field="requested_class",
        )
    if not reason.strip():
        raise ExtensionsError(_("Give the business reason."), field="reason")
    if effective_from and effective_from < timezone.localdate():
        raise ExtensionsError(
            _("The effective date cannot be in the past."), field="effective_from"
        )
    if line.applications.filter(status=RequestStatus.PENDING).exists():
        raise ExtensionsError(_("This line already has a pending application."))
    application = PermissionApplication.objects.create(
        line=line,
        requester=requester,
        department=line.department,
        requested_class=max(requested_class, line.class_of_service),
        requested_features=features,
        reason=reason.strip(),
        effective_from=effective_from,
        exceeds_limit=bool(limit_excess(line, requested_class)),
    )
    application.approval = approval_request_create(
        subject=application,
        kind=PERMISSION_KIND,
        requester=requester,
        title=gettext_lazy("Line %(number)s: %(klass)s"),
        title_params={
            "number": line.number,
            "klass": ClassOfService(application.requested_class).label,
        },
        chain=[
            head_step(requester, label=gettext_lazy("Department head")),
            StepSpec(label=gettext_lazy("Administration office"), role=Role.ADMIN),
        ],
        url=reverse("extensions:application_detail", args=[application.pk]),
    )
    application.save(update_fields=["approval"])
    audit_record(actor=user, action="line.application_filed", target=application)
    return application


def pending_step(application) -> ApprovalStep | None:
    if application.approval_id is None:
        return None
    return (
        ApprovalStep.objects.filter(
            request_id=application.approval_id, status=StepStatus.PENDING
        )
        .select_related("request", "approver")
        .first()
    )


@transaction.atomic
def permission_application_decide(
    *,
    application: PermissionApplication,
    user,
    approve: bool,
    comment: str = "",
    override: bool = False,
) -> PermissionApplication:
    """Decide the application's pending step; administration may override the limit.

    The override is administration's explicit choice at its own step (R-EXT-3).
    """
    step = pending_step(application)
    if step is None:
        raise InvalidTransition(_("This application is no longer pending."))
    if not can_decide(step, user):
        raise PermissionRefused(_("You may not decide this step."))
    if approve and override:
        if step.role != Role.ADMIN or not has_role(user, Role.ADMIN):
            raise PermissionRefused(
                _("Only administration can override a department's limit.")
            )
        application.override_granted = True
        application.override_by = employee_of(user)
        application.save(update_fields=["override_granted", "override_by"])
        audit_record(actor=user, action="line.limit_override", target=application)
    approval_decide(step_id=step.pk, user=user, approve=approve, comment=comment)
    application.refresh_from_db()
    return application


def _start_of(day: date | None) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


def permission_on_approved(request, actor) -> None:
    """Last approval: the class changes now, with the approval in its history."""
    application = PermissionApplication.objects.select_for_update().get(
        pk=request.subject_id
    )
    line = Line.objects.select_for_update().get(pk=application.line_id)
    excess = limit_excess(line, application.requested_class)
    if excess and not application.override_granted:
        # R-EXT-3: administration must say so explicitly, on the application page.
        raise LimitExceeded(
            _("%(excess)s Open the application to approve with an override.")
            % {"excess": excess}
        )
    now = timezone.now()
    effective_at = max(now, _start_of(application.effective_from) or now)
    change = class_change_apply(
        line=line,
        to_class=max(application.requested_class, line.class_of_service),
        features=sorted(set(line.features or []) | set(application.requested_features)),
        reason=application.reason,
        changed_by=actor,
        approval=request,
        override=bool(excess) and application.override_granted,
        effective_at=effective_at,
    )
    application.status = RequestStatus.APPROVED
    application.decided_at = now
    application.class_change = change
    application.exceeds_limit = bool(excess)
    application.save(
        update_fields=["status", "decided_at", "class_change", "exceeds_limit"]
    )


def permission_on_rejected(request, actor) -> None:
    PermissionApplication.objects.filter(
        pk=request.subject_id, status=RequestStatus.PENDING
    ).update(
        status=RequestStatus.CANCELLED
        if request.status == "cancelled"
        else RequestStatus.REJECTED,
        decided_at=timezone.now(),
    )


# --- Equipment requests (R-EXT-5) -------------------------------------------------


def administration_head_step(requester: Employee) -> StepSpec:
    """The administration head signs second; any administrator if they are the
    requester or the administration department has no head."""
    code = config.get("extensions.administration_department_code")
    department = Department.objects.filter(code=code).select_related("head").first()
    head = department.head if department else None
    label = gettext_lazy("Administration head")
    if head is None or head.pk == requester.pk:
        return StepSpec(label=label, role=Role.ADMIN)
    return StepSpec(label=label, approver=head)


@transaction.atomic
def equipment_request_file(
    *,
    user,
    department: Department,
    kind: str,
    quantity: int,
    needed_by: date,
    reason: str,
) -> EquipmentRequest:
    """电话配置申请表: manager -> administration head -> general manager (R-EXT-5)."""
    requester = _requester(user)
    own = department.pk == requester.department_id
    if not allows(
        user,
        "requests.file",
        department_id=department.pk,
        owner_id=requester.pk if own else None,
    ):
        raise PermissionRefused(_("You may not request phones for this department."))
    if quantity < 1:
        raise ExtensionsError(_("Ask for at least one phone."), field="quantity")
    if needed_by < timezone.localdate():
        raise ExtensionsError(
            _("The needed-by date cannot be in the past."), field="needed_by"
        )
    if not reason.strip():
        raise ExtensionsError(_("Give the reason."), field="reason")
    equipment = EquipmentRequest.objects.create(
        department=department,
        requester=requester,
        kind=kind,
        quantity=quantity,
        needed_by=needed_by,
        reason=reason.strip(),
    )
    chain = [
        head_step(requester, label=gettext_lazy("Department manager")),
        administration_head_step(requester),
        StepSpec(label=gettext_lazy("General manager"), role=Role.GM),
    ]
    equipment.approval = approval_request_create(
        subject=equipment,
        kind=EQUIPMENT_KIND,
        requester=requester,
        title=gettext_lazy("%(quantity)s × %(kind)s for %(department)s"),
        title_params={
            "quantity": quantity,
            "kind": LineKind(equipment.kind).label,
            "department": department.name,
        },
        chain=chain,
        url=reverse("extensions:equipment_detail", args=[equipment.pk]),
    )
    equipment.save(update_fields=["approval"])
    audit_record(actor=user, action="equipment.filed", target=equipment)
    return equipment


def equipment_on_approved(request, actor) -> None:
    EquipmentRequest.objects.filter(
        pk=request.subject_id, status=RequestStatus.PENDING
    ).update(status=RequestStatus.APPROVED)
    from django.contrib.auth import get_user_model

    admins = get_user_model().objects.filter(groups__name=Role.ADMIN, is_active=True)
    notify(
        recipients=list(admins),
        title=_("Approved equipment to provide: %(title)s")
        % {"title": request.shown_title},
        url=request.url,
    )


def equipment_on_rejected(request, actor) -> None:
    EquipmentRequest.objects.filter(
        pk=request.subject_id, status=RequestStatus.PENDING
    ).update(
        status=RequestStatus.CANCELLED
        if request.status == "cancelled"
        else RequestStatus.REJECTED
    )


@transaction.atomic
def equipment_request_fulfil(
    *,
    equipment: EquipmentRequest,
    user,
    new_numbers: list[str],
    existing_lines: list[Line],
    owner: Employee | None = None,
    location: str = "",
    notes: str = "",
) -> EquipmentRequest:
    """Administration records the lines created or assigned for an approved request."""
    require(user, "lines.edit")
    equipment = EquipmentRequest.objects.select_for_update().get(pk=equipment.pk)
    if equipment.status != RequestStatus.APPROVED:
        raise InvalidTransition(_("Only an approved request can be fulfilled."))
    if not new_numbers and not existing_lines:
        raise ExtensionsError(_("Create or assign at least one line."))
    if owner is not None and owner.department_id != equipment.department_id:
        raise ExtensionsError(
            _("The owner must belong to the requesting department."), field="owner"
        )
    provided = [
        line_create(
            number=number,
            department=equipment.department,
            owner=owner,
            kind=equipment.kind,
            location=location,
            actor=user,
        )
        for number in new_numbers
    ]
    for line in existing_lines:
        line_assign(
            line=line,
            owner=owner or equipment.department.head,
            department=equipment.department,
            reason=_("Equipment request %(pk)s") % {"pk": equipment.pk},
            actor=user,
        )
        provided.append(line)
    equipment.lines.add(*provided)
    equipment.status = RequestStatus.FULFILLED
    equipment.fulfilled_at = timezone.now()
    equipment.fulfilled_by = employee_of(user)
    equipment.fulfilment_notes = notes
    equipment.save(
        update_fields=["status", "fulfilled_at", "fulfilled_by", "fulfilment_notes"]
    )
    audit_record(
        actor=user,
        action="equipment.fulfilled",
        target=equipment,
        details={"lines": [line.number for line in provided]},
    )
    notify(
        recipients=[equipment.requester],
        title=_("Your phones are ready: %(lines)s")
        % {"lines": ", ".join(line.number for line in provided)},
        url=reverse("extensions:equipment_detail", args=[equipment.pk]),
    )
    return equipment
