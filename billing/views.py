"""Billing pages: bill upload with progress, imports, call records, unattributed lines,
number plan. Thin: parse, check the capability (org.access), call a service/selector.
"""

from __future__ import annotations

import tempfile
from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from telephony_admin.core import config
from telephony_admin.core.exports import export_job_request, inline_limit
from telephony_admin.core.services import audit_record
from telephony_admin.errors import DomainError
from telephony_admin.org.access import capability_required

from . import exports
from .forms import (
    BillUploadForm,
    CallFilter,
    ClassifyForm,
    NumberRuleForm,
    ResolveLineForm,
)
from .models import BillImport, CallClass, CallFlag, Carrier, ImportStatus, NumberRule
from .numberplan import normalise_called, plan_on
from .progress import cached_progress, waiting_for_month
from .selectors import (
    call_totals_for,
    calls_visible_to,
    imports_recent,
    keyset_page,
    latest_billed_month,
    number_rules,
    unattributed_lines,
)
from .services import (
    bill_import_create,
    call_records_reattribute,
    number_rule_end,
    number_rule_save,
    unattributed_line_resolve,
)

# --- Imports --------------------------------------------------------------------------


@capability_required("bills.import")
def import_upload(request: HttpRequest) -> HttpResponse:
    form = BillUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            bill_import = bill_import_create(
                actor=request.user,
                source=upload.file,
                original_name=upload.name,
                month=data["period"],
                carrier_name=data["carrier"],
                dry_run=data["dry_run"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.info(request, _("The bill was uploaded; it is being processed."))
            return redirect("billing:import_detail", pk=bill_import.pk)
    context = {
        "form": form,
        "carriers": Carrier.objects.values_list("name", flat=True),
        "imports": imports_recent()[:10],
    }
    return render(request, "billing/import_upload.html", context)


@capability_required("bills.import")
def import_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(imports_recent(), 30).get_page(request.GET.get("page"))
    return render(request, "billing/import_list.html", {"page": page})


def _import_message(bill_import: BillImport) -> str:
    """The outcome in the reader's language (the stored message is in the worker's).

    Refusals whose reason is not a count (closed month, unreadable file) keep the
    stored text.
    """
    count = {"count": bill_import.error_count}
    if bill_import.status == ImportStatus.SUCCEEDED:
        return _("%(count)s calls imported.") % {"count": bill_import.rows_imported}
    if bill_import.status == ImportStatus.CHECKED:
        if bill_import.error_count:
            return _("%(count)s errors: this bill would be refused as it is.") % count
        return _("No errors: this bill can be imported.")
    if bill_import.status == ImportStatus.FAILED and bill_import.error_count:
        return (
            _("The bill was refused: %(count)s errors; nothing was imported.") % count
        )
    return bill_import.message


@capability_required("bills.import")
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bill_import = get_object_or_404(imports_recent(), pk=pk)
    context = {"imp": bill_import, "message": _import_message(bill_import)}
    return render(request, "billing/import_detail.html", context)


@capability_required("bills.import")
def import_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Small JSON for the progress bar (polled while the Celery task runs)."""
    bill_import = get_object_or_404(BillImport, pk=pk)
    progress, rows = bill_import.progress, bill_import.rows_read
    cached = cached_progress(pk)
    if cached and not bill_import.is_finished:
        progress, rows = max(progress, cached[0]), max(rows, cached[1])
    waiting = not bill_import.is_finished and waiting_for_month(pk)
    message = _import_message(bill_import)
    if waiting:
        message = _(
            "Waiting for the audit or another import of %(month)s to finish…"
        ) % {"month": bill_import.period}
    return JsonResponse(
        {
            "status": bill_import.status,
            "status_label": bill_import.get_status_display(),
            "finished": bill_import.is_finished,
            "progress": 100 if bill_import.is_finished else progress,
            "rows_read": rows,
            "rows_imported": bill_import.rows_imported,
            "error_count": bill_import.error_count,
            "waiting": waiting,
            "message": message,
        }
    )


# --- Call records -----------------------------------------------------------------


def _cursor(request: HttpRequest, key: str) -> tuple[datetime, int] | None:
    raw = request.GET.get(key, "")
    moment_text, _sep, pk_text = raw.rpartition("_")
    try:
        moment = parse_datetime(moment_text) if moment_text else None
    except ValueError:
        moment = None
    if moment is None or not pk_text.isdigit():
        return None
    return moment, int(pk_text)


PAGING = ("after", "before", "page")


def _filtered(request: HttpRequest) -> CallFilter:
    """The calls the user may see, filtered; without a month, the latest billed one."""
    params = request.GET.copy()
    if "month" not in params:
        month = latest_billed_month() or timezone.localdate()
        params["month"] = month.strftime("%Y-%m")
    return exports.call_filter(request.user, params)


def _page_url(query, key: str, cursor: tuple[datetime, int]) -> str:
    query = query.copy()
    query[key] = f"{cursor[0].isoformat()}_{cursor[1]}"
    return "?" + query.urlencode()


@capability_required("calls.view")
def call_list(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    calls = filterset.qs
    rows, older, newer = keyset_page(
        calls,
        after=_cursor(request, "after"),
        before=_cursor(request, "before"),
        size=config.get("billing.calls_page_size"),
    )
    query = filterset.data.copy()
    for key in ("after", "before"):
        query.pop(key, None)
    paged = bool(request.GET.get("after") or request.GET.get("before"))
    context = {
        "filter": filterset,
        "calls": rows,
        "totals": call_totals_for(filterset, request.user),
        "next_url": _page_url(query, "after", older) if older else None,
        "previous_url": _page_url(query, "before", newer) if newer else None,
        "first_url": "?" + query.urlencode() if paged and newer else None,
        "export_url": reverse("billing:call_export") + "?" + query.urlencode(),
    }
    return render(request, "billing/call_list.html", context)


@capability_required("calls.view")
def call_export(request: HttpRequest) -> HttpResponse:
    """The filtered calls as an Excel workbook: at once up to the inline limit,
    above it built by a Celery task (progress page, then the download)."""
    filterset = _filtered(request)
    calls = filterset.qs
    month = filterset.data.get("month", "")
    safe_month = "".join(ch for ch in month if ch.isdigit() or ch == "-")
    name = f"calls-{safe_month or 'all'}.xlsx"
    rows = calls.order_by().count()
    if rows > inline_limit():
        params = {k: v for k, v in filterset.data.items() if k not in PAGING}
        params["lang"] = translation.get_language()
        job = export_job_request(
            actor=request.user,
            kind=exports.EXPORT_KIND,
            params=params,
            file_name=name,
            rows_total=rows,
        )
        messages.info(request, _("The export is being built; it will be ready here."))
        return redirect("core:export_detail", pk=job.pk)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes)
    exports.calls_export_write(handle, calls)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=name)


# --- Unattributed (R-BIL-3) ----------------------------------------------------------


@capability_required("bills.import")
def unattributed_list(request: HttpRequest) -> HttpResponse:
    rows = unattributed_lines(calls_visible_to(request.user))
    return render(request, "billing/unattributed.html", {"rows": rows[:500]})


@capability_required("bills.import")
def unattributed_resolve(request: HttpRequest, number: str) -> HttpResponse:
    row = (
        unattributed_lines(calls_visible_to(request.user))
        .filter(line_number=number)
        .first()
    )
    if row is None:
        raise Http404
    form = ResolveLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fixed = unattributed_line_resolve(
                actor=request.user,
                line_number=number,
                department=form.cleaned_data["department"],
                owner=form.cleaned_data["owner"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Line %(number)s assigned; %(count)s calls attributed.")
                % {"number": number, "count": fixed},
            )
            return redirect("billing:unattributed")
    return render(request, "billing/resolve.html", {"row": row, "form": form})


@capability_required("bills.import")
@require_POST
def unattributed_refresh(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        fixed = call_records_reattribute(line_numbers=None)
        # R-BIL-3: re-attribution changes who pays for calls; keep who asked for it.
        audit_record(
            actor=request.user,
            action="billing.calls_reattributed",
            details={"calls": fixed},
        )
    messages.success(
        request,
        _("%(count)s calls attributed from the directory.") % {"count": fixed},
    )
    return redirect("billing:unattributed")


# --- Number plan ------------------------------------------------------------------


@capability_required("settings.edit")
def number_plan(request: HttpRequest) -> HttpResponse:
    form = ClassifyForm(request.GET or None)
    result = None
    if request.GET and form.is_valid():
        day = form.cleaned_data["day"] or timezone.localdate()
        plan = plan_on(day)
        number = normalise_called(form.cleaned_data["number"])
        call_class, ip = plan.classify(number) if number else (CallClass.UNKNOWN, "")
        result = {
            "number": number,
            "label": dict(CallClass.choices)[call_class],
            "ip": ip,
            "day": day,
            "flags": [
                str(label)
                for bit, label in CallFlag.labels().items()
                if plan.flags_for(call_class, ip, "") & bit
            ],
        }
    today = timezone.localdate()
    context = {
        "rules": number_rules(),
        "form": form,
        "result": result,
        "today": today,
    }
    return render(request, "billing/number_plan.html", context)


@capability_required("settings.edit")
def number_rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    rule = get_object_or_404(NumberRule, pk=pk) if pk else None
    form = NumberRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            number_rule_save(actor=request.user, rule=form.instance)
        except DomainError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:  # the model's own checks (full_clean)
            form.add_error(None, exc)
        else:
            messages.success(request, _("The number rule was saved."))
            return redirect("billing:number_plan")
    return render(request, "billing/rule_form.html", {"form": form, "rule": rule})


@capability_required("settings.edit")
@require_POST
def number_rule_stop(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(NumberRule, pk=pk)
    last_day = timezone.localdate() - timezone.timedelta(days=1)
    with transaction.atomic():
        number_rule_end(actor=request.user, rule=rule, last_day=last_day)
    messages.success(
        request,
        _("The rule no longer applies from %(day)s.") % {"day": timezone.localdate()},
    )
    return redirect("billing:number_plan")
