"""The directory (R-EXT-8): search-as-you-type page, JSON endpoint, print, Excel."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from telephony_admin.core.excel import table_sheet, workbook_bytes
from telephony_admin.org.access import allows, capability_required
from telephony_admin.org.models import Department

from ..directory import department_directory, directory_search


@capability_required("directory.search")
def directory(request):
    q = request.GET.get("q", "")
    return render(
        request,
        "extensions/directory.html",
        {
            "q": q,
            "results": directory_search(q, user=request.user),
            # Before any search: everyone, by department.
            "groups": department_directory(user=request.user),
            "departments": Department.objects.all(),
            "show_mobiles": allows(request.user, "directory.private_mobile"),
        },
    )


@login_required
def directory_search_json(request):
    """GET ?q= -> [{name, department, numbers, title, employee_id, ...}] (R-EXT-8).

    The switchboard console calls this from the browser. Private mobiles only for
    administration (R-SWB-6).
    """
    entries = directory_search(request.GET.get("q", ""), user=request.user)
    return JsonResponse([entry.as_json() for entry in entries], safe=False)


def _department_ids(request) -> list[int]:
    return [int(v) for v in request.GET.getlist("department") if v.isdigit()]


@capability_required("directory.search")
def directory_print(request):
    return render(
        request,
        "extensions/directory_print.html",
        {
            "groups": department_directory(
                user=request.user, department_ids=_department_ids(request)
            ),
            "today": timezone.localdate(),
            "show_mobiles": allows(request.user, "directory.private_mobile"),
        },
    )


@capability_required("directory.search")
def directory_export(request):
    groups = department_directory(
        user=request.user, department_ids=_department_ids(request)
    )
    show_mobiles = allows(request.user, "directory.private_mobile")
    headers = [_("Department"), _("Name"), _("Title"), _("Numbers")]
    if show_mobiles:
        headers.append(_("Private mobile"))
    rows = []
    for department, entries in groups:
        for entry in entries:
            row = [
                department.name,
                entry.name,
                entry.title,
                ", ".join(entry.numbers),
            ]
            if show_mobiles:
                row.append(entry.private_mobile or "")
            rows.append(row)
    sheet = table_sheet(
        _("Directory"), headers, rows, widths=[18, 14, 16, 30, 16][: len(headers)]
    )
    response = HttpResponse(
        workbook_bytes([sheet]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"directory-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
