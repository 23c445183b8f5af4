"""Each demo role logs in and sees its own navigation and home page, zh and en."""

import pytest
from django.core.management import call_command

from telephony_admin.org.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# username -> menu sections (data-nav keys) that must / must not appear
EXPECTED = {
    "admin": (
        {"setup", "approvals", "extensions", "billing", "deductions", "callcenter"},
        set(),
    ),
    "gm": ({"approvals", "extensions", "deductions", "complaints"}, {"setup"}),
    "head": ({"approvals", "extensions", "deductions"}, {"setup"}),
    "employee": ({"approvals", "extensions", "billing"}, {"setup", "complaints"}),
    "operator": ({"approvals", "callcenter"}, {"setup", "complaints"}),
    "agent": ({"approvals", "callcenter", "complaints"}, {"setup"}),
    "cshead": ({"approvals", "callcenter", "complaints"}, {"setup"}),
    "handler": ({"approvals", "complaints"}, {"setup"}),
    "finance": ({"approvals", "deductions", "billing"}, {"setup"}),
}


@pytest.fixture
def demo_org(transactional_db):
    from io import StringIO

    from telephony_admin.org import demo

    demo.seed(stdout=StringIO())
    call_command("compile_translations", verbosity=0)


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_sees_its_navigation_in_chinese_and_english(
    username, demo_org, page, login
):
    must, must_not = EXPECTED[username]
    login(username, DEMO_PASSWORD)
    nav = set(
        page.locator("[data-nav]").evaluate_all("els => els.map(e => e.dataset.nav)")
    )
    assert must <= nav and not (must_not & nav), nav
    # Chinese by default.
    assert "待我审批" in page.content()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    # Switch to English with the language menu.
    with page.expect_navigation():
        page.select_option("[data-testid=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Waiting for my approval" in page.content()
