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


def _recorded_actions() -> set[str]:
    """Every action key the code records with ``audit_record`` (a grep of the code)."""
    from pathlib import Path

    from django.conf import settings

    found = set()
    for path in Path(settings.BASE_DIR).rglob("*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        text = path.read_text()
        found |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', text))
        if "complaints" in path.parts and "_transition(" in text:
            found |= {
                f"complaints.{a}" for a in re.findall(r'\baction="([a-z_]+)"', text)
            }
    return found


def test_every_recorded_action_has_a_name_in_both_languages():
    from telephony_admin.core.audit_labels import ACTIONS, action_label

    actions = _recorded_actions()
    assert "deductions.period_closed" in actions and "complaints.send" in actions
    missing = sorted(actions - set(ACTIONS))
    assert not missing, missing
    with translation.override("zh-hans"):
        chinese = {a: action_label(a) for a in ACTIONS}
        assert action_label("deductions.period_closed") == "关闭月份（结账）"
    with translation.override("en"):
        english = {a: action_label(a) for a in ACTIONS}
    assert not [a for a in ACTIONS if chinese[a] == english[a]]


def test_audit_trail_shows_action_names_readable_details_and_beijing_time(
    client, company
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    from telephony_admin.core.services import audit_record

    with time_machine.travel(datetime(2026, 11, 2, 1, 5, tzinfo=ZoneInfo("UTC"))):
        audit_record(
            actor=company.admin,
            action="config.set",
            details={"key": "complaints.answer_basis", "value": "service"},
        )
        audit_record(
            actor=company.admin,
            action="org.roles_set",
            details={"roles": ["finance", "gm"], "dry_run": False},
        )
    client.force_login(company.admin.user)
    with translation.override("zh-hans"):
        html = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    text = _visible(html)
    assert "修改设置" in text and "修改角色" in text
    assert company.admin.name in text  # who: the person, not the login
    assert "config.set" not in text and "org.roles_set" not in text
    # Details: labels and words, not a dict.
    assert "{'" not in text
    assert "投诉：咨询和查询答复计时方式" in text and "仅计服务时间" in text
    assert "finance、gm" in text and "否" in text
    # 01:05 UTC is 09:05 in Beijing.
    assert "2026-11-02 09:05" in text and "时间（北京时间）" in text
