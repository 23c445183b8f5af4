"""Sign-off asks for confirmation: GET shows what it locks, POST signs off (R-CMP-5)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from telephony_admin.errors import DomainError, PermissionRefused
from telephony_admin.org.access import capability_required

from . import permissions as perm
from .forms import NoteForm
from .models import Status
from .services import allowed_from, complaint_sign_off
from .views import _visible_or_404


@capability_required("complaints.sign_off")
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _visible_or_404(request.user, pk)
    if not perm.may_sign_off(request.user):
        raise perm.refuse()
    ready = complaint.status in allowed_from("sign_off")
    form = NoteForm(request.POST or None, prefix="sign_off")
    if request.method == "POST":
        if not ready:
            messages.error(request, _("This step is not available for the case now."))
            return redirect("complaints:detail", pk=pk)
        if form.is_valid():
            try:
                complaint_sign_off(
                    user=request.user,
                    complaint_id=pk,
                    note=form.cleaned_data["note"],
                )
            except PermissionRefused:
                raise
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, _("The case was signed off, closed and archived.")
                )
            return redirect("complaints:detail", pk=pk)
    return render(
        request,
        "complaints/sign_off_confirm.html",
        {
            "complaint": complaint,
            "form": form,
            "ready": ready,
            "closed": complaint.status == Status.CLOSED,
        },
    )
