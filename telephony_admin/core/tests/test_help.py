"""The help page: each role reads its own section, in both languages (issue 15)."""

import pytest
from django.utils import translation

from telephony_admin.core.help import HELP
from telephony_admin.org.models import Role

pytestmark = pytest.mark.django_db

# company fixture login -> the role whose section it must see
LOGINS = {
    "admin": Role.ADMIN,
    "gm": Role.GM,
    "head_sales": Role.DEPT_HEAD,
    "employee": Role.EMPLOYEE,
    "operator": Role.OPERATOR,
    "cs_agent": Role.CS_AGENT,
    "head_cs": Role.CS_HEAD,
    "handler": Role.HANDLER,
    "finance": Role.FINANCE,
}


def test_every_role_has_a_section_with_journeys_and_links():
    assert {s.role for s in HELP} == set(Role)
    for section in HELP:
        assert section.journeys, section.role
        assert any(step.url for j in section.journeys for step in j.steps)


@pytest.mark.parametrize("login", sorted(LOGINS))
def test_each_role_sees_its_own_section(client, company, login):
    user = getattr(company, login).user
    client.force_login(user)
    html = client.get("/help/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    role = LOGINS[login]
    assert f'data-testid="help-{role.value}"' in html
    if role not in (Role.ADMIN,):
        assert 'data-testid="help-admin"' not in html
    # Every page the help sends this role to opens for it.
    section = next(s for s in HELP if s.role == role)
    for url in {step.url for j in section.journeys for step in j.steps if step.url}:
        assert client.get(url).status_code in (200, 302), url


def test_help_reads_in_chinese_and_english(client, company):
    client.force_login(company.operator.user)
    with translation.override("zh-hans"):
        zh = client.get("/help/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "你负责总机" in zh and 'href="/callcenter/' in zh
    with translation.override("en"):
        en = client.get("/help/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You run the switchboard" in en


def test_the_navbar_links_the_help_page(client, company):
    client.force_login(company.employee.user)
    assert 'data-testid="help"' in client.get("/").content.decode()


def test_anonymous_is_sent_to_log_in(client):
    response = client.get("/help/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
