"""Private calls and fines pages (R-PRV-1..3)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from telephony_admin.approvals.selectors import mark_visible_approvals
from telephony_admin.org.access import (
    Scope,
    capability_required,
    employee_of,
    filter_by_scope,
    scope,
)

from . import forms
from .models import (
    Fine,
    PrivateCallRegistration,
)
from .services import fines, private_calls
from .views import _attempt, _month


@capability_required("calls.view")
def private_calls_view(request: HttpRequest) -> HttpResponse:
    employee = employee_of(request.user)
    can_file = scope(request.user, "private_calls.file") > 0 and employee is not None
    own_lines = []
    if employee is not None:
        from extensions.models import Line

        own_lines = list(
            Line.objects.filter(owner=employee).values_list("number", flat=True)
        )
    form = forms.RegistrationForm(request.POST or None, lines=own_lines)
    if request.method == "POST":
        if not can_file:
            raise PermissionDenied
        if form.is_valid() and _attempt(
            request,
            lambda: private_calls.private_call_register(
                actor=request.user, **form.cleaned_data
            ),
            form,
        ):
            messages.success(
                request, _("Registered; your department head is asked to consent.")
            )
            return redirect("deductions:private_calls")
    qs = PrivateCallRegistration.objects.select_related(
        "employee", "department", "period"
    )
    if scope(request.user, "calls.view") == Scope.ALL:
        visible = qs
    else:
        visible = filter_by_scope(
            request.user,
            "private_calls.consent",
            qs,
            department="department",
            owner=None,
        ) | qs.filter(employee=employee)
    page = Paginator(visible.order_by("-call_date", "-pk"), 50).get_page(
        request.GET.get("page")
    )
    mark_visible_approvals(request.user, page)
    return render(
        request,
        "deductions/private_calls.html",
        {"form": form, "page": page, "can_file": can_file, "employee": employee},
    )


@require_POST
@capability_required("private_calls.file")
def private_call_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    employee = employee_of(request.user)
    registration = get_object_or_404(PrivateCallRegistration, pk=pk, employee=employee)
    if _attempt(
        request,
        lambda: private_calls.private_call_cancel(
            actor=request.user, registration_id=registration.pk
        ),
    ):
        messages.success(request, _("Registration withdrawn."))
    return redirect("deductions:private_calls")


# --- Fines (R-PEN-1) --------------------------------------------------------------


@capability_required("audits.decide")
def fines_view(request: HttpRequest) -> HttpResponse:
    form = forms.FineForm(
        request.POST or None, initial={"occurred_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            request,
            lambda: fines.fine_record(actor=request.user, **data),
            form,
        ):
            messages.success(request, _("Fine recorded."))
            return redirect("deductions:fines")
    month = _month(request, default=timezone.localdate().replace(day=1))
    rows = Fine.objects.filter(period__month=month).select_related(
        "employee", "supervisor", "period"
    )
    return render(
        request,
        "deductions/fines.html",
        {
            "form": form,
            "rows": rows,
            "month": month,
            "standards": {
                t: fines.standard_fine(t) for t in ("etiquette", "use", "charges")
            },
        },
    )


@require_POST
@capability_required("audits.decide")
def fine_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    fine = get_object_or_404(Fine, pk=pk)
    form = forms.ReasonForm(request.POST)
    if form.is_valid() and _attempt(
        request,
        lambda: fines.fine_delete(
            actor=request.user, fine_id=fine.pk, reason=form.cleaned_data["reason"]
        ),
    ):
        messages.success(request, _("Fine deleted."))
    elif not form.is_valid():
        messages.error(request, _("Give the reason."))
    return redirect(reverse("deductions:fines") + f"?month={fine.occurred_on:%Y-%m}")


# --- Workbook and closing (R-PRV-4) -----------------------------------------------
