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
