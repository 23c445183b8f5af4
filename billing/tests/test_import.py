"""Bill import: formats, refusal, idempotence, replacement, closed months (R-BIL-2)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.models import (
    BillingPeriod,
    CallClass,
    CallFlag,
    CallRecord,
    ImportStatus,
    PeriodStatus,
)

from .conftest import HEADER, ROWS, at


def one_row(**changes):
    row = dict(
        zip(
            ["line", "called", "start", "duration", "type", "charge"],
            ROWS[0],
            strict=True,
        )
    )
    row.update(changes)
    return [list(row.values())]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030", "gbk"])
def test_each_encoding_is_detected__R_BIL_2(write_bill, run_import, encoding):
    result = run_import(write_bill(encoding=encoding))
    assert result.status == ImportStatus.SUCCEEDED, result.errors
    assert result.rows_imported == 4
    types = set(CallRecord.objects.values_list("carrier_call_type", flat=True))
    assert types == {"本地", "国内长途", "本地移动"}
    assert result.total_charge == Decimal("1.10")


def test_title_rows_above_the_header_are_skipped__R_BIL_2(write_bill, run_import):
    before = [["中国电信 企业话费详单"], ["账期: 2026年10月", "", "客户: 某公司"], []]
    result = run_import(write_bill(before=before))
    assert result.status == ImportStatus.SUCCEEDED, result.errors
    assert result.rows_imported == 4
    assert CallRecord.objects.get(called_number="82215279").row_number == 5


ALIASES = {
    0: ["主叫号码", "本机号码", "计费号码", "Calling number"],
    1: ["被叫号码", "对方号码", "Called number"],
    2: ["通话起始时间", "开始时间", "起始时间", "Start time"],
    3: ["通话时长", "时长", "时长（秒）", "Duration"],
    4: ["通话类型", "通话类别", "呼叫类型", "Call type"],
    5: ["费用", "金额", "话费", "费用(元)", "金额（元）", "Charge"],
}


@pytest.mark.parametrize(
    ("column", "alias"), [(c, a) for c, names in ALIASES.items() for a in names]
)
def test_each_alias_header_is_recognised__R_BIL_2(
    write_bill, run_import, column, alias
):
    header = list(HEADER)
    header[column] = alias
    result = run_import(write_bill(header=header))
    assert result.status == ImportStatus.SUCCEEDED, result.errors
    assert result.rows_imported == 4


def test_a_carrier_mapping_profile_names_other_headers(write_bill, run_import):
    from billing.models import Carrier

    Carrier.objects.create(name="地方网", column_map={"line": "分机"})
    header = ["分机", *HEADER[1:]]
    result = run_import(write_bill(header=header), carrier="地方网")
    assert result.status == ImportStatus.SUCCEEDED, result.errors


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("75", 75), ("00:01:15", 75), ("1:15", 75), ("1分15秒", 75), ("1小时", 3600)],
)
def test_each_duration_format__R_BIL_2(write_bill, run_import, text, seconds):
    result = run_import(write_bill(one_row(duration=text)))
    assert result.status == ImportStatus.SUCCEEDED, result.errors
    assert CallRecord.objects.get().duration_seconds == seconds


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("0.2", "0.20"),
        ("¥0.20", "0.20"),
        ("0.20元", "0.20"),
        ("￥1,234.50", "1234.50"),
        ("3", "3.00"),
        ("0.125", "0.13"),
    ],
)
def test_each_charge_format_to_the_fen__R_BIL_7(write_bill, run_import, text, amount):
    result = run_import(write_bill(one_row(charge=text)))
    assert result.status == ImportStatus.SUCCEEDED, result.errors
    assert CallRecord.objects.get().charge == Decimal(amount)
    assert result.total_charge == Decimal(amount)


@pytest.mark.parametrize("start", ["2026/10/08 07:45:07", "2026-10-8 7:45:07"])
def test_dates_with_slash_or_dash(write_bill, run_import, start):
    result = run_import(write_bill(one_row(start=start)))
    assert result.status == ImportStatus.SUCCEEDED, result.errors
    call = CallRecord.objects.get()
    assert call.started_at.isoformat() == "2026-10-07T23:45:07+00:00"


def test_totals_row_and_blank_lines_are_skipped__R_BIL_2(write_bill, run_import):
    rows = [ROWS[0], [], ROWS[1], ["", "", "", "", "", ""], ROWS[2], ROWS[3]]
    after = [["合计", "", "", "272", "", "1.10"], []]
    result = run_import(write_bill(rows, after=after))
    assert result.status == ImportStatus.SUCCEEDED, result.errors
    assert result.rows_imported == 4
    assert result.rows_skipped == 4


def test_xlsx_is_read_streaming(write_bill, run_import):
    rows = [[*r[:5], float(r[5])] for r in ROWS]
    result = run_import(write_bill(rows, name="bill.xlsx"))
    assert result.status == ImportStatus.SUCCEEDED, result.errors
    assert result.total_charge == Decimal("1.10")


def test_a_bad_row_refuses_the_whole_bill_with_row_and_reason__R_BIL_2(
    write_bill, run_import
):
    rows = [
        *ROWS,
        ["057187000001", "82215279", "2026-10-09 10:00:00", "x", "本地", "a"],
    ]
    result = run_import(write_bill(rows))
    assert result.status == ImportStatus.FAILED
    assert CallRecord.objects.count() == 0
    assert result.error_count == 2
    by_column = {e["column"]: e for e in result.errors}
    assert by_column["通话时长(秒)"]["row"] == 6
    assert by_column["费用(元)"]["reason"] == "not an amount"


def test_a_call_outside_the_month_is_an_error(write_bill, run_import):
    result = run_import(write_bill(one_row(start="2026-08-01 10:00:00")))
    assert result.status == ImportStatus.FAILED
    assert "outside the billing month" in result.errors[0]["reason"]


def test_dry_run_counts_and_lists_errors_but_imports_nothing__R_BIL_2(
    write_bill, run_import
):
    rows = [*ROWS, ["057187000001", "", "2026-10-09 10:00:00", "5", "本地", "0.1"]]
    result = run_import(write_bill(rows), dry_run=True)
    assert result.status == ImportStatus.CHECKED
    assert result.rows_read == 5 and result.error_count == 1
    assert result.errors[0]["row"] == 6
    assert result.total_charge == Decimal("1.10")
    assert CallRecord.objects.count() == 0


def test_a_repeat_import_counts_nothing_twice__R_BIL_2(write_bill, run_import):
    path = write_bill()
    run_import(path)
    again = run_import(path)
    assert again.status == ImportStatus.UNCHANGED
    assert again.rows_duplicate == 4
    assert CallRecord.objects.count() == 4


def test_a_duplicate_call_within_a_bill_is_stored_once__R_BIL_2(write_bill, run_import):
    result = run_import(write_bill([*ROWS, ROWS[0]]))
    assert result.status == ImportStatus.SUCCEEDED
    assert CallRecord.objects.count() == 4
    assert result.rows_duplicate == 1


def test_a_corrected_bill_replaces_the_carriers_month__R_BIL_2(write_bill, run_import):
    run_import(write_bill())
    corrected = [*ROWS[:3], [*ROWS[3][:5], "0.50"]]
    result = run_import(write_bill(corrected, name="corrected.csv"))
    assert result.status == ImportStatus.SUCCEEDED
    assert result.rows_replaced == 4
    assert CallRecord.objects.count() == 4
    assert CallRecord.objects.get(called_number="16812345").charge == Decimal("0.50")
    other = run_import(write_bill(ROWS[:1], name="other.csv"), carrier="中国联通")
    assert other.rows_duplicate == 0 and CallRecord.objects.count() == 5


def test_a_closed_period_refuses_the_import__R_PRV_4(write_bill, run_import):
    from billing.errors import PeriodClosed

    BillingPeriod.objects.create(month="2026-10-01", status=PeriodStatus.CLOSED)
    with pytest.raises(PeriodClosed):
        run_import(write_bill())
    assert CallRecord.objects.count() == 0


def test_a_period_closed_while_queued_refuses_at_run_time(write_bill, db):
    from billing.services import bill_import_create, bill_import_run, parse_month

    with open(write_bill(), "rb") as source:
        queued = bill_import_create(
            actor=None,
            source=source,
            original_name="bill.csv",
            month=parse_month("2026-10"),
            enqueue=False,
        )
    BillingPeriod.objects.filter(pk=queued.period_id).update(status="closed")
    result = bill_import_run(bill_import_id=queued.pk, progress=False)
    assert result.status == ImportStatus.FAILED
    assert "closed" in result.message


def test_flags_are_stored_on_the_records__R_LD_3(write_bill, run_import):
    rows = [
        [
            "057187000001",
            "02112345678",
            "2026-10-05 13:40:10",
            "68",
            "国内长途",
            "0.60",
        ],
    ]
    run_import(write_bill(rows))
    call = CallRecord.objects.get()
    assert call.call_class == CallClass.DOMESTIC
    assert call.flags & CallFlag.NO_IP_PREFIX
    assert call.flags & CallFlag.UNATTRIBUTED
    assert CallRecord.objects.with_flag(CallFlag.NO_IP_PREFIX).count() == 1
    assert CallRecord.objects.with_flag(CallFlag.PREMIUM).count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_copy_path_with_duplicates_and_refusal__R_BIL_2(
    write_bill, run_import
):
    first = run_import(write_bill([*ROWS, ROWS[0]]))
    assert first.status == ImportStatus.SUCCEEDED
    assert (first.rows_imported, first.rows_duplicate) == (4, 1)
    bad = run_import(write_bill([*ROWS[:2], [*ROWS[2][:5], "x"]], name="bad.csv"))
    assert bad.status == ImportStatus.FAILED
    assert CallRecord.objects.count() == 4  # the refused bill left nothing
    call = CallRecord.objects.get(called_number="82215279")
    assert call.started_at.isoformat() == "2026-10-07T23:45:07+00:00"


# A call on the first night of November is on October's bill (grace days) and on
# November's; another carrier's bill of the same call is a different record.
SHARED = ["057187000001", "82215279", "2026-11-01 00:30:00", "60", "本地", "0.10"]
OCTOBER = [*ROWS, SHARED]
NOVEMBER = [
    SHARED,
    ["057187000002", "13705985840", "2026-11-03 09:00:00", "30", "本地移动", "0.10"],
]


def _months_share_one_call(write_bill, run_import):
    october = run_import(write_bill(OCTOBER, name="october.csv"))
    assert (october.rows_imported, october.rows_duplicate) == (5, 0)
    november = run_import(write_bill(NOVEMBER, name="november.csv"), month="2026-11")
    assert november.status == ImportStatus.SUCCEEDED
    assert (november.rows_imported, november.rows_duplicate) == (1, 1)
    assert CallRecord.objects.filter(called_number="82215279").count() == 2
    shared = CallRecord.objects.get(started_at=at(2026, 11, 1, 0, 30))
    assert shared.bill_import_id == october.pk
    other = run_import(write_bill([SHARED], name="other.csv"), carrier="中国联通")
    assert (other.rows_imported, other.rows_duplicate) == (1, 0)
    # A corrected October replaces October's calls; the shared call (not on
    # November's records) is October's again, once.
    corrected = run_import(write_bill(OCTOBER[1:], name="october-2.csv"))
    assert (corrected.rows_imported, corrected.rows_duplicate) == (4, 0)
    assert corrected.rows_replaced == 5
    assert CallRecord.objects.count() == 4 + 1 + 1
    return october, november, corrected


def test_a_call_on_two_months_bills_is_counted_once__R_BIL_2(write_bill, run_import):
    _months_share_one_call(write_bill, run_import)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_each_import_is_a_partition_and_a_correction_drops_it__R_BIL_2(
    write_bill, run_import
):
    from django.db import connection

    from billing.importers.writers import partition_name

    october, november, corrected = _months_share_one_call(write_bill, run_import)

    def partitions():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c "
                "ON c.oid = i.inhrelid WHERE i.inhparent = 'billing_callrecord'::regclass"
            )
            return {row[0] for row in cursor.fetchall()}

    names = partitions()
    assert partition_name(october.pk) not in names  # replaced by the correction
    assert {partition_name(november.pk), partition_name(corrected.pk)} <= names
    assert CallRecord.objects.filter(bill_import=corrected).count() == 4
    refused = run_import(
        write_bill([*ROWS[:2], [*ROWS[2][:5], "x"]], name="bad.csv"), month="2026-12"
    )
    assert refused.status == ImportStatus.FAILED
    assert partition_name(refused.pk) not in partitions()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [partition_name(refused.pk)])
        assert cursor.fetchone()[0] is None  # nothing left behind
    # ORM writes (default partition) and look-ups by id still work across partitions.
    call = CallRecord.objects.filter(bill_import=november).first()
    assert CallRecord.objects.get(pk=call.pk) == call
