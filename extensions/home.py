from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from telephony_admin.core.home import HomePanel, HomeRow
from telephony_admin.org.access import employee_of, has_role
from telephony_admin.org.models import Role

from .models import Fault, FaultStatus, LDStatus, Line, LongDistanceRequest


def panels(user) -> list[HomePanel]:
    result = []
    employee = employee_of(user)
    if employee is not None:
        lines = Line.objects.filter(owner=employee, is_active=True).order_by("number")
        result.append(
            HomePanel(
                key="my-lines",
                title=_("My lines"),
                rows=[
                    HomeRow(
                        text=f"{line.number} · {line.get_kind_display()}",
                        url=reverse("extensions:line_detail", args=[line.pk]),
                        badge=line.class_label,
                        badge_class="info",
                    )
                    for line in lines[:10]
                ],
                empty_text=_("No line is registered to you."),
                more_url=reverse("extensions:list"),
            )
        )
    if has_role(user, Role.ADMIN):
        now = timezone.now()
        faults = (
            Fault.objects.exclude(status=FaultStatus.CLOSED)
            .select_related("line")
            .order_by("reported_at")[:10]
        )
        result.append(
            HomePanel(
                key="open-faults",
                title=_("Open faults"),
                rows=[
                    HomeRow(
                        text=f"{fault.line.number}: {fault.symptom[:60]}",
                        url=reverse("extensions:fault_detail", args=[fault.pk]),
                        badge=timesince(fault.reported_at, now),
                        badge_class="danger",
                    )
                    for fault in faults
                ],
                empty_text=_("No open faults."),
                more_url=reverse("extensions:faults"),
            )
        )
        placed = (
            LongDistanceRequest.objects.filter(status=LDStatus.PENDING, placed_now=True)
            .select_related("caller")
            .order_by("complete_by")[:10]
        )
        result.append(
            HomePanel(
                key="ld-to-complete",
                title=_("Long-distance calls placed before approval"),
                rows=[
                    HomeRow(
                        text=_("%(caller)s → %(org)s")
                        % {"caller": r.caller.name, "org": r.destination_org},
                        url=reverse("extensions:ld_detail", args=[r.pk]),
                        badge=_("due %(date)s")
                        % {
                            "date": timezone.localtime(r.complete_by).strftime(
                                "%m-%d %H:%M"
                            )
                        },
                        badge_class="warning",
                    )
                    for r in placed
                ],
                empty_text=_("No approval to complete."),
                more_url=reverse("extensions:ld_list") + "?status=pending",
            )
        )
    return result
