"""Finding the header row and the columns of a carrier bill (R-BIL-2).

Carriers print title lines above the header and name columns differently; the
built-in aliases cover the common Chinese and English names, and a carrier's saved
mapping profile (``Carrier.column_map``) covers anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

FIELDS = ("line", "called", "start", "duration", "call_type", "charge")
REQUIRED = ("line", "called", "start", "duration", "charge")
FIELD_LABELS = {
    "line": _("Calling line"),
    "called": _("Called number"),
    "start": _("Start time"),
    "duration": _("Duration"),
    "call_type": _("Call type"),
    "charge": _("Charge"),
}

ALIASES: dict[str, tuple[str, ...]] = {
    "line": (
        "主叫号码",
        "本机号码",
        "计费号码",
        "主叫",
        "用户号码",
        "calling number",
        "calling",
        "caller",
        "line",
        "line number",
        "from",
    ),
    "called": (
        "被叫号码",
        "对方号码",
        "被叫",
        "对端号码",
        "called number",
        "called",
        "callee",
        "dialled number",
        "dialed number",
        "to",
    ),
    "start": (
        "通话起始时间",
        "开始时间",
        "起始时间",
        "通话开始时间",
        "通话时间",
        "呼叫时间",
        "start time",
        "start",
        "call time",
        "date/time",
    ),
    "duration": (
        "通话时长",
        "时长",
        "通话时间长度",
        "duration",
        "seconds",
        "call duration",
    ),
    "call_type": (
        "通话类型",
        "通话类别",
        "呼叫类型",
        "话单类型",
        "call type",
        "type",
        "category",
    ),
    "charge": (
        "费用",
        "金额",
        "话费",
        "通话费",
        "费用合计",
        "charge",
        "amount",
        "cost",
        "fee",
    ),
}

_UNIT = re.compile(r"[\(（\[【][^\)）\]】]*[\)）\]】]")


def clean_header(text) -> str:
    """Lower-cased, units like (元)/（秒） and spaces removed."""
    if text is None:
        return ""
    cleaned = _UNIT.sub("", str(text)).strip().lower()
    return " ".join(cleaned.replace("\u3000", " ").split()).strip(":：")


_LOOKUP = {
    clean_header(a): field for field, aliases in ALIASES.items() for a in aliases
}


@dataclass(frozen=True)
class ColumnMap:
    """Positions of our fields in the carrier's rows (``call_type`` may be None)."""

    line: int
    called: int
    start: int
    duration: int
    charge: int
    call_type: int | None
    header_row: int
    headers: tuple[str, ...]

    def header_of(self, field: str) -> str:
        index = getattr(self, field)
        return self.headers[index] if index is not None else ""


def match_header(cells, profile: dict[str, str] | None = None) -> dict[str, int]:
    """Which of our fields each cell names (profile first, then aliases)."""
    custom = {clean_header(v): k for k, v in (profile or {}).items() if k in FIELDS}
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = clean_header(cell)
        if not key:
            continue
        field = custom.get(key) or _LOOKUP.get(key)
        if field and field not in found:
            found[field] = index
    return found


def column_map(row_number: int, cells, found: dict[str, int]) -> ColumnMap:
    return ColumnMap(
        line=found["line"],
        called=found["called"],
        start=found["start"],
        duration=found["duration"],
        charge=found["charge"],
        call_type=found.get("call_type"),
        header_row=row_number,
        headers=tuple(str(c or "").strip() for c in cells),
    )


def missing_fields(found: dict[str, int]) -> list[str]:
    return [f for f in REQUIRED if f not in found]
