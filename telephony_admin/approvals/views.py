from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from telephony_admin.core import config
from telephony_admin.errors import DomainError
from telephony_admin.org.access import (
    capability_required,
    employee_of,
)

from . import registry
from .bulk import approval_decide_many
from .forms import AbsenceForm, BulkDecisionForm, DecisionForm
from .models import Absence, ApprovalRequest, ApprovalStatus
from .selectors import (
    approval_visible,
    request_with_steps,
    requests_of,
    steps_awaiting,
    steps_waiting_too_long,
)
from .services import (
    absence_create,
    approval_cancel,
    approval_decide,
    approval_refusal,
    can_decide,
)


def _may_view(user, request: ApprovalRequest) -> bool:
    return approval_visible(user, request)


def _outcome_rows(user, outcomes) -> list[dict]:
    rows = []
    for outcome in outcomes:
        approval = outcome.request
        visible = approval is not None and _may_view(user, approval)
        rows.append(
            {
                "done": outcome.done,
                "reason": outcome.reason,
                "approval": approval if visible else None,
                "label": approval.shown_title
                if visible
                else _("Request %(number)s") % {"number": outcome.step_id},
            }
        )
    return rows


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """待我审批: every step the user may decide, with its request's key facts; tick
    several and approve or reject them with one comment (each decided on its own)."""
    form = BulkDecisionForm(request.POST or None)
    outcomes = []
    if request.method == "POST" and form.is_valid():
        results = approval_decide_many(
            step_ids=form.cleaned_data["steps"],
            user=request.user,
            approve=form.cleaned_data["action"] == "approve",
            comment=form.cleaned_data["comment"],
        )
        outcomes = _outcome_rows(request.user, results)
        form = BulkDecisionForm()
    steps = list(steps_awaiting(user=request.user).prefetch_related("request__subject"))
    for step in steps:
        step.kind_label = registry.get(step.request.kind).label
        step.summary = registry.summary_of(step.request)
    selected = set()
    if form.is_bound:
        selected = {str(v) for v in request.POST.getlist("steps")}
    return render(
        request,
        "approvals/inbox.html",
        {
            "steps": steps,
            "form": form,
            "selected": selected,
            "outcomes": outcomes,
            "done_count": sum(1 for o in outcomes if o["done"]),
            "refused_count": sum(1 for o in outcomes if not o["done"]),
        },
    )


@capability_required("management.view")
def waiting(request: HttpRequest) -> HttpResponse:
    """Requests waiting longer than the setting: the general manager's company,
    a head's departments (the management home's figure)."""
    return render(
        request,
        "approvals/waiting.html",
        {
            "steps": steps_waiting_too_long(user=request.user),
            "days": config.get("approvals.waiting_alert_working_days"),
        },
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(requests_of(user=request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "approvals/mine.html", {"page": page})


def _refusals(approval: ApprovalRequest, can_act: bool) -> tuple[str | None, bool]:
    """What the page says before anyone tries: why approving is refused now (an
    item of a closed month), and whether rejecting or withdrawing is refused too."""
    if not can_act or approval.status != ApprovalStatus.PENDING:
        return None, False
    refusal = approval_refusal(approval, approve=True)
    return refusal, approval_refusal(approval, approve=False) is not None


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        approval = request_with_steps(pk=pk)
    except ApprovalRequest.DoesNotExist as exc:
        raise Http404 from exc
    if not _may_view(request.user, approval):
        raise Http404
    step = next((s for s in approval.steps.all() if can_decide(s, request.user)), None)
    is_requester = employee_of(request.user) == approval.requester
    form = DecisionForm(request.POST or None) if step else None
    reported = None
    if request.method == "POST" and step and form.is_valid():
        try:
            approval_decide(
                step_id=step.pk,
                user=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            reported = exc.message
        else:
            messages.success(request, _("Your decision was recorded."))
            return redirect("approvals:detail", pk=pk)
    refusal, nothing_allowed = _refusals(approval, bool(step) or is_requester)
    if refusal == reported:
        refusal = None  # already on the page as the error just reported
    return render(
        request,
        "approvals/detail.html",
        {
            "approval": approval,
            "step": step,
            "form": None if nothing_allowed else form,
            "refusal": refusal,
            "can_withdraw": is_requester
            and approval.status == ApprovalStatus.PENDING
            and not nothing_allowed,
        },
    )


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        approval_cancel(request_id=pk, user=request.user)
    except ApprovalRequest.DoesNotExist as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The request was withdrawn."))
    return redirect("approvals:detail", pk=pk)


@login_required
def absences(request: HttpRequest) -> HttpResponse:
    employee = employee_of(request.user)
    if employee is None:
        raise Http404
    form = AbsenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            absence_create(employee=employee, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("Your absence was recorded."))
            return redirect("approvals:absences")
    rows = Absence.objects.filter(employee=employee).select_related("delegate")
    delegated = Absence.objects.filter(delegate=employee).select_related("employee")
    return render(
        request,
        "approvals/absences.html",
        {"form": form, "absences": rows, "delegated": delegated},
    )
