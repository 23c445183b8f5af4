"""Administration's pages for the reply templates (list, create, edit, deactivate)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from telephony_admin.errors import DomainError
from telephony_admin.org.access import capability_required

from .forms_replies import ReplyTemplateForm
from .models import ReplyTemplate
from .replies import PLACEHOLDERS, reply_template_save, reply_template_set_active


@capability_required("complaints.templates")
def template_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "complaints/reply_templates.html",
        {"templates": ReplyTemplate.objects.all(), "placeholders": PLACEHOLDERS},
    )


def _get(pk: int) -> ReplyTemplate:
    try:
        return ReplyTemplate.objects.get(pk=pk)
    except ReplyTemplate.DoesNotExist as exc:
        raise Http404 from exc


@capability_required("complaints.templates")
def template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    template = _get(pk) if pk is not None else None
    initial = {}
    if template is not None:
        initial = {
            "name": template.name,
            "use": template.use,
            "subject": template.subject,
            "body": template.body,
            "active": template.active,
        }
    form = ReplyTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = reply_template_save(
                user=request.user, template_id=pk, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request, _("The template “%(name)s” was saved.") % {"name": saved.name}
            )
            return redirect("complaints:templates")
    return render(
        request,
        "complaints/reply_template_form.html",
        {"form": form, "template": template, "placeholders": PLACEHOLDERS},
    )


@capability_required("complaints.templates")
@require_POST
def template_active(request: HttpRequest, pk: int) -> HttpResponse:
    template = _get(pk)
    active = request.POST.get("active") == "1"
    reply_template_set_active(user=request.user, template_id=template.pk, active=active)
    if active:
        text = _("The template “%(name)s” is active again.")
    else:
        text = _("The template “%(name)s” was deactivated: agents no longer see it.")
    messages.success(request, text % {"name": template.name})
    return redirect("complaints:templates")
