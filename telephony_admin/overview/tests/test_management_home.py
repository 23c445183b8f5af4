"""The management home's figures on a constructed month, its scopes and refusals,
and the report hub's one month picker (issue 15, part 6)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from telephony_admin.core import config
from telephony_admin.overview.figures import figures_for

from .builders import NOW, build_month

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def month(company):
    return build_month(company)


def figures(user, when=NOW, month_start=date(2026, 10, 1)):
    with time_machine.travel(when, tick=False):
        return {f.key: f for f in figures_for(user, month_start)}


def group_rows(figure, index):
    return [(r.text, r.value) for r in figure.groups[index].rows]


# --- Cost against quota (R-BIL-4) and its trend -----------------------------------


def test_gm_reads_the_company_cost_against_quota__R_BIL_4(company, month):
    cost = figures(company.gm.user)["cost"]
    assert cost.value == "550.75 yuan"
    assert "1,700.00" in cost.note and "32%" in cost.note
    assert cost.url == "/deductions/?month=2026-10"


def test_head_reads_their_departments_cost_against_quota__R_BIL_4(company, month):
    cost = figures(company.head_sales.user)["cost"]
    # Sales with its sub-department (R-ORG-3): 300.50 + 100.00 + 50.25 of 1,200.
    assert cost.value == "450.75 yuan"
    assert "1,200.00" in cost.note and "37%" in cost.note
    assert cost.tone == "success"


def test_cost_trend_has_twelve_months_to_the_chosen_one__R_BIL_4(company, month):
    chart = figures(company.head_sales.user)["cost"].chart
    assert chart.labels[0] == "2025-11" and chart.labels[-1] == "2026-10"
    assert len(chart.labels) == 12
    actual, quota = chart.datasets
    assert actual["data"][-2:] == [40.0, 450.75]
    assert actual["data"][:10] == [0.0] * 10
    assert quota["data"][:2] == [None, None]  # 2025 has no approved plan
    assert quota["data"][2:] == [1200.0] * 10


def test_cost_without_a_quota_says_so(company, month):
    from billing.deductions.models import QuotaPlan

    QuotaPlan.objects.all().delete()
    cost = figures(company.gm.user)["cost"]
    assert cost.note == "No approved quota for this month."
    assert cost.tone == "secondary"


def test_over_quota_shows_in_red__R_BIL_4(company, month):
    from billing.deductions.models import DepartmentQuota

    DepartmentQuota.objects.filter(department=company.dept_sales).update(
        monthly_amount=Decimal("100.00")
    )
    cost = figures(company.head_sales.user)["cost"]
    assert "150%" in cost.note and cost.tone == "danger"


# --- Overdue complaints (R-CMP-3) -------------------------------------------------


def test_overdue_complaints_counted_like_the_overdue_queue__R_CMP_3(
    client, company, month
):
    overdue = figures(company.gm.user)["overdue-complaints"]
    assert overdue.value == "2"
    assert overdue.url == "/complaints/?queue=overdue"
    assert {r.text.split(" ", 1)[1] for r in overdue.groups[0].rows} == {
        "逾期销售",
        "逾期财务",
    }
    client.force_login(company.gm.user)
    with time_machine.travel(NOW, tick=False):
        page = client.get(overdue.url)
    assert page.context["page"].paginator.count == 2


def test_head_counts_only_their_departments_overdue_complaints__R_CMP_3(company, month):
    overdue = figures(company.head_sales.user)["overdue-complaints"]
    assert overdue.value == "1"
    assert [r.text.split(" ", 1)[1] for r in overdue.groups[0].rows] == ["逾期销售"]


# --- Answer rate (R-HOT-6) --------------------------------------------------------


def test_answer_rate_this_month_against_the_last__R_HOT_6(company, month):
    rate = figures(company.gm.user)["answer-rate"]
    assert rate.value == "90.0%"
    assert "9 of 10" in rate.note and "last month 80.0%" in rate.note
    assert "(+10.0)" in rate.note
    assert rate.tone == "success"
    assert rate.url == "/callcenter/hotline/answer-rate/?month=2026-10"


def test_answer_rate_only_for_who_sees_the_hotline__R_HOT_6(company, month):
    assert "answer-rate" not in figures(company.head_sales.user)
    assert "answer-rate" in figures(company.head_cs.user)  # CS head: the hotline's


# --- Approvals waiting too long ---------------------------------------------------


def test_gm_sees_every_request_waiting_longer_than_the_setting(company, month):
    waiting = figures(company.gm.user)["waiting-approvals"]
    made = month["approvals"]
    assert waiting.value == "2"  # the employee's (4 days) and head_cs's (5 days)
    assert [r.url for r in waiting.groups[0].rows] == [
        f"/approvals/{made['gm'].pk}/",
        f"/approvals/{made['old'].pk}/",
    ]
    assert "2 working days" in waiting.note
    assert waiting.url == "/approvals/waiting/"


def test_head_sees_their_departments_waiting_requests_only(company, month):
    waiting = figures(company.head_sales.user)["waiting-approvals"]
    assert waiting.value == "1"
    assert waiting.groups[0].rows[0].url == (
        f"/approvals/{month['approvals']['old'].pk}/"
    )


def test_waiting_threshold_is_a_setting(company, month):
    config.set_value("approvals.waiting_alert_working_days", 6)
    assert figures(company.gm.user)["waiting-approvals"].value == "0"
    config.set_value("approvals.waiting_alert_working_days", 0)
    assert figures(company.gm.user)["waiting-approvals"].value == "3"


def test_waiting_page_lists_them_and_refuses_others(client, company, month):
    client.force_login(company.head_sales.user)
    with time_machine.travel(NOW, tick=False):
        page = client.get("/approvals/waiting/")
    assert [s.request_id for s in page.context["steps"]] == [
        month["approvals"]["old"].pk
    ]
    client.force_login(company.employee.user)
    assert client.get("/approvals/waiting/").status_code == 403


# --- Top violations ---------------------------------------------------------------


def test_gm_top_violations_by_rule_and_person__R_PRV_3(company, month):
    top = figures(company.gm.user)["violations"]
    assert top.value == "4"  # the waived finding is left out
    assert group_rows(top, 0) == [
        ("Premium number", "2"),
        ("Night or weekend call", "1"),
        ("Unregistered private call", "1"),
    ]
    assert group_rows(top, 1) == [("张三", "100.00 yuan"), ("李四", "10.00 yuan")]
    premium = top.groups[0].rows[0]
    assert premium.url == "/deductions/findings/?month=2026-10&rule=premium"
    person = top.groups[1].rows[0]
    assert person.url == (
        f"/deductions/findings/?month=2026-10&employee={company.employee.pk}"
        "&status=charged"
    )


def test_head_top_violations_are_their_departments__R_PRV_3(client, company, month):
    top = figures(company.head_sales.user)["violations"]
    assert top.value == "3"
    assert [text for text, _ in group_rows(top, 0)] == [
        "Premium number",
        "Unregistered private call",
    ]
    client.force_login(company.head_sales.user)
    listed = client.get(top.groups[1].rows[0].url)
    assert listed.status_code == 200


# --- Pages, scope and refusals ----------------------------------------------------


def test_gm_home_opens_on_the_management_overview(client, company, month):
    client.force_login(company.gm.user)
    with time_machine.travel(NOW, tick=False):
        page = client.get("/")
    html = page.content.decode()
    assert 'data-testid="management-home"' in html
    assert 'id="chart-cost"' in html
    assert "Whole company" in html
    assert 'data-panel="approvals-waiting"' in html  # the usual panels follow


def test_head_home_shows_their_department_as_scope(client, company, month):
    client.force_login(company.head_sales.user)
    with time_machine.travel(NOW, tick=False):
        page = client.get("/overview/", {"month": "2026-10"})
    assert page.status_code == 200
    assert page.context["scope_label"] == "销售部、华东销售组"
    assert 'data-testid="figure-value-cost">450.75 yuan' in page.content.decode()


@pytest.mark.parametrize("username", ["employee", "operator", "cs_agent", "finance"])
def test_management_home_refused_to_others(client, company, username):
    client.force_login(getattr(company, username).user)
    assert client.get("/overview/").status_code == 403
    home = client.get("/")
    assert home.status_code == 200
    assert 'data-testid="management-home"' not in home.content.decode()


def test_management_home_asks_for_login(client, db):
    assert client.get("/overview/").status_code == 302


def test_management_home_reads_totals_not_the_months_calls(client, company, month):
    """Fast on a month of a million calls: the summaries, not ``CallRecord``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(company.gm.user)
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as q:
        assert client.get("/overview/").status_code == 200
    sql = " ".join(query["sql"] for query in q.captured_queries)
    assert "billing_callsummary" in sql
    assert "billing_callrecord" not in sql


def test_management_home_month_picker_chooses_the_month(client, company, month):
    client.force_login(company.gm.user)
    with time_machine.travel(NOW, tick=False):
        page = client.get("/overview/", {"month": "2026-09"})
    figures_ = {f.key: f for f in page.context["figures"]}
    assert figures_["cost"].value == "40.00 yuan"
    assert figures_["answer-rate"].value == "80.0%"


# --- Report hub -------------------------------------------------------------------


def test_hub_month_picker_reaches_every_report(client, company, month):
    client.force_login(company.gm.user)
    page = client.get("/overview/reports/", {"month": "2026-07"})
    urls = {
        item["link"].key: item["url"]
        for items in page.context["sections"].values()
        for item in items
    }
    assert urls == {
        "calls": "/billing/calls/?month=2026-07",
        "statement": "/deductions/?month=2026-07",
        "findings": "/deductions/findings/?month=2026-07",
        "complaints": "/complaints/reports/?month=2026-07",
        "answer-rate": "/callcenter/hotline/answer-rate/?month=2026-07",
        "traffic": "/callcenter/statistics/?year=2026",
    }
    assert 'href="/deductions/?month=2026-07"' in page.content.decode()
    # Each report opens on the hub's month (they keep their own month parameter).
    assert client.get(urls["statement"]).context["month"] == date(2026, 7, 1)
    assert client.get(urls["complaints"]).context["month"] == date(2026, 7, 1)
    assert client.get(urls["answer-rate"]).context["month"] == date(2026, 7, 1)
    assert client.get(urls["traffic"]).context["year"] == 2026


def test_hub_lists_reports_by_role(client, company):
    def keys(person):
        client.force_login(person.user)
        page = client.get("/overview/reports/", {"month": "2026-07"})
        assert page.status_code == 200
        return {
            item["link"].key
            for items in page.context["sections"].values()
            for item in items
        }

    assert keys(company.employee) == {"calls", "findings"}
    assert keys(company.head_sales) == {"calls", "statement", "findings", "complaints"}
    # Everybody is an employee: their own calls and findings, and the operator's
    # traffic statistics.
    assert keys(company.operator) == {"calls", "findings", "traffic"}
    assert "answer-rate" in keys(company.cs_agent)
    assert "statement" in keys(company.finance)


def test_hub_defaults_to_last_month(client, company):
    client.force_login(company.gm.user)
    with time_machine.travel(NOW, tick=False):
        page = client.get("/overview/reports/")
    assert page.context["month"] == date(2026, 9, 1)


def test_navbar_links_the_hub_and_the_management_home(client, company):
    client.force_login(company.gm.user)
    html = client.get("/overview/reports/").content.decode()
    assert 'href="/overview/"' in html and 'href="/overview/reports/"' in html
    client.force_login(company.employee.user)
    html = client.get("/").content.decode()
    assert 'href="/overview/reports/"' in html and 'href="/overview/"' not in html


def test_management_home_reads_in_chinese(client, company, month):
    client.force_login(company.gm.user)
    client.cookies["django_language"] = "zh-hans"
    with time_machine.travel(NOW, tick=False):
        html = client.get("/overview/", HTTP_ACCEPT_LANGUAGE="zh-hans").content
    html = html.decode()
    for text in ("管理概览", "本月话费", "逾期投诉", "热线接通率", "等待过久的审批"):
        assert text in html
    for english in ("Telephone cost this month", "Overdue complaints", "By rule"):
        assert english not in html


def test_plug_ins_keep_the_app_boundaries():
    """callcenter and complaints import neither billing nor extensions; the host
    imports no domain app (docs/CONVENTIONS.md)."""
    import ast
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)

    def imported(path):
        names = set()
        for node in ast.walk(ast.parse((root / path).read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
        return names

    for path in ("callcenter/overview.py", "callcenter/complaints/overview.py"):
        assert not imported(path) & {"billing", "extensions"}
    for path in (root / "telephony_admin/overview").glob("*.py"):
        assert not imported(path.relative_to(root)) & {
            "billing",
            "extensions",
            "callcenter",
        }
