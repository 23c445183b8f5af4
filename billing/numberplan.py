"""Classification of called numbers by the number plan (号码规则), R-LD-3, R-BIL-5.

``NumberPlan`` is built once from the ``NumberRule`` rows effective on a day and then
classifies millions of numbers with a few dict look-ups each: strip an IP prefix
(17909, 17951, ...), then take the longest matching prefix whose length range fits.
``PlanTimeline`` picks the plan effective on the call's date when rules change within
a month. The carrier's own call-type text is compared with the class: when they
disagree both are kept and the call is flagged.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from itertools import compress
from operator import itemgetter, not_

from .models import LONG_DISTANCE, CallClass, CallFlag, NumberRule, RuleKind

C = CallClass
MEMO_LIMIT = 200_000

# Carrier call-type keywords -> classes compatible with that text. First match wins;
# an unrecognised text is not compared.
CARRIER_TYPES: list[tuple[tuple[str, ...], frozenset[str]]] = [
    (("声讯", "信息台", "信息服务", "premium"), frozenset({C.PREMIUM})),
    (
        ("港澳台", "香港", "澳门", "台湾", "hong kong", "macau", "taiwan"),
        frozenset({C.HK_MO_TW}),
    ),
    (("国际", "international", "idd"), frozenset({C.INTERNATIONAL, C.HK_MO_TW})),
    (("长途", "long distance", "ddd"), frozenset({C.DOMESTIC, C.MOBILE})),
    (("免费", "400", "800", "toll"), frozenset({C.TOLL_FREE})),
    (("紧急", "急救", "emergency"), frozenset({C.EMERGENCY})),
    (("移动", "手机", "mobile"), frozenset({C.MOBILE})),
    (
        ("本地", "市话", "区内", "local", "内部", "internal"),
        frozenset({C.LOCAL, C.MOBILE, C.INTERNAL, C.EMERGENCY, C.TOLL_FREE, C.SERVICE}),
    ),
]


def carrier_type_classes(text: str) -> frozenset[str] | None:
    """Classes compatible with the carrier's call-type text, or None if unknown."""
    lowered = text.strip().lower()
    if not lowered:
        return None
    for keywords, classes in CARRIER_TYPES:
        if any(k in lowered for k in keywords):
            return classes
    return None


def normalise_called(raw: str) -> str:
    """Digits only; ``+`` becomes ``00``; China's own 0086/+86 is dialled as domestic."""
    number = raw.strip()
    if number.isdigit():
        digits = number
    else:
        digits = "".join(ch for ch in number if ch.isdigit())
        if number.startswith("+"):
            digits = "00" + digits
    if digits.startswith("0086") and len(digits) > 6:
        rest = digits[4:]
        digits = rest if rest.startswith("1") and len(rest) == 11 else "0" + rest
    return digits


class NumberPlan:
    """The rules effective on one day, indexed by prefix for fast classification."""

    def __init__(self, rules: Iterable[NumberRule], *, local_area_code: str = ""):
        self.ip_prefixes: list[str] = []
        self.by_prefix: dict[str, list[tuple[int, int, str]]] = {}
        for rule in rules:
            if rule.kind == RuleKind.IP_PREFIX:
                if rule.prefix:
                    self.ip_prefixes.append(rule.prefix)
                continue
            entry = (rule.min_length, rule.max_length, rule.call_class)
            self.by_prefix.setdefault(rule.prefix, []).append(entry)
        self.ip_prefixes.sort(key=len, reverse=True)
        self.ip_heads = {p[:3] for p in self.ip_prefixes}
        self.lengths = sorted({len(p) for p in self.by_prefix}, reverse=True)
        self.longest = self.lengths[0] if self.lengths else 0
        self.local_area_code = local_area_code
        self._flags: dict[tuple[str, bool, str], int] = {}
        # The class depends only on the first ``longest`` digits and the length of
        # the number (after the IP prefix and area code): memoised on that key.
        self._classes: dict[tuple[str, int], str] = {}
        # For ``classify_many``: (class, ip prefix, flags) memoised on the first
        # digits, the length and the carrier's text. Numbers without an IP prefix
        # or the area code need only the first ``longest`` digits (at least 3, to
        # tell): ``_simple``; the others ``_dialled`` on more digits.
        short = max(self.longest, 3, len(local_area_code))
        full = max(map(len, self.ip_prefixes), default=0) + len(local_area_code)
        self._short = itemgetter(slice(0, short))
        self._full = itemgetter(slice(0, max(full + self.longest, short)))
        self._simple: dict[tuple[str, int, str], tuple[str, str, int, str]] = {}
        self._dialled: dict[tuple[str, int, str], tuple[str, str, int, str]] = {}

    def classify(self, number: str) -> tuple[str, str]:
        """``(class, ip_prefix)`` of a normalised called number."""
        ip = ""
        if number[:3] in self.ip_heads:
            for prefix in self.ip_prefixes:
                if number.startswith(prefix) and len(number) > len(prefix) + 2:
                    ip, number = prefix, number[len(prefix) :]
                    break
        area = self.local_area_code
        if area and number.startswith(area) and len(number) - len(area) >= 7:
            number = number[len(area) :]
        key = (number[: self.longest], len(number))
        call_class = self._classes.get(key)
        if call_class is None:
            if len(self._classes) >= MEMO_LIMIT:  # bounded memory whatever the plan
                self._classes.clear()
            call_class = self._classes[key] = self.class_of(number)
        return call_class, ip

    def classify_many(
        self, numbers: Sequence[str], carrier_types: Sequence[str]
    ) -> list[tuple[str, str, int, str]]:
        """``(class, ip_prefix, flags, carrier text)`` of each normalised called
        number, with the carrier's call-type text of the same row (unstripped, as in
        the bill; stripped in the answer, as compared).

        The same as ``classify`` and ``flags_for`` row by row, in C (``map``) with
        one or two dictionary look-ups per number: the answer depends only on the
        number's first digits, its length and the carrier's text.
        """
        found = self._lookup(self._simple, self._short, numbers, carrier_types)
        if None not in found:
            return found
        missing = list(compress(range(len(found)), map(not_, found)))
        numbers = list(map(numbers.__getitem__, missing))
        carrier_types = list(map(carrier_types.__getitem__, missing))
        dialled = self._lookup(self._dialled, self._full, numbers, carrier_types)
        for index, result, number, kind in zip(
            missing, dialled, numbers, carrier_types, strict=True
        ):
            found[index] = result or self._remember(number, kind)
        return found

    @staticmethod
    def _lookup(memo, head, numbers, carrier_types) -> list:
        keys = zip(map(head, numbers), map(len, numbers), carrier_types, strict=True)
        return list(map(memo.get, keys))

    def _remember(self, number: str, carrier_type: str) -> tuple[str, str, int, str]:
        call_class, ip = self.classify(number)
        text = carrier_type.strip()
        result = (call_class, ip, int(self.flags_for(call_class, ip, text)), text)
        area = self.local_area_code
        if number[:3] not in self.ip_heads and not (
            area and number.startswith(area) and len(number) - len(area) >= 7
        ):
            memo, head = self._simple, self._short
        else:
            memo, head = self._dialled, self._full
        if len(memo) >= MEMO_LIMIT:  # bounded memory whatever the plan
            memo.clear()
        memo[head(number), len(number), carrier_type] = result
        return result

    def class_of(self, number: str) -> str:
        """The class of a number without IP prefix or area code: the longest
        matching prefix whose length range fits."""
        size = len(number)
        by_prefix = self.by_prefix
        for length in self.lengths:
            if length > size:
                continue
            entries = by_prefix.get(number[:length])
            if entries:
                for low, high, call_class in entries:
                    if low <= size <= high:
                        return call_class
        return C.UNKNOWN

    def flags_for(self, call_class: str, ip: str, carrier_type: str) -> int:
        """Flags the classification alone decides (the carrier text is compared)."""
        key = (call_class, bool(ip), carrier_type)
        flags = self._flags.get(key)
        if flags is None:
            flags = self._flags[key] = self._compute_flags(call_class, ip, carrier_type)
        return flags

    def _compute_flags(self, call_class: str, ip: str, carrier_type: str) -> int:
        flags = 0
        if call_class in LONG_DISTANCE and not ip:
            flags |= CallFlag.NO_IP_PREFIX  # R-LD-3
        if call_class == C.PREMIUM:
            flags |= CallFlag.PREMIUM  # R-BIL-5
        if call_class == C.UNKNOWN:
            flags |= CallFlag.UNKNOWN_NUMBER
        else:
            classes = carrier_type_classes(carrier_type)
            if classes is not None and call_class not in classes:
                flags |= CallFlag.TYPE_MISMATCH
        return flags


def _local_area_code() -> str:
    from telephony_admin.core import config

    return str(config.get("billing.local_area_code") or "").strip()


def plan_on(day: date) -> NumberPlan:
    """The number plan effective on ``day``."""
    return NumberPlan(
        NumberRule.objects.effective_on(day), local_area_code=_local_area_code()
    )


class PlanTimeline:
    """The plans of ``[start, end]`` (rules with effective dates): one per change."""

    def __init__(self, start: date, end: date):
        rules = list(NumberRule.objects.overlapping(start, end))
        area = _local_area_code()
        changes = {start}
        for rule in rules:
            if start < rule.valid_from <= end:
                changes.add(rule.valid_from)
            if rule.valid_until and start <= rule.valid_until < end:
                changes.add(rule.valid_until + timedelta(days=1))
        self.days = sorted(changes)
        self.keys = [d.isoformat() for d in self.days]
        self.plans = [
            NumberPlan(
                [
                    r
                    for r in rules
                    if r.valid_from <= d
                    and (r.valid_until is None or r.valid_until >= d)
                ],
                local_area_code=area,
            )
            for d in self.days
        ]
        self.single = self.plans[0] if len(self.plans) == 1 else None

    def plan_for(self, local_time: str) -> NumberPlan:
        """The plan for a call at ``local_time`` ("YYYY-MM-DD HH:MM:SS")."""
        if self.single is not None:
            return self.single
        index = bisect_right(self.keys, local_time[:10]) - 1
        return self.plans[max(index, 0)]
