"""``manage.py import_bill`` exit codes and output (R-BIL-2), and the demo."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from billing.models import CallRecord


def test_command_imports_and_exits_zero(write_bill, db):
    out = io.StringIO()
    call_command("import_bill", str(write_bill()), "--period", "2026-10", stdout=out)
    assert "4 calls imported" in out.getvalue()
    assert CallRecord.objects.count() == 4


def test_command_prints_errors_and_fails(write_bill, db):
    bad = write_bill(
        [["057187000001", "8221", "2026-10-03 09:00:00", "?", "本地", "1"]]
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_bill", str(bad), "--period", "2026-10", stdout=io.StringIO(),
            stderr=err,
        )  # fmt: skip
    assert "row 2" in err.getvalue()
    assert CallRecord.objects.count() == 0


def test_command_dry_run_imports_nothing(write_bill, db):
    call_command(
        "import_bill", str(write_bill()), "--period", "2026-10", "--dry-run",
        stdout=io.StringIO(),
    )  # fmt: skip
    assert CallRecord.objects.count() == 0


def test_demo_seed_is_idempotent(db):
    from billing.demo import seed

    seed(stdout=io.StringIO())
    seed(stdout=io.StringIO())
    assert CallRecord.objects.count() == 300
