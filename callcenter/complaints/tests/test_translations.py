"""Every string of the complaint desk has a Simplified Chinese translation."""

from pathlib import Path

import polib

PO = Path(__file__).resolve().parents[1] / "locale/zh_Hans/LC_MESSAGES/django.po"


def test_chinese_catalogue_is_complete():
    catalogue = polib.pofile(str(PO))
    untranslated = [e.msgid for e in catalogue if not e.msgstr and not e.obsolete]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []
    for entry in catalogue:
        for name in ("number", "clock", "span", "count", "size", "month", "n"):
            placeholder = f"%({name})s"
            assert (placeholder in entry.msgid) == (placeholder in entry.msgstr), (
                entry.msgid
            )


def test_workflow_words_read_as_this_catalogue_says__R_CMP_7():
    """Another app's catalogue must not win for the history's words ("Answered" is
    a picked-up call there): each state and step reads as this app translates it."""
    from django.utils import translation

    from callcenter.complaints.models import (
        ClockKind,
        ClockState,
        EventAction,
        EventLevel,
        Status,
    )

    own: dict[str, set[str]] = {}
    for entry in polib.pofile(str(PO)):
        if not entry.obsolete:
            own.setdefault(entry.msgid, set()).add(entry.msgstr)
    for choices in (Status, EventAction, ClockState, ClockKind, EventLevel):
        for label in choices.labels:
            with translation.override("en"):
                english = str(label)
            with translation.override("zh-hans"):
                chinese = str(label)
            assert chinese in own[english], (english, chinese)
