"""Administrators' calendar pages: the weekly hours and a month's overrides.

Thin views: every change goes through ``services`` so the snapshot is invalidated and
the change audited exactly as from the Django admin or the seeding command.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from telephony_admin.org.access import capability_required

from .forms import DateOverrideForm, SeedYearForm
from .models import DateOverride
from .selectors import date_overrides_in, weekly_hours
from .services import (
    CalendarError,
    calendar_seed_year,
    date_override_delete,
    date_override_save,
)


def _int_param(request: HttpRequest, name: str, default: int | None, low, high):
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return default
    return value if low <= value <= high else default


def _month_url(year: int, month: int | None) -> str:
    query = f"?year={year}" + (f"&month={month}" if month else "")
    return reverse("workcal:calendar") + query


@capability_required("settings.edit")
def calendar_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year = _int_param(request, "year", today.year, 2000, 2100)
    month = _int_param(request, "month", None, 1, 12)
    if "year" not in request.GET:
        month = today.month
    if month:
        previous = (year, month - 1) if month > 1 else (year - 1, 12)
        following = (year, month + 1) if month < 12 else (year + 1, 1)
    else:
        previous, following = (year - 1, None), (year + 1, None)
    context = {
        "year": year,
        "month": month,
        "period_start": date(year, month or 1, 1),
        "overrides": date_overrides_in(year=year, month=month),
        "weekly_hours": weekly_hours(),
        "previous_url": _month_url(*previous),
        "next_url": _month_url(*following),
        "whole_year_url": _month_url(year, None),
        "seed_form": SeedYearForm(initial={"year": year}),
    }
    return render(request, "workcal/calendar.html", context)


def _save(request: HttpRequest, form: DateOverrideForm, override=None):
    """Call the service; a refusal becomes a form error. Returns the saved row."""
    data = form.cleaned_data
    try:
        return date_override_save(
            actor=request.user,
            day=data["date"],
            kind=data["kind"],
            intervals=data["intervals"],
            name=data["name"],
            override=override,
        )
    except CalendarError as exc:
        form.add_error(None, exc.message)
        return None


@capability_required("settings.edit")
def override_create(request: HttpRequest) -> HttpResponse:
    initial = {"date": request.GET.get("date") or timezone.localdate()}
    form = DateOverrideForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form)
        if saved is not None:
            messages.success(request, _("The date override was saved."))
            return redirect(_month_url(saved.date.year, saved.date.month))
    return render(request, "workcal/override_form.html", {"form": form})


@capability_required("settings.edit")
def override_edit(request: HttpRequest, pk: int) -> HttpResponse:
    override = get_object_or_404(DateOverride, pk=pk)
    initial = {
        "date": override.date,
        "kind": override.kind,
        "intervals": override.intervals_display,
        "name": override.name,
    }
    form = DateOverrideForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, override)
        if saved is not None:
            messages.success(request, _("The date override was saved."))
            return redirect(_month_url(saved.date.year, saved.date.month))
    context = {"form": form, "override": override}
    return render(request, "workcal/override_form.html", context)


@capability_required("settings.edit")
def override_delete(request: HttpRequest, pk: int) -> HttpResponse:
    override = get_object_or_404(DateOverride, pk=pk)
    if request.method == "POST":
        date_override_delete(actor=request.user, override=override)
        messages.success(
            request,
            _("The override of %(date)s was deleted.")
            % {"date": override.date.isoformat()},
        )
        return redirect(_month_url(override.date.year, override.date.month))
    return render(
        request, "workcal/override_confirm_delete.html", {"override": override}
    )


@capability_required("settings.edit")
@require_POST
def seed_year(request: HttpRequest) -> HttpResponse:
    form = SeedYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid year."))
        return redirect("workcal:calendar")
    year = form.cleaned_data["year"]
    try:
        result = calendar_seed_year(year=year, actor=request.user)
    except CalendarError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "Holidays of %(year)s loaded: %(created)d added, %(updated)d updated, "
                "%(deleted)d removed, %(kept)d manual overrides kept."
            )
            % {
                "year": year,
                "created": result.created,
                "updated": result.updated,
                "deleted": result.deleted,
                "kept": result.kept_manual,
            },
        )
    return redirect(_month_url(year, None))
