from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from telephony_admin.errors import DomainError

from .access import capability_required
from .forms import StaffImportForm
from .models import Department, Employee
from .services import staff_import


@capability_required("org.edit")
def departments(request: HttpRequest) -> HttpResponse:
    rows = Department.objects.select_related("parent", "head", "deputy").annotate(
        headcount=Count("employees", filter=Q(employees__is_active=True))
    )
    return render(request, "org/departments.html", {"departments": rows})


@capability_required("org.edit")
def employees(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    rows = Employee.objects.select_related("department", "supervisor", "user")
    if q:
        rows = rows.filter(
            Q(name__icontains=q)
            | Q(number__icontains=q)
            | Q(pinyin_initials__startswith=q.lower())
            | Q(pinyin__startswith=q.lower())
            | Q(department__name__icontains=q)
        )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "org/employees.html", {"page": page, "q": q})


@capability_required("org.edit")
def staff_import_view(request: HttpRequest) -> HttpResponse:
    form = StaffImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = staff_import(
                file=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            if report.ok and not form.cleaned_data["dry_run"]:
                messages.success(
                    request,
                    _("Imported: %(created)d new, %(updated)d updated.")
                    % {"created": report.created, "updated": report.updated},
                )
            elif report.ok:
                messages.info(
                    request,
                    _(
                        "Check passed: %(created)d new, %(updated)d updated. Nothing saved yet."
                    )
                    % {"created": report.created, "updated": report.updated},
                )
            else:
                messages.error(
                    request, _("Nothing was imported: fix the errors below.")
                )
    return render(request, "org/staff_import.html", {"form": form, "report": report})
