"""Audits cannot run away (issue 15): a run's abnormal number of new findings of a
set-up rule (R-LD-4 long distance without the right, R-LD-2 lapsed urgent
requests) is held for confirmation; premium numbers (R-BIL-5) never are; held
findings charge and tell nobody, block closing, and are confirmed or waived in
bulk; heads hear in one digest per month and department."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from billing.deductions.models import (
    FindingStatus,
    FindingTotal,
    MonthAudit,
    Rule,
    Violation,
)
from billing.deductions.selectors import deduction_items
from billing.deductions.services import bulk, holds
from billing.deductions.services.audits import audit_run
from billing.deductions.services.export import deductions_export
from billing.deductions.services.findings import finding_decide
from billing.deductions.services.periods import close_refusal, period_close
from billing.models import BillingPeriod, CallClass, CallRecord
from telephony_admin.core import config
from telephony_admin.core.models import AuditEvent, Notification
from telephony_admin.errors import DomainError, PermissionRefused

from .factories import at, bill_import_for

pytestmark = pytest.mark.django_db

_row = iter(range(10_000_000, 20_000_000))


def calls(line, count, call_class=CallClass.DOMESTIC, *, day=8, owner=None):
    """``count`` calls from ``line`` on 2026-10-``day`` (one INSERT)."""
    bill = bill_import_for("2026-10")
    number = getattr(line, "number", line)
    owner = owner or getattr(line, "owner", None)
    department = getattr(line, "department", None) or (
        owner.department if owner else None
    )
    start = at(2026, 10, day, 9)
    CallRecord.objects.bulk_create(
        CallRecord(
            period=bill.period,
            carrier=bill.carrier,
            bill_import=bill,
            row_number=next(_row),
            line_number=number,
            called_number=("17951010" if call_class == CallClass.DOMESTIC else "0571")
            + f"{n:05d}",
            started_at=start + timedelta(minutes=n),
            duration_seconds=60,
            charge=Decimal("1.00"),
            call_class=call_class,
            ip_prefix="17951" if call_class == CallClass.DOMESTIC else "",
            department=department,
            owner=owner,
        )
        for n in range(count)
    )
    return bill.period


def statuses(rule=Rule.LD_UNAUTHORISED) -> set[str]:
    return set(Violation.objects.filter(rule=rule).values_list("status", flat=True))


# --- the thresholds -----------------------------------------------------------------


def test_abnormal_means_above_both_thresholds_at_the_boundaries():
    five = Decimal("5")
    assert not holds.abnormal(50, 50, share=five, minimum=50)  # 50 is not above 50
    assert holds.abnormal(51, 51, share=five, minimum=50)
    assert not holds.abnormal(51, 1020, share=five, minimum=50)  # exactly 5 %
    assert holds.abnormal(51, 1019, share=five, minimum=50)  # 5.005 %
    assert not holds.abnormal(10_000, 10_000_000, share=five, minimum=50)


def test_a_small_month_is_never_held__R_LD_4(lines, company):
    """50 findings (the default count) on 50 calls: 100 % but not above 50."""
    period = calls(lines["local"], 50)
    audit_run(period_id=period.pk)
    assert statuses() == {FindingStatus.CHARGED}
    assert Notification.objects.filter(recipient=company.employee.user).exists()


def test_abnormally_many_ld_findings_are_held_and_tell_nobody__R_LD_4(lines, company):
    period = calls(lines["local"], 60)
    result = audit_run(period_id=period.pk)
    assert statuses() == {FindingStatus.HELD}
    assert result.held[Rule.LD_UNAUTHORISED]["count"] == 60
    assert not Notification.objects.exists()  # no bell, no mail
    assert not [i for i in deduction_items(period) if i.employee == company.employee]
    assert holds.held_count(period) == 60
    why = MonthAudit.objects.get(period=period).held[Rule.LD_UNAUTHORISED]
    assert why["calls"] == 60 and why["share"] == "100.0"
    (reason,) = holds.hold_reasons(period)
    assert "60" in reason.text and "5" in reason.text and "50" in reason.text
    assert "R-" not in reason.text


@pytest.mark.parametrize(("local", "held"), [(114, False), (113, True)])
def test_the_share_is_compared_at_its_boundary__R_LD_4(lines, company, local, held):
    """6 findings of 120 calls are exactly 5 % (charged); of 119 above it (held)."""
    config.set_value("deductions.hold_min_findings", "5")
    calls(lines["local"], local, CallClass.LOCAL, day=9)
    period = calls(lines["local"], 6)
    audit_run(period_id=period.pk)
    expected = FindingStatus.HELD if held else FindingStatus.CHARGED
    assert statuses() == {expected}


def test_premium_number_calls_are_charged_whatever_their_number__R_BIL_5(
    lines, company
):
    period = calls(lines["local"], 80, CallClass.PREMIUM)
    audit_run(period_id=period.pk)
    assert statuses(Rule.PREMIUM) == {FindingStatus.CHARGED}
    assert Notification.objects.filter(recipient=company.employee.user).exists()


def test_lapsed_urgent_requests_are_held_too__R_LD_2(lines, company):
    from extensions.models import LDRegion, LDStatus, LongDistanceRequest

    line = lines["local"]
    day = at(2026, 10, 8, 9)
    LongDistanceRequest.objects.create(
        requester=line.owner, caller=line.owner, line=line,
        department=line.department, region=LDRegion.DOMESTIC,
        destination_region="x", destination_org="y", destination_number="",
        reason="r", expected_minutes=5, call_on=day.date(),
        status=LDStatus.LAPSED, urgent=True, placed_now=True, placed_at=day,
        complete_by=day + timedelta(days=1),
    )  # fmt: skip
    period = calls(line, 55)
    audit_run(period_id=period.pk)
    assert statuses(Rule.LD_LAPSED) == {FindingStatus.HELD}
    assert not Notification.objects.exists()


def test_a_later_normal_run_does_not_release_or_charge_held_findings(lines, company):
    period = calls(lines["local"], 60)
    audit_run(period_id=period.pk)
    calls(lines["local"], 3, day=12)  # a few more: normal
    audit_run(period_id=period.pk)
    assert Violation.objects.filter(status=FindingStatus.HELD).count() == 60
    assert Violation.objects.filter(status=FindingStatus.CHARGED).count() == 3


# --- deciding held findings -----------------------------------------------------------


def _held_month(lines):
    period = calls(lines["local"], 60)
    audit_run(period_id=period.pk)
    return period


def test_confirming_held_findings_tells_the_person_and_the_head_once__R_LD_4(
    lines, company
):
    period = _held_month(lines)
    changed = bulk.findings_bulk(
        actor=company.admin.user,
        period=period,
        queryset=Violation.objects.filter(status=FindingStatus.HELD),
        action=bulk.CONFIRM,
        reason="Class-of-service table checked",
    )
    assert changed == 60
    assert statuses() == {FindingStatus.CHARGED}
    mine = Notification.objects.filter(recipient=company.employee.user)
    assert mine.count() == 1 and "60" in mine.get().title
    digest = Notification.objects.get(recipient=company.head_sales.user)
    assert company.employee.name in digest.body and "60" in digest.body
    assert f"department={company.dept_sales.pk}" in digest.url
    total = FindingTotal.objects.get(period=period, status=FindingStatus.CHARGED)
    assert total.count == 60
    event = AuditEvent.objects.get(action="deductions.findings_bulk_decided")
    assert event.details["count"] == 60 and event.details["action"] == "confirm"
    assert deduction_items(period)


def test_waiving_held_findings_tells_nobody(lines, company):
    period = _held_month(lines)
    bulk.findings_bulk(
        actor=company.admin.user,
        period=period,
        queryset=Violation.objects.all(),
        action=bulk.WAIVE,
        reason="Wrong table",
    )
    assert statuses() == {FindingStatus.WAIVED}
    assert not Notification.objects.exists()
    assert holds.held_count(period) == 0


def test_one_held_finding_confirmed_alone_is_charged_and_told(lines, company):
    _held_month(lines)
    finding = Violation.objects.first()
    finding_decide(
        actor=company.admin.user, finding_id=finding.pk, status=FindingStatus.CHARGED
    )
    assert Notification.objects.filter(recipient=company.employee.user).count() == 1


def test_reassigning_in_bulk_moves_the_findings_and_needs_a_person(lines, company):
    period = _held_month(lines)
    with pytest.raises(DomainError):
        bulk.findings_bulk(
            actor=company.admin.user, period=period,
            queryset=Violation.objects.all(), action=bulk.REASSIGN, reason="x",
        )  # fmt: skip
    bulk.findings_bulk(
        actor=company.admin.user, period=period, queryset=Violation.objects.all(),
        action=bulk.REASSIGN, reason="The caller was Wu", employee=company.handler,
    )  # fmt: skip
    assert set(Violation.objects.values_list("employee", flat=True)) == {
        company.handler.pk
    }
    assert not Notification.objects.exists()  # still held: nobody told


def test_bulk_needs_a_reason_administration_and_an_open_month(lines, company):
    period = _held_month(lines)
    qs = Violation.objects.all()
    with pytest.raises(DomainError, match="reason"):
        bulk.findings_bulk(
            actor=company.admin.user, period=period, queryset=qs,
            action=bulk.CONFIRM, reason="  ",
        )  # fmt: skip
    with pytest.raises(PermissionRefused):
        bulk.findings_bulk(
            actor=company.head_sales.user, period=period, queryset=qs,
            action=bulk.CONFIRM, reason="x",
        )  # fmt: skip
    BillingPeriod.objects.filter(pk=period.pk).update(status="closed")
    with pytest.raises(DomainError, match="closed"):
        bulk.findings_bulk(
            actor=company.admin.user, period=period, queryset=qs,
            action=bulk.CONFIRM, reason="x",
        )  # fmt: skip
    assert statuses() == {FindingStatus.HELD}


# --- closing -------------------------------------------------------------------------


def test_a_month_with_held_findings_cannot_be_closed__R_PRV_4(lines, company):
    period = _held_month(lines)
    deductions_export(actor=company.finance.user, period=period)
    assert "held" in close_refusal(period)
    with pytest.raises(DomainError, match="held"):
        period_close(actor=company.finance.user, period=period)
    bulk.findings_bulk(
        actor=company.admin.user, period=period, queryset=Violation.objects.all(),
        action=bulk.WAIVE, reason="Wrong table",
    )  # fmt: skip
    deductions_export(actor=company.finance.user, period=period)
    period_close(actor=company.finance.user, period=period)
    period.refresh_from_db()
    assert period.is_closed


def test_the_audit_job_and_its_report_keep_why_findings_are_held(lines, company):
    from billing.deductions.services.audits import audit_month_run, audit_report

    period = calls(lines["local"], 60)
    result = audit_month_run(period_id=period.pk, force=True)
    assert (
        MonthAudit.objects.get(period=period).held[Rule.LD_UNAUTHORISED]["count"] == 60
    )
    report = "\n".join(audit_report(result))
    assert "held for confirmation" in report and "100.0%" in report
    event = AuditEvent.objects.get(action="deductions.audit_run")
    assert event.details["held"] == {Rule.LD_UNAUTHORISED: 60}
