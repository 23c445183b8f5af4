"""The set-based audit (PostgreSQL SQL) finds exactly what the portable path finds,
on the demo month and on a generated month covering every rule (R-BIL-5, R-LD-2,
R-LD-3, R-LD-4, R-HOT-1, review flags), and the month's finding totals follow."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db.models import Count, Sum

from billing.deductions.models import (
    FindingTotal,
    PrivateCallRegistration,
    Violation,
)
from billing.deductions.services import audits
from billing.models import CallClass, CallFlag

from .factories import at, make_call
from .test_demo_workbook import demo_month  # noqa: F401  (fixture)

FIELDS = (
    "call_id",
    "rule",
    "kind",
    "status",
    "employee_id",
    "department_id",
    "line_number",
    "called_number",
    "started_at",
    "duration_seconds",
    "call_class",
    "charge",
    "multiplier",
    "fine",
    "amount",
    "ld_request_id",
    "note",
)


def _findings(period_id) -> list[tuple]:
    return sorted(
        Violation.objects.filter(period_id=period_id).values_list(*FIELDS),
        key=lambda row: (row[0], row[1]),
    )


def _totals(period_id) -> list[tuple]:
    return sorted(
        FindingTotal.objects.filter(period_id=period_id).values_list(
            "rule", "status", "department_id", "count", "amount"
        ),
        key=str,
    )


def _totals_from_findings(period_id) -> list[tuple]:
    return sorted(
        (
            (r["rule"], r["status"], r["department_id"], r["n"], r["s"])
            for r in Violation.objects.filter(period_id=period_id)
            .order_by()
            .values("rule", "status", "department_id")
            .annotate(n=Count("pk"), s=Sum("amount"))
        ),
        key=str,
    )


def _audit_both_ways(period_id, monkeypatch) -> tuple[list, list]:
    """Findings of the set-based run and of the portable run on the same calls."""
    Violation.objects.filter(period_id=period_id).delete()
    PrivateCallRegistration.objects.filter(period_id=period_id).update(
        call=None, charge=None, matched_at=None
    )
    audits.audit_run(period_id=period_id)
    set_based = _findings(period_id)
    assert _totals(period_id) == _totals_from_findings(period_id)
    Violation.objects.filter(period_id=period_id).delete()
    PrivateCallRegistration.objects.filter(period_id=period_id).update(
        call=None, charge=None, matched_at=None
    )
    monkeypatch.setattr(audits, "_set_based", lambda: False)
    audits.audit_run(period_id=period_id)
    return set_based, _findings(period_id)


@pytest.mark.postgres
def test_set_based_audit_equals_portable_on_the_demo_month(demo_month, monkeypatch):  # noqa: F811
    set_based, portable = _audit_both_ways(demo_month.pk, monkeypatch)
    assert len(set_based) > 20
    assert set_based == portable


def _generated_month(company, lines) -> int:
    """A month of random calls touching every rule, class changes at odd moments
    and requests in every state, with and without destination numbers."""
    from extensions.models import (
        ClassChange,
        ClassOfService,
        LDRegion,
        LDStatus,
        LongDistanceRequest,
    )

    rng = random.Random(14)
    local, ld, hotline = lines["local"], lines["ld"], lines["hotline"]
    ClassChange.objects.create(
        line=local,
        from_class=ClassOfService.LOCAL,
        to_class=ClassOfService.DOMESTIC,
        effective_at=at(2026, 10, 10, 12),
        reason="project",
    )
    for to_class in (ClassOfService.INTERNATIONAL, ClassOfService.LOCAL):
        ClassChange.objects.create(  # two at one instant: the last one wins
            line=local,
            from_class=ClassOfService.DOMESTIC,
            to_class=to_class,
            effective_at=at(2026, 10, 20, 8),
            reason="again",
        )
    destinations = ["01088888888", "02166668888", "85223456789", "0012125550100"]
    statuses = [LDStatus.APPROVED, LDStatus.PENDING, LDStatus.LAPSED, LDStatus.REJECTED]
    for n in range(24):
        day = at(2026, 10, 1 + n, 9)
        line = (local, ld)[n % 2]
        status = statuses[n % 4]
        placed = status == LDStatus.LAPSED or (
            status == LDStatus.PENDING and n % 3 == 0
        )
        LongDistanceRequest.objects.create(
            requester=line.owner,
            caller=company.employee_east if n % 5 == 0 else line.owner,
            line=line,
            department=line.department,
            region=(LDRegion.DOMESTIC, LDRegion.HK_MACAU, LDRegion.INTERNATIONAL)[
                n % 3
            ],
            destination_region="x",
            destination_org="y",
            destination_number=("", "17951" + destinations[n % 4], destinations[n % 4])[
                n % 3
            ],
            reason="r",
            expected_minutes=5,
            call_on=day.date(),
            status=status,
            urgent=placed,
            placed_now=placed,
            placed_at=day - timedelta(days=n % 2) if placed else None,
            complete_by=day + timedelta(days=1) if placed else None,
        )
    classes = [
        (CallClass.LOCAL, ""),
        (CallClass.MOBILE, ""),
        (CallClass.DOMESTIC, "17951"),
        (CallClass.DOMESTIC, ""),
        (CallClass.HK_MO_TW, "17909"),
        (CallClass.INTERNATIONAL, ""),
        (CallClass.PREMIUM, ""),
        (CallClass.SERVICE, ""),
        (CallClass.TOLL_FREE, ""),
        (CallClass.INTERNAL, ""),
    ]
    for n in range(900):
        call_class, prefix = rng.choice(classes)
        line = rng.choice([local, ld, local, ld, hotline, "057100000999"])
        called = rng.choice(destinations) if n % 3 else f"0571{rng.randint(0, 99):08d}"
        started = at(2026, 10, 1) + timedelta(minutes=rng.randint(0, 31 * 24 * 60 - 1))
        flags = CallFlag.PREMIUM if n % 97 == 0 else 0
        make_call(
            line,
            called,
            started,
            f"{rng.randint(0, 5000) / 100:.2f}",
            call_class,
            seconds=rng.choice([5, 60, 600, 4000]),
            ip_prefix=prefix,
            flags=flags,
        )
    # Repeated calls: one number many times on one day.
    for n in range(6):
        make_call(local, "057188889999", at(2026, 10, 13, 9, n), "0.30")
    return local.ld_requests.first().line.department_id


@pytest.mark.postgres
def test_set_based_audit_equals_portable_on_a_generated_month(
    company, lines, monkeypatch
):
    from billing.models import BillingPeriod

    _generated_month(company, lines)
    period = BillingPeriod.objects.get(month=at(2026, 10, 1).date())
    set_based, portable = _audit_both_ways(period.pk, monkeypatch)
    rules = {row[1] for row in set_based}
    assert rules >= {
        "premium",
        "ld_unauthorised",
        "ld_lapsed",
        "no_ip",
        "night",
        "long",
        "repeated",
        "hotline_out",
    }
    assert set_based == portable


@pytest.mark.postgres
def test_both_paths_hold_the_same_findings__R_LD_4_R_LD_2(company, lines, monkeypatch):
    """Thresholds low enough for the generated month: both paths hold the same
    long-distance findings (and only those), and charge the premium calls."""
    from billing.models import BillingPeriod
    from telephony_admin.core import config

    config.set_value("deductions.hold_min_findings", "3")
    config.set_value("deductions.hold_share_percent", "0.5")
    _generated_month(company, lines)
    period = BillingPeriod.objects.get(month=at(2026, 10, 1).date())
    set_based, portable = _audit_both_ways(period.pk, monkeypatch)
    held = {(row[1], row[3]) for row in set_based if row[3] == "held"}
    assert held == {("ld_unauthorised", "held"), ("ld_lapsed", "held")}
    assert {row[3] for row in set_based if row[1] == "premium"} == {"charged"}
    assert set_based == portable


def test_finding_totals_follow_decisions(company, lines):
    """The findings page reads FindingTotal: a waiver moves count and amount."""
    from billing.deductions.services.findings import finding_decide

    call = make_call(
        lines["local"], "16812345", at(2026, 10, 8, 10), "1.23", CallClass.PREMIUM
    )
    audits.audit_run(period_id=call.period_id)
    assert _totals(call.period_id) == _totals_from_findings(call.period_id)
    finding = Violation.objects.get(call=call, rule="premium")
    finding_decide(
        actor=company.admin.user, finding_id=finding.pk, status="waived", reason="ok"
    )
    assert _totals(call.period_id) == _totals_from_findings(call.period_id)
    assert FindingTotal.objects.get(period_id=call.period_id).status == "waived"


def test_home_panels_read_the_totals(client, company, lines):
    """Administration's panel counts review flags from FindingTotal; an employee
    sees their charged months."""
    make_call(
        lines["local"], "16812345", at(2026, 10, 13, 10), "1.23", CallClass.PREMIUM
    )
    call = make_call(  # a working day: only its missing IP prefix is a flag
        lines["local"], "01088888888", at(2026, 10, 13, 11), "2.00",
        CallClass.DOMESTIC,
    )  # fmt: skip
    audits.audit_run(period_id=call.period_id)
    client.force_login(company.admin.user)
    page = client.get("/").content.decode()
    assert "1 review flags in 2026-10" in page or "2026-10 有 1 条待复核标记" in page
    client.force_login(company.employee.user)
    page = client.get("/").content.decode()
    assert "2026-10" in page


@pytest.mark.postgres
def test_a_months_first_audit_fills_its_own_partition(company, lines):
    """Findings are partitioned by month: the first audit writes them into the
    month's new table (with the findings written before it, which waited in the
    default partition) and attaches it indexed; later audits insert into it."""
    from django.db import connection

    from billing.deductions.services.findings_partition import DEFAULT, month_table

    premium = CallClass.PREMIUM
    call = make_call(lines["local"], "16888888", at(2026, 10, 13, 10), "2.00", premium)
    period_id = call.period_id
    early = Violation.objects.create(
        call=call,
        period_id=period_id,
        rule="night",
        kind="review",
        status="open",
        line_number=call.line_number,
        called_number=call.called_number,
        started_at=call.started_at,
        charge=call.charge,
        amount=call.charge,
    )

    def rows(table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {table} WHERE period_id = %s", [period_id]
            )
            return cursor.fetchone()[0]

    assert rows(DEFAULT) == 1
    audits.audit_run(period_id=period_id)
    table = month_table(period_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_inherits WHERE inhrelid = %s::regclass", [table]
        )
        assert cursor.fetchone()[0] == 1  # attached
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [table])
        assert cursor.fetchone()[0] == 4  # the parent's four indexes, built
    assert rows(DEFAULT) == 0
    assert rows(table) == Violation.objects.filter(period_id=period_id).count() == 2
    assert Violation.objects.filter(pk=early.pk, rule="night").exists()

    make_call(lines["local"], "16877777", at(2026, 10, 14, 10), "3.00", premium)
    audits.audit_run(period_id=period_id)
    assert rows(table) == Violation.objects.filter(period_id=period_id).count() == 3


def test_the_zones_fixed_offset_is_used_only_where_it_holds():
    """The set-based rules convert call times with a fixed offset when the zone
    keeps one over the month, the zone's name otherwise (same local days)."""
    from datetime import date, timedelta

    from django.test import override_settings

    from billing.deductions.services.audit_sql import fixed_offset

    assert fixed_offset(date(2026, 9, 24), date(2026, 11, 10)) == timedelta(hours=8)
    with override_settings(TIME_ZONE="Europe/Berlin"):
        assert fixed_offset(date(2026, 9, 24), date(2026, 11, 10)) is None
        assert fixed_offset(date(2026, 11, 1), date(2026, 12, 10)) == timedelta(hours=1)
