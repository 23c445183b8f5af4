"""Pages on findings added by issue 15 (and the notice): bulk decisions on the filter's whole result
(with a confirmation saying how many change), treating a finding's call as an
unregistered private call, and the closing page's state for its script."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Sum
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing.models import BillingPeriod, CallRecord
from billing.services import parse_month
from telephony_admin.errors import DomainError, PermissionRefused
from telephony_admin.org.access import Scope, capability_required, scope

from . import forms
from .models import FindingStatus, Rule, Violation
from .services import bulk, findings, periods
from .services.audit_state import audit_state
from .views import _attempt, _findings_visible, _month, _period


def _admin_only(user) -> None:
    if scope(user, "audits.decide") < Scope.ALL:
        raise PermissionRefused(_("Only administration decides findings in bulk."))


def _filtered(user, query: str):
    """The findings filter of the findings page (``query``: its query string)."""
    params = QueryDict(query, mutable=True)
    params.pop("page", None)
    filterset = forms.FindingFilter(params, queryset=_findings_visible(user))
    month_text = params.get("month") or ""
    try:
        month = parse_month(month_text)
    except DomainError:
        month = None
    period = BillingPeriod.objects.filter(month=month).first() if month else None
    return filterset, period, params.urlencode()


@require_POST
@capability_required("audits.decide")
def findings_bulk_view(request: HttpRequest) -> HttpResponse:
    """Step 1: the chosen action and reason, and how many findings it changes (to
    confirm); step 2 (``confirmed``): apply it to the filter's whole result."""
    _admin_only(request.user)
    filterset, period, query = _filtered(request.user, request.POST.get("query", ""))
    back = reverse("deductions:findings") + f"?{query}"
    if period is None:
        messages.error(request, _("Choose a month with a bill to decide in bulk."))
        return redirect(back)
    closed = periods.closed_message(period)
    if closed:
        messages.error(request, closed)
        return redirect(back)
    form = forms.BulkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    action, employee = data["action"], data.get("employee")
    if request.POST.get("confirmed") != "1":
        count = bulk.bulk_applicable(filterset.qs, action, employee).count()
        return render(
            request,
            "deductions/findings_bulk_confirm.html",
            {
                "form": form,
                "count": count,
                "in_filter": filterset.qs.order_by().count(),
                "action_label": dict(bulk.ACTIONS)[action],
                "employee": employee,
                "reason": data["reason"],
                "query": query,
                "period": period,
                "back": back,
            },
        )
    changed = []
    if _attempt(
        request,
        lambda: changed.append(
            bulk.findings_bulk(
                actor=request.user,
                period=period,
                queryset=filterset.qs,
                action=action,
                reason=data["reason"],
                employee=employee,
                described=query,
            )
        ),
    ):
        messages.success(
            request,
            _("%(count)s findings changed: %(action)s.")
            % {"count": changed[0], "action": dict(bulk.ACTIONS)[action]},
        )
    return redirect(back)


@require_POST
@capability_required("audits.decide")
def finding_private_view(request: HttpRequest, pk: int) -> HttpResponse:
    """“Treat as an unregistered private call” on the finding itself (R-PRV-3)."""
    finding = get_object_or_404(_findings_visible(request.user), pk=pk)
    form = forms.ReasonForm(request.POST, prefix="private")
    created = []
    if not form.is_valid():
        messages.error(request, _("Give the reason."))
    elif _attempt(
        request,
        lambda: created.append(
            findings.call_mark_private(
                actor=request.user,
                call_id=finding.call_id,
                reason=form.cleaned_data["reason"],
            )
        ),
    ):
        messages.success(request, _("The call is charged to the department head."))
        return redirect("deductions:finding", pk=created[0].pk)
    return redirect("deductions:finding", pk=pk)


@capability_required("period.close")
def closing_state_view(request: HttpRequest, month: str) -> JsonResponse:
    """Whether the month can be closed now (the closing page's script polls it
    after a download); the close itself still checks on the server."""
    period = _period(month)
    if period.is_closed:
        raise Http404
    state = audit_state(period)
    refusal = state.message if not state.exportable else periods.close_refusal(period)
    return JsonResponse(
        {
            "closable": refusal is None,
            "refusal": refusal or "",
            "url": reverse("deductions:close", args=[str(period)]),
        }
    )


@capability_required("calls.view")
def notice_view(request: HttpRequest) -> HttpResponse:
    """通报: the month's premium-number violations, printable (R-BIL-5)."""
    if scope(request.user, "calls.view") < Scope.ALL:
        raise PermissionDenied
    month = _month(request)
    found = (
        Violation.objects.filter(
            period__month=month, rule=Rule.PREMIUM, status=FindingStatus.CHARGED
        )
        .alias(
            owned=Exists(
                CallRecord.objects.filter(pk=OuterRef("call_id"), owner__isnull=False)
            )
        )
        .select_related("employee", "department")
        .order_by("department__code", "employee__name", "started_at")
    )
    # A line nobody owns: the caller is unknown (its head is charged), so the
    # notice names nobody for it; administration sees those calls apart.
    rows = found.filter(owned=True)
    unowned = (
        found.filter(owned=False) if scope(request.user, "audits.decide") else None
    )
    return render(
        request,
        "deductions/notice.html",
        {
            "month": month,
            "rows": rows,
            "total": rows.aggregate(t=Sum("amount"))["t"],
            "unowned": unowned,
        },
    )
