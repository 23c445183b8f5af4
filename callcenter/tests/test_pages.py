"""Every page renders for its roles and refuses the others (roles.md)."""

import pytest
from django.urls import reverse

PAGES = [
    ("callcenter:console", "operator", "employee"),
    ("callcenter:switchboard_log", "admin", "cs_agent"),
    ("callcenter:messages", "employee", "__anon__"),
    ("callcenter:message_new", "operator", "employee"),
    ("callcenter:roster", "head_cs", "__anon__"),
    ("callcenter:shift_new", "head_cs", "operator"),
    ("callcenter:handover_new", "operator", "__anon__"),
    ("callcenter:hotline", "cs_agent", "operator"),
    ("callcenter:answer_rate", "head_cs", "employee"),
    ("callcenter:health", "cs_agent", "employee"),
    ("callcenter:statistics", "admin", "employee"),
    ("callcenter:api_tokens", "admin", "head_cs"),
]


@pytest.mark.parametrize(("name", "allowed", "refused"), PAGES)
def test_page_renders_for_role_and_refuses_others(
    client, company, name, allowed, refused
):
    client.force_login(getattr(company, allowed).user)
    response = client.get(reverse(name))
    assert response.status_code == 200, name
    client.logout()
    if refused == "__anon__":
        assert client.get(reverse(name)).status_code == 302
        return
    client.force_login(getattr(company, refused).user)
    assert client.get(reverse(name)).status_code == 403


def test_menu_and_home_render_for_cs_head(client, company):
    client.force_login(company.head_cs.user)
    response = client.get("/")
    assert response.status_code == 200
    assert "Gaps in the duty roster" in response.content.decode()


def test_console_speaks_chinese(client, company):
    from django.core.management import call_command
    from django.utils.translation import trans_real

    call_command("compile_translations", verbosity=0)
    trans_real._translations.clear()  # catalogues loaded before the .mo existed
    client.force_login(company.operator.user)
    response = client.get(reverse("callcenter:console"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = response.content.decode()
    assert "总机话务台" in body and "已转接" in body
