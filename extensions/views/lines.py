"""Lines: list, detail with history, create, edit, reassign, limits (R-EXT-1..4)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from telephony_admin.errors import DomainError
from telephony_admin.org.access import allows, capability_required
from telephony_admin.org.models import Department

from ..forms import (
    ClassReduceForm,
    LimitForm,
    LineAssignForm,
    LineCreateForm,
    LineEditForm,
    LineFilter,
)
from ..models import Line
from ..selectors import lines_visible_to
from ..services import (
    department_limit_set,
    limit_usages,
    line_assign,
    line_class_reduce,
    line_create,
    line_update,
)
from .common import apply_domain_error, paginate, require_line_view


@capability_required("lines.view")
def line_list(request):
    queryset = lines_visible_to(request.user).order_by("number")
    line_filter = LineFilter(request.GET or None, queryset=queryset)
    lines = line_filter.qs if line_filter.is_bound else queryset
    return render(
        request,
        "extensions/line_list.html",
        {
            "filter": line_filter,
            "page": paginate(request, lines, 50),
            "can_edit": allows(request.user, "lines.edit"),
        },
    )


@capability_required("lines.view")
def line_detail(request, pk: int):
    line = get_object_or_404(Line.objects.with_people(), pk=pk)
    require_line_view(request.user, line)
    assignments = line.assignments.select_related("owner", "department").order_by(
        "-starts_at"
    )
    changes = line.class_changes.select_related("changed_by", "approval").order_by(
        "-effective_at", "-pk"
    )
    return render(
        request,
        "extensions/line_detail.html",
        {
            "line": line,
            "assignments": assignments,
            "changes": changes,
            "applications": line.applications.select_related("requester")[:20],
            "faults": line.faults.select_related("reported_by")[:20],
            "can_edit": allows(request.user, "lines.edit"),
            "can_apply": allows(
                request.user,
                "requests.file",
                department_id=line.department_id,
                owner_id=line.owner_id,
            ),
        },
    )


@capability_required("lines.edit")
def line_new(request):
    form = LineCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            line = line_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(request, form, exc)
        else:
            messages.success(
                request, _("Line %(number)s created.") % {"number": line.number}
            )
            return redirect("extensions:line_detail", pk=line.pk)
    return render(
        request,
        "extensions/form.html",
        {"form": form, "title": _("New line"), "back": "extensions:list"},
    )


@capability_required("lines.edit")
def line_edit(request, pk: int):
    line = get_object_or_404(Line, pk=pk)
    form = LineEditForm(request.POST or None, instance=line)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        line_update(line=Line.objects.get(pk=pk), actor=request.user, **data)
        messages.success(request, _("Line saved."))
        return redirect("extensions:line_detail", pk=pk)
    return render(
        request,
        "extensions/form.html",
        {"form": form, "title": _("Edit line %(number)s") % {"number": line.number}},
    )


@capability_required("lines.edit")
def line_reassign(request, pk: int):
    line = get_object_or_404(Line, pk=pk)
    form = LineAssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            line_assign(
                line=line,
                owner=data["owner"],
                department=data["department"],
                when=data["when"],
                reason=data["reason"],
                actor=request.user,
            )
        except DomainError as exc:
            apply_domain_error(request, form, exc)
        else:
            messages.success(request, _("The line has a new owner."))
            return redirect("extensions:line_detail", pk=pk)
    return render(
        request,
        "extensions/form.html",
        {
            "form": form,
            "title": _("Reassign line %(number)s") % {"number": line.number},
            "intro": _(
                "Calls before the date stay with the current owner and department."
            ),
        },
    )


@capability_required("lines.edit")
def limits(request):
    form = LimitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            department_limit_set(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(request, form, exc)
        else:
            messages.success(request, _("Limits saved."))
            return redirect("extensions:limits")
    rows = limit_usages(Department.objects.all())
    return render(request, "extensions/limits.html", {"form": form, "rows": rows})


@capability_required("lines.edit")
def line_class(request, pk: int):
    line = get_object_or_404(Line, pk=pk)
    form = ClassReduceForm(
        request.POST or None,
        initial={"to_class": line.class_of_service, "features": line.features},
    )
    if request.method == "POST" and form.is_valid():
        try:
            line_class_reduce(line=line, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(request, form, exc)
        else:
            messages.success(request, _("The class of service was changed."))
            return redirect("extensions:line_detail", pk=pk)
    return render(
        request,
        "extensions/form.html",
        {
            "form": form,
            "title": _("Lower the class of line %(number)s") % {"number": line.number},
            "intro": _(  # R-EXT-4
                "A higher class or a new paid feature needs a permission application; "
                "here administration can only lower or remove."
            ),
        },
    )
