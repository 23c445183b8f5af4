"""Every menu page, for every role, reads in plain words (issue 15, part 4).

The demo company is seeded once for the module (the demo ``seed_demo`` machinery:
lines, a month of calls, findings, complaints, rosters); each role of the company logs
in, and its home page plus every link of its navbar menu answers 200 (or a
deliberate redirect) in Chinese, shows no rule ID in its visible text and no English
text that the catalogues translate (an untranslated msgid left on the page).
"""

from __future__ import annotations

import re
from datetime import datetime
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import polib
import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from telephony_admin.core.navigation import menu_for

ROOT = Path(settings.BASE_DIR)
RULE_ID = re.compile(r"R-[A-Z]{2,4}-\d+")
# A setting's key or an audit action shown as is ("complaints.answer_basis").
RAW_KEY = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$")
# A Python dict printed as is ({'key': 'value'}).
RAW_DICT = re.compile(r"^\{'[a-z_]+': ")
# Links followed one level below the menu pages (one per URL shape), except those
# that download files or leave the application's pages.
SKIP = re.compile(
    r"^/(admin|accounts|i18n|static|media)/|export|download|\.(xlsx|csv|json)"
)
# The demo logins and the role each one plays (telephony_admin/org/demo.py).
ROLES = {
    "admin": "administration",
    "gm": "general manager",
    "head": "department head",
    "employee": "employee",
    "operator": "switchboard operator",
    "agent": "customer-service agent",
    "cshead": "customer-service head",
    "handler": "complaint handler",
    "finance": "finance",
}
NOW = datetime(2026, 11, 18, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def _translated_msgids() -> set[str]:
    """English msgids the catalogues translate into something else."""
    found: set[str] = set()
    for po in ROOT.rglob("locale/zh_Hans/LC_MESSAGES/django.po"):
        if ".venv" in po.parts:
            continue
        for entry in polib.pofile(str(po)):
            text = entry.msgid.strip()
            if (
                entry.msgstr
                and entry.msgstr.strip() != text
                and "%" not in text
                and "{" not in text
                and len(re.findall(r"[A-Za-z]", text)) >= 3
            ):
                found.add(text)
    return found


def _phrases(msgids: set[str]) -> list[str]:
    """Msgids of two words or more, to find inside a longer text."""
    return [m for m in msgids if " " in m and len(m) >= 8 and "\n" not in m]


class _VisibleText(HTMLParser):
    """The text nodes a reader sees (no scripts, styles or templates), plus the
    attributes read out or shown (placeholder, title, aria-label)."""

    HIDDEN = {"script", "style", "template", "noscript"}
    SHOWN_ATTRS = {"placeholder", "title", "aria-label"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.nodes: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        for name, value in attrs:
            if name in self.SHOWN_ATTRS and value and value.strip():
                self.nodes.append(value.strip())

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.nodes.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return parser.nodes


@pytest.fixture(scope="module")
def demo_company(django_db_setup, django_db_blocker):
    """The demo company, seeded once, rolled back after the module."""
    with (
        time_machine.travel(NOW, tick=False),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        call_command("compile_translations", verbosity=0)
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def _pages(user) -> list[tuple[str, str]]:
    pages = [("home", "/"), ("help", "/help/")]
    for section in menu_for(user):
        for item in section.items:
            pages.append((f"{section.key}: {item.label}", item.url))
    return pages


def crawl(client, username) -> tuple[list[str], list[str]]:
    """Log in as ``username`` (Chinese interface) and read every menu page.

    Returns (pages read, problems found)."""
    from django.contrib.auth import get_user_model
    from django.utils import translation

    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    msgids = _translated_msgids()
    with translation.override("zh-hans"):
        pages = _pages(user)
    # People's logins are data, not interface text ("agent", "head").
    msgids -= set(get_user_model().objects.values_list("username", flat=True))
    problems, read = [], []
    shapes = {re.sub(r"\d+", "N", url) for _name, url in pages}
    queue = [(name, url, True) for name, url in pages]
    while queue:
        name, url, follow = queue.pop(0)
        if url.startswith("/admin/"):
            continue  # Django's own admin: its texts are Django's catalogue
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        read.append(url)
        if response.status_code in (301, 302):
            continue  # a deliberate redirect (to the page that applies)
        if response.status_code != 200:
            problems.append(f"{url} ({name}): HTTP {response.status_code}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for node in visible_text(html):
            if RULE_ID.search(node):
                problems.append(f"{url}: rule ID in “{node[:80]}”")
            if node in msgids:
                problems.append(f"{url}: untranslated “{node[:80]}”")
            elif re.search(r"[A-Za-z]{3}", node) and re.search(
                r"[\u4e00-\u9fff]", node
            ):
                # Chinese text around an English phrase the catalogues translate
                # ("您的决定：Administration office").
                for phrase in _phrases(msgids):
                    if phrase in node:
                        problems.append(f"{url}: untranslated “{phrase}” in “{node}”")
            if RAW_KEY.match(node) or RAW_DICT.match(node):
                problems.append(f"{url}: raw key or data “{node[:80]}”")
        if not follow:
            continue
        for link in re.findall(r'href="(/[^"#?]*)"', html):
            shape = re.sub(r"\d+", "N", link)
            if shape in shapes or SKIP.search(link):
                continue
            shapes.add(shape)
            queue.append((f"link on {url}", link, False))
    return read, problems


@pytest.mark.parametrize("username", sorted(ROLES))
def test_every_menu_page_of_every_role_reads_in_chinese_without_rule_ids(
    username, demo_company, client, db, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    read, problems = crawl(client, username)
    assert len(read) >= 3, read  # the home page and the role's menu
    assert not problems, "\n".join(sorted(set(problems)))


def test_the_crawl_finds_an_untranslated_msgid_and_a_rule_id():
    """The checks themselves see what they look for (and skip scripts)."""
    html = (
        "<p>审批</p><p>Waiting for my approval</p><p>见 R-BIL-5</p>"
        "<script>var x = 'Waiting for my approval';</script>"
    )
    nodes = visible_text(html)
    assert nodes == ["审批", "Waiting for my approval", "见 R-BIL-5"]
    assert "Waiting for my approval" in _translated_msgids()
    assert [n for n in nodes if RULE_ID.search(n)] == ["见 R-BIL-5"]
