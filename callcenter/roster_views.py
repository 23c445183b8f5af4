"""Duty roster pages: the week, gaps in red, shifts, away/delegate, handovers."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from telephony_admin.errors import DomainError, PermissionRefused
from telephony_admin.org.access import Scope, capability_required, employee_of, scope

from .forms import AwayForm, HandoverForm, ShiftForm
from .models import Handover, Service, Shift
from .rosters import (
    coverage_gaps,
    handover_log,
    own_shift_filter,
    shift_delete,
    shift_save,
    shift_set_away,
)


def _form_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _week_start(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = timezone.localdate()
    return day - timedelta(days=day.weekday())


@capability_required("rosters.view")
def roster(request: HttpRequest) -> HttpResponse:
    start = _week_start(request.GET.get("week", ""))
    end = start + timedelta(days=6)
    may_edit = scope(request.user, "rosters.edit") == Scope.ALL
    sees_all = scope(request.user, "rosters.view") == Scope.ALL or may_edit
    me = employee_of(request.user)
    shifts = Shift.objects.filter(date__gte=start, date__lte=end).select_related(
        "employee", "delegate"
    )
    if not sees_all:
        shifts = shifts.filter(own_shift_filter(me))
    now = timezone.now()
    days = []
    gaps = coverage_gaps(start=start, days=7, now=now) if sees_all else []
    for offset in range(7):
        day = start + timedelta(days=offset)
        days.append(
            {
                "date": day,
                "lines": [
                    {
                        "service": service,
                        "label": service.label,
                        "shifts": [
                            s for s in shifts if s.date == day and s.service == service
                        ],
                        "gaps": [
                            g
                            for g in gaps
                            if g.service == service
                            and timezone.localtime(g.start).date() == day
                        ],
                    }
                    for service in Service
                ],
            }
        )
    handovers = Handover.objects.select_related("from_employee", "to_employee")
    if not sees_all:
        handovers = handovers.filter(_handover_mine(me))
    initial_date = (
        max(start, timezone.localdate())
        if start <= timezone.localdate() <= end
        else start
    )
    return render(
        request,
        "callcenter/roster.html",
        {
            "start": start,
            "end": end,
            "previous": start - timedelta(days=7),
            "next": start + timedelta(days=7),
            "days": days,
            "gaps": gaps,
            "may_edit": may_edit,
            "sees_all": sees_all,
            "me": me,
            "now": now,
            "shift_form": ShiftForm(initial={"date": initial_date})
            if may_edit
            else None,
            "handover_form": HandoverForm(),
            "away_form": AwayForm(),
            "handovers": handovers[:15],
        },
    )


def _handover_mine(me) -> Q:
    if me is None:
        return Q(pk__in=[])
    return Q(from_employee=me) | Q(to_employee=me)


@capability_required("rosters.edit")
def shift_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    shift = get_object_or_404(Shift, pk=pk) if pk else None
    initial = None
    if shift is not None:
        local_start = timezone.localtime(shift.starts_at)
        initial = {
            "service": shift.service,
            "date": local_start.date(),
            "start": local_start.time(),
            "end": timezone.localtime(shift.ends_at).time(),
            "employee": shift.employee,
            "delegate": shift.delegate,
            "note": shift.note,
        }
    form = ShiftForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.interval()
        data = form.cleaned_data
        try:
            saved = shift_save(
                actor=request.user,
                service=data["service"],
                starts_at=starts_at,
                ends_at=ends_at,
                employee=data["employee"],
                delegate=data["delegate"],
                note=data["note"],
                shift=shift,
            )
        except PermissionRefused:
            raise
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Shift saved."))
            return redirect(
                f"{reverse('callcenter:roster')}?week={saved.date.isoformat()}"
            )
    return render(request, "callcenter/shift_form.html", {"form": form, "shift": shift})


@require_POST
@capability_required("rosters.edit")
def shift_remove(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_object_or_404(Shift, pk=pk)
    week = shift.date.isoformat()
    shift_delete(actor=request.user, shift=shift)
    messages.success(request, _("Shift removed."))
    return redirect(f"{reverse('callcenter:roster')}?week={week}")


@require_POST
@capability_required("rosters.view")
def shift_away(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_object_or_404(Shift, pk=pk)
    form = AwayForm(request.POST)
    form.is_valid()
    away = request.POST.get("away") == "1"
    try:
        handover = shift_set_away(
            actor=request.user,
            shift=shift,
            away=away,
            open_items=form.cleaned_data.get("open_items", ""),
        )
    except PermissionRefused:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if handover is not None:
            messages.success(
                request,
                _("Handed over from %(from)s to %(to)s.")
                % {
                    "from": handover.from_employee.name,
                    "to": handover.to_employee.name,
                },
            )
    return redirect(f"{reverse('callcenter:roster')}?week={shift.date.isoformat()}")


@capability_required("rosters.view")
def handover_new(request: HttpRequest) -> HttpResponse:
    form = HandoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            handover_log(
                actor=request.user,
                service=data["service"],
                to_employee=data["to_employee"],
                open_items=data["open_items"],
                from_employee=data["from_employee"],
            )
        except PermissionRefused:
            raise
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Handover logged."))
            return redirect("callcenter:roster")
    return render(request, "callcenter/handover_form.html", {"form": form})
