"""Excel import of the existing line list: upload, dry run, apply (administration)."""

from __future__ import annotations

import re
import uuid

from django.contrib import messages
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from telephony_admin.org.access import capability_required

from ..forms import ImportForm
from ..imports import line_list_import

TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _path(token: str) -> str:
    return f"extensions-imports/{token}.xlsx"


@capability_required("lines.edit")
def line_import(request):
    form = ImportForm()
    report = None
    token = ""
    if request.method == "POST" and request.POST.get("token"):
        token = request.POST["token"]
        if not TOKEN.match(token) or not default_storage.exists(_path(token)):
            messages.error(request, _("Upload the file again."))
            return redirect("extensions:import")
        with default_storage.open(_path(token), "rb") as file:
            report = line_list_import(file=file, actor=request.user, dry_run=False)
        if report.applied:
            default_storage.delete(_path(token))
            messages.success(
                request,
                _("%(count)s lines imported.") % {"count": len(report.rows)},
            )
            return redirect("extensions:list")
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            token = uuid.uuid4().hex
            default_storage.save(_path(token), form.cleaned_data["file"])
            with default_storage.open(_path(token), "rb") as file:
                report = line_list_import(file=file, actor=request.user, dry_run=True)
    return render(
        request,
        "extensions/import.html",
        {"form": form, "report": report, "token": token},
    )
