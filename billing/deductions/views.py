"""Pages of Billing II: thin; permissions through ``org.access``, rules in services."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing.models import BillingPeriod, CallClass, CallRecord
from billing.selectors import latest_billed_month, period_id_of
from billing.services import parse_month
from telephony_admin.errors import DomainError, PermissionRefused
from telephony_admin.org.access import (
    Scope,
    allows,
    capability_required,
    filter_by_scope,
    scope,
)
from telephony_admin.org.models import Department

from . import forms, selectors
from .models import (
    FindingStatus,
    Rule,
    Violation,
)
from .services import findings, holds, periods
from .services.audit_state import audit_state
from .services.audits import audit_request


def _attempt(request, action, form=None) -> bool:
    """Run a service; a domain error becomes a form error or a message."""
    try:
        action()
    except PermissionRefused:
        raise
    except DomainError as exc:
        if form is not None and exc.field and exc.field in form.fields:
            form.add_error(exc.field, exc.message)
        else:
            messages.error(request, exc.message)
            if form is not None:
                form.add_error(None, exc.message)
        return False
    return True


def _month(request, default: date | None = None) -> date:
    text = request.GET.get("month") or request.POST.get("month")
    if text:
        try:
            return parse_month(text)
        except DomainError:
            pass
    if default is not None:
        return default
    latest = latest_billed_month()
    return latest or timezone.localdate().replace(day=1)


def _period(month_text: str) -> BillingPeriod:
    try:
        month = parse_month(month_text)
    except DomainError as exc:
        raise Http404 from exc
    return get_object_or_404(BillingPeriod, month=month)


# --- Statement (R-BIL-4) ----------------------------------------------------------


@capability_required("calls.view")
def statement_view(request: HttpRequest) -> HttpResponse:
    if scope(request.user, "calls.view") < Scope.DEPT:
        raise PermissionDenied
    month = _month(request)
    rows = selectors.statement(month, selectors.departments_visible_to(request.user))
    classes = dict(CallClass.choices)
    used = sorted({c for r in rows for c in r.by_class}, key=list(classes).index)
    chart = {
        "labels": [r.department.name for r in rows],
        "quota": [float(r.quota) if r.quota is not None else None for r in rows],
        "actual": [float(r.actual) for r in rows],
    }
    context = {
        "month": month,
        "rows": rows,
        "classes": [(c, classes[c]) for c in used],
        "split": [[r.by_class.get(c) for c in used] for r in rows],
        "totals": {
            "quota": sum((r.quota or 0 for r in rows), selectors.ZERO),
            "actual": sum((r.actual for r in rows), selectors.ZERO),
            "saving": sum((r.saving for r in rows), selectors.ZERO),
            "excess": sum((r.excess for r in rows), selectors.ZERO),
        },
        "chart": chart,
        "period": BillingPeriod.objects.filter(month=month.replace(day=1)).first(),
    }
    return render(request, "deductions/statement.html", context)


def _department_for(request, pk: int) -> Department:
    department = get_object_or_404(Department, pk=pk)
    if scope(request.user, "calls.view") < Scope.DEPT or not allows(
        request.user, "calls.view", department_id=department.pk
    ):
        raise Http404
    return department


@capability_required("calls.view")
def department_view(request: HttpRequest, pk: int) -> HttpResponse:
    department = _department_for(request, pk)
    month = _month(request)
    year_rows = selectors.department_year(department, month.year)
    chart = {
        "labels": [r["month"] for r in year_rows],
        "actual": [float(r["actual"]) for r in year_rows],
        "quota": [
            float(r["quota"]) if r["quota"] is not None else None for r in year_rows
        ],
    }
    line = request.GET.get("line", "")
    calls = None
    closed = None
    if line and scope(request.user, "audits.decide"):
        closed = periods.closed_message(
            BillingPeriod.objects.filter(month=month).first()
        )
    if line:
        paginator = Paginator(
            CallRecord.objects.filter(
                period_id=period_id_of(month), department=department, line_number=line
            )
            .select_related("owner")
            .order_by("started_at", "pk"),
            50,
        )
        paginator.count = selectors.line_call_count(month, department, line)
        calls = paginator.get_page(request.GET.get("page"))
        marked = set(
            Violation.objects.filter(
                call_id__in=[c.pk for c in calls], rule=Rule.PRIVATE_UNREGISTERED
            ).values_list("call_id", flat=True)
        )
        for call in calls:
            call.marked_private = call.pk in marked
    context = {
        "department": department,
        "month": month,
        "lines": selectors.lines_of(month, department),
        "line": line,
        "calls": calls,
        "chart": chart,
        "can_mark": scope(request.user, "audits.decide") > 0 and closed is None,
        "closed": closed,
        "reason_form": forms.ReasonForm(),
    }
    return render(request, "deductions/department.html", context)


# --- Quotas (R-BIL-1) -------------------------------------------------------------


def _findings_visible(user):
    qs = filter_by_scope(
        user,
        "calls.view",
        Violation.objects.select_related("employee", "department", "period"),
        department="department",
        owner="employee",
    )
    if scope(user, "audits.decide") < Scope.ALL:
        # Held findings are administration's until confirmed (issue 15).
        qs = qs.exclude(status=FindingStatus.HELD)
    return qs


@capability_required("calls.view")
def findings_view(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    if "month" not in params:
        params["month"] = f"{_month(request):%Y-%m}"
    filterset = forms.FindingFilter(params, queryset=_findings_visible(request.user))
    qs = filterset.qs.order_by("-started_at", "-pk")
    paginator = Paginator(qs, 50)
    totals = selectors.finding_totals_for(filterset, request.user)
    if totals is not None:
        # The month's totals are kept per rule, status and department: no count
        # or sum over the month's findings for the pager and the banner.
        paginator.count, charged = totals
    else:
        charged = qs.filter(status=FindingStatus.CHARGED).aggregate(
            total=Sum("amount")
        )["total"]
    page = paginator.get_page(request.GET.get("page"))
    period = BillingPeriod.objects.filter(month=_month(request)).first()
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "deductions/findings.html",
        {
            "filter": filterset,
            "page": page,
            "charged_total": charged,
            "query": query.urlencode(),
            "month": params["month"],
            "audit": audit_state(period) if period else None,
            "period": period,
            "closed_message": periods.closed_message(period),
            "can_decide": scope(request.user, "audits.decide") > 0,
            # Why findings are held, and one decision for the filter's result:
            # administration only (issue 15).
            "holds": holds.hold_reasons(period)
            if period and scope(request.user, "audits.decide") == Scope.ALL
            else [],
            "bulk_form": forms.BulkForm(),
        },
    )


@require_POST
@capability_required("audits.decide")
def audit_run_view(request: HttpRequest) -> HttpResponse:
    """立即稽核: queue the month's audit; the findings page shows its progress."""
    month = _month(request)
    period = BillingPeriod.objects.filter(month=month).first()
    if period is None:
        messages.error(request, _("No bill was imported for this month."))
    else:
        try:
            queued = audit_request(actor=request.user, period=period)
        except PermissionRefused:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if queued:
                messages.success(
                    request,
                    _("The audit of %(month)s is queued; this page shows its progress.")
                    % {"month": period},
                )
            else:  # current: said, not queued
                messages.info(request, audit_state(period).message)
    return redirect(reverse("deductions:findings") + f"?month={month:%Y-%m}")


@capability_required("calls.view")
def audit_status_view(request: HttpRequest) -> JsonResponse:
    """The month's audit state for the polling findings and closing pages."""
    period = BillingPeriod.objects.filter(month=_month(request)).first()
    if period is None:
        raise Http404
    state = audit_state(period)
    job = state.job
    return JsonResponse(
        {
            "state": state.code,
            "label": state.label,
            "message": state.message,
            "progress": state.progress,
            "running": state.running,
            "created": (job.created if job else {}) or {},
        }
    )


@capability_required("calls.view")
def finding_view(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(_findings_visible(request.user), pk=pk)
    decision_form = forms.DecisionForm()
    reassign_form = forms.ReassignForm(initial={"employee": finding.employee_id})
    if request.method == "POST":
        if not scope(request.user, "audits.decide"):
            raise PermissionDenied
        if request.POST.get("action") == "reassign":
            reassign_form = forms.ReassignForm(request.POST)
            if reassign_form.is_valid() and _attempt(
                request,
                lambda: findings.finding_reassign(
                    actor=request.user,
                    finding_id=finding.pk,
                    employee=reassign_form.cleaned_data["employee"],
                    reason=reassign_form.cleaned_data["reason"],
                ),
                reassign_form,
            ):
                messages.success(request, _("The finding was re-assigned."))
                return redirect("deductions:finding", pk=pk)
        else:
            decision_form = forms.DecisionForm(request.POST)
            if decision_form.is_valid() and _attempt(
                request,
                lambda: findings.finding_decide(
                    actor=request.user,
                    finding_id=finding.pk,
                    status=decision_form.cleaned_data["status"],
                    reason=decision_form.cleaned_data["reason"],
                ),
                decision_form,
            ):
                messages.success(request, _("Decision saved."))
                return redirect("deductions:finding", pk=pk)
    allowed = findings.TRANSITIONS.get(finding.status, set())
    decision_form.set_choices(allowed)
    return render(
        request,
        "deductions/finding.html",
        {
            "finding": finding,
            "decision_form": decision_form,
            "reassign_form": reassign_form,
            "decidable": bool(allowed),
            "private_form": forms.ReasonForm(prefix="private"),
            "offer_private": finding.rule != Rule.PRIVATE_UNREGISTERED,
            "can_decide": scope(request.user, "audits.decide") > 0
            and not finding.period.is_closed,
            "closed": periods.closed_message(finding.period)
            if scope(request.user, "audits.decide")
            else None,
        },
    )


@require_POST
@capability_required("audits.decide")
def mark_private_view(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(CallRecord, pk=pk)
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        if _attempt(
            request,
            lambda: findings.call_mark_private(
                actor=request.user, call_id=call.pk, reason=form.cleaned_data["reason"]
            ),
        ):
            messages.success(request, _("The call is charged to the department head."))
    else:
        messages.error(request, _("Give the reason."))
    target = reverse("deductions:department", args=[call.department_id or 0])
    return redirect(f"{target}?month={call.started_at:%Y-%m}&line={call.line_number}")


# --- Private calls (R-PRV-1..3) ---------------------------------------------------
