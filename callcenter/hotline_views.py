"""Hotline pages: call log, answer rate, health; traffic statistics (R-HOT-2..6, R-SWB-5)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from telephony_admin.errors import DomainError, PermissionRefused
from telephony_admin.org.access import allows, capability_required, scope

from .forms import DialCheckForm, FaultCloseForm, FaultForm, HotlineCallForm
from .health import (
    answer_rate_of_month,
    answer_rates_by_day,
    dial_check_record,
    hotline_fault_close,
    hotline_fault_open,
    hotline_last_activity,
    may_close_fault,
    technical_contact,
)
from .models import DialCheck, DialPrompt, HotlineCall, HotlineFault
from .rosters import hotline_rings_at
from .services import hotline_call_log
from .traffic import PERIODS, traffic, traffic_workbook


def _form_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _complaint_relation():
    """The complaints app's FK to HotlineCall, if that app defines one (no import)."""
    for relation in HotlineCall._meta.related_objects:
        if relation.related_model._meta.app_label == "complaints":
            return relation
    return None


def _complaint_url(complaint) -> str:
    try:
        return reverse("complaints:detail", args=[complaint.pk])
    except NoReverseMatch:
        return ""


def _complaint_create_url() -> str:
    for name in ("complaints:create", "complaints:new"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


@capability_required("hotline.view")
def hotline(request: HttpRequest) -> HttpResponse:
    may_log = scope(request.user, "hotline.log") > 0
    form = HotlineCallForm(
        request.POST or None,
        initial={"started_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "POST":
        if not may_log:
            raise PermissionRefused(_("Only customer-service staff log hotline calls."))
        if form.is_valid():
            data = form.cleaned_data
            minutes = data["duration_minutes"] or Decimal(0)
            try:
                call = hotline_call_log(
                    actor=request.user,
                    started_at=data["started_at"],
                    caller_number=data["caller_number"],
                    caller_name=data["caller_name"],
                    content=data["content"],
                    outcome=data["outcome"],
                    duration_seconds=int(minutes * 60),
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                text = _("Hotline call from %(number)s logged.") % {
                    "number": call.caller_number
                }
                if not call.in_service_hours:
                    text += " " + _(
                        "Outside service hours: marked as entered afterwards."
                    )
                messages.success(request, text)
                return redirect("callcenter:hotline")
    rows = HotlineCall.objects.select_related("agent")
    relation = _complaint_relation()
    if relation is not None:
        rows = rows.prefetch_related(relation.get_accessor_name())
    day = request.GET.get("day", "")
    outcome = request.GET.get("outcome", "")
    hours = request.GET.get("hours", "")
    q = request.GET.get("q", "").strip()
    if day:
        rows = rows.filter(started_at__date=day)
    if outcome in HotlineCall.Outcome.values:
        rows = rows.filter(outcome=outcome)
    if hours in ("in", "out"):
        rows = rows.filter(in_service_hours=hours == "in")
    if q:
        rows = rows.filter(
            Q(caller_number__contains=q)
            | Q(content__icontains=q)
            | Q(caller_name__icontains=q)
        )
    page = Paginator(rows, 40).get_page(request.GET.get("page"))
    if relation is not None:
        accessor = relation.get_accessor_name()
        for call in page:
            call.complaint_links = [
                (str(complaint), _complaint_url(complaint))
                for complaint in getattr(call, accessor).all()
            ]
    return render(
        request,
        "callcenter/hotline.html",
        {
            "form": form if may_log else None,
            "page": page,
            **_ring_context(request.user, hotline_rings_at(timezone.now())),
            "day": day,
            "outcome": outcome,
            "hours": hours,
            "q": q,
            "outcomes": HotlineCall.Outcome.choices,
            "complaint_url": _complaint_create_url() if may_log else "",
        },
    )


def _ring_context(user, ring) -> dict:
    """Where the hotline rings; a private mobile only for whom may see it (R-SWB-6)."""
    private = ring.kind == "cs_head"
    visible = not private or allows(
        user, "directory.private_mobile", owner_id=ring.employee.pk
    )
    return {"ring": ring, "show_ring_number": visible}


def _month_param(value: str) -> date:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        return today.replace(day=1)


@capability_required("hotline.view")
def answer_rate(request: HttpRequest) -> HttpResponse:
    first = _month_param(request.GET.get("month", ""))
    following = (first + timedelta(days=32)).replace(day=1)
    days = answer_rates_by_day(start=first, end=following - timedelta(days=1))
    months = []
    cursor = first
    for _i in range(12):
        months.append(answer_rate_of_month(cursor))
        cursor = (cursor - timedelta(days=1)).replace(day=1)
    return render(
        request,
        "callcenter/answer_rate.html",
        {
            "month": first,
            "previous": (first - timedelta(days=1)).replace(day=1),
            "next": following,
            "days": days,
            "month_rate": answer_rate_of_month(first),
            "months": months,
        },
    )


@capability_required("hotline.view")
def health(request: HttpRequest) -> HttpResponse:
    may_log = scope(request.user, "hotline.log") > 0
    dial_form = DialCheckForm(request.POST if "dial" in request.POST else None)
    fault_form = FaultForm(request.POST if "fault" in request.POST else None)
    if request.method == "POST":
        if not may_log:
            raise PermissionRefused(_("Only customer-service staff record test dials."))
        try:
            if "dial" in request.POST and dial_form.is_valid():
                check = dial_check_record(actor=request.user, **dial_form.cleaned_data)
                messages.success(
                    request,
                    _("Test dial recorded: %(result)s.")
                    % {"result": check.get_result_display()},
                )
                return redirect("callcenter:health")
            if "fault" in request.POST and fault_form.is_valid():
                hotline_fault_open(
                    actor=request.user, cause=fault_form.cleaned_data["cause"]
                )
                messages.success(
                    request, _("Fault recorded; the technical contact is told.")
                )
                return redirect("callcenter:health")
        except PermissionRefused:
            raise
        except DomainError as exc:
            _form_error(dial_form if "dial" in request.POST else fault_form, exc)
    now = timezone.now()
    return render(
        request,
        "callcenter/health.html",
        {
            "may_log": may_log,
            "may_close": may_close_fault(request.user),
            "dial_form": dial_form,
            "fault_form": fault_form,
            "close_form": FaultCloseForm(),
            **_ring_context(request.user, hotline_rings_at(now)),
            "last_activity": hotline_last_activity(now),
            "open_faults": HotlineFault.objects.filter(
                closed_at__isnull=True
            ).select_related("reported_by"),
            "closed_faults": HotlineFault.objects.filter(
                closed_at__isnull=False
            ).select_related("reported_by")[:20],
            "checks": DialCheck.objects.select_related("by")[:20],
            "prompts": DialPrompt.objects.select_related("agent").prefetch_related(
                "dials"
            )[:10],
            "contact": technical_contact(),
        },
    )


@require_POST
@capability_required("hotline.view")
def fault_close(request: HttpRequest, pk: int) -> HttpResponse:
    fault = get_object_or_404(HotlineFault, pk=pk)
    form = FaultCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what was repaired."))
        return redirect("callcenter:health")
    try:
        hotline_fault_close(
            actor=request.user,
            fault=fault,
            repair_note=form.cleaned_data["repair_note"],
        )
    except PermissionRefused:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Fault closed as repaired."))
    return redirect("callcenter:health")


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Traffic (R-SWB-5) for those who see the switchboard log or the hotline log."""
    if not (
        scope(request.user, "switchboard.view") or scope(request.user, "hotline.view")
    ):
        raise PermissionDenied
    period = request.GET.get("period", "month")
    if period not in PERIODS:
        period = "month"
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(
            traffic_workbook(year=year),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="traffic-{year}.xlsx"'
        return response
    rows = traffic(period=period, year=year)
    chart = {
        "labels": [r.label for r in rows],
        "switchboard_calls": [r.switchboard_calls for r in rows],
        "hotline_calls": [r.hotline_calls for r in rows],
        "switchboard_hours": [float(r.switchboard_hours) for r in rows],
        "hotline_hours": [float(r.hotline_hours) for r in rows],
        "texts": {
            "switchboard": _("Switchboard"),
            "hotline": _("400 hotline"),
            "calls": _("Number of calls"),
            "hours": _("Talk hours"),
        },
    }
    return render(
        request,
        "callcenter/statistics.html",
        {
            "rows": rows,
            "period": period,
            "year": year,
            "years": range(
                timezone.localdate().year, timezone.localdate().year - 6, -1
            ),
            "chart": chart,
            "totals": {
                "switchboard_calls": sum(r.switchboard_calls for r in rows),
                "switchboard_hours": sum(
                    (r.switchboard_hours for r in rows), Decimal(0)
                ),
                "hotline_calls": sum(r.hotline_calls for r in rows),
                "hotline_hours": sum((r.hotline_hours for r in rows), Decimal(0)),
            },
        },
    )
