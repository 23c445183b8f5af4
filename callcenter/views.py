"""Switchboard console, switchboard log, messages, directory fallback, events API."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import (
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from telephony_admin.errors import DomainError, PermissionRefused
from telephony_admin.org.access import (
    Scope,
    capability_required,
    employee_of,
    filter_by_scope,
    scope,
)
from telephony_admin.org.models import Employee

from .events_api import (
    PayloadInvalid,
    TokenForbidden,
    TokenInvalid,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    event_ingest,
)
from .forms import (
    ApiTokenForm,
    MessageAfterCallForm,
    MessageForm,
    ReturnForm,
    SwitchboardCallForm,
)
from .models import ApiToken, Message, SwitchboardCall
from .services import message_mark_returned, message_take, switchboard_call_log

DIRECTORY_LIMIT = 15


def _form_error(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def directory_url() -> str:
    """The extensions app's directory endpoint, or this app's fallback."""
    try:
        return reverse("extensions:directory_search")
    except NoReverseMatch:
        return reverse("callcenter:directory_search")


# --- console (R-SWB-2, R-SWB-6) ---------------------------------------------------


@capability_required("switchboard.log")
def console(request: HttpRequest) -> HttpResponse:
    form = SwitchboardCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # One transaction: a refused message must not leave the call logged,
            # or correcting the form and saving again would log it twice.
            with transaction.atomic():
                call = _console_save(request.user, data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _call_summary(call))
            return redirect(f"{reverse('callcenter:console')}?last={call.pk}")
    last = None
    if request.GET.get("last", "").isdigit():
        last = (
            SwitchboardCall.objects.filter(
                pk=request.GET["last"], operator=employee_of(request.user)
            )
            .select_related("transferred_to")
            .first()
        )
    today = timezone.localdate()
    recent = (
        SwitchboardCall.objects.filter(started_at__date=today)
        .select_related("transferred_to", "operator")
        .order_by("-started_at")[:12]
    )
    selected = form["transferred_to"].value() if form.is_bound else None
    selected_employee = (
        Employee.objects.filter(pk=selected).select_related("department").first()
        if selected and str(selected).isdigit()
        else None
    )
    return render(
        request,
        "callcenter/console.html",
        {
            "form": form,
            "last": last,
            "after_form": MessageAfterCallForm(
                initial={"caller_number": last.caller_number} if last else None
            ),
            "recent": recent,
            "directory_url": directory_url(),
            "selected_employee": selected_employee,
            "open_messages": Message.objects.filter(returned_at__isnull=True)
            .select_related("recipient")
            .order_by("due_at")[:10],
        },
    )


def _console_save(actor, data: dict) -> SwitchboardCall:
    """Log the console's call and, for "message taken", the message (R-SWB-2/3)."""
    call = switchboard_call_log(
        actor=actor,
        outcome=data["outcome"],
        caller_name=data["caller_name"],
        caller_organisation=data["caller_organisation"],
        caller_number=data["caller_number"],
        purpose=data["purpose"],
        transferred_to=data["transferred_to"],
        private_info_requested=data["private_info_requested"],
    )
    if data["outcome"] == SwitchboardCall.Outcome.MESSAGE:
        message_take(
            actor=actor,
            recipient=data["transferred_to"],
            caller_number=data["caller_number"],
            caller_name=data["caller_name"],
            caller_organisation=data["caller_organisation"],
            content=data["content"] or data["purpose"],
            urgency=data["urgency"] or Message.Urgency.NORMAL,
            switchboard_call=call,
        )
    return call


def _call_summary(call: SwitchboardCall) -> str:
    caller = call.caller_name or call.caller_number
    if call.outcome == SwitchboardCall.Outcome.TRANSFERRED:
        text = _("Call from %(caller)s logged: transferred to %(name)s.") % {
            "caller": caller,
            "name": call.transferred_to.name,
        }
    elif call.outcome == SwitchboardCall.Outcome.MESSAGE:
        text = _("Call from %(caller)s logged: message taken for %(name)s.") % {
            "caller": caller,
            "name": call.transferred_to.name,
        }
    else:
        text = _("Call from %(caller)s logged: %(outcome)s.") % {
            "caller": caller,
            "outcome": call.get_outcome_display(),
        }
    if call.private_info_requested:
        text += " " + _("Request for private information refused.")
    return text


@require_POST
@capability_required("switchboard.log")
def message_after_call(request: HttpRequest, pk: int) -> HttpResponse:
    """The transfer went unanswered (R-SWB-1): take a message instead (R-SWB-3)."""
    call = get_object_or_404(
        SwitchboardCall.objects.select_related("transferred_to"),
        pk=pk,
        transferred_to__isnull=False,
    )
    form = MessageAfterCallForm(request.POST)
    if form.is_valid():
        try:
            message = message_take(
                actor=request.user,
                recipient=call.transferred_to,
                caller_number=form.cleaned_data["caller_number"],
                caller_name=call.caller_name,
                caller_organisation=call.caller_organisation,
                content=form.cleaned_data["content"],
                urgency=form.cleaned_data["urgency"],
                switchboard_call=call,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Message for %(name)s recorded; return by %(due)s.")
                % {
                    "name": message.recipient.name,
                    "due": timezone.localtime(message.due_at).strftime("%m-%d %H:%M"),
                },
            )
            return redirect("callcenter:console")
    else:
        messages.error(request, _("Write the message and the number to call back."))
    return redirect(f"{reverse('callcenter:console')}?last={call.pk}")


@capability_required("directory.search")
def directory_search(request: HttpRequest) -> JsonResponse:
    """Fallback directory search (name, pinyin, initials, department, phone).

    Same shape as the extensions app's endpoint; never private mobiles (R-SWB-6).
    """
    q = request.GET.get("q", "").strip()
    if len(q) < 1:
        return JsonResponse([], safe=False)
    lower = q.lower()
    rows = (
        Employee.objects.filter(is_active=True)
        .filter(
            Q(name__icontains=q)
            | Q(pinyin_initials__startswith=lower)
            | Q(pinyin__startswith=lower)
            | Q(department__name__icontains=q)
            | Q(office_phone__contains=q)
            | Q(number__iexact=q)
        )
        .select_related("department")
        .order_by("pinyin")[:DIRECTORY_LIMIT]
    )
    return JsonResponse(
        [
            {
                "employee_id": e.pk,
                "name": e.name,
                "department": e.department.name,
                "title": e.title,
                "numbers": [e.office_phone] if e.office_phone else [],
            }
            for e in rows
        ],
        safe=False,
    )


# --- switchboard log --------------------------------------------------------------


@capability_required("switchboard.view")
def switchboard_log(request: HttpRequest) -> HttpResponse:
    rows = SwitchboardCall.objects.select_related("operator", "transferred_to")
    q = request.GET.get("q", "").strip()
    outcome = request.GET.get("outcome", "")
    day = request.GET.get("day", "")
    if q:
        rows = rows.filter(
            Q(caller_name__icontains=q)
            | Q(caller_organisation__icontains=q)
            | Q(caller_number__contains=q)
            | Q(purpose__icontains=q)
            | Q(transferred_to__name__icontains=q)
        )
    if outcome in SwitchboardCall.Outcome.values:
        rows = rows.filter(outcome=outcome)
    if day:
        rows = rows.filter(started_at__date=day)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "callcenter/switchboard_log.html",
        {
            "page": page,
            "q": q,
            "outcome": outcome,
            "day": day,
            "outcomes": SwitchboardCall.Outcome.choices,
        },
    )


# --- messages (R-SWB-3) -----------------------------------------------------------


@capability_required("messages.view")
def message_list(request: HttpRequest) -> HttpResponse:
    rows = filter_by_scope(
        request.user,
        "messages.view",
        Message.objects.select_related("recipient__department", "escalated_to"),
        department=None,
        owner="recipient",
    )
    me = employee_of(request.user)
    if me is not None and scope(request.user, "messages.view") < Scope.ALL:
        rows = rows | Message.objects.filter(escalated_to=me)
    state = request.GET.get("state", "open")
    if state == "open":
        rows = rows.filter(returned_at__isnull=True).order_by("due_at")
    elif state == "returned":
        rows = rows.filter(returned_at__isnull=False).order_by("-returned_at")
    page = Paginator(rows.distinct(), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "callcenter/messages.html",
        {
            "page": page,
            "state": state,
            "now": timezone.now(),
            "me": me,
            "return_form": ReturnForm(),
            "may_take": scope(request.user, "switchboard.log") > 0,
        },
    )


@capability_required("switchboard.log")
def message_new(request: HttpRequest) -> HttpResponse:
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message_take(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("Message for %(name)s recorded.")
                % {"name": form.cleaned_data["recipient"].name},
            )
            return redirect("callcenter:messages")
    return render(request, "callcenter/message_form.html", {"form": form})


@require_POST
@capability_required("messages.view")
def message_return(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message, pk=pk)
    form = ReturnForm(request.POST)
    form.is_valid()
    try:
        message_mark_returned(
            actor=request.user,
            message=message,
            note=form.cleaned_data.get("note", ""),
        )
    except PermissionRefused:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Marked as returned. Thank you."))
    return redirect("callcenter:messages")


# --- events API and its tokens ----------------------------------------------------


def _json_error(status: int, message: str, field: str | None = None) -> JsonResponse:
    body = {"status": "error", "error": message}
    if field:
        body["field"] = field
    response = JsonResponse(body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="telephony-events"'
    return response


@csrf_exempt
def events_api(request: HttpRequest) -> JsonResponse:
    """POST one call event as JSON (docs/events-api.md)."""
    if request.method != "POST":
        response = _json_error(405, _("Use POST."))
        response["Allow"] = "POST"
        return response
    try:
        token = api_token_authenticate(request.headers.get("Authorization", ""))
    except TokenInvalid as exc:
        return _json_error(401, exc.message)
    except TokenForbidden as exc:
        return _json_error(403, exc.message)
    try:
        payload = json.loads(request.body.decode("utf-8") or "null")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _json_error(400, _("The body is not valid JSON."))
    try:
        body, created = event_ingest(token=token, payload=payload)
    except PayloadInvalid as exc:
        return _json_error(400, exc.message, exc.field)
    except TokenForbidden as exc:
        return _json_error(403, exc.message)
    return JsonResponse(body, status=201 if created else 200)


@capability_required("api_tokens.edit")
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = api_token_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("Token for %(system)s created. Copy it now: it is not shown again.")
                % {"system": token.system},
            )
            form = ApiTokenForm()
    return render(
        request,
        "callcenter/api_tokens.html",
        {
            "form": form,
            "raw": raw,
            "tokens": ApiToken.objects.select_related("created_by"),
            "endpoint": request.build_absolute_uri(reverse("callcenter:events_api")),
        },
    )


@require_POST
@capability_required("api_tokens.edit")
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    try:
        api_token_revoke(actor=request.user, token=token)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix}
        )
    return redirect("callcenter:api_tokens")
