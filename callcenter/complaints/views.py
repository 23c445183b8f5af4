"""Pages of the complaint desk: thin, permission-checked through ``org.access``."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from telephony_admin.errors import DomainError, PermissionRefused
from telephony_admin.org.access import capability_required, employee_of
from telephony_admin.org.models import Department

from . import permissions as perm
from . import reports
from .actions import ACTIONS, available
from .bulk import complaints_send_many
from .forms import AttachmentForm, IntakeForm, ReportFilterForm
from .forms_replies import text_from_template
from .models import (
    Channel,
    Complaint,
    ComplaintAttachment,
    Kind,
    ReplyTemplate,
    Status,
)
from .replies import filled
from .selectors import (
    QUEUES,
    clock_view,
    complaint_for_page,
    complaint_queue,
    current_clocks,
    earlier_cases,
    open_follow_ups,
)
from .services import attachment_add, complaint_register


def _visible_or_404(user, pk: int) -> Complaint:
    try:
        complaint = complaint_for_page(pk=pk)
    except Complaint.DoesNotExist as exc:
        raise Http404 from exc
    if not perm.may_view(user, complaint):
        raise Http404
    return complaint


def _decorate(complaints, now) -> None:
    for complaint in complaints:
        complaint.clock_views = [clock_view(c, now) for c in current_clocks(complaint)]


@capability_required("complaints.view")
def queue(request: HttpRequest) -> HttpResponse:
    if perm.is_customer_service(request.user):
        default = "mine"
    elif perm.department_side_ids(request.user):
        default = "department"
    else:
        default = "all"
    name = request.GET.get("queue") or default
    if name not in QUEUES:
        name = default
    now = timezone.now()
    qs = complaint_queue(user=request.user, queue=name, now=now)
    search = request.GET.get("q", "").strip()
    if search:
        qs = (
            qs.filter(number__icontains=search)
            | qs.filter(contact_phone__icontains=search)
            | qs.filter(customer_name__icontains=search)
        )
    for key, choices in (("status", Status), ("kind", Kind), ("channel", Channel)):
        value = request.GET.get(key)
        if value in choices.values:
            qs = qs.filter(**{key: value})
    # ?cases=1,2,3: the cases of one grouped handoff notice.
    cases = [int(pk) for pk in request.GET.get("cases", "").split(",") if pk.isdigit()]
    if cases:
        qs = qs.filter(pk__in=cases)
    department = request.GET.get("department", "")
    if department.isdigit():
        qs = qs.filter(department_id=int(department))
    page = Paginator(qs.distinct(), 25).get_page(request.GET.get("page"))
    _decorate(page.object_list, now)
    return render(
        request,
        "complaints/queue.html",
        {
            "page": page,
            "queues": QUEUES,
            "queue": name,
            "search": search,
            "statuses": Status.choices,
            "kinds": Kind.choices,
            "channels": Channel.choices,
            "departments": Department.objects.filter(complaints__isnull=False)
            .distinct()
            .order_by("code"),
            "department": department,
            "follow_ups": open_follow_ups(user=request.user),
            "can_create": perm.is_customer_service(request.user),
            "cases_filter": bool(cases),
            # The bulk route shows when the page lists a complaint to send.
            "send_departments": Department.objects.order_by("code")
            if perm.is_customer_service(request.user)
            and any(
                c.status == Status.REGISTERED and c.kind == Kind.COMPLAINT
                for c in page.object_list
            )
            else [],
        },
    )


@capability_required("complaints.act")
@require_POST
def send_many(request: HttpRequest) -> HttpResponse:
    """Send the ticked registered complaints to one department (one notice each)."""
    ids = [int(pk) for pk in request.POST.getlist("case") if pk.isdigit()]
    department = request.POST.get("department", "")
    back = reverse("complaints:queue") + "?queue=" + request.POST.get("queue", "")
    if not department.isdigit():
        messages.error(request, _("Choose the responsible department."))
        return redirect(back)
    try:
        sent = complaints_send_many(
            user=request.user, complaint_ids=ids, department_id=int(department)
        )
    except PermissionRefused:
        raise
    except (DomainError, Complaint.DoesNotExist, Department.DoesNotExist) as exc:
        messages.error(request, getattr(exc, "message", _("No such case.")))
        return redirect(back)
    messages.success(
        request,
        _("Cases sent to the department: %(count)s.") % {"count": len(sent)},
    )
    return redirect(back)


def _from_call(request) -> dict:
    """Start from a logged hotline call (``?call=<pk>``): its number, name, content."""
    from callcenter.models import HotlineCall

    try:
        call = HotlineCall.objects.get(pk=int(request.GET.get("call", "")))
    except (ValueError, HotlineCall.DoesNotExist):
        return {}
    return {
        "hotline_call": call.pk,
        "contact_phone": call.caller_number,
        "customer_name": call.caller_name,
        "content": call.content,
        "channel": Channel.HOTLINE,
        "accepted_at": timezone.localtime(call.started_at).replace(microsecond=0),
    }


@capability_required("complaints.create")
def intake(request: HttpRequest) -> HttpResponse:
    initial = _from_call(request) if request.method == "GET" else {}
    form = IntakeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        call = data.pop("hotline_call")
        try:
            complaint = complaint_register(
                user=request.user, hotline_call_id=call, **data
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Case %(number)s was registered.") % {"number": complaint.number},
            )
            return redirect("complaints:detail", pk=complaint.pk)
    return render(request, "complaints/intake.html", {"form": form})


@capability_required("complaints.view")
def lookup(request: HttpRequest) -> JsonResponse:
    """Earlier cases of a phone number, for the intake page's side panel."""
    phone = request.GET.get("phone", "")
    rows = [
        {
            "number": c.number,
            "url": reverse("complaints:detail", args=[c.pk]),
            "accepted_at": timezone.localtime(c.accepted_at).strftime("%Y-%m-%d %H:%M"),
            "customer": c.customer_name,
            "kind": c.get_kind_display(),
            "status": c.get_status_display(),
            "open": c.is_open,
            "content": c.content[:80],
        }
        for c in earlier_cases(user=request.user, phone=phone)
    ]
    return JsonResponse({"phone": phone, "cases": rows})


def _detail_context(request, complaint: Complaint, bound: dict | None = None) -> dict:
    now = timezone.now()
    bound = bound or {}
    actions = [
        (action, bound.get(action.name) or action.form(prefix=action.name))
        for action in available(request.user, complaint)
    ]
    clocks = list(complaint.clocks.all())
    reply_templates = {}
    if perm.is_customer_service(request.user):
        speaker = employee_of(request.user)
        reply_templates = {
            str(t.pk): filled(t, complaint, agent=speaker)
            for t in ReplyTemplate.objects.filter(active=True)
        }
    return {
        "reply_templates": reply_templates,
        "complaint": complaint,
        "clocks": [(c, clock_view(c, now)) for c in clocks],
        "primary_actions": [(a, f) for a, f in actions if a.primary],
        "other_actions": [(a, f) for a, f in actions if not a.primary],
        "open_action": next(iter(bound), ""),
        "attachment_form": bound.get("attach") or AttachmentForm(),
        "can_attach": perm.is_customer_service(request.user)
        or perm.is_department_side(request.user, complaint),
        "earlier": earlier_cases(
            user=request.user, phone=complaint.contact_phone, exclude_pk=complaint.pk
        ),
    }


@capability_required("complaints.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _visible_or_404(request.user, pk)
    return render(
        request, "complaints/detail.html", _detail_context(request, complaint)
    )


@capability_required("complaints.act")
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    complaint = _visible_or_404(request.user, pk)
    step = ACTIONS.get(action)
    if step is None:
        raise Http404
    if step.confirm_url:  # acts on its confirmation page only
        return redirect(step.confirm_url, pk=pk)
    form = step.form(request.POST, prefix=step.name)
    if form.is_valid():
        data = text_from_template(
            form, dict(form.cleaned_data), complaint, request.user
        )
        try:
            step.run(request.user, complaint, data)
        except PermissionRefused:
            raise
        except DomainError as exc:
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            else:
                messages.error(request, exc.message)
                return redirect("complaints:detail", pk=pk)
        else:
            messages.success(request, str(step.done))
            return redirect("complaints:detail", pk=pk)
    if not step.allowed(request.user, complaint):
        messages.error(request, _("This step is not available for the case now."))
        return redirect("complaints:detail", pk=pk)
    context = _detail_context(request, complaint, bound={step.name: form})
    return render(request, "complaints/detail.html", context, status=400)


@capability_required("complaints.act")
@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _visible_or_404(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_add(
                user=request.user, complaint_id=pk, upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("The file was attached."))
            return redirect("complaints:detail", pk=pk)
    context = _detail_context(request, complaint, bound={"attach": form})
    context["open_action"] = ""
    return render(request, "complaints/detail.html", context, status=400)


@capability_required("complaints.view")
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    try:
        item = ComplaintAttachment.objects.select_related("complaint").get(pk=pk)
    except ComplaintAttachment.DoesNotExist as exc:
        raise Http404 from exc
    if not perm.may_view(request.user, item.complaint):
        raise Http404
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


def _month(request) -> date:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in raw.split("-"))
        return date(year, month, 1)
    except ValueError:
        today = timezone.localdate()
        return today.replace(day=1)


@capability_required("complaints.report")
def report(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    data = reports.monthly_report(user=request.user, month=month)
    form = ReportFilterForm(initial={"month": month.strftime("%Y-%m")})
    return render(
        request,
        "complaints/reports.html",
        {"report": data, "form": form, "month": month, "charts": data.chart_data()},
    )


@capability_required("complaints.report")
def report_export(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    data = reports.monthly_report(user=request.user, month=month)
    response = HttpResponse(
        content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    )
    response["Content-Disposition"] = (
        f'attachment; filename="complaints-{month:%Y-%m}.xlsx"'
    )
    response.write(reports.report_workbook(data))
    return response
