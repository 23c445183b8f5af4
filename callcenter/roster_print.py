"""Paper forms of the duty rosters: the week's 值班表 and a 交接记录 (one shift
handover), with signature lines (``core/print/page.html``). They show what the
roster page shows the user: administration and the customer-service head the
whole roster, everyone else their own shifts and handovers (404 for others')."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from telephony_admin.core.printing import Signature, print_context
from telephony_admin.org.access import Scope, capability_required, employee_of, scope

from .models import Handover, Service, Shift
from .roster_views import _handover_mine, _week_start
from .rosters import own_shift_filter


def _sees_all(user) -> bool:
    return Scope.ALL in (scope(user, "rosters.view"), scope(user, "rosters.edit"))


@capability_required("rosters.view")
def roster_print(request: HttpRequest) -> HttpResponse:
    start = _week_start(request.GET.get("week", ""))
    end = start + timedelta(days=6)
    shifts = Shift.objects.filter(date__gte=start, date__lte=end).select_related(
        "employee", "delegate"
    )
    if not _sees_all(request.user):
        shifts = shifts.filter(own_shift_filter(employee_of(request.user)))
    shifts = list(shifts.order_by("starts_at"))
    services = list(Service)
    days = [
        {
            "date": day,
            "cells": [
                [s for s in shifts if s.date == day and s.service == service]
                for service in services
            ],
        }
        for day in (start + timedelta(days=n) for n in range(7))
    ]
    return render(
        request,
        "callcenter/print/roster.html",
        print_context(
            title=_("Duty roster"),
            subtitle=f"{start:%Y-%m-%d} – {end:%Y-%m-%d}",
            back_url=reverse("callcenter:roster") + f"?week={start:%Y-%m-%d}",
            signatures=[Signature(_("Prepared by")), Signature(_("Checked by"))],
            services=services,
            days=days,
            start=start,
        ),
    )


@capability_required("rosters.view")
def handover_print(request: HttpRequest, pk: int) -> HttpResponse:
    handovers = Handover.objects.select_related(
        "from_employee", "to_employee", "shift", "shift__employee", "recorded_by"
    )
    if not _sees_all(request.user):
        handovers = handovers.filter(_handover_mine(employee_of(request.user)))
    handover = get_object_or_404(handovers, pk=pk)
    week = timezone.localtime(handover.at).date()
    return render(
        request,
        "callcenter/print/handover.html",
        print_context(
            title=_("Shift handover record"),
            number=handover.pk,
            back_url=reverse("callcenter:roster") + f"?week={week:%Y-%m-%d}",
            signatures=[
                Signature(_("Shift handed over by"), handover.from_employee.name),
                Signature(_("Shift taken over by"), handover.to_employee.name),
            ],
            handover=handover,
        ),
    )
