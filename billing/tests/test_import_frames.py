"""Plain segments of a bill read by polars in the workers (``frames``) give exactly
what the row-by-row parser gives: the same calls, classes, flags, attribution, raw
rows and totals (R-BIL-2, R-BIL-3, R-BIL-5, R-LD-3)."""

from __future__ import annotations

import csv

import pytest

from billing.importers import parallel
from billing.models import CallFlag, CallRecord, ImportStatus

from .conftest import HEADER, at
from .test_import_parallel import FIELDS

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Every class of the number plan, with and without an IP prefix, and carrier
# texts that agree, disagree (a premium call billed as local) or say nothing.
CALLS = [
    ("82215279", "本地"),  # local
    ("057182215279", "本地"),  # local with the area code
    ("13705985840", "本地移动"),  # mobile
    ("1795101021535642", "国内长途"),  # domestic with an IP prefix
    ("01021535642", "国内长途"),  # domestic without one (R-LD-3)
    ("17909008613800138000", "国际长途"),  # international with an IP prefix
    ("0085223456789", "港澳台"),  # Hong Kong
    ("0014155550100", "国际"),  # international
    ("4008123123", "免费"),  # toll-free
    ("16812345", "本地"),  # premium billed as local (R-BIL-5)
    ("16012345678", "声讯"),  # premium
    ("110", "紧急"),  # emergency
    ("95105", "本地"),  # service
    ("8001", ""),  # internal short number
    ("99", "其他"),  # unknown
    ("13705985840", "长途  "),  # carrier text with spaces
]


def _rows(count=900):
    rows = []
    for n in range(count):
        called, kind = CALLS[n % len(CALLS)]
        line = "057187000001"
        if n % 97 == 5:
            line = "057187009999"  # not in the directory: unattributed
        if 400 <= n < 420:
            line = "057187000002"  # changes hands on the 15th: row by row
        start = f"2026-10-{1 + n % 30:02d} {n % 24:02d}:{n % 60:02d}:{n % 57:02d}"
        charge = f"{n % 7}.{n % 10}0" if n % 5 else str(n % 4)
        rows.append([line, called, start, str(n % 600), kind, charge])
    return rows


def _write(path, rows, *, encoding, delimiter):
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        writer.writerows([["话费详单 2026年10月"], HEADER, *rows])
        writer.writerows([[], ["合计", "", "", "", "", "1.00"]])
    return path


@pytest.fixture
def number_plan():
    """The default plan (a test that commits empties the tables after it)."""
    from importlib import import_module

    from django.apps import apps

    import_module("billing.migrations.0002_default_number_plan").seed(apps, None)


@pytest.fixture
def merged(monkeypatch):
    """The summaries the workers' parts merge into."""
    found = []
    merge = parallel.merge

    def spy(*args, **kwargs):
        found.append(merge(*args, **kwargs))
        return found[-1]

    monkeypatch.setattr(parallel, "merge", spy)
    return found


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8-sig", ","), ("gb18030", "\t")]
)
def test_polars_segments_store_what_the_row_by_row_parser_stores(
    company, lines, number_plan, run_import, settings, monkeypatch, merged, tmp_path,
    encoding, delimiter,
):  # fmt: skip
    from extensions.services import line_assign

    line_assign(
        line=lines[1],
        owner=company.handler,
        department=company.dept_sales,
        when=at(2026, 10, 15, 12, 0),
    )
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "FRAME_BLOCK", 4096)  # many segments
    path = _write(
        tmp_path / "bill.csv", _rows(), encoding=encoding, delimiter=delimiter
    )

    settings.BILL_IMPORT_WORKERS = 1
    single = run_import(path)
    settings.BILL_IMPORT_WORKERS = 2
    several = run_import(path, carrier="中国联通")

    assert single.status == several.status == ImportStatus.SUCCEEDED
    summary = merged[-1]
    # Most segments went through polars; those with the line that changes hands,
    # the header's and the totals row's did not.
    assert 600 < summary.frame_rows < 900
    for field in ("rows_read", "rows_imported", "rows_skipped", "rows_unattributed",
                  "rows_flagged", "total_charge"):  # fmt: skip
        assert getattr(single, field) == getattr(several, field), field
    assert several.rows_imported == 900 and several.rows_unattributed == 10

    def stored(bill_import):
        return sorted(
            CallRecord.objects.filter(bill_import=bill_import).values_list(*FIELDS)
        )

    assert stored(single) == stored(several)
    premium = CallRecord.objects.filter(bill_import=several, called_number="16812345")
    assert premium.count() == len(
        range(CALLS.index(("16812345", "本地")), 900, len(CALLS))
    )
    assert all(
        c.call_class == "premium"
        and c.flags & CallFlag.PREMIUM
        and c.flags & CallFlag.TYPE_MISMATCH
        and c.carrier_call_type == "本地"
        for c in premium
    )
    handed = CallRecord.objects.filter(bill_import=several, line_number="057187000002")
    assert {c.owner_id for c in handed} == {
        company.employee_east.pk,
        company.handler.pk,
    }


def test_a_bad_row_in_a_polars_segment_is_reported_with_its_file_row(
    lines, run_import, settings, monkeypatch, tmp_path
):
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "FRAME_BLOCK", 4096)
    rows = _rows()
    rows[700][3] = "7 minutes"  # file row 703: title, header, then the rows
    settings.BILL_IMPORT_WORKERS = 2
    result = run_import(
        _write(tmp_path / "b.csv", rows, encoding="utf-8", delimiter=",")
    )
    assert result.status == ImportStatus.FAILED
    assert [(e["row"], e["column"]) for e in result.errors] == [(703, HEADER[3])]
    assert CallRecord.objects.count() == 0
