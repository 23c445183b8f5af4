"""The interface is fully translated: every catalogue entry has a Chinese text."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATALOGUES = sorted(
    p
    for p in ROOT.rglob("locale/zh_Hans/LC_MESSAGES/django.po")
    if ".venv" not in p.parts
)


def test_there_are_catalogues():
    assert CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete(path):
    catalogue = polib.pofile(str(path))
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not missing, f"untranslated in {path}: {missing[:10]}"
    assert not fuzzy, f"fuzzy in {path}: {fuzzy[:10]}"


def test_a_closed_month_reads_as_closed_books_not_as_a_closed_ticket():
    """A fault's or a complaint's "Closed" is 已关闭; a month's status and its
    history say 已结账 (one set of status words: the event reads as the status),
    next to 未结账 (the closing page, R-PRV-4)."""
    from django.utils import translation

    from billing.deductions.models import PeriodAction
    from billing.models import PeriodStatus

    with translation.override("zh-hans"):
        assert str(PeriodStatus.OPEN.label) == "未结账"
        assert str(PeriodStatus.CLOSED.label) == "已结账"
        assert str(PeriodAction.CLOSED.label) == "已结账"
    with translation.override("en"):
        assert str(PeriodStatus.CLOSED.label) == "Closed"


def test_no_rule_id_in_text_users_read():
    """Rule IDs (R-BIL-5 ...) stay in code, tests and docs: no catalogue entry, in
    either language, and no template text outside comments shows one (issue 15)."""
    import re
    from pathlib import Path

    import polib

    root = Path(__file__).resolve().parent.parent
    rule_id = re.compile(r"R-[A-Z]{2,4}-\d")
    found = []
    for po in root.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"):
        if ".venv" in po.parts:
            continue
        for entry in polib.pofile(str(po)):
            if rule_id.search(entry.msgid + entry.msgstr):
                found.append(f"{po.relative_to(root)}: {entry.msgid[:60]}")
    comment = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.S)
    for template in root.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        if rule_id.search(comment.sub("", template.read_text())):
            found.append(str(template.relative_to(root)))
    assert not found, found
