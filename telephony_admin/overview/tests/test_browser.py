"""The management home in a browser: the GM's company and a head's department."""

import pytest
import time_machine
from django.core.management import call_command

from .builders import NOW, build_month

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def built(transactional_db, company):
    call_command("compile_translations", verbosity=0)
    build_month(company)
    return company


def test_gm_then_head_open_the_management_home(built, page, login):
    with time_machine.travel(NOW, tick=True):
        login("gm")
        page.goto("/")
        home = page.locator("[data-testid=management-home]")
        assert "全公司" in home.locator("[data-testid=management-scope]").inner_text()
        canvas = page.locator("canvas#chart-cost")
        canvas.wait_for(state="visible")
        assert page.evaluate("() => !!Chart.getChart('chart-cost')")
        value = page.locator("[data-testid=figure-value-cost]")
        assert value.inner_text() == "550.75 元"
        assert (
            page.locator("[data-testid=figure-value-overdue-complaints]").inner_text()
            == "2"
        )
        assert (
            page.locator("[data-testid=figure-value-answer-rate]").inner_text()
            == "90.0%"
        )
        assert (
            page.locator("[data-testid=figure-value-waiting-approvals]").inner_text()
            == "2"
        )
        # On a phone the chart keeps its height.
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(300)
        box = canvas.bounding_box()
        assert 200 <= box["height"] <= 240, box
        # The figure links to the page it comes from.
        with page.expect_navigation():
            page.click("[data-testid=figure-link-cost]")
        assert "/deductions/?month=2026-10" in page.url

        page.context.clear_cookies()
        login("head_sales")
        page.goto("/")
        scope = page.locator("[data-testid=management-scope]").inner_text()
        assert "销售部" in scope and "全公司" not in scope
        assert (
            page.locator("[data-testid=figure-value-cost]").inner_text() == "450.75 元"
        )
        assert (
            page.locator("[data-testid=figure-value-overdue-complaints]").inner_text()
            == "1"
        )
        assert page.locator("[data-figure=answer-rate]").count() == 0
        page.locator("canvas#chart-cost").wait_for(state="visible")
