"""The settings page and the audit trail read in words (issue 15, part 4)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from telephony_admin.core import config

pytestmark = pytest.mark.django_db


def _visible(html: str) -> str:
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _settings_page(client, company, language):
    client.force_login(company.admin.user)
    with translation.override(language):
        return client.get("/settings/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_settings_page_shows_labels_help_and_explained_choices_not_keys(
    client, company
):
    html = _settings_page(client, company, "en")
    assert "complaints.answer_basis" not in _visible(html)
    assert "Service hours only" in html and "Every hour (wall clock)" in html
    assert "The clock runs day and night" in html
    assert "How the first-reply time limit is counted." in html
    assert "Default: Service hours only" in html
    assert "Switchboard and hotline" in html
    # Every setting has words saying what it does.
    assert all(str(s.help_text) for s in config.REGISTRY.values())


def test_settings_page_in_chinese_explains_the_clock_choices(client, company):
    html = _settings_page(client, company, "zh-hans")
    assert "仅计服务时间" in html and "按自然时间（全天计时）" in html
    assert "默认值：" in html and "投诉" in html
    assert "“wall”" not in html and "“service”" not in html


def test_a_choice_setting_refuses_a_value_outside_its_choices(client, company):
    client.force_login(company.admin.user)
    data = {key: s.render(config.get(key)) for key, s in config.REGISTRY.items()}
    data["complaints.answer_basis"] = "sometimes"
    response = client.post("/settings/", data)
    assert response.status_code == 200
    assert config.get("complaints.answer_basis") == "wall"
    data["complaints.answer_basis"] = "service"
    assert client.post("/settings/", data).status_code == 302
    assert config.get("complaints.answer_basis") == "service"


def test_a_yes_no_setting_is_a_choice_of_yes_or_no(client, company):
    client.force_login(company.admin.user)
    data = {key: s.render(config.get(key)) for key, s in config.REGISTRY.items()}
    data["callcenter.switchboard_working_days_only"] = "false"
    assert client.post("/settings/", data).status_code == 302
    assert config.get("callcenter.switchboard_working_days_only") is False
