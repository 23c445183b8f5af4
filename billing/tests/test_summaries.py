"""The month's call summaries stay equal to the calls through every write that
changes them (import, correction, duplicates, attribution, the admin)."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.admin.sites import site
from django.db.models import Sum
from django.test import RequestFactory
from django.urls import reverse

from billing import services
from billing.models import CallRecord, CallSummary, PeriodStatus
from billing.services import call_records_reattribute, unattributed_line_resolve
from billing.summaries import call_summaries_of_periods

from .conftest import ROWS, at
from .recount import assert_summaries_current
from .test_import import _months_share_one_call


def test_an_import_writes_the_months_summaries__R_BIL_2(
    company, lines, write_bill, run_import
):
    run_import(write_bill([*ROWS, ROWS[0]]))  # a call repeated within the bill
    assert_summaries_current()
    assert CallSummary.objects.aggregate(n=Sum("calls"))["n"] == 4


def test_a_corrected_bill_replaces_the_carriers_summaries__R_BIL_2(
    company, lines, write_bill, run_import
):
    run_import(write_bill())
    other = run_import(write_bill(ROWS[:1], name="other.csv"), carrier="中国联通")
    corrected = [*ROWS[:3], [*ROWS[3][:5], "0.50"]]
    run_import(write_bill(corrected, name="corrected.csv"))
    assert_summaries_current()
    # The other carrier's month is left as it was.
    assert CallSummary.objects.filter(carrier=other.carrier).get().calls == 1


def test_a_call_on_two_months_bills_is_summed_once__R_BIL_2(
    company, lines, write_bill, run_import
):
    _months_share_one_call(write_bill, run_import)
    assert_summaries_current()


def test_an_unchanged_or_refused_bill_leaves_the_summaries(
    company, lines, write_bill, run_import
):
    path = write_bill()
    run_import(path)
    before = list(CallSummary.objects.values_list("pk", "calls", "charge"))
    run_import(path)  # the same file again
    run_import(write_bill([*ROWS[:2], [*ROWS[2][:5], "x"]], name="bad.csv"))
    run_import(write_bill(ROWS[:1], name="dry.csv"), dry_run=True)
    assert list(CallSummary.objects.values_list("pk", "calls", "charge")) == before


def test_reattribution_moves_the_summaries__R_BIL_3(company, write_bill, run_import):
    from extensions.tests.factories import make_line

    run_import(write_bill())
    assert set(CallSummary.objects.values_list("department", flat=True)) == {None}
    make_line(
        "057187000001", company.dept_fin, company.finance, starts_at=at(2026, 1, 1)
    )
    assert call_records_reattribute() == 2
    assert_summaries_current()
    fin = CallSummary.objects.filter(department=company.dept_fin)
    assert sum(s.charge for s in fin) == Decimal("0.80")


def test_resolving_an_unattributed_line_moves_its_summaries__R_BIL_3(
    company, lines, write_bill, run_import
):
    rows = [
        ["057187000001", "82215279", "2026-10-03 09:00:00", "60", "本地", "0.10"],
        ["057187009999", "82215279", "2026-10-04 09:00:00", "60", "本地", "0.30"],
        ["057187009999", "82215279", "2026-10-05 09:00:00", "60", "本地", "0.30"],
    ]
    run_import(write_bill(rows))
    unattributed_line_resolve(
        actor=company.admin.user,
        line_number="057187009999",
        department=company.dept_cs,
        owner=company.cs_agent,
    )
    assert_summaries_current()
    row = CallSummary.objects.get(line_number="057187009999")
    assert (row.department, row.owner, row.calls) == (
        company.dept_cs,
        company.cs_agent,
        2,
    )


def test_reattribution_leaves_a_closed_months_summaries__R_PRV_4(
    company, write_bill, run_import
):
    from extensions.tests.factories import make_line

    bill = run_import(write_bill())
    bill.period.status = PeriodStatus.CLOSED
    bill.period.save(update_fields=["status"])
    make_line(
        "057187000001", company.dept_fin, company.finance, starts_at=at(2026, 1, 1)
    )
    call_records_reattribute(line_numbers=["057187000001"])
    assert_summaries_current()
    assert not CallSummary.objects.filter(department=company.dept_fin).exists()


def test_admin_changes_and_deletions_rebuild_the_summaries(
    company, lines, write_bill, run_import
):
    bill = run_import(write_bill())
    seen = []
    services.CALLS_CHANGED.append(seen.append)
    try:
        model_admin = site._registry[CallRecord]
        request = RequestFactory().post("/")
        request.user = company.admin.user
        call = CallRecord.objects.get(called_number="82215279")
        call.charge = Decimal("9.99")
        model_admin.save_model(request, call, form=_Form(call), change=True)
        assert_summaries_current()
        model_admin.delete_queryset(
            request, CallRecord.objects.filter(line_number="057187000002")
        )
        assert_summaries_current()
        model_admin.delete_model(request, CallRecord.objects.first())
        assert_summaries_current()
    finally:
        services.CALLS_CHANGED.remove(seen.append)
    assert seen == [[bill.period.month]] * 3
    assert CallSummary.objects.aggregate(n=Sum("calls"))["n"] == 1


def test_the_migration_fills_existing_months(company, lines, write_bill, run_import):
    bill = run_import(write_bill())
    CallSummary.objects.all().delete()
    migration = importlib.import_module("billing.migrations.0009_callsummary")
    migration.summaries_from_calls(apps, None)
    assert_summaries_current()
    CallSummary.objects.all().delete()
    call_summaries_of_periods([bill.period_id])
    assert_summaries_current()


@pytest.mark.parametrize("who", ["admin", "head_sales", "employee"])
def test_call_list_totals_from_summaries_equal_the_calls_in_each_scope(
    client, company, lines, write_bill, run_import, who
):
    """Heads see their departments' totals, employees their own, as before."""
    from billing.selectors import call_totals, calls_visible_to

    run_import(write_bill())
    user = getattr(company, who).user
    client.force_login(user)
    filters = [
        {},
        {"line": "0571870000"},
        {"call_class": "local"},
        {"flag": "8"},
        {"department": company.dept_sales_east.pk},
    ]
    for extra in filters:
        response = client.get(reverse("billing:calls"), {"month": "2026-10", **extra})
        filterset = response.context["filter"]
        assert response.context["totals"] == call_totals(filterset.qs), extra
    expected = {"admin": 4, "head_sales": 4, "employee": 2}[who]
    response = client.get(reverse("billing:calls"), {"month": "2026-10"})
    assert response.context["totals"]["count"] == expected
    assert calls_visible_to(user).count() == expected


class _Form:
    """The admin form's part ``save_model`` reads (the call's month before)."""

    def __init__(self, call):
        self.initial = {"period": call.period_id}


def test_the_call_export_kind_is_registered_by_name():
    """billing registers its export writer by dotted path (not imported at start)."""
    from billing import exports
    from telephony_admin.core.exports import KINDS

    kind = KINDS[exports.EXPORT_KIND]
    assert kind.writer == "billing.exports.calls_export_job_write"
