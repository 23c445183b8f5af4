"""长途电话申请单 pages (R-LD-1..3) and the transfer page (R-EXT-6)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from telephony_admin.approvals.services import approval_refusal, can_decide
from telephony_admin.errors import DomainError
from telephony_admin.org.access import (
    allows,
    capability_required,
    employee_of,
    filter_by_scope,
    has_role,
    headed_department_ids,
)
from telephony_admin.org.models import Employee, Role

from ..forms import LDFilter, LDRequestForm, TransferForm
from ..models import LDStatus, Line, LongDistanceRequest
from ..services import (
    employee_transfer,
    ip_prefix_advice,
    ld_request_file,
    ld_request_place_now,
)
from ..services.long_distance import approvers_absent
from .common import apply_domain_error, paginate


def _visible(user):
    requests = LongDistanceRequest.objects.select_related(
        "caller", "line", "department", "approval"
    )
    scoped = filter_by_scope(
        user, "lines.view", requests, department="department", owner="caller"
    )
    employee = employee_of(user)
    if employee is None:
        return scoped
    return (
        scoped
        | requests.filter(
            Q(requester=employee)
            | Q(approval__steps__approver=employee)
            | Q(approval__steps__decided_by=employee)
        )
    ).distinct()


@capability_required("requests.file")
def ld_list(request):
    queryset = _visible(request.user)
    ld_filter = LDFilter(request.GET or None, queryset=queryset)
    rows = ld_filter.qs if ld_filter.is_bound else queryset
    return render(
        request,
        "extensions/ld_list.html",
        {
            "filter": ld_filter,
            "page": paginate(request, rows),
            "advice": ip_prefix_advice(),
        },
    )


def _callers_and_lines(user):
    employee = employee_of(user)
    if has_role(user, Role.ADMIN):
        callers = Employee.objects.filter(is_active=True)
        lines = Line.objects.filter(is_active=True)
    else:
        departments = headed_department_ids(user)
        callers = Employee.objects.filter(
            Q(pk=employee.pk) | Q(department__in=departments), is_active=True
        )
        lines = Line.objects.filter(
            Q(owner=employee)
            | Q(department=employee.department)
            | Q(department__in=departments),
            is_active=True,
        )
    return (
        callers.select_related("department"),
        lines.select_related("department").order_by("number"),
    )


@capability_required("requests.file")
def ld_new(request):
    employee = employee_of(request.user)
    if employee is None:
        raise Http404
    callers, lines = _callers_and_lines(request.user)
    own_line = lines.filter(owner=employee).first()
    form = LDRequestForm(
        request.POST or None,
        callers=callers,
        lines=lines,
        initial={"caller": employee.pk, "line": own_line.pk if own_line else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            ld = ld_request_file(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(request, form, exc)
        else:
            messages.success(request, _("Your long-distance request was filed."))
            return redirect("extensions:ld_detail", pk=ld.pk)
    return render(
        request,
        "extensions/form.html",
        {
            "form": form,
            "title": _("Long-distance call request"),
            "intro": ip_prefix_advice(),
        },
    )


@capability_required("requests.file")
def ld_detail(request, pk: int):
    ld = get_object_or_404(_visible(request.user), pk=pk)
    steps = (
        ld.approval.steps.select_related("approver", "decided_by")
        if ld.approval_id
        else []
    )
    can_place = (
        has_role(request.user, Role.ADMIN)
        and ld.urgent
        and ld.status == LDStatus.PENDING
        and not ld.placed_now
    )
    pending = next((s for s in steps if s.status == "pending"), None)
    # A request whose call lies in a closed month can be neither decided nor
    # placed now (R-PRV-4): the page says so instead of offering either.
    closed = approval_refusal(ld.approval, approve=True) if pending else None
    can_place = can_place and closed is None
    return render(
        request,
        "extensions/ld_detail.html",
        {
            "ld": ld,
            "steps": steps,
            "advice": ip_prefix_advice(),
            "can_place": can_place,
            "approvers_absent": can_place and approvers_absent(ld),
            "can_decide": closed is None
            and pending is not None
            and can_decide(pending, request.user),
            "closed": closed,
        },
    )


@require_POST
@capability_required("requests.file")
def ld_place_now(request, pk: int):
    ld = get_object_or_404(_visible(request.user), pk=pk)
    try:
        ld_request_place_now(request=ld, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The call may be placed now; the approval must be completed in time."),
        )
    return redirect("extensions:ld_detail", pk=pk)


@capability_required("org.edit")
def transfer(request):
    employee_id = request.POST.get("employee") or request.GET.get("employee")
    lines = []
    if employee_id and str(employee_id).isdigit():
        lines = list(
            Line.objects.filter(owner_id=employee_id, is_active=True).order_by("number")
        )
    confirm = request.method == "POST" and bool(request.POST.get("confirm"))
    initial = {"employee": employee_id}
    if request.method == "POST" and not confirm:
        # "Show the lines": redisplay with what was typed, without errors yet.
        initial.update(
            {
                k: request.POST.get(k)
                for k in ("department", "when")
                if request.POST.get(k)
            }
        )
    form = TransferForm(request.POST if confirm else None, lines=lines, initial=initial)
    if confirm and form.is_valid():
        data = form.cleaned_data
        try:
            moved = employee_transfer(
                employee=data["employee"],
                department=data["department"],
                actor=request.user,
                reassign_lines=form.reassignments(),
                when=data["when"],
            )
        except DomainError as exc:
            apply_domain_error(request, form, exc)
        else:
            messages.success(
                request,
                _("%(name)s now belongs to %(department)s; %(count)s line(s) updated.")
                % {
                    "name": data["employee"].name,
                    "department": data["department"].name,
                    "count": len(moved),
                },
            )
            return redirect("extensions:transfer")
    return render(
        request,
        "extensions/transfer.html",
        {"form": form, "lines": lines, "can_view": allows(request.user, "lines.view")},
    )
