"""Pages of Billing II: thin; permissions through ``org.access``, rules in services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
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
from telephony_admin.approvals.selectors import mark_visible_approvals
from telephony_admin.core.exports import export_jobs_recent
from telephony_admin.errors import DomainError, PermissionRefused
from telephony_admin.org.access import (
    Scope,
    allows,
    capability_required,
    employee_of,
    filter_by_scope,
    scope,
)
from telephony_admin.org.models import Department

from . import forms, selectors
from .models import (
    DepartmentQuota,
    FindingStatus,
    Fine,
    PeriodAction,
    PeriodEvent,
    PrivateCallRegistration,
    QuotaOverride,
    QuotaPlan,
    Rule,
    Violation,
)
from .services import export, findings, fines, holds, periods, private_calls, quotas
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


def _closing_user(user) -> bool:
    return scope(user, "deductions.export") > 0 or scope(user, "period.reopen") > 0


@capability_required("calls.view")
def closing_view(request: HttpRequest) -> HttpResponse:
    if not _closing_user(request.user):
        raise PermissionDenied
    periods_ = list(BillingPeriod.objects.order_by("-month")[:24])
    events = {}
    for event in PeriodEvent.objects.filter(period__in=periods_).select_related(
        "actor__employee"
    ):
        events.setdefault(event.period_id, []).append(event)
    for period in periods_:
        period.events = events.get(period.pk, [])
        period.audit = None if period.is_closed else audit_state(period)
        period.held = 0 if period.is_closed else holds.held_count(period)
        period.close_refusal = (
            periods.close_refusal(period)
            if not period.is_closed and period.audit.exportable
            else None
        )
    return render(
        request,
        "deductions/closing.html",
        {
            "periods": periods_,
            "can_export": scope(request.user, "deductions.export") > 0,
            "export_jobs": export_jobs_recent(request.user, kind=export.EXPORT_KIND),
            "can_reopen": scope(request.user, "period.reopen") > 0,
            "reason_form": forms.ReasonForm(),
        },
    )


@capability_required("deductions.export")
def export_view(request: HttpRequest, month: str) -> HttpResponse:
    """A small month is written at once in the response; a large one is built by a
    Celery task (progress page, then the download)."""
    period = _period(month)
    lang = request.GET.get("lang") or "zh-hans"
    try:
        job = export.deductions_export_request(
            actor=request.user, period=period, lang=lang
        )
        if job is not None:
            messages.info(
                request, _("The workbook is being built; it will be ready here.")
            )
            return redirect("core:export_detail", pk=job.pk)
        data, _total = export.deductions_export(
            actor=request.user, period=period, lang=lang
        )
    except PermissionRefused:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("deductions:closing")
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="deductions-{period}.xlsx"'
    return response


@capability_required("period.close")
def close_view(request: HttpRequest, month: str) -> HttpResponse:
    """GET: what closing will lock (month, totals, people), to confirm; POST: close."""
    period = _period(month)
    if request.method != "POST":
        return render(request, "deductions/close_confirm.html", _close_summary(period))
    if _attempt(
        request, lambda: periods.period_close(actor=request.user, period=period)
    ):
        messages.success(
            request, _("%(month)s is closed and locked.") % {"month": period}
        )
    return redirect("deductions:closing")


def _close_summary(period: BillingPeriod) -> dict:
    from .sheet_rows import deductions_by_employee_sql

    people = deductions_by_employee_sql(period)
    departments = selectors.statement(period.month, Department.objects.all())
    last_export = (
        PeriodEvent.objects.filter(period=period, action=PeriodAction.EXPORTED)
        .select_related("actor__employee")
        .order_by("-at", "-pk")
        .first()
    )
    refusal = None
    if not period.is_closed:
        state = audit_state(period)
        refusal = (
            state.message if not state.exportable else periods.close_refusal(period)
        )
    return {
        "period": period,
        "people": len(people),
        "total": sum((row.total for row in people), Decimal(0)),
        "departments": len(departments),
        "actual": sum((row.actual for row in departments), Decimal(0)),
        "last_export": last_export,
        "refusal": refusal,
        "held": 0 if period.is_closed else holds.held_count(period),
    }


@require_POST
@capability_required("period.reopen")
def reopen_view(request: HttpRequest, month: str) -> HttpResponse:
    period = _period(month)
    form = forms.ReasonForm(request.POST)
    reason = form.data.get("reason", "")
    if _attempt(
        request,
        lambda: periods.period_reopen(actor=request.user, period=period, reason=reason),
    ):
        messages.success(request, _("%(month)s is open again.") % {"month": period})
    return redirect("deductions:closing")
