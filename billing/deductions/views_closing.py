"""Closing a month: the closing page, export, close with confirmation, reopen (R-PRV-4)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing.models import BillingPeriod
from telephony_admin.core.exports import export_jobs_recent
from telephony_admin.errors import DomainError, PermissionRefused
from telephony_admin.org.access import (
    capability_required,
    scope,
)
from telephony_admin.org.models import Department

from . import forms, selectors
from .models import (
    PeriodAction,
    PeriodEvent,
)
from .services import export, holds, periods
from .services.audit_state import audit_state
from .views import _attempt, _period


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
