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


def _approval_form(request, record, *, template, title, detail, **extra):
    """Render ``record`` (a request with ``approval`` and ``requester``) as a paper
    form with its approval trail and one signature line per step."""
    steps = approval_steps(record.approval)
    return render(
        request,
        template,
        print_context(
            title=title,
            number=record.pk,
            back_url=reverse(detail, args=[record.pk]),
            steps=steps,
            signatures=approval_signatures(_("Applicant"), record.requester, steps),
            **extra,
        ),
    )


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
    return _approval_form(
        request,
        application,
        template="extensions/print/application.html",
        title=_("Telephone application form"),
        detail="extensions:application_detail",
        application=application,
    )


@capability_required("requests.file")
def ld_print(request, pk: int):
    ld = get_object_or_404(_ld_visible(request.user), pk=pk)
    return _approval_form(
        request,
        ld,
        template="extensions/print/ld.html",
        title=_("Long-distance call request form"),
        detail="extensions:ld_detail",
        ld=ld,
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
    return _approval_form(
        request,
        equipment,
        template="extensions/print/equipment.html",
        title=_("Telephone equipment application form"),
        detail="extensions:equipment_detail",
        equipment=equipment,
        lines=equipment.lines.all(),
    )
