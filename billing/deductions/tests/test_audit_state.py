"""A deduction sheet finance can trust (R-PRV-4, R-BIL-5): the month's audit state
gates the export and closing; ``import_bill`` audits itself; ``audit_month``;
立即稽核 queues a task and the page follows it; input changes make a month stale."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from billing.deductions.models import AuditRunStatus, MonthAudit, Rule, Violation
from billing.deductions.services.audit_state import audit_state
from billing.deductions.services.audits import audit_month_run, audit_run
from billing.deductions.services.export import deductions_export
from billing.deductions.services.periods import period_close
from billing.models import BillingPeriod, CallClass
from billing.services import bill_import_create, bill_import_run, parse_month
from telephony_admin.errors import DomainError

from .factories import at
from .sheets import data_rows

pytestmark = pytest.mark.django_db

BILL = (
    "主叫号码,被叫号码,通话起始时间,通话时长(秒),通话类型,费用(元)\n"
    "057187000001,16800123,2026-10-08 10:15:00,120,本地,2.40\n"
    "057187000001,16012345678,2026-10-09 10:15:00,60,本地,1.11\n"
    "057187000001,82215279,2026-10-08 11:00:00,60,本地,0.20\n"
)
PREMIUM_CHARGES = Decimal("2.40") + Decimal("1.11")


@pytest.fixture
def no_worker(settings):
    """Tasks are queued and nobody runs them (no worker, or the worker behind)."""
    from telephony_admin.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    queued = []
    from billing.deductions import tasks

    original = tasks.audit_run_task.delay
    tasks.audit_run_task.delay = lambda *a, **k: queued.append((a, k))
    yield queued
    tasks.audit_run_task.delay = original
    app.conf.task_always_eager = True


def _import(company, captured) -> BillingPeriod:
    with captured(execute=True):
        queued = bill_import_create(
            actor=company.admin.user,
            source=io.BytesIO(BILL.encode("utf-8")),
            original_name="bill.csv",
            month=parse_month("2026-10"),
            enqueue=False,
        )
    with captured(execute=True):
        bill_import_run(bill_import_id=queued.pk, progress=False)
    return BillingPeriod.objects.get(month=parse_month("2026-10"))


def test_export_refused_while_the_audit_is_pending__R_PRV_4(
    lines, company, no_worker, django_capture_on_commit_callbacks
):
    period = _import(company, django_capture_on_commit_callbacks)
    assert no_worker, "the import queued its audit"
    state = audit_state(period)
    assert state.code == "queued" and not state.exportable
    with pytest.raises(DomainError, match="not current"):
        deductions_export(actor=company.finance.user, period=period)
    with pytest.raises(DomainError, match="not current"):
        period_close(actor=company.finance.user, period=period)
    audit_month_run(period_id=period.pk)
    assert audit_state(period).code == "current"
    data, total = deductions_export(actor=company.finance.user, period=period)
    assert total == PREMIUM_CHARGES * 5


def test_export_page_refuses_before_queuing_while_the_audit_is_pending__R_PRV_4(
    client, lines, company, no_worker, settings, django_capture_on_commit_callbacks
):
    from telephony_admin.core.models import ExportJob

    _import(company, django_capture_on_commit_callbacks)
    settings.EXPORT_INLINE_MAX_ROWS = 0  # any month would be a job
    client.force_login(company.finance.user)
    response = client.get("/deductions/closing/2026-10/export.xlsx", follow=True)
    assert not ExportJob.objects.exists()
    assert "not current" in response.content.decode()


def test_a_queued_export_whose_audit_is_no_longer_current_fails_saying_why__R_PRV_4(
    lines, company, no_worker, django_capture_on_commit_callbacks
):
    from telephony_admin.core.exports import export_job_request, export_job_run
    from telephony_admin.core.models import ExportStatus

    period = _import(company, django_capture_on_commit_callbacks)
    job = export_job_request(  # queued before the bill came in: no check now
        actor=company.finance.user,
        kind="deductions",
        params={"period": period.pk},
        file_name="deductions-2026-10.xlsx",
    )
    job = export_job_run(job_id=job.pk)
    assert job.status == ExportStatus.FAILED and "not current" in job.error
    assert not job.file_path


def test_import_bill_then_export_deductions_with_no_worker_has_the_penalties__R_BIL_5(
    lines, company, no_worker, tmp_path
):
    bill = tmp_path / "bill.csv"
    bill.write_text(BILL, encoding="utf-8")
    out = io.StringIO()
    call_command("import_bill", str(bill), "--period", "2026-10", stdout=out)
    assert "Audit of 2026-10" in out.getvalue()
    sheet = tmp_path / "deductions.xlsx"
    call_command(
        "export_deductions", "--period", "2026-10", "--out", str(sheet), stdout=out
    )
    book = load_workbook(sheet)
    summary = book.worksheets[1]
    premium = sum(Decimal(str(row[4] or 0)) for row in data_rows(summary))
    assert premium == PREMIUM_CHARGES * 5


def test_import_bill_no_audit_leaves_the_export_refused(
    lines, company, no_worker, tmp_path
):
    bill = tmp_path / "bill.csv"
    bill.write_text(BILL, encoding="utf-8")
    call_command(
        "import_bill",
        str(bill),
        "--period",
        "2026-10",
        "--no-audit",
        stdout=io.StringIO(),
    )
    with pytest.raises(CommandError, match="not current"):
        call_command(
            "export_deductions",
            "--period",
            "2026-10",
            "--out",
            str(tmp_path / "x.xlsx"),
            stdout=io.StringIO(),
        )


def test_audit_month_prints_findings_per_rule_and_a_rerun_does_nothing(
    lines, company, no_worker, tmp_path, django_capture_on_commit_callbacks
):
    _import(company, django_capture_on_commit_callbacks)
    out = io.StringIO()
    call_command("audit_month", "--period", "2026-10", stdout=out)
    text = out.getvalue()
    assert "2 new findings" in text and "Premium number: 2" in text
    again = io.StringIO()
    call_command("audit_month", "--period", "2026-10", stdout=again)
    assert "nothing changed" in again.getvalue()
    assert Violation.objects.filter(rule=Rule.PREMIUM).count() == 2
    forced = io.StringIO()
    call_command("audit_month", "--period", "2026-10", "--force", stdout=forced)
    assert "0 new findings" in forced.getvalue()


def test_an_input_change_makes_the_month_stale(lines, company):
    from extensions.models import LDRegion, LDStatus, LongDistanceRequest

    from .factories import make_call

    call = make_call(lines["local"], "16812345", at(2026, 10, 8, 10), "1.00")
    audit_run(period_id=call.period_id)
    period = call.period
    assert audit_state(period).code == "current"
    request = LongDistanceRequest.objects.create(
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
    )
    assert audit_state(period).code == "stale"
    audit_run(period_id=period.pk)
    assert audit_state(period).code == "current"
    # A decision by conditional UPDATE (no signal) counts through its timestamp.
    from extensions.services.long_distance import ld_on_approved

    ld_on_approved(type("R", (), {"subject_id": request.pk})(), None)
    request.refresh_from_db()
    assert request.status == LDStatus.APPROVED
    assert audit_state(period).code == "stale"


def test_run_audit_button_queues_a_task_and_the_page_follows_it(
    client, lines, company, no_worker, django_capture_on_commit_callbacks
):
    from .factories import make_call

    call = make_call(
        lines["local"], "16812345", at(2026, 10, 8, 10), "1.00", CallClass.PREMIUM
    )
    client.force_login(company.admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("deductions:audit_run"), {"month": "2026-10"})
    assert response.status_code == 302
    assert len(no_worker) == 1
    assert not Violation.objects.exists(), "no request waits for an audit"
    page = client.get(reverse("deductions:findings") + "?month=2026-10")
    assert page.context["audit"].code == "queued"
    assert 'data-testid="audit-progress"' in page.content.decode()
    status = client.get(reverse("deductions:audit_status") + "?month=2026-10").json()
    assert status["state"] == "queued" and status["running"]
    # A second press is refused up front, with the reason on the page.
    again = client.post(
        reverse("deductions:audit_run"), {"month": "2026-10"}, follow=True
    )
    assert "already queued or running" in again.content.decode()
    assert len(no_worker) == 1
    # The worker runs it.
    from billing.deductions.tasks import audit_run_task

    audit_run_task(call.period_id, user_id=company.admin.user.pk)
    job = MonthAudit.objects.get(period_id=call.period_id)
    assert job.status == AuditRunStatus.DONE and job.created == {"premium": 1}
    status = client.get(reverse("deductions:audit_status") + "?month=2026-10").json()
    assert status["state"] == "current" and not status["running"]
    # Pressed again with nothing changed: said so, nothing queued.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            reverse("deductions:audit_run"), {"month": "2026-10"}, follow=True
        )
    assert "The audit is current" in again.content.decode()
    assert len(no_worker) == 1


def test_run_audit_refused_up_front_for_a_closed_month(
    client, lines, company, no_worker
):
    from .factories import make_call

    call = make_call(lines["local"], "16812345", at(2026, 10, 8, 10), "1.00")
    audit_run(period_id=call.period_id)
    deductions_export(actor=company.finance.user, period=call.period)
    period_close(actor=company.finance.user, period=call.period)
    client.force_login(company.admin.user)
    page = client.post(
        reverse("deductions:audit_run"), {"month": "2026-10"}, follow=True
    )
    assert "is closed" in page.content.decode()
    assert not no_worker
    # The findings page says the month is closed; its button is disabled.
    findings = client.get(reverse("deductions:findings") + "?month=2026-10")
    html = findings.content.decode()
    assert 'data-testid="closed"' in html
    button = html[html.index('data-testid="run-audit"') :].split(">", 1)[0]
    assert "disabled" in button


def test_employees_cannot_queue_an_audit(client, lines, company, no_worker):
    client.force_login(company.employee.user)
    response = client.post(reverse("deductions:audit_run"), {"month": "2026-10"})
    assert response.status_code == 403
    assert not no_worker


def test_closing_page_shows_the_audit_state(
    client, lines, company, no_worker, django_capture_on_commit_callbacks
):
    _import(company, django_capture_on_commit_callbacks)
    client.force_login(company.finance.user)
    page = client.get(reverse("deductions:closing")).content.decode()
    assert 'data-state="queued"' in page
    response = client.get(reverse("deductions:export", args=["2026-10"]), follow=True)
    assert "not current" in response.content.decode()


def test_closing_button_says_why_the_audit_blocks_it_before_asking_for_an_export(
    client, lines, company, no_worker, django_capture_on_commit_callbacks
):
    """Neither exported nor audited: the close button names the audit (the export
    it would ask for first is refused too), as the download button does (R-PRV-4)."""
    period = _import(company, django_capture_on_commit_callbacks)
    client.force_login(company.finance.user)
    page = client.get(reverse("deductions:closing")).content.decode()
    close = page[page.index('data-testid="close"') :].split(">", 1)[0]
    assert "disabled" in close
    assert audit_state(period).message in close
    assert "Export the workbook first" not in close


def test_closing_asks_for_confirmation_showing_what_it_locks__R_PRV_4(
    client, lines, company, no_worker
):
    """The close button leads to a confirmation: the month, its total deductions,
    the people and the last export; the confirmation closes it."""
    from .factories import make_call

    call = make_call(
        lines["local"], "16812345", at(2026, 10, 8, 10), "1.00", CallClass.PREMIUM
    )
    audit_run(period_id=call.period_id)
    deductions_export(actor=company.finance.user, period=call.period)
    client.force_login(company.finance.user)
    closing = client.get(reverse("deductions:closing")).content.decode()
    url = reverse("deductions:close", args=["2026-10"])
    assert f'href="{url}" data-testid="close"' in closing
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "5.00" in html  # 5 x the premium call's charge
    assert page.context["people"] == 1
    assert page.context["refusal"] is None
    assert 'data-testid="confirm-close"' in html
    call.period.refresh_from_db()
    assert not call.period.is_closed  # looking closes nothing
    client.post(url)
    call.period.refresh_from_db()
    assert call.period.is_closed
    # Employees cannot even look.
    client.force_login(company.employee.user)
    assert client.get(url).status_code == 403
