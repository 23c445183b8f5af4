"""Parsing the values of a bill row: time, duration, charge (R-BIL-2, R-BIL-7).

Each parser has a fast path for the form most bills use and a slow path for the
rest; both return canonical text (times as local "YYYY-MM-DD HH:MM:SS", charges as
"123.45") so the importer can stream them to the database unchanged. Errors are
``ValueError`` with a translated reason.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

FEN = Decimal("0.01")

_TIME = re.compile(
    r"\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2})[:时](\d{1,2})"
    r"(?:[:分](\d{1,2})秒?)?(?:\.\d+)?)?\s*$"
)
_COMPACT = re.compile(r"\s*(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)\s*$")
_DURATION_CN = re.compile(
    r"^(?:(\d+)\s*(?:小时|时|h))?\s*(?:(\d+)\s*(?:分钟|分|min|m))?\s*"
    r"(?:(\d+)\s*(?:秒钟|秒|sec|s))?$"
)
_CHARGE = re.compile(r"\d+(?:\.\d{1,2})?")
_CHARGE_JUNK = str.maketrans("", "", "¥￥元 ,，\u3000")


def parse_time_slow(value) -> str:
    """Canonical local time text of ``value`` (text with - or /, or a datetime)."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d 00:00:00")
    text = str(value)
    match = _TIME.match(text) or _COMPACT.match(text)
    if not match:
        raise ValueError(_("not a date and time"))
    parts = [int(p) if p else 0 for p in match.groups()]
    try:
        moment = datetime(*parts)  # noqa: DTZ001 (local wall time, validated only)
    except ValueError as exc:
        raise ValueError(_("not a valid date and time")) from exc
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def parse_duration(value) -> int:
    """Seconds from 75, "75", "75.0", "00:01:15", "1:15", "1分15秒", "1小时2分"."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value < 0 or value != int(value):
            raise ValueError(_("not a whole number of seconds"))
        return int(value)
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    if not text:
        raise ValueError(_("empty"))
    if ":" in text or "：" in text:
        parts = text.replace("：", ":").split(":")
        if len(parts) > 3 or not all(p.strip().isdigit() for p in parts):
            raise ValueError(_("not a duration"))
        seconds = 0
        for part in parts:
            seconds = seconds * 60 + int(part)
        return seconds
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is not None:
        if number < 0 or number != number.to_integral_value():
            raise ValueError(_("not a whole number of seconds"))
        return int(number)
    match = _DURATION_CN.match(text.lower())
    if not match or not any(match.groups()):
        raise ValueError(_("not a duration"))
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def parse_charge_slow(value) -> Decimal:
    """Yuan to the fen (R-BIL-7) from "1.20", "¥1.20", "1.20元", "1,234.5" or a number.

    More than two decimals (some carriers print 厘) are rounded half up to the fen.
    """
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    else:
        text = str(value).translate(_CHARGE_JUNK)
        if text.upper().startswith("RMB"):
            text = text[3:]
        if not text:
            raise ValueError(_("empty"))
        try:
            amount = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(_("not an amount")) from exc
    if not amount.is_finite():
        raise ValueError(_("not an amount"))
    if amount < 0:
        raise ValueError(_("negative amount"))
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def is_plain_charge(text: str) -> bool:
    return _CHARGE.fullmatch(text) is not None
