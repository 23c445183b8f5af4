"""Number plan classification (R-LD-3, R-BIL-5) and the rules' effective dates."""

from __future__ import annotations

from datetime import date

import pytest

from billing.models import CallClass, CallFlag, NumberRule, RuleKind
from billing.numberplan import PlanTimeline, normalise_called, plan_on

C = CallClass


@pytest.mark.parametrize(
    ("number", "call_class", "ip"),
    [
        ("8001", C.INTERNAL, ""),
        ("82215279", C.LOCAL, ""),
        ("5123456", C.LOCAL, ""),
        ("13705985840", C.MOBILE, ""),
        ("19912345678", C.MOBILE, ""),
        ("02343343251", C.DOMESTIC, ""),
        ("075512345678", C.DOMESTIC, ""),
        ("1790902184903659", C.DOMESTIC, "17909"),
        ("1795101021535642", C.DOMESTIC, "17951"),
        ("1791101012345678", C.DOMESTIC, "17911"),
        ("0085212345678", C.HK_MO_TW, ""),
        ("0085312345678", C.HK_MO_TW, ""),
        ("0088612345678", C.HK_MO_TW, ""),
        ("00441234567890", C.INTERNATIONAL, ""),
        ("17909001234567890", C.INTERNATIONAL, "17909"),
        ("4008123456", C.TOLL_FREE, ""),
        ("8008123456", C.TOLL_FREE, ""),
        ("16812345", C.PREMIUM, ""),
        ("16012345", C.PREMIUM, ""),
        ("110", C.EMERGENCY, ""),
        ("119", C.EMERGENCY, ""),
        ("120", C.EMERGENCY, ""),
        ("122", C.EMERGENCY, ""),
        ("95588", C.SERVICE, ""),
        ("123456789012345", C.UNKNOWN, ""),
    ],
)
def test_every_class_of_the_number_plan__R_LD_3(db, number, call_class, ip):
    assert plan_on(date(2026, 10, 1)).classify(number) == (call_class, ip)


def test_premium_call_labelled_local_by_the_carrier_is_flagged__R_BIL_5(db):
    plan = plan_on(date(2026, 10, 1))
    call_class, ip = plan.classify("16812345")
    flags = plan.flags_for(call_class, ip, "本地")
    assert call_class == C.PREMIUM
    assert flags & CallFlag.TYPE_MISMATCH and flags & CallFlag.PREMIUM


def test_carrier_type_that_agrees_is_not_flagged(db):
    plan = plan_on(date(2026, 10, 1))
    assert plan.flags_for(C.MOBILE, "", "本地移动") == 0
    assert plan.flags_for(C.LOCAL, "", "本地") == 0
    assert plan.flags_for(C.DOMESTIC, "17909", "国内长途") == 0


def test_long_distance_without_ip_prefix_is_flagged__R_LD_3(db):
    plan = plan_on(date(2026, 10, 1))
    assert plan.flags_for(C.DOMESTIC, "", "国内长途") == CallFlag.NO_IP_PREFIX
    assert plan.flags_for(C.INTERNATIONAL, "17951", "国际长途") == 0


def test_administrations_own_premium_number_and_effective_dates__R_BIL_5(db):
    NumberRule.objects.create(
        prefix="95105", call_class=C.PREMIUM, min_length=8, max_length=8,
        valid_from=date(2026, 10, 15),
    )  # fmt: skip
    NumberRule.objects.create(
        kind=RuleKind.IP_PREFIX, prefix="96688", valid_from=date(2026, 10, 15)
    )
    timeline = PlanTimeline(date(2026, 10, 1), date(2026, 10, 31))
    before = timeline.plan_for("2026-10-14 23:59:59")
    after = timeline.plan_for("2026-10-15 00:00:00")
    assert before.classify("95105123") == (C.SERVICE, "")
    assert after.classify("95105123") == (C.PREMIUM, "")
    assert after.classify("966880101234567")[1] == "96688"


def test_called_numbers_are_normalised():
    assert normalise_called("+852 1234 5678") == "0085212345678"
    assert normalise_called("+86 138-0000-0000") == "13800000000"
    assert normalise_called("0086 10 12345678") == "01012345678"


def test_local_area_code_is_a_local_call(db):
    from telephony_admin.core import config

    config.set_value("billing.local_area_code", "0571")
    assert plan_on(date(2026, 10, 1)).classify("057188776655")[0] == C.LOCAL


def test_classifying_many_numbers_at_once_matches_one_by_one__R_LD_3(db):
    """``classify_many`` (the import's fast path) memoises on the first digits, the
    length and the carrier text: every number gets what ``classify`` and
    ``flags_for`` give it alone, with and without an IP prefix or the area code."""
    from telephony_admin.core import config

    config.set_value("billing.local_area_code", "0571")
    plan = plan_on(date(2026, 10, 1))
    numbers = [
        "16812345", "16012345", "82215279", "057188776655", "0571887766",
        "13705985840", "1370598584", "02343343251", "1790902184903659",
        "179090571887766", "17909057188776655", "1795101021535642", "17951",
        "0085212345678", "00441234567890", "17909001234567890", "4008123456",
        "110", "95588", "8001", "123456789012345", "1", "",
    ]  # fmt: skip
    types = ["本地", "国内长途", " 本地 ", "", "声讯", "国际"]
    pairs = [(n, t) for n in numbers for t in types]
    for _ in range(2):  # the second time every answer comes from the memo
        found = plan.classify_many([n for n, _ in pairs], [t for _, t in pairs])
        expected = []
        for number, kind in pairs:
            call_class, ip = plan.classify(number)
            flags = plan.flags_for(call_class, ip, kind.strip())
            expected.append((call_class, ip, int(flags), kind.strip()))
        assert found == expected
