"""Permission applications (R-EXT-4) and equipment requests (R-EXT-5)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from telephony_admin.approvals.forms import DecisionForm
from telephony_admin.approvals.services import approval_decide, can_decide
from telephony_admin.errors import DomainError
from telephony_admin.org.access import (
    allows,
    capability_required,
    employee_of,
    filter_by_scope,
    has_role,
    headed_department_ids,
)
from telephony_admin.org.models import Department, Role

from ..forms import (
    AdminDecisionForm,
    ApplicationForm,
    EquipmentForm,
    FulfilForm,
    RequestStatusFilter,
)
from ..models import EquipmentRequest, PermissionApplication, RequestStatus
from ..selectors import lines_visible_to
from ..services import (
    equipment_request_file,
    equipment_request_fulfil,
    limit_excess,
    permission_application_decide,
    permission_application_file,
)
from ..services.applications import pending_step
from .common import apply_domain_error, paginate


def _visible(user, queryset):
    """Own requests, the department's for heads, all for administration and the GM;
    plus those waiting for the user's decision."""
    scoped = filter_by_scope(
        user, "lines.view", queryset, department="department", owner="requester"
    )
    employee = employee_of(user)
    if employee is None:
        return scoped
    return (
        scoped
        | queryset.filter(
            Q(approval__steps__approver=employee)
            | Q(approval__steps__decided_by=employee)
        )
    ).distinct()


def _may_view(user, obj) -> bool:
    if allows(
        user, "lines.view", department_id=obj.department_id, owner_id=obj.requester_id
    ):
        return True
    step = pending_step(obj)
    employee = employee_of(user)
    if (
        employee
        and obj.approval_id
        and obj.approval.steps.filter(
            Q(approver=employee) | Q(decided_by=employee)
        ).exists()
    ):
        return True
    return bool(step and can_decide(step, user))


def _fileable_lines(user):
    lines = lines_visible_to(user).filter(is_active=True)
    if has_role(user, Role.ADMIN):
        return lines
    employee = employee_of(user)
    return lines.filter(
        Q(owner=employee) | Q(department__in=headed_department_ids(user))
    )


@capability_required("requests.file")
def application_list(request):
    queryset = _visible(
        request.user,
        PermissionApplication.objects.select_related("line", "requester", "department"),
    )
    status_filter = RequestStatusFilter(request.GET or None, queryset=queryset)
    rows = status_filter.qs if status_filter.is_bound else queryset
    return render(
        request,
        "extensions/application_list.html",
        {"filter": status_filter, "page": paginate(request, rows)},
    )


@capability_required("requests.file")
def application_new(request):
    lines = _fileable_lines(request.user)
    initial = {}
    if request.GET.get("line"):
        initial["line"] = request.GET["line"]
    form = ApplicationForm(request.POST or None, lines=lines, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            application = permission_application_file(
                user=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            apply_domain_error(request, form, exc)
        else:
            messages.success(
                request,
                _("Your application was filed; your department head signs first."),
            )
            return redirect("extensions:application_detail", pk=application.pk)
    return render(
        request,
        "extensions/form.html",
        {
            "form": form,
            "title": _("Apply for a class of service or feature"),
            "intro": _(
                "Department head first, then administration; the line changes only "
                "after the last approval."
            ),
        },
    )


@capability_required("requests.file")
def application_detail(request, pk: int):
    application = get_object_or_404(
        PermissionApplication.objects.select_related(
            "line", "line__department", "requester", "department", "approval"
        ),
        pk=pk,
    )
    if not _may_view(request.user, application):
        raise Http404
    step = pending_step(application)
    decidable = step is not None and can_decide(step, request.user)
    admin_step = decidable and step.role == Role.ADMIN
    excess = (
        limit_excess(application.line, application.requested_class)
        if application.status == RequestStatus.PENDING
        else None
    )
    form = None
    if decidable:
        form = AdminDecisionForm(request.POST or None)
        if not (admin_step and excess):
            del form.fields["override"]
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            permission_application_decide(
                application=application,
                user=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
                override=form.cleaned_data.get("override", False),
            )
        except DomainError as exc:
            apply_domain_error(request, form, exc)
        else:
            messages.success(request, _("Your decision was recorded."))
            return redirect("extensions:application_detail", pk=pk)
    return render(
        request,
        "extensions/application_detail.html",
        {
            "application": application,
            "steps": application.approval.steps.select_related("approver", "decided_by")
            if application.approval_id
            else [],
            "step": step,
            "form": form,
            "excess": excess,
            "admin_step": admin_step,
        },
    )


# --- Equipment ---------------------------------------------------------------------


def _fileable_departments(user):
    if has_role(user, Role.ADMIN):
        return Department.objects.all()
    employee = employee_of(user)
    ids = set(headed_department_ids(user))
    if employee:
        ids.add(employee.department_id)
    return Department.objects.filter(pk__in=ids)


@capability_required("requests.file")
def equipment_list(request):
    queryset = _visible(
        request.user,
        EquipmentRequest.objects.select_related("department", "requester"),
    )
    status_filter = RequestStatusFilter(request.GET or None, queryset=queryset)
    rows = status_filter.qs if status_filter.is_bound else queryset
    return render(
        request,
        "extensions/equipment_list.html",
        {"filter": status_filter, "page": paginate(request, rows)},
    )


@capability_required("requests.file")
def equipment_new(request):
    departments = _fileable_departments(request.user)
    employee = employee_of(request.user)
    form = EquipmentForm(
        request.POST or None,
        departments=departments,
        initial={"department": employee.department_id if employee else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            equipment = equipment_request_file(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(request, form, exc)
        else:
            messages.success(request, _("Your equipment request was filed."))
            return redirect("extensions:equipment_detail", pk=equipment.pk)
    return render(
        request,
        "extensions/form.html",
        {
            "form": form,
            "title": _("Request new phones"),
            "intro": _(
                "Approved by the department manager, the administration head and the "
                "general manager, in that order."
            ),
        },
    )


@capability_required("requests.file")
def equipment_detail(request, pk: int):
    equipment = get_object_or_404(
        EquipmentRequest.objects.select_related("department", "requester", "approval"),
        pk=pk,
    )
    if not _may_view(request.user, equipment):
        raise Http404
    can_fulfil = (
        allows(request.user, "lines.edit")
        and equipment.status == RequestStatus.APPROVED
    )
    # The pending step's approver decides here, on the request's own page.
    step = pending_step(equipment)
    decision = None
    if step is not None and can_decide(step, request.user):
        decision = DecisionForm(request.POST if "decision" in request.POST else None)
        if decision.is_valid():
            try:
                approval_decide(
                    step_id=step.pk,
                    user=request.user,
                    approve=decision.cleaned_data["decision"] == "approve",
                    comment=decision.cleaned_data["comment"],
                )
            except DomainError as exc:
                apply_domain_error(request, decision, exc)
            else:
                messages.success(request, _("Your decision was recorded."))
                return redirect("extensions:equipment_detail", pk=pk)
    form = FulfilForm(request.POST or None) if can_fulfil else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            equipment_request_fulfil(
                equipment=equipment,
                user=request.user,
                new_numbers=data["new_numbers"],
                existing_lines=list(data["existing_lines"]),
                owner=data["owner"],
                location=data["location"],
                notes=data["notes"],
            )
        except DomainError as exc:
            apply_domain_error(request, form, exc)
        else:
            messages.success(request, _("Fulfilment recorded."))
            return redirect("extensions:equipment_detail", pk=pk)
    return render(
        request,
        "extensions/equipment_detail.html",
        {
            "equipment": equipment,
            "steps": equipment.approval.steps.select_related("approver", "decided_by")
            if equipment.approval_id
            else [],
            "form": form,
            "decision": decision,
            "step": step,
            "lines": equipment.lines.all(),
        },
    )
