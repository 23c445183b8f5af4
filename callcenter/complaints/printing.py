"""Paper forms of a complaint: 投诉登记表 (what the customer reported, as
registered) and 投诉处理表 (verification, solution, result, satisfaction, the
handling history and sign-off), with signature lines (``core/print/page.html``).
Both check the access of the case's page: who may not see the case gets 404."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from telephony_admin.core.printing import Signature, print_context
from telephony_admin.org.access import capability_required

from .views import _visible_or_404


@capability_required("complaints.view")
def registration_print(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _visible_or_404(request.user, pk)
    return render(
        request,
        "complaints/print/registration.html",
        print_context(
            title=_("Complaint registration form"),
            number=complaint.number,
            back_url=reverse("complaints:detail", args=[pk]),
            signatures=[
                Signature(_("Receiving agent"), complaint.agent.name),
                Signature(_("Customer service head")),
            ],
            complaint=complaint,
        ),
    )


@capability_required("complaints.view")
def handling_print(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _visible_or_404(request.user, pk)
    head = complaint.department.head if complaint.department_id else None
    signed = complaint.signed_off_by
    return render(
        request,
        "complaints/print/handling.html",
        print_context(
            title=_("Complaint handling form"),
            number=complaint.number,
            back_url=reverse("complaints:detail", args=[pk]),
            signatures=[
                Signature(
                    _("Handler"), complaint.assignee.name if complaint.assignee else ""
                ),
                Signature(
                    _("Head of the responsible department"), head.name if head else ""
                ),
                Signature(_("Customer service head"), signed.name if signed else ""),
            ],
            complaint=complaint,
        ),
    )
