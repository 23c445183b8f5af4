"""On a phone (390 px) report tables scroll sideways with the first column in view,
and charts keep their height."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def translated():
    call_command("compile_translations", verbosity=0)


def test_statistics_table_scrolls_with_sticky_period_column_and_charts_keep_height__R_SWB_5(
    company, translated, page, login
):
    page.set_viewport_size({"width": 390, "height": 844})
    login("admin")
    page.goto("/callcenter/statistics/")
    for chart in ("#chart-calls", "#chart-hours"):
        height = page.locator(chart).bounding_box()["height"]
        assert height >= 200, height
    wrapper = page.locator(".table-sticky-first").first
    overflow = wrapper.evaluate("w => w.scrollWidth - w.clientWidth")
    assert overflow > 0  # wider than the phone: it scrolls sideways
    first = wrapper.locator("tbody tr td").first
    second = wrapper.locator("tbody tr td").nth(1)
    before = (first.bounding_box()["x"], second.bounding_box()["x"])
    wrapper.evaluate("w => { w.scrollLeft = 120; }")
    page.wait_for_timeout(100)
    after = (first.bounding_box()["x"], second.bounding_box()["x"])
    assert after[0] == pytest.approx(before[0], abs=1)  # the period stays in view
    assert after[1] < before[1] - 50  # the figures scrolled
