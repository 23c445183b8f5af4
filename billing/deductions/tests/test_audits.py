"""Audit rules with amounts to the fen: R-BIL-5, R-LD-2/3/4, R-HOT-1, review flags."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from billing.deductions.models import FindingKind, FindingStatus, Rule, Violation
from billing.deductions.selectors import deduction_items, deductions_by_employee
from billing.deductions.services.audits import audit_run
from billing.deductions.services.findings import finding_decide, finding_reassign
from billing.models import CallClass
from telephony_admin.core.models import Notification
from telephony_admin.errors import PermissionRefused

from .factories import at, make_call

pytestmark = pytest.mark.django_db


def run(call):
    return audit_run(period_id=call.period_id)


def only(rule):
    return Violation.objects.get(rule=rule)


def test_a_call_flagged_premium_costs_five_times_whatever_its_class__R_BIL_5(
    lines, company
):
    """The flag the import set (the plan of the call's day) counts too."""
    from billing.models import CallFlag

    make_call(lines["local"], "16012345", at(2026, 10, 8, 10), "1.00")  # not premium
    call = make_call(
        lines["local"], "95105123", at(2026, 10, 8, 11), "2.00",
        CallClass.SERVICE, flags=CallFlag.PREMIUM,
    )  # fmt: skip
    run(call)
    finding = only(Rule.PREMIUM)
    assert finding.call_id == call.pk and finding.amount == Decimal("10.00")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_upload_of_the_month_does_not_wait_for_its_audit__R_BIL_2(
    lines, company, monkeypatch
):
    """The audit of a big bill takes a while and locks its month against other
    audits, imports and closing, but not against a new upload that refers to it."""
    import io
    import threading

    from django.db import connection

    from billing.deductions.services import audits
    from billing.services import bill_import_create, parse_month

    call = make_call(
        lines["local"], "16812345", at(2026, 10, 8, 10), "1.23", CallClass.PREMIUM
    )
    inside, release, errors = threading.Event(), threading.Event(), []
    reattach = audits._reattach

    def slow_reattach(period):
        inside.set()
        release.wait(30)
        return reattach(period)

    monkeypatch.setattr(audits, "_reattach", slow_reattach)

    def audit():
        try:
            audit_run(period_id=call.period_id)
        except Exception as exc:  # noqa: BLE001 (re-raised in the main thread)
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=audit)
    thread.start()
    try:
        assert inside.wait(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        queued = bill_import_create(
            actor=None,
            source=io.BytesIO(
                "主叫号码,被叫号码,通话起始时间,通话时长,费用\n".encode()
            ),
            original_name="bill.csv",
            month=parse_month("2026-10"),
            enqueue=False,
        )
        assert queued.pk
    finally:
        release.set()
        thread.join(60)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert errors == []
    assert Violation.objects.filter(rule=Rule.PREMIUM).count() == 1


def test_premium_call_costs_five_times__R_BIL_5(lines, company):
    call = make_call(
        lines["local"], "16812345", at(2026, 10, 8, 10), "1.23", CallClass.PREMIUM
    )
    run(call)
    finding = only(Rule.PREMIUM)
    assert finding.amount == Decimal("6.15")
    assert finding.multiplier == 5
    assert finding.status == FindingStatus.CHARGED
    assert finding.kind == FindingKind.VIOLATION
    assert finding.employee == company.employee


@pytest.mark.parametrize(
    ("call_class", "charge", "amount"),
    [
        (CallClass.DOMESTIC, "0.60", "50.60"),
        (CallClass.HK_MO_TW, "2.10", "102.10"),
        (CallClass.INTERNATIONAL, "14.00", "514.00"),
    ],
)
def test_unapproved_long_distance_fined_by_destination_plus_charge__R_LD_4(
    lines, company, call_class, charge, amount
):
    call = make_call(
        lines["local"],
        "01088888888",
        at(2026, 10, 9, 10),
        charge,
        call_class,
        ip_prefix="17951",
    )
    run(call)
    finding = only(Rule.LD_UNAUTHORISED)
    assert finding.amount == Decimal(amount)
    assert finding.employee == company.employee


def test_long_distance_allowed_by_class_or_approved_request_is_no_violation__R_LD_4(
    lines, company
):
    from extensions.models import LDRegion, LDStatus, LongDistanceRequest

    make_call(
        lines["ld"], "01088888888", at(2026, 10, 9, 10), "0.60", CallClass.DOMESTIC
    )
    LongDistanceRequest.objects.create(
        requester=company.employee,
        caller=company.employee,
        line=lines["local"],
        department=company.dept_sales,
        region=LDRegion.DOMESTIC,
        destination_region="北京",
        destination_org="客户",
        reason="合同",
        expected_minutes=5,
        call_on=at(2026, 10, 12).date(),
        status=LDStatus.APPROVED,
    )
    call = make_call(
        lines["local"],
        "01088888888",
        at(2026, 10, 12, 15),
        "0.60",
        CallClass.DOMESTIC,
        ip_prefix="17951",
    )
    run(call)
    assert not Violation.objects.filter(rule=Rule.LD_UNAUTHORISED).exists()


def test_class_of_the_line_at_call_time_decides__R_LD_4(lines, company):
    from extensions.models import ClassChange, ClassOfService

    ClassChange.objects.create(
        line=lines["local"],
        from_class=ClassOfService.LOCAL,
        to_class=ClassOfService.DOMESTIC,
        effective_at=at(2026, 10, 15),
        reason="approved",
    )
    before = make_call(
        lines["local"], "01088888888", at(2026, 10, 14, 9), "0.60", CallClass.DOMESTIC
    )
    make_call(
        lines["local"], "01088888888", at(2026, 10, 16, 9), "0.60", CallClass.DOMESTIC
    )
    run(before)
    assert list(
        Violation.objects.filter(rule=Rule.LD_UNAUTHORISED).values_list(
            "call_id", flat=True
        )
    ) == [before.pk]


def test_lapsed_urgent_request_call_charged_double_to_caller__R_LD_2(lines, company):
    from extensions.models import LDRegion, LDStatus, LongDistanceRequest

    placed = at(2026, 10, 20, 9)
    LongDistanceRequest.objects.create(
        requester=company.employee_east,
        caller=company.employee_east,
        line=lines["local"],
        department=company.dept_sales_east,
        region=LDRegion.DOMESTIC,
        destination_region="上海",
        destination_org="供应商",
        destination_number="02166668888",
        reason="急",
        expected_minutes=5,
        call_on=placed.date(),
        urgent=True,
        placed_now=True,
        placed_at=placed,
        complete_by=placed + timedelta(days=3),
        status=LDStatus.LAPSED,
    )
    call = make_call(
        lines["local"],
        "02166668888",
        at(2026, 10, 20, 9, 30),
        "3.45",
        CallClass.DOMESTIC,
        ip_prefix="17951",
    )
    run(call)
    finding = only(Rule.LD_LAPSED)
    assert finding.amount == Decimal("6.90")
    assert finding.employee == company.employee_east
    assert not Violation.objects.filter(rule=Rule.LD_UNAUTHORISED).exists()


def test_long_distance_without_ip_prefix_is_a_review_flag_charging_nothing__R_LD_3(
    lines, company
):
    call = make_call(
        lines["ld"], "01088888888", at(2026, 10, 9, 10), "0.75", CallClass.DOMESTIC
    )
    run(call)
    flag = only(Rule.NO_IP_PREFIX)
    assert (flag.kind, flag.status) == (FindingKind.REVIEW, FindingStatus.OPEN)
    assert deduction_items(call.period) == []
    finding_decide(
        actor=company.admin.user, finding_id=flag.pk, status=FindingStatus.CHARGED
    )
    [row] = deductions_by_employee(deduction_items(call.period))
    assert (row.employee, row.total) == (company.employee_east, Decimal("0.75"))


def test_call_from_the_400_line_is_a_finding__R_HOT_1(lines, company):
    call = make_call(lines["hotline"], "82215279", at(2026, 10, 9, 10), "0.20")
    run(call)
    finding = only(Rule.HOTLINE_OUTBOUND)
    assert finding.employee == company.head_cs
    assert finding.status == FindingStatus.OPEN


def test_night_long_and_repeated_calls_are_review_flags_with_settings(lines, company):
    from telephony_admin.core import config

    config.set_value("deductions.repeat_calls_per_day", "3")
    config.set_value("deductions.long_call_minutes", "30")
    night = make_call(
        lines["local"], "82215279", at(2026, 10, 13, 23, 5), "0.20", seconds=720
    )
    long = make_call(
        lines["local"], "82215280", at(2026, 10, 13, 10), "1.20", seconds=1800
    )
    repeated = [
        make_call(lines["local"], "82215281", at(2026, 10, 14, 9 + n), "0.10")
        for n in range(3)
    ]
    make_call(lines["local"], "82215282", at(2026, 10, 14, 9), "0.10")
    run(night)
    flagged = dict(Violation.objects.values_list("call_id", "rule"))
    assert flagged[night.pk] == Rule.NIGHT_WEEKEND
    assert flagged[long.pk] == Rule.LONG_CALL
    assert {flagged.get(c.pk) for c in repeated} == {Rule.REPEATED}
    assert len(flagged) == 5
    assert not Violation.objects.filter(status=FindingStatus.CHARGED).exists()


def test_off_hours_calls_flagged_only_above_minimum_duration_or_charge(lines, company):
    """Night (22:00-06:00) and weekend/holiday calls: a short cheap call is not
    worth a review; the minimums are settings (0 flags every charged call)."""
    from telephony_admin.core import config

    short_night = make_call(lines["local"], "82215279", at(2026, 10, 13, 23), "0.20")
    early = make_call(
        lines["local"], "82215270", at(2026, 10, 13, 6, 30), "0.20", seconds=900
    )
    long_night = make_call(
        lines["local"], "82215271", at(2026, 10, 13, 5, 50), "0.90", seconds=600
    )
    dear_sunday = make_call(lines["local"], "82215272", at(2026, 10, 18, 15), "2.00")
    cheap_sunday = make_call(lines["local"], "82215273", at(2026, 10, 18, 16), "1.99")
    run(short_night)
    flagged = set(
        Violation.objects.filter(rule=Rule.NIGHT_WEEKEND).values_list(
            "call_id", flat=True
        )
    )
    assert flagged == {long_night.pk, dear_sunday.pk}
    assert early.pk not in flagged
    config.set_value("deductions.off_hours_min_minutes", "0")
    run(short_night)
    flagged = set(
        Violation.objects.filter(rule=Rule.NIGHT_WEEKEND).values_list(
            "call_id", flat=True
        )
    )
    assert flagged == {short_night.pk, long_night.pk, dear_sunday.pk, cheap_sunday.pk}
    assert not Violation.objects.filter(status=FindingStatus.CHARGED).exists()


def test_audit_run_again_adds_nothing_and_keeps_decisions(lines, company):
    call = make_call(
        lines["local"], "16812345", at(2026, 10, 8, 10), "1.23", CallClass.PREMIUM
    )
    first = run(call)
    assert first.created == {Rule.PREMIUM: 1}
    finding = only(Rule.PREMIUM)
    finding_decide(
        actor=company.admin.user,
        finding_id=finding.pk,
        status=FindingStatus.WAIVED,
        reason="misdial",
    )
    second = run(call)
    assert second.total_created == 0
    assert Violation.objects.count() == 1
    assert only(Rule.PREMIUM).status == FindingStatus.WAIVED


def test_waived_violation_is_not_charged_and_needs_a_reason(lines, company):
    call = make_call(
        lines["local"], "16812345", at(2026, 10, 8, 10), "1.23", CallClass.PREMIUM
    )
    run(call)
    finding = only(Rule.PREMIUM)
    from telephony_admin.errors import DomainError

    with pytest.raises(DomainError):
        finding_decide(
            actor=company.admin.user,
            finding_id=finding.pk,
            status=FindingStatus.WAIVED,
        )
    with pytest.raises(PermissionRefused):
        finding_decide(
            actor=company.head_sales.user,
            finding_id=finding.pk,
            status=FindingStatus.WAIVED,
            reason="x",
        )
    finding_decide(
        actor=company.admin.user,
        finding_id=finding.pk,
        status=FindingStatus.WAIVED,
        reason="wrong number plan entry",
    )
    assert deduction_items(call.period) == []


def test_finding_reassigned_to_another_person_is_charged_to_them(lines, company):
    call = make_call(
        lines["local"], "16812345", at(2026, 10, 8, 10), "2.00", CallClass.PREMIUM
    )
    run(call)
    finding = only(Rule.PREMIUM)
    finding_reassign(
        actor=company.admin.user,
        finding_id=finding.pk,
        employee=company.handler,
        reason="handler used the phone",
    )
    [row] = deductions_by_employee(deduction_items(call.period))
    assert (row.employee, row.total) == (company.handler, Decimal("10.00"))


def test_person_and_head_are_notified_of_violations(lines, company):
    call = make_call(
        lines["local"], "16812345", at(2026, 10, 8, 10), "1.23", CallClass.PREMIUM
    )
    run(call)
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {"employee", "head_sales"} <= recipients
    run(call)
    assert Notification.objects.filter(recipient=company.employee.user).count() == 1


def test_a_replaced_bill_keeps_decisions_on_the_same_call(lines, company):
    call = make_call(
        lines["local"], "16812345", at(2026, 10, 8, 10), "1.23", CallClass.PREMIUM
    )
    run(call)
    finding = only(Rule.PREMIUM)
    finding_decide(
        actor=company.admin.user,
        finding_id=finding.pk,
        status=FindingStatus.WAIVED,
        reason="ok",
    )
    period_id = call.period_id
    call.delete()
    again = make_call(
        lines["local"], "16812345", at(2026, 10, 8, 10), "1.23", CallClass.PREMIUM
    )
    result = audit_run(period_id=period_id)
    moved = only(Rule.PREMIUM)
    assert (result.reattached, moved.call_id) == (1, again.pk)
    assert moved.status == FindingStatus.WAIVED
