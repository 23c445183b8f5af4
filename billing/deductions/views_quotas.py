"""Quota plan pages: the year's plans, a plan, a month's override (R-BIL-2)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from telephony_admin.errors import DomainError
from telephony_admin.org.access import (
    capability_required,
    scope,
)

from . import forms
from .models import (
    DepartmentQuota,
    QuotaOverride,
    QuotaPlan,
)
from .services import quotas
from .views import _attempt


def _quota_reader(user) -> bool:
    return scope(user, "quotas.propose") > 0 or scope(user, "quotas.approve") > 0


@capability_required("calls.view")
def quota_plans(request: HttpRequest) -> HttpResponse:
    if not _quota_reader(request.user):
        raise PermissionDenied
    form = forms.ProposeForm(
        request.POST or None, initial={"year": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        if _attempt(
            request,
            lambda: quotas.quota_plan_propose(actor=request.user, year=year),
            form,
        ):
            messages.success(request, _("Quotas proposed from headcount."))
            return redirect("deductions:quota_plan", year=year)
    plans = QuotaPlan.objects.annotate(total=Sum("departments__monthly_amount"))
    return render(
        request,
        "deductions/quota_plans.html",
        {
            "plans": plans,
            "form": form,
            "can_propose": scope(request.user, "quotas.propose"),
        },
    )


def _plan_post(request, plan: QuotaPlan):
    action = request.POST.get("action")
    if action == "amounts":

        def save_amounts():
            for quota in plan.departments.all():
                raw = request.POST.get(f"amount_{quota.pk}")
                if raw is None or raw.strip() == "":
                    continue
                from decimal import Decimal, InvalidOperation

                try:
                    value = Decimal(raw.strip())
                except InvalidOperation as exc:
                    raise DomainError(
                        _("“%(value)s” is not an amount.") % {"value": raw}
                    ) from exc
                if value != quota.monthly_amount:
                    quotas.department_quota_set(
                        actor=request.user, quota_id=quota.pk, monthly_amount=value
                    )

        if not _attempt(request, transaction.atomic(save_amounts)):
            return False
        messages.success(request, _("Quotas saved."))
    elif action == "submit":
        if _attempt(
            request,
            lambda: quotas.quota_plan_submit(actor=request.user, plan_id=plan.pk),
        ):
            messages.success(request, _("Sent to the general manager for approval."))
    elif action == "propose" and _attempt(
        request,
        lambda: quotas.quota_plan_propose(actor=request.user, year=plan.year),
    ):
        messages.success(request, _("Quotas proposed from headcount."))
    return True


@capability_required("calls.view")
def quota_plan_view(request: HttpRequest, year: int) -> HttpResponse:
    if not _quota_reader(request.user):
        raise PermissionDenied
    plan = get_object_or_404(QuotaPlan, year=year)
    line_form = forms.LineQuotaForm()
    if request.method == "POST":
        if not scope(request.user, "quotas.propose"):
            raise PermissionDenied
        if request.POST.get("action") == "line":
            line_form = forms.LineQuotaForm(request.POST)
            if line_form.is_valid():
                from extensions.selectors import line_by_number

                line = line_by_number(line_form.cleaned_data["number"])
                if line is None:
                    line_form.add_error("number", _("No line has this number."))
                elif _attempt(
                    request,
                    lambda: quotas.line_quota_set(
                        actor=request.user,
                        plan=plan,
                        line=line,
                        monthly_amount=line_form.cleaned_data["monthly_amount"],
                        is_duty=line_form.cleaned_data["is_duty"],
                    ),
                    line_form,
                ):
                    messages.success(request, _("Line quota saved."))
                    return redirect("deductions:quota_plan", year=year)
        elif _plan_post(request, plan):
            return redirect("deductions:quota_plan", year=year)
        else:  # refused amounts: show the page again with what was typed
            return _plan_page(request, plan, line_form=line_form, posted=request.POST)
    return _plan_page(request, plan, line_form=line_form)


def _plan_page(
    request, plan: QuotaPlan, *, line_form=None, month_form=None, posted=None
):
    rows = DepartmentQuota.objects.filter(plan=plan).select_related("department")
    if posted is not None:
        rows = list(rows)
        for row in rows:
            row.typed_amount = posted.get(f"amount_{row.pk}")
    context = {
        "plan": plan,
        "rows": rows,
        "total": DepartmentQuota.objects.filter(plan=plan).aggregate(
            total=Sum("monthly_amount")
        )["total"],
        "line_quotas": plan.lines.select_related("line", "line__department"),
        "line_form": line_form or forms.LineQuotaForm(),
        "month_form": month_form or forms.QuotaMonthForm(),
        "overrides": QuotaOverride.objects.filter(month__year=plan.year).select_related(
            "department"
        ),
        "can_edit": scope(request.user, "quotas.propose") > 0 and plan.editable,
        "can_propose": scope(request.user, "quotas.propose") > 0,
    }
    return render(request, "deductions/quota_plan.html", context)


@require_POST
@capability_required("quotas.propose")
def quota_month_view(request: HttpRequest, year: int) -> HttpResponse:
    plan = get_object_or_404(QuotaPlan, year=year)
    form = forms.QuotaMonthForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if _attempt(
            request,
            lambda: quotas.quota_month_set(
                actor=request.user,
                department=data["department"],
                month=data["month"],
                amount=data["amount"],
                reason=data["reason"],
            ),
            form,
        ):
            messages.success(request, _("The month's quota was changed."))
            return redirect("deductions:quota_plan", year=year)
    # Shown again with what was typed and the errors next to the fields.
    return _plan_page(request, plan, month_form=form)


# --- Findings -----------------------------------------------------------------------
