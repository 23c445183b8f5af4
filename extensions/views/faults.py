"""故障记录单: report, list open faults with their age, assign, close (R-EXT-7)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from telephony_admin.errors import DomainError
from telephony_admin.org.access import (
    Scope,
    allows,
    capability_required,
    employee_of,
    filter_by_scope,
    scope,
)

from ..forms import (
    UNRESOLVED,
    FaultAssignForm,
    FaultCloseForm,
    FaultFilter,
    FaultForm,
)
from ..models import Fault, FaultStatus, Line
from ..services import fault_assign, fault_close, fault_report
from .common import apply_domain_error, paginate


def _reportable_lines(user):
    lines = Line.objects.filter(is_active=True).select_related("department", "owner")
    return filter_by_scope(user, "faults.report", lines)


def _visible_faults(user):
    faults = Fault.objects.select_related(
        "line", "line__department", "reported_by", "assigned_to"
    )
    scoped = filter_by_scope(
        user,
        "faults.report",
        faults,
        department="line__department",
        owner="line__owner",
    )
    employee = employee_of(user)
    if employee is None or scope(user, "faults.report") == Scope.ALL:
        return scoped
    return scoped | faults.filter(Q(reported_by=employee) | Q(assigned_to=employee))


@capability_required("faults.report")
def fault_list(request):
    queryset = _visible_faults(request.user)
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = UNRESOLVED
    fault_filter = FaultFilter(data, queryset=queryset)
    # Unresolved faults oldest first (by age); any other view newest first.
    order = "reported_at" if data.get("status") == UNRESOLVED else "-reported_at"
    rows = fault_filter.qs.order_by(order)
    return render(
        request,
        "extensions/fault_list.html",
        {
            "filter": fault_filter,
            "page": paginate(request, rows),
            "now": timezone.now(),
            "open_count": queryset.exclude(status=FaultStatus.CLOSED).count(),
        },
    )


@capability_required("faults.report")
def fault_new(request):
    form = FaultForm(
        request.POST or None,
        lines=_reportable_lines(request.user),
        initial={"line": request.GET.get("line")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            fault = fault_report(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(request, form, exc)
        else:
            messages.success(request, _("The fault was reported to administration."))
            return redirect("extensions:fault_detail", pk=fault.pk)
    return render(
        request, "extensions/form.html", {"form": form, "title": _("Report a fault")}
    )


@capability_required("faults.report")
def fault_detail(request, pk: int):
    fault = get_object_or_404(_visible_faults(request.user), pk=pk)
    can_resolve = allows(request.user, "faults.resolve")
    is_open = fault.status != FaultStatus.CLOSED
    assign_form = close_form = None
    if can_resolve and is_open:
        assign_form = FaultAssignForm(
            request.POST if request.POST.get("action") == "assign" else None,
            initial={"assigned_to": fault.assigned_to_id},
        )
        close_form = FaultCloseForm(
            request.POST if request.POST.get("action") == "close" else None
        )
    if request.method == "POST":
        if not (can_resolve and is_open):
            raise Http404
        try:
            if request.POST.get("action") == "assign" and assign_form.is_valid():
                fault_assign(fault=fault, user=request.user, **assign_form.cleaned_data)
                messages.success(request, _("The fault was assigned."))
                return redirect("extensions:fault_detail", pk=pk)
            if request.POST.get("action") == "close" and close_form.is_valid():
                fault_close(fault=fault, user=request.user, **close_form.cleaned_data)
                messages.success(request, _("The fault record was closed."))
                return redirect("extensions:fault_detail", pk=pk)
        except DomainError as exc:
            apply_domain_error(request, close_form, exc)
    return render(
        request,
        "extensions/fault_detail.html",
        {
            "fault": fault,
            "assign_form": assign_form,
            "close_form": close_form,
            "now": timezone.now(),
        },
    )
