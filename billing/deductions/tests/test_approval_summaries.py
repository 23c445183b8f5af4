"""The approvals inbox shows a quota plan's and a private call's key facts inline."""

from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse

from billing.deductions.services import quotas
from telephony_admin.approvals.registry import summary_of


def test_quota_plan_summary_gives_year_departments_and_monthly_total__R_BIL_1(
    company,
):
    plan = quotas.quota_plan_propose(actor=company.admin.user, year=2026)
    plan = quotas.quota_plan_submit(actor=company.admin.user, plan_id=plan.pk)
    total = plan.departments.aggregate(total=Sum("monthly_amount"))["total"]
    rows = {str(k): v for k, v in summary_of(plan.approval)}
    assert rows["Year"] == "2026"
    assert rows["Departments"] == str(plan.departments.count())
    assert rows["Monthly quota, all departments"] == f"{Decimal(total):,.2f}"


def test_gm_inbox_lists_the_quota_plan_with_its_total__R_BIL_1(client, company):
    plan = quotas.quota_plan_propose(actor=company.admin.user, year=2026)
    plan = quotas.quota_plan_submit(actor=company.admin.user, plan_id=plan.pk)
    client.force_login(company.gm.user)
    page = client.get(reverse("approvals:inbox")).content.decode()
    assert "Phone-charge quota plan" in page
    assert "Monthly quota, all departments" in page
