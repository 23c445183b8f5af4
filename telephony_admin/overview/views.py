"""The management home (general manager, department heads) and the report hub."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from telephony_admin.org.access import (
    Scope,
    capability_required,
    headed_department_ids,
    scope,
)
from telephony_admin.org.models import Department

from .figures import figures_for, parse_month_param, reports_for


def _month(request: HttpRequest) -> date:
    return parse_month_param(request.GET.get("month")) or timezone.localdate().replace(
        day=1
    )


def scope_label(user) -> str:
    if scope(user, "management.view") == Scope.ALL:
        return _("Whole company")
    names = (
        Department.objects.filter(pk__in=headed_department_ids(user))
        .order_by("code")
        .values_list("name", flat=True)
    )
    return "、".join(names)


def management_context(request: HttpRequest) -> dict:
    """What the management home shows (also the top of ``/`` for its readers)."""
    month = _month(request)
    figures = figures_for(request.user, month)
    charts = {f.key: asdict(f.chart) for f in figures if f.chart is not None}
    return {
        "month": month,
        "figures": figures,
        "charts": charts,
        "scope_label": scope_label(request.user),
    }


@capability_required("management.view")
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "overview/home.html", management_context(request))


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    links = reports_for(request.user)
    if not links:
        raise PermissionDenied
    month = _month(request)
    if not request.GET.get("month"):
        # Monthly reports are read after the month: last month by default.
        month = (month - timedelta(days=1)).replace(day=1)
    sections: dict[str, list] = {}
    for link in links:
        sections.setdefault(link.section, []).append(
            {"link": link, "url": link.url_for(month)}
        )
    return render(
        request,
        "overview/reports.html",
        {"month": month, "sections": sections},
    )
