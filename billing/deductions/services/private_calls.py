"""Private calls (私人电话): registration with the head's consent, matching
to the bill after import and charging the caller (R-PRV-2)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.models import BillingPeriod, CallRecord
from telephony_admin.approvals.services import approval_request_create, head_step
from telephony_admin.core import config
from telephony_admin.core.services import audit_record
from telephony_admin.org.access import employee_of, require
from telephony_admin.org.models import Employee

from ..errors import DeductionError
from ..models import (
    FindingStatus,
    PrivateCallRegistration,
    RegistrationStatus,
    Rule,
    Violation,
)
from .audit_rules import same_number
from .periods import ensure_open, period_for
from .totals import finding_totals_touch

PRIVATE_CALL_KIND = "private_call"
MATCHABLE = (RegistrationStatus.PENDING, RegistrationStatus.CONSENTED)


@transaction.atomic
def private_call_register(
    *,
    actor,
    call_date: date,
    approx_time: time,
    line_number: str,
    called_number: str,
    duration_minutes: int,
    reason: str,
    employee: Employee | None = None,
) -> PrivateCallRegistration:
    """An employee declares a private call; the head consents via approvals."""
    employee = employee or employee_of(actor)
    if employee is None:
        raise DeductionError(_("Only employees register private calls."))
    require(actor, "private_calls.file", owner_id=employee.pk)
    if call_date > timezone.localdate():
        raise DeductionError(_("The date cannot be in the future."), field="call_date")
    period = period_for(call_date)
    ensure_open(period)
    registration = PrivateCallRegistration.objects.create(
        employee=employee,
        department=employee.department,
        call_date=call_date,
        approx_time=approx_time,
        line_number="".join(ch for ch in line_number if ch.isdigit()),
        called_number="".join(ch for ch in called_number if ch.isdigit()),
        duration_minutes=duration_minutes,
        reason=reason.strip(),
        period=period,
    )
    url = reverse("deductions:private_calls")
    registration.approval = approval_request_create(
        subject=registration,
        kind=PRIVATE_CALL_KIND,
        requester=employee,
        title=gettext_lazy("Private call of %(name)s to %(number)s on %(date)s"),
        title_params={
            "name": employee.name,
            "number": registration.called_number,
            "date": call_date,
        },
        chain=[head_step(employee)],
        url=url,
    )
    registration.save(update_fields=["approval"])
    audit_record(
        actor=actor, action="deductions.private_registered", target=registration
    )
    return registration


def _registration_decided(registration_id: int) -> None:
    """A decision by conditional UPDATE (no signal): the month needs a new audit."""
    from .audit_state import audit_inputs_changed

    day = (
        PrivateCallRegistration.objects.filter(pk=registration_id)
        .values_list("call_date", flat=True)
        .first()
    )
    if day is not None:
        audit_inputs_changed(months=[day])


def private_call_guard(request, approve: bool) -> None:
    """A head's consent or refusal (or the caller's withdrawal) changes what the
    registration's month deducts: the registered charge, and a consented call's
    long-distance finding (R-PRV-1/2). A closed month refuses it (R-PRV-4)."""
    registration = (
        PrivateCallRegistration.objects.select_related("period")
        .filter(pk=request.subject_id)
        .first()
    )
    if registration is not None:
        ensure_open(registration.period)


def private_call_on_approved(request, actor) -> None:
    PrivateCallRegistration.objects.filter(
        pk=request.subject_id, status=RegistrationStatus.PENDING
    ).update(status=RegistrationStatus.CONSENTED)
    _registration_decided(request.subject_id)
    call_id = (
        PrivateCallRegistration.objects.filter(pk=request.subject_id)
        .values_list("call_id", flat=True)
        .first()
    )
    if call_id:
        _waive_consented_long_distance([call_id], actor=actor)


def _waive_consented_long_distance(call_ids: list[int], *, actor=None) -> int:
    """A private long-distance call the head consented to (R-PRV-1) is approved:
    no R-LD-4 fine, and its charge is already the caller's registered charge, so
    the finding is waived rather than charging the call twice."""
    findings = Violation.objects.filter(
        rule=Rule.LD_UNAUTHORISED,
        status__in=(FindingStatus.CHARGED, FindingStatus.HELD),
        call_id__in=PrivateCallRegistration.objects.filter(
            call_id__in=call_ids, status=RegistrationStatus.CONSENTED
        ).values("call_id"),
    )
    touched = list(findings.only("pk", "period_id", "rule", "department_id"))
    if not touched:
        return 0
    waived = [f.pk for f in touched]
    Violation.objects.filter(pk__in=waived).update(
        status=FindingStatus.WAIVED,
        decided_at=timezone.now(),
        decision_reason=_("Private call registered with the head's consent"),
    )
    finding_totals_touch(touched)
    audit_record(
        actor=actor,
        action="deductions.findings_waived_by_registration",
        target=None,
        details={"findings": waived},
    )
    return len(waived)


def private_call_on_rejected(request, actor) -> None:
    PrivateCallRegistration.objects.filter(
        pk=request.subject_id, status=RegistrationStatus.PENDING
    ).update(status=RegistrationStatus.REFUSED, call=None, charge=None)
    _registration_decided(request.subject_id)


@transaction.atomic
def private_call_cancel(*, actor, registration_id: int) -> PrivateCallRegistration:
    registration = PrivateCallRegistration.objects.select_for_update().get(
        pk=registration_id
    )
    require(actor, "private_calls.file", owner_id=registration.employee_id)
    ensure_open(registration.period)
    if registration.call_id is not None:
        raise DeductionError(_("This call is already matched to the bill."))
    if registration.approval_id:
        from telephony_admin.approvals.models import ApprovalStatus
        from telephony_admin.approvals.services import approval_cancel

        if registration.approval.status == ApprovalStatus.PENDING:
            approval_cancel(request_id=registration.approval_id, user=actor)
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status"])
    audit_record(
        actor=actor, action="deductions.private_cancelled", target=registration
    )
    return registration


def _registered_at(registration: PrivateCallRegistration) -> datetime:
    return timezone.make_aware(
        datetime.combine(registration.call_date, registration.approx_time)
    )


def private_calls_match(*, period: BillingPeriod) -> int:
    """Match the month's open registrations to calls: same line and number, start
    within the window of the registered time; the closest call wins (R-PRV-2).
    Two queries for any number of registrations."""
    pending = list(
        PrivateCallRegistration.objects.filter(
            period=period, status__in=MATCHABLE, call__isnull=True
        )
    )
    if not pending:
        return 0
    window = timedelta(
        minutes=int(config.get("deductions.private_match_window_minutes"))
    )
    taken = set(
        PrivateCallRegistration.objects.filter(
            period=period, call__isnull=False
        ).values_list("call_id", flat=True)
    )
    # Only the calls within the window of some registration (a line of a large
    # month has tens of thousands of calls).
    near = Q(pk__in=[])
    for registration in pending:
        when = _registered_at(registration)
        near |= Q(
            line_number=registration.line_number,
            started_at__gte=when - window,
            started_at__lte=when + window,
        )
    calls = list(
        CallRecord.objects.filter(period=period)
        .filter(near)
        .values_list(
            "pk", "line_number", "called_number", "ip_prefix", "started_at", "charge"
        )
    )
    now = timezone.now()
    matched = []
    for registration in pending:
        when = _registered_at(registration)
        best = None
        for pk, line, called, ip, start, charge in calls:
            if pk in taken or line != registration.line_number:
                continue
            if abs(start - when) > window:
                continue
            if not same_number(called, ip, registration.called_number):
                continue
            if best is None or abs(start - when) < abs(best[1] - when):
                best = (pk, start, charge)
        if best is None:
            continue
        taken.add(best[0])
        registration.call_id, registration.charge = best[0], best[2]
        registration.matched_at = now
        matched.append(registration)
    PrivateCallRegistration.objects.bulk_update(
        matched, ["call", "charge", "matched_at"]
    )
    # A call registered after administration marked it is the caller's, not the head's.
    marked = Violation.objects.filter(
        rule=Rule.PRIVATE_UNREGISTERED,
        call_id__in=[r.call_id for r in matched],
        status=FindingStatus.CHARGED,
    )
    touched = list(marked.only("pk", "period_id", "rule", "department_id"))
    marked.update(
        status=FindingStatus.DISMISSED,
        decision_reason=_("Registered by the caller"),
    )
    finding_totals_touch(touched)
    _waive_consented_long_distance([r.call_id for r in matched])
    return len(matched)
