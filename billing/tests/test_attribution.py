"""Attribution to the line's department and owner at the call time (R-BIL-3)."""

from __future__ import annotations

import pytest

from billing.models import CallFlag, CallRecord
from billing.services import call_records_reattribute, unattributed_line_resolve

from .conftest import at


def test_attribution_follows_an_owner_change_mid_month__R_BIL_3(
    company, lines, write_bill, run_import
):
    from extensions.services import line_assign

    line_assign(
        line=lines[0],
        owner=company.handler,
        department=company.dept_sales,
        when=at(2026, 10, 15, 12, 0),
    )
    rows = [
        ["057187000001", "82215279", "2026-10-15 11:59:59", "60", "本地", "0.10"],
        ["057187000001", "82215279", "2026-10-15 12:00:00", "60", "本地", "0.20"],
    ]
    run_import(write_bill(rows))
    before, after = CallRecord.objects.order_by("started_at")
    assert before.owner == company.employee
    assert after.owner == company.handler
    assert before.department == after.department == company.dept_sales


def test_unknown_number_is_kept_and_resolved_by_assigning_the_line__R_BIL_3(
    company, lines, write_bill, run_import
):
    rows = [
        ["057187000001", "82215279", "2026-10-03 09:00:00", "60", "本地", "0.10"],
        ["057187009999", "82215279", "2026-10-04 09:00:00", "60", "本地", "0.30"],
        ["057187009999", "82215279", "2026-10-05 09:00:00", "60", "本地", "0.30"],
    ]
    result = run_import(write_bill(rows))
    assert result.rows_imported == 3 and result.rows_unattributed == 2
    stray = CallRecord.objects.filter(line_number="057187009999")
    assert all(c.flags & CallFlag.UNATTRIBUTED for c in stray)
    fixed = unattributed_line_resolve(
        actor=company.admin.user,
        line_number="057187009999",
        department=company.dept_cs,
        owner=company.cs_agent,
    )
    assert fixed == 2
    for call in stray.all():
        assert call.department == company.dept_cs and call.owner == company.cs_agent
        assert not call.flags & CallFlag.UNATTRIBUTED


def test_resolving_needs_administration(company, lines, write_bill, run_import):
    from telephony_admin.errors import PermissionRefused

    run_import(write_bill([["057187009999", "82215279", "2026-10-04 09:00:00", "6",
                            "本地", "0.1"]]))  # fmt: skip
    with pytest.raises(PermissionRefused):
        unattributed_line_resolve(
            actor=company.head_sales.user,
            line_number="057187009999",
            department=company.dept_sales,
        )


def test_reattribute_picks_up_lines_added_later__R_BIL_3(
    company, write_bill, run_import
):
    from extensions.tests.factories import make_line

    run_import(write_bill())
    assert CallRecord.objects.unattributed().count() == 4
    make_line(
        "057187000001", company.dept_fin, company.finance, starts_at=at(2026, 1, 1)
    )
    assert call_records_reattribute() == 2
    assert CallRecord.objects.filter(department=company.dept_fin).count() == 2
