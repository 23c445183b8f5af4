"""Paper forms of the extensions app: 电话申请表 (a line's class of service or paid
features), 长途电话申请单 and 电话配置申请表, each with its approval trail and
signature lines (``core/print/page.html``). Each checks the access of the
record's own page: who may not see the request gets 404, as there."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from telephony_admin.core.printing import (
    approval_signatures,
    approval_steps,
    print_context,
)
from telephony_admin.org.access import capability_required

from ..models import EquipmentRequest, PermissionApplication
from .applications import _may_view
from .long_distance import _visible as _ld_visible


@capability_required("requests.file")
def application_print(request, pk: int):
    application = get_object_or_404(
        PermissionApplication.objects.select_related(
            "line", "line__department", "requester", "department", "approval"
        ),
        pk=pk,
    )
    if not _may_view(request.user, application):
        raise Http404
    steps = approval_steps(application.approval)
    return render(
        request,
        "extensions/print/application.html",
        print_context(
            title=_("Telephone application form"),
            number=application.pk,
            back_url=reverse("extensions:application_detail", args=[pk]),
            steps=steps,
            signatures=approval_signatures(
                _("Applicant"), application.requester, steps
            ),
            application=application,
        ),
    )


@capability_required("requests.file")
def ld_print(request, pk: int):
    ld = get_object_or_404(_ld_visible(request.user), pk=pk)
    steps = approval_steps(ld.approval)
    return render(
        request,
        "extensions/print/ld.html",
        print_context(
            title=_("Long-distance call request form"),
            number=ld.pk,
            back_url=reverse("extensions:ld_detail", args=[pk]),
            steps=steps,
            signatures=approval_signatures(_("Applicant"), ld.requester, steps),
            ld=ld,
        ),
    )


@capability_required("requests.file")
def equipment_print(request, pk: int):
    equipment = get_object_or_404(
        EquipmentRequest.objects.select_related(
            "department", "requester", "approval", "fulfilled_by"
        ),
        pk=pk,
    )
    if not _may_view(request.user, equipment):
        raise Http404
    steps = approval_steps(equipment.approval)
    return render(
        request,
        "extensions/print/equipment.html",
        print_context(
            title=_("Telephone equipment application form"),
            number=equipment.pk,
            back_url=reverse("extensions:equipment_detail", args=[pk]),
            steps=steps,
            signatures=approval_signatures(_("Applicant"), equipment.requester, steps),
            equipment=equipment,
            lines=equipment.lines.all(),
        ),
    )
